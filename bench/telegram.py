"""Throughput of question updates through the full `Application` on the in-process transport.

Each update goes through everything a Telegram update goes through, from its JSON object on:
decoding (`Update.de_json`, inside the timer), admission
(update id claimed in SQLite, user touched), the leak guard, the question handler (knowledge
lookup, question logged in SQLite), rendering and the reply call to the transport. The rate
limiter is off: it would cap replies at Telegram's 30 messages/s and hide the handling cost.
The knowledge lookup (`Assistant.find_answers`) is timed separately, so its share of the
handling time is shown beside the total.

Three rows, 50 users each:
- repeated: the development questions asked over and over (answers come from the answer cache,
  as for the questions a whole province asks after the same meeting);
- every one new: each update a question text never asked before (the development and regression
  questions, each worded many ways: "Cho hỏi …", "… ạ", without diacritics), so every one is
  looked up; the rendered entries are cached as in a running deployment, warmed by other
  wordings of the same questions before timing;
- first after start: the same new questions with every cache emptied before each update
  (the worst case: the first answers after a restart).
"""

from __future__ import annotations

import asyncio
import json
import random
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select
from telegram import Update
from telegram.ext import Application

from bot.db.models import StatusRecord
from bot.services import contacts, units, users
from bot.settings import Settings
from bot.telegram.app import build_application
from bot.telegram.serve import freeze_startup_objects, open_core
from bot.telegram.transport import LOCAL_TOKEN, LocalBotApi, LocalUser
from knowledge.answers import Assistant
from knowledge.loader import DEFAULT_ROOT, load_knowledge
from knowledge.render import to_html
from knowledge.text import fold

__all__ = ["new_questions", "run_submissions", "run_throughput"]

