"""Housekeeping, every six hours: forget what can no longer be needed, so the log tables stay small."""

from __future__ import annotations

import datetime as dt
import logging

from bot.core import App, Context, Core
from bot.services import deliveries, updates

__all__ = ["forget_old_updates", "schedule_housekeeping"]

logger = logging.getLogger(__name__)

# Telegram redelivers an update for at most 24 hours; ids older than this are never needed.
KEEP_UPDATE_IDS = dt.timedelta(days=2)
PRUNE_EVERY = dt.timedelta(hours=6)
# Reminder planning looks back 30 days; finished deliveries older than this are never needed.
KEEP_DELIVERIES = dt.timedelta(days=90)


async def forget_old_updates(context: Context) -> None:
    """Keep the log tables small: update ids Telegram can no longer redeliver, old deliveries."""
    core: Core = context.application.bot_data["core"]
    with core.sessions.begin() as session:
        removed = updates.prune_updates(session, core.now() - KEEP_UPDATE_IDS)
        finished = deliveries.prune(session, core.now() - KEEP_DELIVERIES)
    logger.info("Forgot %s processed update ids and %s finished deliveries", removed, finished)


def schedule_housekeeping(application: App) -> None:
    """Run `forget_old_updates` every six hours, the first time a minute after start."""
    if application.job_queue is None:
        return
    application.job_queue.run_repeating(forget_old_updates, interval=PRUNE_EVERY, first=60,
                                        name="forget_old_updates")
