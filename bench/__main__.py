"""`python -m bench` — see `bench.answers`."""

import sys

from bench.answers import main

if __name__ == "__main__":
    sys.exit(main())
