"""`python -m bench`: every benchmark, each row printed beside its baseline of the same run.

A benchmark is one entry of `BENCHMARKS`: a name (for `--only`) and a function that runs it
from the parsed arguments and returns its result with the function that prints its table.
Each imports its module when it runs, so `--only guard` needs neither the development set nor
the Telegram stack. Timings are wall-clock on a shared machine unless a table says otherwise:
compare the ratios printed in the same run, not absolute numbers across runs.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.answers import DEV_SET, SAMPLES

__all__ = ["BENCHMARKS", "Benchmark", "main"]

# Distinct wordings `bench.telegram.new_questions` makes of the development and regression
# questions, less one warm-up wording per question.
MAX_UPDATES = 10_000

Measure = Callable[[argparse.Namespace], tuple[Any, Callable[[Any], None]]]


@dataclass(frozen=True)
class Benchmark:
    """One benchmark: run it from the arguments, get its result and the printer of its table."""

    name: str
    measure: Measure
    needs_dev: bool = False  # reads the development question set (`--dev`)


def _answers(args: argparse.Namespace) -> tuple[Any, Callable[[Any], None]]:
    from bench.answers import print_table, run

    return run(args.dev, args.samples, args.slow_samples), print_table


def _startup(args: argparse.Namespace) -> tuple[Any, Callable[[Any], None]]:
    from bench.startup import print_startup, run_startup

    return run_startup(args.runs), print_startup


def _telegram(args: argparse.Namespace) -> tuple[Any, Callable[[Any], None]]:
    from bench.telegram import print_throughput, run_throughput

    return run_throughput(args.dev, args.updates, rounds=args.rounds), print_throughput


def _statuses(args: argparse.Namespace) -> tuple[Any, Callable[[Any], None]]:
    from bench.statuses import print_statuses, run_statuses
    from bench.telegram import print_submissions, run_submissions

    result = run_statuses(args.submissions, args.units)
    result["application"] = run_submissions(args.submissions)

    def show(result: dict) -> None:
        print_statuses(result)
        print_submissions(result["application"])
    return result, show


def _reminders(args: argparse.Namespace) -> tuple[Any, Callable[[Any], None]]:
    from bench.delivery import print_delivery, run_delivery
    from bench.reminders import print_planning, run_planning

    result = {"planning": run_planning(), "delivery": run_delivery()}

    def show(result: dict) -> None:
        print_planning(result["planning"])
        print_delivery(result["delivery"])
    return result, show


def _guard(args: argparse.Namespace) -> tuple[Any, Callable[[Any], None]]:
    from bench.guard import print_guard, run_guard

    return run_guard(), print_guard


def _webhooks(args: argparse.Namespace) -> tuple[Any, Callable[[Any], None]]:
    from bench.webhooks import print_webhooks, run_webhooks

    return run_webhooks(args.dev, args.webhook_updates), print_webhooks


BENCHMARKS: tuple[Benchmark, ...] = (
    Benchmark("answers", _answers, needs_dev=True),
    Benchmark("startup", _startup),
    Benchmark("telegram", _telegram, needs_dev=True),
    Benchmark("statuses", _statuses),
    Benchmark("reminders", _reminders),
    Benchmark("guard", _guard),
    Benchmark("webhooks", _webhooks, needs_dev=True),
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--dev", type=Path, default=DEV_SET, help="development question set")
    parser.add_argument("--only", choices=[b.name for b in BENCHMARKS], help="run one benchmark")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--samples", type=int, default=SAMPLES,
                        help="timed answers per answering row (p99 over them)")
    parser.add_argument("--slow-samples", type=int, default=None,
                        help="timed answers for rapidfuzz on the 100× KBs (default: one pass)")
    parser.add_argument("--runs", type=int, default=5, help="runs of each start-up command")
    parser.add_argument("--updates", type=int, default=2000, help="question updates for the throughput")
    parser.add_argument("--rounds", type=int, default=3,
                        help="rounds of the throughput (the median is reported)")
    parser.add_argument("--submissions", type=int, default=2000, help="status submissions to time")
    parser.add_argument("--units", type=int, default=2000, help="units of the exported plan")
    parser.add_argument("--webhook-updates", type=int, default=1000,
                        help="updates posted to the webhook processes (PostgreSQL) per run")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    chosen = [b for b in BENCHMARKS if args.only in (None, b.name)]
    if any(b.needs_dev for b in chosen) and not args.dev.is_file():
        print(f"development set not found: {args.dev}")
        return 2
    counts = (args.samples, args.runs, args.updates, args.rounds, args.submissions, args.units,
              args.webhook_updates)
    if min(counts) < 1 or (args.slow_samples is not None and args.slow_samples < 1):
        print("--samples, --slow-samples, --runs, --updates, --rounds, --submissions, --units and "
              "--webhook-updates must be at least 1")
        return 2
    if args.updates > MAX_UPDATES:
        print(f"--updates: at most {MAX_UPDATES} (the distinct question wordings available)")
        return 2
    results = {}
    for benchmark in chosen:
        results[benchmark.name], show = benchmark.measure(args)
        if not args.json:
            show(results[benchmark.name])
            sys.stdout.flush()
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
