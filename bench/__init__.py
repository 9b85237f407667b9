"""Benchmarks: `python -m bench` prints a table (`--json` for machines)."""
