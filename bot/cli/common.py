"""What the commands share: the exit codes, the one usage error, the settings and the database.

Every command reads the deployment settings through `read_settings` (the bot's own validation:
a bad value exits 2 naming the variable) and opens the database through `open_database`, which
migrates only a database that is behind (`db upgrade` always does), waits `BUSY_TIMEOUT_MS` for
another process's write lock, and turns a database that cannot be used into
`DatabaseUnavailable` (one line and exit 3, or 2 for a bad `DATABASE_URL`, in `bot.cli.main`).
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TextIO

from bot import messages
from bot.db.faults import DatabaseUnavailable, diagnosed
from bot.settings import Settings
from knowledge.loader import KnowledgeBase

# SQLAlchemy is imported where a database is opened: `ask`, `deadlines` and `kb check` share
# this module but need no database, and start in a third of the time without it.
if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

__all__ = [
    "BUSY_TIMEOUT_MS",
    "EXIT_DATABASE",
    "EXIT_INTERNAL",
    "EXIT_REFUSED",
    "EXIT_TELEGRAM",
    "EXIT_USAGE",
    "DatabaseUnavailable",
    "UsageError",
    "database_fault",
    "open_database",
    "read_settings",
    "report_database_fault",
]

# The exit codes of `python -m bot` (README, "Dòng lệnh"); 0 is success, 141 a reader gone away.
EXIT_REFUSED = 1    # understood and refused: a marked note, an invalid KB, refused import lines
EXIT_USAGE = 2      # bad input or settings (DATABASE_URL included): nothing was changed
EXIT_DATABASE = 3   # the database cannot be used: locked past the wait, damaged, full, down
EXIT_TELEGRAM = 4   # `run`: the Telegram Bot API did not answer at start-up
EXIT_INTERNAL = 70  # a bug (sysexits' EX_SOFTWARE): the traceback is printed for the report

# How long a command waits for another process's write lock on SQLite. Each transaction of the
# bot or of another command is short (tens of milliseconds of CPU), but on a loaded two-core
# server 50 commands started together share the CPU with the one holding the lock, and queue
# behind each other: measured, the last waits tens of seconds. A lock held past this is a fault.
BUSY_TIMEOUT_MS = 120_000


class UsageError(Exception):
    """Bad command-line input: printed to stderr, exit code 2, nothing changed."""


def database_fault(fault: DatabaseUnavailable, busy_timeout_ms: int | None = None) -> str:
    """The one Vietnamese line that tells the operator what is wrong with the database.

    `busy_timeout_ms` is the wait a "locked" fault outlasted (the commands' by default).
    """
    from bot.db.engine import PG_CONNECT_TIMEOUT_S

    waited = BUSY_TIMEOUT_MS if busy_timeout_ms is None else busy_timeout_ms
    detail = fault.detail
    if fault.reason == "unreachable":
        detail = messages.POSTGRES_UNREACHABLE.get(detail, detail).format(
            seconds=PG_CONNECT_TIMEOUT_S)
    return messages.DATABASE_FAULTS[fault.reason].format(
        target=fault.target, detail=detail, seconds=f"{waited / 1000:g}".replace(".", ","))


def report_database_fault(fault: DatabaseUnavailable, busy_timeout_ms: int | None = None,
                          stderr: TextIO | None = None) -> int:
    """Print the fault's line on stderr; return its exit code (2 for a setting, else 3)."""
    print(database_fault(fault, busy_timeout_ms), file=stderr or sys.stderr)
    return EXIT_USAGE if fault.configuration else EXIT_DATABASE


def read_settings(kb: KnowledgeBase | None = None) -> Settings:
    """The settings as the bot reads them (`DEFAULT_PLAN` checked against the plans of `kb`)."""
    return Settings.from_env(plans=kb.plans if kb is not None else None)


@contextmanager
def open_database(settings: Settings, kb: KnowledgeBase | None = None, *,
                  migrate: bool = False) -> Iterator[Engine]:
    """The engine of `settings.database_url` at the newest schema, disposed of on exit.

    `migrate` (`db upgrade`): migrate under the write lock whatever the schema's state. Otherwise
    the schema's revision is read without a lock and only a database that is behind (a fresh
    install) is migrated, under the lock, with the KB's units of `kb` added in the same
    transaction, so processes starting together on a new database do not race to add them
    (nor, on PostgreSQL, on one that lacks units the KB gained since: `_sync_units_apart`).
    Any database fault raised meanwhile, in the caller's block too, is a `DatabaseUnavailable`.
    """
    from bot.db.engine import ensure_schema, make_engine, upgrade_database

    url = settings.database_url
    with diagnosed(url):
        engine = make_engine(url, busy_timeout_ms=BUSY_TIMEOUT_MS)
        try:
            then = _sync_units(kb) if kb is not None else None
            if migrate:
                upgrade_database(engine, then)
            else:
                ensure_schema(engine, then)
            if kb is not None and engine.dialect.name == "postgresql":
                _sync_units_apart(engine, kb)
            yield engine
        finally:
            engine.dispose()


def _sync_units_apart(engine: Engine, kb: KnowledgeBase) -> None:
    """PostgreSQL: add the KB's new units in a transaction of their own, before the command's.

    Commands adding the same new unit at once (a KB update, then many commands before `run`
    or `db upgrade`): each waits for the first to commit, then fails on the unit's unique name;
    tried again, it finds the unit there. SQLite's writers take turns, so it has no such race.
    """
    from sqlalchemy.exc import IntegrityError

    from bot.db.engine import make_session_factory
    from bot.services import units

    factory = make_session_factory(engine)
    for attempt in (1, 2):
        try:
            with factory.begin() as session:
                units.sync_kb_units(session, kb.registry, dt.datetime.now(dt.UTC))
            return
        except IntegrityError:
            if attempt == 2:
                raise


def _sync_units(kb: KnowledgeBase) -> Callable[[Connection], None]:
    """Add the KB's units within the migration's transaction (it joins the caller's)."""
    from sqlalchemy.orm import Session

    from bot.services import units

    def sync(connection: Connection) -> None:
        with Session(bind=connection) as session:
            units.sync_kb_units(session, kb.registry, dt.datetime.now(dt.UTC))

    return sync
