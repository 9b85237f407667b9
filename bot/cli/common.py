"""What the commands share: the one usage error, the settings and the database.

Every command reads the deployment settings through `read_settings` (the bot's own validation:
a bad value exits 2 naming the variable) and opens the database through `open_database`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from bot import messages
from bot.settings import Settings
from knowledge.loader import KnowledgeBase

if TYPE_CHECKING:
    from sqlalchemy import Engine

__all__ = ["UsageError", "open_database", "read_settings"]


class UsageError(Exception):
    """Bad command-line input: printed to stderr, exit code 2, nothing changed."""


def read_settings(kb: KnowledgeBase | None = None) -> Settings:
    """The settings as the bot reads them (`DEFAULT_PLAN` checked against the plans of `kb`)."""
    return Settings.from_env(plans=kb.plans if kb is not None else None)


@contextmanager
def open_database(settings: Settings) -> Iterator[Engine]:
    """The engine of `settings.database_url`, migrated to the newest schema, disposed of on exit.

    A malformed URL is a `UsageError` (nothing is opened).
    """
    # Imported here: `ask`, `deadlines` and `kb check` share this module but need no database.
    from sqlalchemy.exc import ArgumentError

    from bot.db.engine import make_engine, upgrade_database

    try:
        engine = make_engine(settings.database_url)
    except ArgumentError as exc:
        raise UsageError(messages.BAD_DATABASE_URL.format(error=exc)) from None
    try:
        upgrade_database(engine)
        yield engine
    finally:
        engine.dispose()
