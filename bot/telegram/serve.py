"""Start-up: open the database (migrated), load the knowledge base, and serve Telegram.

`open_core` is shared by Telegram mode and the console so both run on the same database, the
same knowledge and the same handlers. Start-up faults come out as exceptions the entry point
turns into one line and an exit code, not tracebacks: a database that cannot be used as
`bot.db.faults.DatabaseUnavailable`, a Bot API that does not answer as `TelegramUnreachable`,
a token Telegram rejects as `SettingsError` (naming `TELEGRAM_BOT_TOKEN`).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import gc
import logging
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlparse

from sqlalchemy import Connection
from sqlalchemy.orm import Session
from telegram import Update
from telegram.error import InvalidToken, NetworkError
from telegram.ext import Application

from bot import messages
from bot.core import Core, utc_now
from bot.db.engine import make_engine, make_session_factory, upgrade_database
from bot.db.faults import diagnosed
from bot.flood import FloodLimiter
from bot.services import units
from bot.settings import Settings, SettingsError
from bot.telegram.app import build_application
from knowledge.answers import Assistant
from knowledge.loader import load_knowledge

__all__ = [
    "TelegramUnreachable",
    "freeze_startup_objects",
    "open_core",
    "run_telegram",
    "webhook_options",
]

logger = logging.getLogger(__name__)

# Where PTB sends requests when TELEGRAM_API_BASE_URL is not set.
TELEGRAM_API = "https://api.telegram.org"


class TelegramUnreachable(Exception):
    """The Bot API at `url` did not answer at start-up (nothing listening, no network, timeout)."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.url = url


def open_core(settings: Settings, kb_root: Path, now: Callable[[], dt.datetime] = utc_now,
              assistant: Assistant | None = None) -> Core:
    """Migrate the database, load the KB, and register the KB's units in the database.

    The units are added in the migration's transaction, under its lock: several processes
    starting together on a new database (webhook workers) would otherwise race to add them.
    """
    assistant = assistant or Assistant(load_knowledge(kb_root))
    registry = assistant.kb.registry

    def sync_units(connection: Connection) -> None:
        with Session(bind=connection) as session:
            units.sync_kb_units(session, registry, now())

    with diagnosed(settings.database_url):
        engine = make_engine(settings.database_url)
        upgrade_database(engine, sync_units)
    sessions = make_session_factory(engine)
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


def reach_bot_api(application: Application, settings: Settings) -> None:
    """Say hello to the Bot API (getMe) on the event loop `run_polling`/`run_webhook` will use.

    PTB would do it first thing anyway, but a failure there comes out as an ERROR log with a
    traceback; here it is `TelegramUnreachable` or, for a rejected token, `SettingsError`. The
    bot stays initialised, so PTB does not ask again.
    """
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    bot = application.bot
    try:
        loop.run_until_complete(bot.initialize())
    except (InvalidToken, NetworkError) as exc:  # TimedOut is a NetworkError
        loop.run_until_complete(bot.shutdown())
        loop.close()
        asyncio.set_event_loop(None)
        if isinstance(exc, InvalidToken):
            raise SettingsError(messages.TOKEN_REJECTED) from None
        raise TelegramUnreachable(settings.api_base_url or TELEGRAM_API) from None


def run_telegram(core: Core, webhook: bool) -> None:
    """Serve until SIGINT/SIGTERM (PTB stops polling or the webhook server gracefully)."""
    freeze_startup_objects()
    settings = core.settings
    application = build_application(core)
    reach_bot_api(application, settings)
    if webhook:
        options = webhook_options(settings)
        logger.info("Serving the webhook on %s:%s/%s", options["listen"], options["port"],
                    options["url_path"])
        application.run_webhook(**options, allowed_updates=Update.ALL_TYPES)
    else:
        logger.info("Serving Telegram by long polling")
        application.run_polling(allowed_updates=Update.ALL_TYPES)
    logger.info("Stopped")
