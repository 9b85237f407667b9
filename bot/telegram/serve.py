"""Start-up: open the database (migrated), load the knowledge base, and serve Telegram.

`open_core` is shared by Telegram mode and the console so both run on the same database, the
same knowledge and the same handlers.
"""

from __future__ import annotations

import datetime as dt
import gc
import logging
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlparse

from telegram import Update

from bot.core import Core, utc_now
from bot.db.engine import make_engine, make_session_factory, upgrade_database
from bot.flood import FloodLimiter
from bot.services import units
from bot.settings import Settings
from bot.telegram.app import build_application
from knowledge.answers import Assistant
from knowledge.loader import load_knowledge

__all__ = ["freeze_startup_objects", "open_core", "run_telegram", "webhook_options"]

logger = logging.getLogger(__name__)


def open_core(settings: Settings, kb_root: Path, now: Callable[[], dt.datetime] = utc_now,
              assistant: Assistant | None = None) -> Core:
    """Migrate the database, load the KB, and register the KB's units in the database."""
    assistant = assistant or Assistant(load_knowledge(kb_root))
    engine = make_engine(settings.database_url)
    upgrade_database(engine)
    sessions = make_session_factory(engine)
    with sessions.begin() as session:
        units.sync_kb_units(session, assistant.kb.registry, now())
    return Core(settings, assistant, sessions, now, FloodLimiter(settings.flood_limit))


def webhook_options(settings: Settings) -> dict:
    """PTB's webhook server arguments; Telegram must echo the secret token on every request."""
    settings.require_webhook()
    assert settings.webhook_url is not None
    return {
        "listen": settings.webhook_listen,
        "port": settings.webhook_port,
        "url_path": urlparse(settings.webhook_url).path.lstrip("/"),
        "webhook_url": settings.webhook_url,
        "secret_token": settings.webhook_secret,
    }


def freeze_startup_objects() -> None:
    """Keep the garbage collector off the knowledge index built at start-up.

    The index is hundreds of thousands of long-lived containers; without this, every full
    collection walks all of them again (about a tenth of the handling time per update).
    """
    gc.collect()
    gc.freeze()


def run_telegram(core: Core, webhook: bool) -> None:
    """Serve until SIGINT/SIGTERM (PTB stops polling or the webhook server gracefully)."""
    freeze_startup_objects()
    settings = core.settings
    application = build_application(core)
    if webhook:
        options = webhook_options(settings)
        logger.info("Serving the webhook on %s:%s/%s", options["listen"], options["port"],
                    options["url_path"])
        application.run_webhook(**options, allowed_updates=Update.ALL_TYPES)
    else:
        logger.info("Serving Telegram by long polling")
        application.run_polling(allowed_updates=Update.ALL_TYPES)
    logger.info("Stopped")
