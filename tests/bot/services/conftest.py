"""A fresh, migrated SQLite file per test, and a session the test body runs in."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.db.engine import make_engine, make_session_factory, upgrade_database

NOW = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)  # 09:00 in Hà Nội on tests' TODAY
TZ = ZoneInfo("Asia/Ho_Chi_Minh")  # the deployment's (`Settings.tz`), as receipts are dated in


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'bmnn.sqlite3'}")
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
