"""Alembic environment: migrate the connection `bot.db.engine.upgrade_database` hands over, or else
the database of `DATABASE_URL` (the `alembic` command line, for writing new revisions).

Logging is deliberately not configured here: the application configures it once at its entry point.
"""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy.engine import Connection

import bot.db.models  # noqa: F401  (registers every table on Base.metadata)
from bot.db.engine import DEFAULT_DATABASE_URL, Base, make_engine

target_metadata = Base.metadata


def _database_url() -> str:
    return os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_offline() -> None:
    """Print the SQL instead of running it (`alembic upgrade head --sql`)."""
    url = _database_url()
    context.configure(
        url=url,
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=url.startswith("sqlite"),
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(_database_url())
    try:
        with engine.connect() as connection, connection.begin():
            _run(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
