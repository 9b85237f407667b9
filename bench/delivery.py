"""Reminder delivery at Telegram's pace: one delivery tick sending one reminder to each of N
contacts, against a Bot API peer over real HTTP on 127.0.0.1 (`bench.peer`) with 50 ms and 100 ms
of latency, on a SQLite file. Per row: messages a second sustained (first to last arrival at the
peer), the most the peer got in any 1-second window (Telegram allows 30), and the tick's time.

Rows, in the same run:
- "paced": the bot's path — `bot.pace.PacedRateLimiter`, `DELIVERY_CONCURRENCY` (8) senders;
- "one at a time": the baseline — PTB's AIORateLimiter, one message per round trip (the path
  before the limiter);
- "AIORateLimiter, 8 senders": PTB's limiter with the same concurrency — its initial burst.

`python -m bench.delivery [--contacts N] [--baseline N] [--latency 0.05 0.1]`.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import tempfile
import time
from pathlib import Path
from typing import Any

from telegram.ext import AIORateLimiter, BaseRateLimiter, ExtBot

from bench.peer import BotApiPeer, most_in_one_second
from bot.jobs.delivery import deliver_due
from bot.pace import PacedRateLimiter
from bot.services import contacts, subscriptions, units, users
from bot.settings import Settings
from bot.telegram.serve import open_core
from bot.telegram.transport import LOCAL_TOKEN
from knowledge.loader import DEFAULT_ROOT

__all__ = ["main", "print_delivery", "run_delivery"]

SUBSCRIBED = dt.datetime(2026, 12, 2, 2, 0, tzinfo=dt.UTC)  # after the 14-day reminder
DUE = dt.datetime(2026, 12, 8, 1, 0, tzinfo=dt.UTC)  # 08:00 in Hà Nội: 7 days before 15/12/2026
CONCURRENCY = Settings().delivery_concurrency
MODES = {  # name → (label, limiter factory, senders)
    "paced": ("paced, 8 senders", PacedRateLimiter, CONCURRENCY),
    "baseline": ("one at a time", AIORateLimiter, 1),
    "aio_concurrent": ("AIORateLimiter, 8 senders", AIORateLimiter, CONCURRENCY),
}


async def _tick(contacts_count: int, latency: float, mode: str, folder: Path) -> dict[str, Any]:
    clock = {"now": SUBSCRIBED}
    settings = Settings(database_url=f"sqlite:///{folder / 'delivery.sqlite3'}")
    core = open_core(settings, DEFAULT_ROOT, now=lambda: clock["now"])
    with core.sessions.begin() as session:
        record = units.find_or_add_unit(session, "Công an tỉnh", "lang-son", core.kb.registry, "admin",
                                        None, SUBSCRIBED)
        for i in range(contacts_count):
            user_id = 500000 + i
            users.touch_user(session, user_id, f"Đầu mối {i}", None, SUBSCRIBED)
            invite = contacts.create_invite(session, "lang-son", record.id, None, SUBSCRIBED)
            contacts.redeem_invite(session, invite.code, user_id, SUBSCRIBED)
            subscriptions.subscribe(session, user_id, "lang-son", record.id, SUBSCRIBED)
    _label, make_limiter, senders = MODES[mode]
    limiter: BaseRateLimiter[Any] = make_limiter()
    clock["now"] = DUE
    with BotApiPeer(latency) as peer:
        bot = ExtBot(LOCAL_TOKEN, base_url=peer.base_url, rate_limiter=limiter)
        async with bot:
            start = time.perf_counter()
            report = await deliver_due(core, bot, process="bench", concurrency=senders)
            seconds = time.perf_counter() - start
        arrivals = [m.at for m in peer.messages()]
    core.sessions.kw["bind"].dispose()
    span = max(arrivals) - min(arrivals) if len(arrivals) > 1 else 0.0
    return {"mode": mode, "latency_ms": round(latency * 1000), "contacts": contacts_count,
            "sent": len(arrivals), "failed": report.failed, "seconds": seconds,
            "per_s": (len(arrivals) - 1) / span if span else 0.0,
            "max_in_1s": most_in_one_second(arrivals)}


def run_delivery(contacts_count: int = 300, baseline: int = 100,
                 latencies: tuple[float, ...] = (0.05, 0.1)) -> dict[str, Any]:
    rows = []
    for latency in latencies:
        for mode in MODES:
            count = baseline if mode == "baseline" else contacts_count
            with tempfile.TemporaryDirectory() as tmp:
                rows.append(asyncio.run(_tick(count, latency, mode, Path(tmp))))
    return {"rows": rows}


def print_delivery(result: dict[str, Any]) -> None:
    print("\nReminder delivery: one tick, one reminder per contact, Bot API peer over HTTP on "
          "127.0.0.1 (SQLite; Telegram allows 30 in any second)")
    print(f"{'latency':>7s}  {'path':26s} {'contacts':>8s} {'sent':>5s} {'failed':>6s} {'msg/s':>6s} "
          f"{'max in 1 s':>10s} {'tick s':>7s}")
    for row in result["rows"]:
        print(f"{row['latency_ms']:5d}ms  {MODES[row['mode']][0]:26s} {row['contacts']:8d} {row['sent']:5d} "
              f"{row['failed']:6d} {row['per_s']:6.1f} {row['max_in_1s']:10d} {row['seconds']:7.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.delivery", description=__doc__.split("\n")[0])
    parser.add_argument("--contacts", type=int, default=300, help="contacts for the concurrent rows")
    parser.add_argument("--baseline", type=int, default=100, help="contacts for the one-at-a-time row")
    parser.add_argument("--latency", type=float, nargs="+", default=[0.05, 0.1], help="seconds")
    args = parser.parse_args(argv)
    if args.contacts < 2 or args.baseline < 2 or min(args.latency) < 0:
        parser.error("--contacts and --baseline at least 2, latencies not negative")
    print_delivery(run_delivery(args.contacts, args.baseline, tuple(args.latency)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
