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
holds the write lock from its first statement, and other processes wait (5 s for the bot, longer
for a command: `make_engine(busy_timeout_ms=…)`) behind it. A connection given the execution
option `READ_ONLY` begins a plain (deferred) transaction instead, which takes no write lock: how
`schema_is_current` looks at the schema while other processes write.

Only `db upgrade` and `run` migrate unconditionally (`upgrade_database`); the other commands read
the schema's revision first and migrate only a database that is behind (`ensure_schema`), so 50
commands at once do not queue behind 50 migrations that have nothing to do.
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
from sqlalchemy.orm import DeclarativeBase, Session, configure_mappers, sessionmaker
from sqlalchemy.pool import StaticPool

__all__ = [
    "DEFAULT_DATABASE_URL",
    "MIGRATIONS_DIR",
    "READ_ONLY",
    "Base",
    "Db",
    "connection_of",
    "dialect_insert",
    "ensure_schema",
    "make_engine",
    "make_session_factory",
    "schema_is_current",
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

# How long a PostgreSQL connection attempt may take before the server counts as unreachable.
PG_CONNECT_TIMEOUT_S = 10

# PostgreSQL's words when every connection slot (of the server, a role or a database) is taken
# (SQLSTATE 53300), and the pause before asking again.
_PG_NO_SLOT = ("too many clients", "too many connections for",
               "remaining connection slots are reserved")
_PG_SLOT_PAUSE = 0.1

# Any constant will do; it only has to be the same in every process of a deployment.
_PG_MIGRATION_LOCK = 0x626D6E6E  # "bmnn"

# Execution option of a connection that only reads: on SQLite its transactions begin DEFERRED
# (no write lock taken); elsewhere it changes nothing.
READ_ONLY = {"bmnn_read_only": True}


# What a service that runs on every update takes: an ORM session, or the bare connection of a
# transaction (`engine.begin()`), which costs a third less per statement on the hot path.
Db = Session | Connection


class Base(DeclarativeBase):
    """Declarative base of every table of the application."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    # Every model here is mapped to one table (SQLAlchemy types it as any FROM clause).
    __table__: ClassVar[Table]


def make_engine(url: str, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> Engine:
    """An engine for `url`; SQLite files get their directory created and the pragmas above.

    ``sqlite://`` (in memory) shares one connection (StaticPool) so every session of a test
    sees the same database. `busy_timeout_ms` is how long a SQLite connection waits for another
    process's write lock, and a PostgreSQL connection for a free slot on a server that has
    all its connections in use; a PostgreSQL server gets `PG_CONNECT_TIMEOUT_S` to answer
    unless the URL sets its own ``connect_timeout``.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        connect_args = {}
        if parsed.get_backend_name() == "postgresql" and "connect_timeout" not in parsed.query:
            connect_args["connect_timeout"] = PG_CONNECT_TIMEOUT_S
        engine = create_engine(url, pool_pre_ping=True, connect_args=connect_args)
        if parsed.get_backend_name() == "postgresql":
            _wait_for_a_slot(engine, busy_timeout_ms)
        return engine
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
    _tune_sqlite(engine, in_memory, busy_timeout_ms)
    return engine


def _tune_sqlite(engine: Engine, in_memory: bool, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from the sqlite3 module (it would not BEGIN before DDL
        # and cannot BEGIN IMMEDIATE); SQLAlchemy's "begin" event below does it instead.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            # The timeout first: switching a new file to WAL waits for a lock like any write.
            cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
            if not in_memory:
                _switch_to_wal(cursor, busy_timeout_ms)
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Straight to the driver: it runs for every transaction, and SQLAlchemy's statement
        # machinery would double the cost of an empty one.
        read_only = connection.get_execution_options().get("bmnn_read_only", False)
        connection.connection.driver_connection.execute("BEGIN" if read_only else "BEGIN IMMEDIATE")


def _wait_for_a_slot(engine: Engine, busy_timeout_ms: int) -> None:
    """Connect again while PostgreSQL has no connection to spare ("too many clients").

    Many commands started together (or several workers) can take every slot for a moment; each
    holds one for milliseconds, so waiting is the answer, as SQLite's busy timeout is for its
    lock. libpq gives these refusals no SQLSTATE, hence the server's words.
    """

    @event.listens_for(engine, "do_connect")
    def _connect(dialect: Any, _record: Any, cargs: Any, cparams: Any) -> Any:
        deadline = time.monotonic() + busy_timeout_ms / 1000
        while True:
            try:
                return dialect.connect(*cargs, **cparams)
            except dialect.loaded_dbapi.OperationalError as exc:
                busy = any(words in str(exc) for words in _PG_NO_SLOT)
                if not busy or time.monotonic() >= deadline:
                    raise
            time.sleep(_PG_SLOT_PAUSE)


def _switch_to_wal(cursor: Any, busy_timeout_ms: int) -> None:
    """`PRAGMA journal_mode=WAL`, waiting like any write when another connection holds a lock.

    The switch reads the file, then needs it to itself. When two connections do this at once on
    a new file (two processes starting, or upgrading, together), each holds the read lock the
    other waits for, and SQLite refuses one of them at once with "database is locked" instead of
    calling its busy handler. Its lock gone, the other switches in milliseconds; a new attempt
    then finds the file in WAL already.
    """
    deadline = time.monotonic() + busy_timeout_ms / 1000
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
    """One session factory per engine; objects stay readable after the transaction ends.

    The mappers are configured here, once per process, rather than by the first query: that
    query runs inside a transaction, which on SQLite holds the write lock other processes wait
    for (a third of a short command's time in it).
    """
    configure_mappers()
    return sessionmaker(engine, expire_on_commit=False)


def _alembic_config() -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def upgrade_database(engine: Engine, then: Callable[[Connection], object] | None = None) -> None:
    """Bring the schema to the newest Alembic revision; safe at every start, from any process.

    Runs in one transaction that first takes the database's write lock (SQLite: BEGIN IMMEDIATE;
    PostgreSQL: an advisory lock), so a second process waits, then finds nothing to do. `then`
    runs in the same transaction, still under the lock: what must be in place before any other
    process uses the new schema (the knowledge base's units), done by one process at a time.
    The application's logging configuration is left alone.
    """
    from alembic import command

    config = _alembic_config()
    with engine.connect() as connection, connection.begin():
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK})
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        if then is not None:
            then(connection)


def schema_is_current(engine: Engine) -> bool:
    """Whether the database is at the newest revision, found by reading (no write lock taken)."""
    from alembic.migration import MigrationContext
    from alembic.script import ScriptDirectory

    heads = set(ScriptDirectory.from_config(_alembic_config()).get_heads())
    with engine.connect() as connection:
        connection.execution_options(**READ_ONLY)
        current = set(MigrationContext.configure(connection).get_current_heads())
    return current == heads


def ensure_schema(engine: Engine, then: Callable[[Connection], object] | None = None) -> bool:
    """Migrate (as `upgrade_database`, `then` included) only when the schema is not current.

    The check is a read, so the commands that run while the bot and other commands write do not
    queue for the write lock; a new database (a fresh install) is migrated under the lock, a
    process arriving meanwhile waiting its turn. Return whether a migration was attempted.
    """
    if schema_is_current(engine):
        return False
    upgrade_database(engine, then)
    return True


def connection_of(db: Db) -> Connection:
    """The connection `db`'s statements run on: a session's (in its transaction), or `db` itself.

    Prebuilt Core statements run there skip the ORM's execution path on the hot path."""
    return db.connection() if isinstance(db, Session) else db


def dialect_insert(db: Db) -> Callable[..., Any]:
    """The `insert` of the database behind `db`, for `ON CONFLICT` clauses (SQLite or PostgreSQL)."""
    name = (db.get_bind() if isinstance(db, Session) else db).dialect.name
    if name == "sqlite":
        return sqlite.insert
    if name == "postgresql":
        return postgresql.insert
    raise NotImplementedError(f"ON CONFLICT is not supported on {name}")
