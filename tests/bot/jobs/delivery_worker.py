"""A delivery process for the kill -9 test (test-only launcher): ticks `deliver_due` through the
bot's own rate limiter against a Bot API peer until every reminder is sent, then exits 0.

`python -m tests.bot.jobs.delivery_worker DATABASE_URL BASE_URL EPOCH CONCURRENCY`. Its clock is
the reminders' due time plus the seconds since EPOCH (shared by every incarnation), so a claim
left by a killed incarnation turns stale (`STALE_AFTER`) and the next one takes it over.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sys
import time

from telegram.ext import ExtBot

from bot.jobs.delivery import DeliveryReport, deliver_due, process_token
from bot.pace import PacedRateLimiter
from bot.services import deliveries
from bot.settings import Settings
from bot.telegram.serve import open_core
from bot.telegram.transport import LOCAL_TOKEN
from knowledge.loader import DEFAULT_ROOT
from tests.bot.jobs.test_delivery import DUE_14

STALE_AFTER = dt.timedelta(seconds=1)


async def deliver_all(url: str, base_url: str, epoch: float, concurrency: int) -> None:
    core = open_core(Settings(database_url=url, working_days_only=False), DEFAULT_ROOT,
                     now=lambda: DUE_14 + dt.timedelta(seconds=time.time() - epoch))
    bot = ExtBot(LOCAL_TOKEN, base_url=base_url, rate_limiter=PacedRateLimiter())
    process = process_token()
    async with bot:
        while True:
            report = await deliver_due(core, bot, process=process, stale_after=STALE_AFTER,
                                       concurrency=concurrency)
            with core.sessions.begin() as session:
                counts = deliveries.counts(session)
            if report == DeliveryReport() and counts["claimed"] == 0 and counts["retrying"] == 0:
                return
            await asyncio.sleep(0.2)  # a claim of a killed incarnation turns stale meanwhile


if __name__ == "__main__":
    database_url, peer_url, start, width = sys.argv[1:5]
    asyncio.run(deliver_all(database_url, peer_url, float(start), int(width)))
