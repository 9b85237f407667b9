"""Database plumbing: the declarative base, engines, sessions and schema upgrades.

The embedded default is one SQLite file under `var/` shared by several processes (the bot and
the CLI), so SQLite connections are tuned for that: WAL (readers never block the writer), foreign
keys on, a busy timeout, and every transaction started with `BEGIN IMMEDIATE` — a transaction
that reads and then writes would otherwise fail at once with "database is locked" when another
process wrote in between, instead of waiting its turn. The switch of a new file to WAL is such a
read-then-write too, and SQLite does not wait there either (two processes starting on a new
file would deadlock, so one of them is refused at once): it is retried until the busy timeout.
PostgreSQL (`DATABASE_URL`) needs none of this.

Callers own transactions: ``with factory.begin() as session: ...``; nothing here commits for them.
Keep them short and never hold one across an `await` of the network: on SQLite a transaction
holds the write lock from its first statement, and other processes wait (up to 5 s) behind it.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

from sqlalchemy import Connection, Engine, MetaData, Table, create_engine, event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.pool import StaticPool

__all__ = [
    "DEFAULT_DATABASE_URL",
    "MIGRATIONS_DIR",
    "Base",
    "Db",
    "dialect_insert",
    "make_engine",
    "make_session_factory",
    "upgrade_database",
]

# Relative to the working directory, like the `var/` the Makefile and README use.
DEFAULT_DATABASE_URL = "sqlite:///var/bmnn.sqlite3"

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

# Stable constraint names, so later Alembic revisions can drop or alter them by name.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# How long a SQLite connection waits for another process's write lock before giving up.
BUSY_TIMEOUT_MS = 5000
# Pause between two attempts at the WAL switch (the other process's switch takes milliseconds).
_WAL_RETRY_PAUSE = 0.01

# Any constant will do; it only has to be the same in every process of a deployment.
_PG_MIGRATION_LOCK = 0x626D6E6E  # "bmnn"


# What a service that runs on every update takes: an ORM session, or the bare connection of a
# transaction (`engine.begin()`), which costs a third less per statement on the hot path.
Db = Session | Connection


class Base(DeclarativeBase):
    """Declarative base of every table of the application."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    # Every model here is mapped to one table (SQLAlchemy types it as any FROM clause).
    __table__: ClassVar[Table]


def make_engine(url: str) -> Engine:
    """An engine for `url`; SQLite files get their directory created and the pragmas above.

    ``sqlite://`` (in memory) shares one connection (StaticPool) so every session of a test
    sees the same database.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    database = parsed.database or ""
    in_memory = database in ("", ":memory:") or database.startswith("file::memory:")
    kwargs: dict[str, Any] = {}
    if in_memory:
        kwargs.update(poolclass=StaticPool, connect_args={"check_same_thread": False})
    else:
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    # Every session ends in COMMIT or ROLLBACK (`with factory.begin()`), so the pool's own
    # rollback on check-in would only cost a round trip per transaction.
    engine = create_engine(url, pool_reset_on_return=None, **kwargs)
    _tune_sqlite(engine, in_memory)
    return engine


def _tune_sqlite(engine: Engine, in_memory: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from the sqlite3 module (it would not BEGIN before DDL
        # and cannot BEGIN IMMEDIATE); SQLAlchemy's "begin" event below does it instead.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            # The timeout first: switching a new file to WAL waits for a lock like any write.
            cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            if not in_memory:
                _switch_to_wal(cursor)
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Straight to the driver: it runs for every transaction, and SQLAlchemy's statement
        # machinery would double the cost of an empty one.
        connection.connection.driver_connection.execute("BEGIN IMMEDIATE")


def _switch_to_wal(cursor: Any) -> None:
    """`PRAGMA journal_mode=WAL`, waiting like any write when another connection holds a lock.

    The switch reads the file, then needs it to itself. When two connections do this at once on
    a new file (two processes starting, or upgrading, together), each holds the read lock the
    other waits for, and SQLite refuses one of them at once with "database is locked" instead of
    calling its busy handler. Its lock gone, the other switches in milliseconds; a new attempt
    then finds the file in WAL already.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if exc.sqlite_errorcode & 0xFF != sqlite3.SQLITE_BUSY or time.monotonic() >= deadline:
                raise
        _pause()


def _pause() -> None:
    time.sleep(_WAL_RETRY_PAUSE)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """One session factory per engine; objects stay readable after the transaction ends."""
    return sessionmaker(engine, expire_on_commit=False)


def upgrade_database(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision; safe at every start, from any process.

    Runs in one transaction that first takes the database's write lock (SQLite: BEGIN IMMEDIATE;
    PostgreSQL: an advisory lock), so a second process waits, then finds nothing to do. The
    application's logging configuration is left alone.
    """
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.connect() as connection, connection.begin():
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK})
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def dialect_insert(db: Db) -> Callable[..., Any]:
    """The `insert` of the database behind `db`, for `ON CONFLICT` clauses (SQLite or PostgreSQL)."""
    name = (db.get_bind() if isinstance(db, Session) else db).dialect.name
    if name == "sqlite":
        return sqlite.insert
    if name == "postgresql":
        return postgresql.insert
    raise NotImplementedError(f"ON CONFLICT is not supported on {name}")
