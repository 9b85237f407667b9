"""A fresh, migrated database per test — SQLite, then PostgreSQL — and a session the test body runs in."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.db.engine import make_engine, make_session_factory, upgrade_database

NOW = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)  # 09:00 in Hà Nội on tests' TODAY
TZ = ZoneInfo("Asia/Ho_Chi_Minh")  # the deployment's (`Settings.tz`), as receipts are dated in


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """Migrated by Alembic, as in production; every service test runs once per backend."""
    engine = make_engine(database_url)
    upgrade_database(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def factory(engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(engine)


@pytest.fixture
def session(factory: sessionmaker[Session]) -> Iterator[Session]:
    with factory.begin() as session:
        yield session
