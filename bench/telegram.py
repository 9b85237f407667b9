"""Throughput of question updates through the full `Application` on the in-process transport.

Each update goes through everything a Telegram update goes through after decoding: admission
(update id claimed in SQLite, user touched), the leak guard, the question handler (knowledge
lookup, question logged in SQLite), rendering and the reply call to the transport. The rate
limiter is off: it would cap replies at Telegram's 30 messages/s and hide the handling cost.
The knowledge lookup (`Assistant.find_answers`) is timed separately, so its share of the
handling time is shown beside the total.

Two rows: the development questions asked over and over by 50 users (answers and their HTML come
from the caches, as for repeated questions in a deployment), and the same updates with both
caches emptied before each one (every question new: the cost of a cold lookup).
"""

from __future__ import annotations

import asyncio
import json
import statistics
import tempfile
import time
from pathlib import Path

from telegram import Update

from bot.app import build_application
from bot.serve import freeze_startup_objects, open_core
from bot.settings import Settings
from bot.transport import LOCAL_TOKEN, LocalBotApi, LocalUser
from knowledge.answers import Assistant
from knowledge.loader import DEFAULT_ROOT, load_knowledge
from knowledge.render import to_html

__all__ = ["run_throughput"]


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


class _TimedAssistant(Assistant):
    """The real assistant, adding up the time spent looking answers up."""

    lookup_seconds = 0.0

    def find_answers(self, *args, **kwargs):
        start = time.perf_counter()
        try:
            return super().find_answers(*args, **kwargs)
        finally:
            self.lookup_seconds += time.perf_counter() - start


async def _run(questions: list[str], updates: int, users: int, db_dir: Path, cold: bool) -> dict:
    settings = Settings(database_url=f"sqlite:///{db_dir / 'bench.sqlite3'}", flood_limit=10**9)
    assistant = _TimedAssistant(load_knowledge(DEFAULT_ROOT))
    core = open_core(settings, DEFAULT_ROOT, assistant=assistant)
    freeze_startup_objects()  # as `python -m bot run` does
    api = LocalBotApi()
    application = build_application(core, request=api, token=LOCAL_TOKEN, rate_limit=False, updater=False)
    people = [LocalUser(200000 + i, f"Cán bộ {i}") for i in range(users)]
    async with application:
        def make(i: int) -> Update:
            return Update.de_json(api.text_update(people[i % users], questions[i % len(questions)]),
                                  application.bot)

        for i in range(min(50, updates)):  # warm-up: caches, first inserts
            await application.process_update(make(i))
        batch = [make(i) for i in range(updates)]
        assistant.lookup_seconds = 0.0
        latencies = []
        total = 0.0
        for update in batch:
            if cold:
                assistant.clear_answer_cache()
                to_html.cache_clear()
            t0 = time.perf_counter()
            await application.process_update(update)
            latencies.append(time.perf_counter() - t0)
            total += latencies[-1]
    replies = len(api.sent())
    return {
        "updates": updates,
        "users": users,
        "seconds": total,
        "updates_per_s": updates / total,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": _percentile(latencies, 0.99) * 1000,
        "lookup_share": assistant.lookup_seconds / total,
        "lookup_per_update_ms": assistant.lookup_seconds / updates * 1000,
        "replies": replies,
    }


def run_throughput(dev_path: Path, updates: int = 2000, users: int = 50) -> dict:
    questions = [json.loads(line)["question"] for line in dev_path.read_text(encoding="utf-8").splitlines()
                 if line.strip()]
    out = {}
    for name, cold in (("repeated", False), ("cold", True)):
        with tempfile.TemporaryDirectory() as tmp:
            out[name] = asyncio.run(_run(questions, updates, users, Path(tmp), cold))
    return out


def print_throughput(result: dict) -> None:
    first = result["repeated"]
    print(f"\nQuestion updates through the full Application (in-process transport, SQLite, "
          f"rate limiter off): {first['updates']} updates from {first['users']} users")
    print(f"{'questions':24s} {'updates/s':>10s} {'p50 ms':>8s} {'p99 ms':>8s} {'lookup ms':>10s} "
          f"{'lookup share':>13s}")
    base = first["updates_per_s"]
    for name, label in (("repeated", "repeated (cached)"), ("cold", "every one new (no cache)")):
        row = result[name]
        print(f"{label:24s} {row['updates_per_s']:10.0f} {row['p50_ms']:8.3f} {row['p99_ms']:8.3f} "
              f"{row['lookup_per_update_ms']:10.3f} {100 * row['lookup_share']:12.1f}%   "
              f"×{row['updates_per_s'] / base:.2f} of repeated")
