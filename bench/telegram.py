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

from sqlalchemy import func, select
from telegram import Update

from bot.app import build_application
from bot.models import StatusRecord
from bot.serve import freeze_startup_objects, open_core
from bot.services import contacts, units, users
from bot.settings import Settings
from bot.transport import LOCAL_TOKEN, LocalBotApi, LocalUser
from knowledge.answers import Assistant
from knowledge.loader import DEFAULT_ROOT, load_knowledge
from knowledge.render import to_html

__all__ = ["run_submissions", "run_throughput"]


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


async def _submissions(count: int, contacts_count: int, db_dir: Path) -> dict:
    """One-line `/baocao` reports from approved contacts, each committed durably (SQLite WAL)."""
    settings = Settings(database_url=f"sqlite:///{db_dir / 'reports.sqlite3'}", flood_limit=10**9)
    core = open_core(settings, DEFAULT_ROOT)
    freeze_startup_objects()
    api = LocalBotApi()
    application = build_application(core, request=api, token=LOCAL_TOKEN, rate_limit=False, updater=False)
    people = [LocalUser(300000 + i, f"Đầu mối {i}") for i in range(contacts_count)]
    now = core.now()
    with core.sessions.begin() as session:
        for i, person in enumerate(people):
            users.touch_user(session, person.id, person.first_name, None, now)
            record = units.find_or_add_unit(session, f"UBND xã Thử Nghiệm {i}", "lang-son",
                                            core.kb.registry, "admin", None, now)
            invite = contacts.create_invite(session, "lang-son", record.id, None, now)
            contacts.redeem_invite(session, invite.code, person.id, now)
    states = ["dang lam", "xong", "vuong mac kinh phí", "chua lam"]
    async with application:
        batch = [Update.de_json(api.text_update(people[i % contacts_count],
                                                f"/baocao ls-dl-gui-ke-hoach {states[i % 4]}"),
                                application.bot) for i in range(count)]
        latencies = []
        for update in batch:
            t0 = time.perf_counter()
            await application.process_update(update)
            latencies.append(time.perf_counter() - t0)
    with core.sessions.begin() as session:
        stored = session.scalar(select(func.count()).select_from(StatusRecord))
    total = sum(latencies)
    return {"submissions": count, "stored": stored, "per_s": count / total,
            "p50_ms": statistics.median(latencies) * 1000, "p99_ms": _percentile(latencies, 0.99) * 1000}


def run_submissions(count: int = 1000, contacts_count: int = 50) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        return asyncio.run(_submissions(count, contacts_count, Path(tmp)))


def print_submissions(result: dict) -> None:
    print(f"\nStatus reports through the full Application (/baocao one line, one durable SQLite commit "
          f"each): {result['submissions']} reports, {result['stored']} stored")
    print(f"{'reports/s':>10s} {'p50 ms':>8s} {'p99 ms':>8s}")
    print(f"{result['per_s']:10.0f} {result['p50_ms']:8.3f} {result['p99_ms']:8.3f}")


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
