"""Run the real `python -m bot run` against telegram-test-api (test-only launcher).

The product is started unmodified, from its own entry point and its own environment variables;
the only addition is the emulator's payload corrections, installed before it starts.
"""

import sys

from tests.e2e.emulator_request import install_globally

if __name__ == "__main__":
    install_globally()
    from bot.cli import main

    sys.exit(main(["run", *sys.argv[1:]]))
