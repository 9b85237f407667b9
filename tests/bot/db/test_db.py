"""The database layer, on SQLite and on PostgreSQL: the migrations build exactly the models' schema
and walk down and up again; constraints hold; SQLite files are tuned."""

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
from sqlalchemy import CheckConstraint, Connection, Engine, inspect, select, text
from sqlalchemy.exc import IntegrityError, StatementError

from bot.db import engine as db
from bot.db.engine import MIGRATIONS_DIR, Base, make_engine, make_session_factory, upgrade_database
from bot.db.models import Contact, UnitRecord, User
from tests.databases import database_url_for

NOW = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def engine(database_url) -> Iterator[Engine]:
    """An engine on a fresh, empty database: every test using it runs on both backends."""
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def file_engine(tmp_path) -> Iterator[Engine]:
    """A SQLite file in a directory that does not exist yet, for the tests of SQLite's tuning."""
    engine = make_engine(f"sqlite:///{tmp_path / 'var' / 'db' / 'bmnn.sqlite3'}")
    yield engine
    engine.dispose()


def _head() -> str:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None
    return head


def _assert_the_schema_is_the_models(connection: Connection) -> MigrationContext:
    """The tables, columns, types, indexes and constraints are the models', at the newest revision."""
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    assert compare_metadata(context, Base.metadata) == []
    assert set(inspect(connection).get_table_names()) == {*Base.metadata.tables, "alembic_version"}
    assert connection.scalar(text("SELECT version_num FROM alembic_version")) == _head()
    return context


def test_the_migration_builds_exactly_the_models(engine):
    upgrade_database(engine)
    with engine.connect() as connection:
        context = _assert_the_schema_is_the_models(connection)
        # The comparison does see a difference when there is one.
        connection.execute(text("DROP INDEX ix_audit_log_at"))
        assert compare_metadata(context, Base.metadata) != []
        connection.rollback()


def _check_constraints(engine: Engine) -> dict[str, set[tuple[str | None, str]]]:
    """Each table's CHECK constraints as the database reports them: (name, condition)."""
    with engine.connect() as connection:
        inspector = inspect(connection)
        return {table: {(c["name"], c["sqltext"]) for c in inspector.get_check_constraints(table)}
                for table in Base.metadata.tables}


def test_the_migrations_build_the_models_check_constraints(engine, tmp_path):
    # compare_metadata does not look at CHECK constraints. PostgreSQL rewrites their conditions
    # (`state IN ('a')` comes back as `state::text = ANY (ARRAY[...])`), so the migrated schema is
    # compared with the models built directly on a second database of the same backend.
    upgrade_database(engine)
    with database_url_for(engine.dialect.name, tmp_path / "models") as url:
        reference = make_engine(url)
        try:
            Base.metadata.create_all(reference)
            modelled = _check_constraints(reference)
        finally:
            reference.dispose()
    assert _check_constraints(engine) == modelled
    for table in Base.metadata.sorted_tables:  # and every constraint of the models is there
        names = {str(c.name) for c in table.constraints if isinstance(c, CheckConstraint)}
        assert {name for name, _ in modelled[table.name]} == names, table.name


def test_upgrading_twice_is_harmless_and_keeps_data(engine):
    upgrade_database(engine)
    with make_session_factory(engine).begin() as session:
        session.add(User(id=1, first_name="A", created_at=NOW))
    upgrade_database(engine)
    with make_session_factory(engine)() as session:
        assert session.scalars(select(User.id)).all() == [1]


def test_sqlite_file_is_tuned(file_engine, tmp_path):
    """SQLite alone: the pragmas and the file's directory are SQLite's (PostgreSQL needs none)."""
    upgrade_database(file_engine)
    assert (tmp_path / "var" / "db" / "bmnn.sqlite3").exists()  # the directory was created
    with file_engine.connect() as connection:
        pragma = connection.exec_driver_sql
        assert pragma("PRAGMA journal_mode").scalar() == "wal"
        assert pragma("PRAGMA foreign_keys").scalar() == 1
        assert pragma("PRAGMA busy_timeout").scalar() == db.BUSY_TIMEOUT_MS == 5000
        assert pragma("PRAGMA synchronous").scalar() == 1  # NORMAL


def test_two_processes_upgrading_at_once_both_succeed(database_url):
    # SQLite: the write lock (BEGIN IMMEDIATE, the WAL switch retried); PostgreSQL: the advisory lock.
    engines = [make_engine(database_url) for _ in range(2)]
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
    """SQLite alone: the WAL switch of a new file (PostgreSQL has no journal mode to switch)."""
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
    """SQLite alone: `sqlite://` is in memory, one connection shared (StaticPool) by every session."""
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


def test_objects_stay_readable_after_commit(engine):
    upgrade_database(engine)
    with make_session_factory(engine).begin() as session:
        user = User(id=3, first_name="Lan", created_at=NOW)
        session.add(user)
    assert user.first_name == "Lan" and user.role == "user" and user.active is True


def test_foreign_keys_are_enforced(engine):
    upgrade_database(engine)

    with pytest.raises(IntegrityError), make_session_factory(engine).begin() as session:
        session.add(Contact(user_id=404, plan="lang-son", unit_id=404, state="pending",
                            via="request", created_at=NOW))


def test_one_unit_per_name_for_any_plan(engine):
    upgrade_database(engine)
    factory = make_session_factory(engine)

    def unit(plan: str | None) -> UnitRecord:
        return UnitRecord(name="Xã A", key="xa a", plan=plan, source="admin", created_at=NOW)

    with factory.begin() as session:
        session.add_all([unit(None), unit("lang-son"), unit("dong-nai")])
    for plan in (None, "lang-son"):
        with pytest.raises(IntegrityError), factory.begin() as session:
            session.add(unit(plan))


