"""Reminder delivery throughput: one delivery tick sending one reminder to each of N contacts
through the in-process transport, with PTB's AIORateLimiter (Telegram's ~30 messages/s overall)
and without it (the engine's own cost: claim, send, mark — two durable commits a message).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import tempfile
import time
from pathlib import Path

from telegram.ext import AIORateLimiter, ExtBot

from bot.jobs.delivery import deliver_due
from bot.services import contacts, subscriptions, units, users
from bot.settings import Settings
from bot.telegram.serve import open_core
from bot.telegram.transport import LOCAL_TOKEN, LocalBotApi
from knowledge.loader import DEFAULT_ROOT

__all__ = ["print_delivery", "run_delivery"]

SUBSCRIBED = dt.datetime(2026, 12, 2, 2, 0, tzinfo=dt.UTC)  # after the 14-day reminder
DUE = dt.datetime(2026, 12, 8, 1, 0, tzinfo=dt.UTC)  # 08:00 in Hà Nội: 7 days before 15/12/2026


async def _tick(contacts_count: int, rate_limited: bool, folder: Path) -> dict:
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
    api = LocalBotApi()
    bot = ExtBot(LOCAL_TOKEN, request=api, rate_limiter=AIORateLimiter() if rate_limited else None)
    clock["now"] = DUE
    async with bot:
        start = time.perf_counter()
        report = await deliver_due(core, bot, process="bench")
        seconds = time.perf_counter() - start
    sent = len(api.called("sendMessage"))
    return {"contacts": contacts_count, "sent": sent, "failed": report.failed, "seconds": seconds,
            "per_s": sent / seconds if seconds else 0.0, "rate_limited": rate_limited}


def run_delivery(limited: int = 150, unlimited: int = 2000) -> dict:
    out = {}
    for name, count, limited_flag in (("rate_limited", limited, True), ("unlimited", unlimited, False)):
        with tempfile.TemporaryDirectory() as tmp:
            out[name] = asyncio.run(_tick(count, limited_flag, Path(tmp)))
    return out


def print_delivery(result: dict) -> None:
    print("\nReminder delivery: one tick, one reminder per contact (in-process transport, SQLite)")
    print(f"{'rate limiter':14s} {'contacts':>9s} {'sent':>6s} {'failed':>7s} {'seconds':>8s} {'msg/s':>7s}")
    for name, label in (("rate_limited", "AIORateLimiter"), ("unlimited", "off")):
        row = result[name]
        print(f"{label:14s} {row['contacts']:9d} {row['sent']:6d} {row['failed']:7d} {row['seconds']:8.2f} "
              f"{row['per_s']:7.1f}")
