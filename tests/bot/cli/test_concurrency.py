"""Many `python -m bot` processes on one database at once: none crashes, none is lost.

Each command reads the schema's revision without a lock and migrates only a new database, under
the lock; SQLite's writers wait their turn (`bot.cli.common.BUSY_TIMEOUT_MS`). Run on a SQLite
file and on a PostgreSQL schema of its own (`database_url`, tests/conftest.py). The processes
are real ones, started together: the contention the issue measured (39 of 50 crashed) is
between processes, not threads. No timing is asserted; the machine may be slow and shared.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.pool import NullPool

from bot.db.engine import make_engine, make_session_factory, schema_is_current, upgrade_database
from bot.db.faults import DatabaseUnavailable, diagnosed
from bot.db.models import StatusRecord, UnitRecord
from tests.databases import require_postgres

ROOT = Path(__file__).resolve().parents[3]
SUBMITTERS = 50
FRESH_SUBMITTERS = 8  # on a new database: they all find it behind, and migrate one at a time
PLAN = "hai-phong"
ITEM = "hp-han-huong-dan-mua-sam"  # Sở Tài chính's
WAIT = 900  # seconds for all of them together: generous, the CPU is shared with other work
# Deployment settings that must not leak into the processes from the developer's environment.
SETTINGS = ("TELEGRAM_BOT_TOKEN", "TELEGRAM_API_BASE_URL", "ADMIN_IDS", "DEFAULT_PLAN",
            "TIMEZONE", "REGISTERED_ONLY", "FLOOD_LIMIT", "WORKING_DAYS_ONLY", "EXTRA_DAYS_OFF")


def _submit_together(url: str, count: int) -> list[tuple[int, str]]:
    """Start `count` `status submit` processes at once; their exit codes and stderr."""
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS}
    env["DATABASE_URL"] = url
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "bot", "--today", "2026-11-23", "status", "submit",
             "--plan", PLAN, "--unit", "Sở Tài chính", "--item", ITEM, "--state", "dang_thuc_hien",
             "--note", f"báo cáo số {number}", "--json"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        for number in range(count)
    ]
    results = []
    for process in processes:
        _, err = process.communicate(timeout=WAIT)
        results.append((process.returncode, err))
    return results


def _recorded(url: str) -> tuple[list[int], int]:
    """The versions of the statuses recorded, and the number of unit records."""
    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as session:
            versions = sorted(session.scalars(select(StatusRecord.version)))
            unit_records = session.scalar(select(func.count()).select_from(UnitRecord)) or 0
        return versions, unit_records
    finally:
        engine.dispose()


def test_fifty_submitters_at_once_are_all_recorded(database_url, kb):
    engine = make_engine(database_url)
    try:
        # An installed database, as the issue measured, that lacks the KB's units (as after a
        # KB update): on PostgreSQL the processes would race to add them.
        upgrade_database(engine)
    finally:
        engine.dispose()
    results = _submit_together(database_url, SUBMITTERS)
    failures = [(code, err) for code, err in results if code != 0]
    assert failures == []
    versions, _ = _recorded(database_url)
    assert versions == list(range(1, SUBMITTERS + 1))  # each one its own version, none lost


def test_submitters_starting_together_on_a_new_database_migrate_it_once(database_url, kb):
    results = _submit_together(database_url, FRESH_SUBMITTERS)
    assert [(code, err) for code, err in results if code != 0] == []
    versions, unit_records = _recorded(database_url)
    assert versions == list(range(1, FRESH_SUBMITTERS + 1))
    assert unit_records == len(kb.registry.units)  # the KB's units added once, not once each
    engine = make_engine(database_url)
    try:
        assert schema_is_current(engine)
    finally:
        engine.dispose()


def test_checking_the_schema_takes_no_write_lock(tmp_path):
    # Another process is writing (it holds SQLite's write lock): a command finds the schema
    # current by reading, without waiting for the lock.
    path = tmp_path / "bmnn.sqlite3"
    engine = make_engine(f"sqlite:///{path}", busy_timeout_ms=50)
    try:
        upgrade_database(engine)
        writer = sqlite3.connect(path, isolation_level=None)
        try:
            writer.execute("BEGIN IMMEDIATE")
            assert schema_is_current(engine)
            writer.execute("ROLLBACK")
        finally:
            writer.close()
    finally:
        engine.dispose()


def test_a_new_database_is_not_current(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'new.sqlite3'}")
    try:
        assert not schema_is_current(engine)
        upgrade_database(engine)
        assert schema_is_current(engine)
    finally:
        engine.dispose()


@pytest.fixture
def one_connection_role() -> Iterator[str]:
    """A PostgreSQL URL whose role may hold one connection at a time (a full server, in small)."""
    base = require_postgres()
    role = f"r_{uuid.uuid4().hex[:16]}"
    admin = create_engine(base)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE ROLE "{role}" LOGIN CONNECTION LIMIT 1'))
        try:
            yield base.set(username=role).render_as_string(hide_password=False)
        finally:
            with admin.begin() as connection:
                connection.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
    finally:
        admin.dispose()


def test_a_command_waits_for_a_free_postgresql_connection(one_connection_role):
    holder = create_engine(one_connection_role, poolclass=NullPool)  # close() really closes
    waiting = make_engine(one_connection_role, busy_timeout_ms=60_000)
    try:
        with holder.connect() as held:
            held.execute(text("SELECT 1"))
            threading.Timer(0.5, held.close).start()  # its slot frees up while the other waits
            with waiting.connect() as connection:
                assert connection.execute(text("SELECT 1")).scalar() == 1
    finally:
        holder.dispose()
        waiting.dispose()


def test_a_postgresql_server_still_full_after_the_wait_is_a_fault_naming_it(one_connection_role):
    holder = make_engine(one_connection_role)
    impatient = make_engine(one_connection_role, busy_timeout_ms=300)
    try:
        with holder.connect() as held:
            held.execute(text("SELECT 1"))
            with pytest.raises(DatabaseUnavailable) as raised, diagnosed(one_connection_role):
                impatient.connect()
    finally:
        holder.dispose()
        impatient.dispose()
    assert raised.value.reason == "rejected" and "too many connections" in raised.value.detail