def test_upgrade_leaves_logging_alone(engine):
    existing = logging.getLogger("bot.some_module")
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    upgrade_database(engine)
    assert not existing.disabled
    assert root.handlers == handlers and root.level == level


def test_a_naive_datetime_never_reaches_the_database(engine):
    upgrade_database(engine)
    with pytest.raises(StatementError, match="naive"), make_session_factory(engine).begin() as s:
        s.add(User(id=9, first_name="A", created_at=dt.datetime(2026, 1, 1)))


def _downgrade(engine, revision: str) -> None:
    from alembic import command

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.connect() as connection, connection.begin():
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def test_the_statuses_revision_downgrades_and_upgrades_again(engine):
    upgrade_database(engine)
    _downgrade(engine, "0001")
    with engine.connect() as connection:
        tables = set(inspect(connection).get_table_names())
    assert "statuses" not in tables and "report_drafts" not in tables and "units" in tables
    upgrade_database(engine)
    with engine.connect() as connection:
        assert {"statuses", "report_drafts"} <= set(inspect(connection).get_table_names())


def test_the_unit_registry_revision_downgrades_and_upgrades_again(engine):
    upgrade_database(engine)
    with make_session_factory(engine).begin() as session:
        session.add(User(id=7, first_name="Lan", last_name="Nguyễn",
                         created_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)))
    _downgrade(engine, "0005")
    with engine.connect() as connection:
        assert "unit_drafts" not in set(inspect(connection).get_table_names())
        assert "retired_at" not in {c["name"] for c in inspect(connection).get_columns("units")}
    upgrade_database(engine)
    with make_session_factory(engine).begin() as session:
        assert session.get(User, 7).first_name == "Lan"
        assert session.get(User, 7).last_name == ""


def test_reports_on_a_dated_duty_move_to_the_deadlines_item_in_time_order(engine):
    from alembic import command

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.connect() as connection, connection.begin():
        config.attributes["connection"] = connection
        command.upgrade(config, "0004")
    day = dt.timedelta(days=1)
    january, march = dt.datetime(2027, 1, 20, 3, tzinfo=dt.UTC), dt.datetime(2026, 3, 10, 3, tzinfo=dt.UTC)
    # (id, item, kind, version, state, created): a deadline report, then one on its duty, on the
    # same task; a yearly duty report made in January (2027's occurrence: 15/12/2026 is too far
    # back) and a commune's report on a duty with two deadlines, made in March 2026.
    rows = [(1, "ls-dl-gui-ke-hoach", "deadline", 1, "hoan_thanh", NOW),
            (2, "ls-iii6-ke-hoach", "duty", 1, "dang_thuc_hien", NOW + day),
            (3, "ls-iv1-cong-an-theo-doi", "duty", 1, "vuong_mac", january),
            (4, "lc-iv1-ke-hoach-bao-cao", "duty", 1, "hoan_thanh", march),
            (5, "ls-ii2-tu-kiem-tra", "duty", 1, "hoan_thanh", NOW)]
    with engine.connect() as connection, connection.begin():
        connection.execute(text("INSERT INTO units (id, name, key, plan, source, created_at) "
                                "VALUES (1, 'UBND xã Chi Lăng', 'ubnd xa chi lang', NULL, 'admin', :at)"),
                           {"at": NOW})
        for status_id, item, kind, version, state, created in rows:
            connection.execute(text(
                "INSERT INTO statuses (id, plan, unit_id, item, item_kind, state, version, receipt, via, "
                "created_at) VALUES (:id, :plan, 1, :item, :kind, :state, :version, :receipt, 'chat', :at)"),
                {"id": status_id, "plan": "lao-cai" if item.startswith("lc-") else "lang-son", "item": item,
                 "kind": kind, "state": state, "version": version, "receipt": f"BC-{status_id}",
                 "at": created})
    upgrade_database(engine)
    with engine.connect() as connection:
        found = connection.execute(text(
            "SELECT id, item, item_kind, year, version FROM statuses ORDER BY id")).all()
    assert [tuple(r) for r in found] == [
        (1, "ls-dl-gui-ke-hoach", "deadline", None, 1),
        (2, "ls-dl-gui-ke-hoach", "deadline", None, 2),  # the later report is the current one
        (3, "ls-dl-bao-cao-hang-nam@2027", "deadline", 2027, 1),
        (4, "lc-dl-gui-ke-hoach", "deadline", None, 1),  # due 27/02/2026, 11 days before
        (5, "ls-ii2-tu-kiem-tra", "duty", None, 1),  # no deadline dates it: unchanged
    ]


def test_the_migrations_walk_down_to_nothing_and_up_again_to_exactly_the_models(engine):
    # base → head → base → head, with rows in the tables a downgrade rewrites (0006 ends a
    # request waiting beside an approved unit), so every revision's downgrade() runs on data.
    upgrade_database(engine)
    with make_session_factory(engine).begin() as session:
        session.add(User(id=7, first_name="Lan", created_at=NOW))
        unit = UnitRecord(name="Xã A", key="xa a", plan="lang-son", source="admin", created_at=NOW)
        session.add(unit)
        session.flush()
        session.add_all([Contact(user_id=7, plan="lang-son", unit_id=unit.id, state=state, via="request",
                                 created_at=NOW) for state in ("approved", "pending")])
    _downgrade(engine, "base")
    with engine.connect() as connection:
        assert set(inspect(connection).get_table_names()) == {"alembic_version"}
        assert connection.execute(text("SELECT version_num FROM alembic_version")).all() == []
    upgrade_database(engine)
    with engine.connect() as connection:
        _assert_the_schema_is_the_models(connection)
        assert connection.scalar(text("SELECT count(*) FROM users")) == 0