REGRESSION_SET = Path(__file__).resolve().parents[1] / "tests" / "regression" / "questions.jsonl"
_OPENINGS = ("", "Cho hỏi ", "Xin hỏi, ", "Em muốn hỏi ", "Anh chị cho hỏi: ")
_ENDINGS = ("", "?", " ạ", " vậy?")


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _questions(path: Path) -> list[str]:
    return [json.loads(line)["question"] for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def new_questions(bases: list[str], count: int, seed: int = 7) -> list[str]:
    """`count` distinct wordings of `bases` (openings, endings, with or without diacritics)."""
    wordings = []
    for base in dict.fromkeys(b.strip().rstrip("?").strip() for b in bases):
        for opening in _OPENINGS:
            for ending in _ENDINGS:
                text = f"{opening}{base[0].lower() + base[1:] if opening else base}{ending}"
                wordings.extend((text, fold(text)))
    unique = list(dict.fromkeys(wordings))
    if count > len(unique):
        raise ValueError(f"only {len(unique)} distinct wordings, {count} asked")
    random.Random(seed).shuffle(unique)
    return unique[:count]


class _TimedAssistant(Assistant):
    """The real assistant, adding up the time spent looking answers up."""

    lookup_seconds = 0.0

    def find_answers(self, *args, **kwargs):
        start = time.perf_counter()
        try:
            return super().find_answers(*args, **kwargs)
        finally:
            self.lookup_seconds += time.perf_counter() - start


async def _process(application: Application, data: dict) -> None:
    """One update as the webhook or polling receives it: decoded from its JSON object (inside
    the callers' timers: decoding is part of each update's cost), then processed."""
    await application.process_update(Update.de_json(data, application.bot))


async def _run(warm_up: list[str], timed: list[str], users: int, db_dir: Path,
               empty_caches: bool) -> dict:
    settings = Settings(database_url=f"sqlite:///{db_dir / 'bench.sqlite3'}", flood_limit=10**9)
    assistant = _TimedAssistant(load_knowledge(DEFAULT_ROOT))
    core = open_core(settings, DEFAULT_ROOT, assistant=assistant)
    to_html.cache_clear()
    freeze_startup_objects()  # as `python -m bot run` does
    api = LocalBotApi()
    application = build_application(core, request=api, token=LOCAL_TOKEN, rate_limit=False, updater=False)
    people = [LocalUser(200000 + i, f"Cán bộ {i}") for i in range(users)]
    async with application:
        for i, text in enumerate(warm_up):  # caches, first inserts, every user seen once
            await _process(application, api.text_update(people[i % users], text))
        batch = [api.text_update(people[i % users], text) for i, text in enumerate(timed)]
        assistant.lookup_seconds = 0.0
        sent_before = len(api.sent())
        latencies = []
        for data in batch:
            if empty_caches:
                assistant.clear_answer_cache()
                to_html.cache_clear()
            t0 = time.perf_counter()
            await _process(application, data)
            latencies.append(time.perf_counter() - t0)
    total = sum(latencies)
    return {
        "updates": len(batch),
        "users": users,
        "seconds": total,
        "updates_per_s": len(batch) / total,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": _percentile(latencies, 0.99) * 1000,
        "lookup_share": assistant.lookup_seconds / total,
        "lookup_per_update_ms": assistant.lookup_seconds / len(batch) * 1000,
        "replies": len(api.sent()) - sent_before,
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
        batch = [api.text_update(people[i % contacts_count], f"/baocao ls-dl-gui-ke-hoach {states[i % 4]}")
                 for i in range(count)]
        latencies = []
        for data in batch:
            t0 = time.perf_counter()
            await _process(application, data)
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


def run_throughput(dev_path: Path, updates: int = 2000, users: int = 50, rounds: int = 3) -> dict:
    """Each kind of questions `rounds` times on a fresh database; the median round is reported.

    The machine is shared: single rounds vary by a third. The median and the range say more, and
    the ratio to the repeated questions (measured in the same rounds) more still.
    """
    dev = _questions(dev_path)
    repeated = [dev[i % len(dev)] for i in range(updates)]
    bases = dev + (_questions(REGRESSION_SET) if REGRESSION_SET.exists() else [])
    wordings = new_questions(bases, updates + len(bases))
    # Warm-up: one other wording of each question, so the entries it shows have been rendered.
    warm_new, timed_new = wordings[updates:], wordings[:updates]
    runs = {"repeated": (repeated[:50], repeated, False), "new": (warm_new, timed_new, False),
            "cold": (warm_new, timed_new, True)}
    results: dict[str, list[dict]] = {name: [] for name in runs}
    for _ in range(rounds):  # interleaved, so a slow spell of the machine hits every kind alike
        for name, (warm_up, timed, empty_caches) in runs.items():
            with tempfile.TemporaryDirectory() as tmp:
                results[name].append(asyncio.run(_run(warm_up, timed, users, Path(tmp), empty_caches)))
    out = {}
    for name, rows in results.items():
        rows.sort(key=lambda r: r["updates_per_s"])
        out[name] = {**rows[len(rows) // 2], "rounds": rounds, "min_per_s": rows[0]["updates_per_s"],
                     "max_per_s": rows[-1]["updates_per_s"]}
    return out


def print_throughput(result: dict) -> None:
    first = result["repeated"]
    print(f"\nQuestion updates through the full Application (in-process transport, SQLite, "
          f"rate limiter off): {first['updates']} updates from {first['users']} users, "
          f"median of {first['rounds']} rounds")
    print(f"{'questions':26s} {'updates/s':>10s} {'range':>11s} {'p50 ms':>8s} {'p99 ms':>8s} "
          f"{'lookup ms':>10s} {'lookup share':>13s}")
    base = first["updates_per_s"]
    for name, label in (("repeated", "repeated (answer cached)"), ("new", "every one new"),
                        ("cold", "first after start")):
        row = result[name]
        spread = f"{row['min_per_s']:.0f}–{row['max_per_s']:.0f}"
        print(f"{label:26s} {row['updates_per_s']:10.0f} {spread:>11s} {row['p50_ms']:8.3f} "
              f"{row['p99_ms']:8.3f} {row['lookup_per_update_ms']:10.3f} "
              f"{100 * row['lookup_share']:12.1f}%   ×{row['updates_per_s'] / base:.2f} of repeated")
