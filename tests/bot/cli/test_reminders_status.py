"""`reminders status [--json]`: the delivery log's counts for operators; a bad URL exits 2."""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.cli.reminders_status import add_status_command, run_status
from bot.db.engine import make_engine, make_session_factory, upgrade_database
from bot.services import deliveries

NOW = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def factory(database_url, monkeypatch) -> Iterator[sessionmaker[Session]]:
    """A migrated database that DATABASE_URL names."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    engine = make_engine(database_url)
    upgrade_database(engine)
    yield make_session_factory(engine)
    engine.dispose()


def _status_parser():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command")
    reminders = sub.add_parser("reminders")
    add_status_command(reminders.add_subparsers(dest="reminders_command"))
    sub.add_parser("other")
    return parser


def test_reminders_status_counts_pending_sent_failed_and_retrying(factory):
    with factory.begin() as session:
        for key in ("a", "b", "c"):
            deliveries.claim(session, key, user_id=7, kind="reminder", subscription_id=3, process="p1",
                             now=NOW)
        deliveries.mark_sent(session, "b", NOW)
        deliveries.mark_failed(session, "c", "TimedOut", NOW, NOW + dt.timedelta(minutes=1))
    parser = _status_parser()
    out = io.StringIO()
    assert run_status(parser.parse_args(["reminders", "status", "--json"]), out) == 0
    assert json.loads(out.getvalue()) == {"pending": 1, "sent": 1, "failed": 1, "retrying": 1}
    out = io.StringIO()
    assert run_status(parser.parse_args(["reminders", "status"]), out) == 0
    assert out.getvalue().splitlines() == [
        "Đang gửi (đã nhận, chưa xong): 1", "Đã gửi: 1", "Thất bại: 1 (trong đó chờ gửi lại: 1)"]
    assert run_status(parser.parse_args(["other"]), out) is None


def test_reminders_status_with_a_bad_database_url(monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", "not a url")
    out = io.StringIO()
    assert run_status(_status_parser().parse_args(["reminders", "status"]), out) == 2
    assert out.getvalue() == "" and "DATABASE_URL" in capsys.readouterr().err
