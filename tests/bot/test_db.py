"""The database layer: the migration builds exactly the models' schema; SQLite is tuned."""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
import threading
from collections.abc import Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import CheckConstraint, Engine, inspect, select, text
from sqlalchemy.exc import IntegrityError, StatementError

from bot import db
from bot.db import MIGRATIONS_DIR, Base, make_engine, make_session_factory, upgrade_database
from bot.models import UnitRecord, User

NOW = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def file_engine(tmp_path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'var' / 'db' / 'bmnn.sqlite3'}")
    yield engine
    engine.dispose()


def _head() -> str:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None
    return head


def test_the_migration_builds_exactly_the_models(file_engine):
    upgrade_database(file_engine)
    with file_engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
        assert set(inspect(connection).get_table_names()) == {*Base.metadata.tables, "alembic_version"}
        assert connection.scalar(text("SELECT version_num FROM alembic_version")) == _head()
        # The comparison does see a difference when there is one.
        connection.execute(text("DROP INDEX ix_audit_log_at"))
        assert compare_metadata(context, Base.metadata) != []
        connection.rollback()


def test_the_migrations_build_the_models_check_constraints(file_engine):
    # compare_metadata does not look at CHECK constraints; compare names and conditions here.
    upgrade_database(file_engine)
    with file_engine.connect() as connection:
        inspector = inspect(connection)
        for table in Base.metadata.sorted_tables:
            built = {(c["name"], c["sqltext"]) for c in inspector.get_check_constraints(table.name)}
            modelled = {(str(c.name), str(c.sqltext)) for c in table.constraints
                        if isinstance(c, CheckConstraint)}
            assert built == modelled, table.name


def test_upgrading_twice_is_harmless_and_keeps_data(file_engine):
    upgrade_database(file_engine)
    with make_session_factory(file_engine).begin() as session:
        session.add(User(id=1, first_name="A", created_at=NOW))
    upgrade_database(file_engine)
    with make_session_factory(file_engine)() as session:
        assert session.scalars(select(User.id)).all() == [1]


def test_sqlite_file_is_tuned(file_engine, tmp_path):
    upgrade_database(file_engine)
    assert (tmp_path / "var" / "db" / "bmnn.sqlite3").exists()  # the directory was created
    with file_engine.connect() as connection:
        pragma = connection.exec_driver_sql
        assert pragma("PRAGMA journal_mode").scalar() == "wal"
        assert pragma("PRAGMA foreign_keys").scalar() == 1
        assert pragma("PRAGMA busy_timeout").scalar() == db.BUSY_TIMEOUT_MS == 5000
        assert pragma("PRAGMA synchronous").scalar() == 1  # NORMAL


def test_two_processes_upgrading_at_once_both_succeed(tmp_path):
    url = f"sqlite:///{tmp_path / 'bmnn.sqlite3'}"
    engines = [make_engine(url) for _ in range(2)]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def upgrade(engine: Engine) -> None:
        barrier.wait()
        try:
            upgrade_database(engine)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=upgrade, args=(engine,)) for engine in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert errors == []
        with engines[0].connect() as connection:
            assert connection.execute(text("SELECT version_num FROM alembic_version")).all() == [
                (_head(),)]
    finally:
        for engine in engines:
            engine.dispose()


def test_a_new_file_switched_to_wal_while_another_connection_writes_waits_its_turn(tmp_path,
                                                                                 monkeypatch):
    # Another process holds the write lock of a new (not yet WAL) file, as when two processes
    # start on it together: SQLite refuses the WAL switch at once instead of waiting, so the
    # connection tries again once the other is done.
    path = tmp_path / "bmnn.sqlite3"
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("CREATE TABLE t (a INTEGER)")
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO t VALUES (1)")
    pauses: list[None] = []

    def other_finishes() -> None:
        pauses.append(None)
        other.execute("COMMIT")

    monkeypatch.setattr(db, "_pause", other_finishes)
    engine = make_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("SELECT a FROM t").all() == [(1,)]
        assert len(pauses) == 1
    finally:
        engine.dispose()
        other.close()


def test_in_memory_database_is_shared_by_sessions():
    engine = make_engine("sqlite://")
    try:
        upgrade_database(engine)
        factory = make_session_factory(engine)
        with factory.begin() as session:
            session.add(User(id=5, first_name="A", created_at=NOW))
        with factory() as session:
            user = session.get(User, 5)
            assert user is not None and user.created_at == NOW
    finally:
        engine.dispose()


def test_objects_stay_readable_after_commit(file_engine):
    upgrade_database(file_engine)
    with make_session_factory(file_engine).begin() as session:
        user = User(id=3, first_name="Lan", created_at=NOW)
        session.add(user)
    assert user.first_name == "Lan" and user.role == "user" and user.active is True


def test_foreign_keys_are_enforced(file_engine):
    upgrade_database(file_engine)
    from bot.models import Contact

    with pytest.raises(IntegrityError), make_session_factory(file_engine).begin() as session:
        session.add(Contact(user_id=404, plan="lang-son", unit_id=404, state="pending",
                            via="request", created_at=NOW))


def test_one_unit_per_name_for_any_plan(file_engine):
    upgrade_database(file_engine)
    factory = make_session_factory(file_engine)

    def unit(plan: str | None) -> UnitRecord:
        return UnitRecord(name="Xã A", key="xa a", plan=plan, source="admin", created_at=NOW)

    with factory.begin() as session:
        session.add_all([unit(None), unit("lang-son"), unit("dong-nai")])
    for plan in (None, "lang-son"):
        with pytest.raises(IntegrityError), factory.begin() as session:
            session.add(unit(plan))


def test_upgrade_leaves_logging_alone(file_engine):
    existing = logging.getLogger("bot.some_module")
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    upgrade_database(file_engine)
    assert not existing.disabled
    assert root.handlers == handlers and root.level == level


def test_a_naive_datetime_never_reaches_the_database(file_engine):
    upgrade_database(file_engine)
    with pytest.raises(StatementError, match="naive"), make_session_factory(file_engine).begin() as s:
        s.add(User(id=9, first_name="A", created_at=dt.datetime(2026, 1, 1)))


def test_the_statuses_revision_downgrades_and_upgrades_again(file_engine):
    from alembic import command

    upgrade_database(file_engine)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with file_engine.connect() as connection, connection.begin():
        config.attributes["connection"] = connection
        command.downgrade(config, "0001")
    with file_engine.connect() as connection:
        tables = set(inspect(connection).get_table_names())
    assert "statuses" not in tables and "report_drafts" not in tables and "units" in tables
    upgrade_database(file_engine)
    with file_engine.connect() as connection:
        assert {"statuses", "report_drafts"} <= set(inspect(connection).get_table_names())
