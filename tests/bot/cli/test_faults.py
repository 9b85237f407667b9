"""A database the commands cannot use: one Vietnamese line naming the cause and the setting or
file, a documented exit code (3; 2 for a bad `DATABASE_URL`), no traceback, nothing changed.

Each fault is the real one where it can be made on any machine: a file of text, a file cut in
half, pages overwritten, a SQLite database that may not grow (`PRAGMA max_page_count`, which
SQLite reports exactly as a full disk: "database or disk is full"), a write lock held by another
connection, a port nothing listens on. Only a bug prints a traceback (exit 70).
"""

from __future__ import annotations

import io
import os
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, event, func, select

from bot import messages
from bot.cli import common, main
from bot.cli import status as cli_status
from bot.db.engine import make_engine, make_session_factory, schema_is_current, upgrade_database
from bot.db.models import StatusRecord

ROOT = Path(__file__).resolve().parents[3]
SETTINGS = ("TELEGRAM_BOT_TOKEN", "TELEGRAM_API_BASE_URL", "ADMIN_IDS", "DEFAULT_PLAN",
            "TIMEZONE", "REGISTERED_ONLY", "FLOOD_LIMIT", "WORKING_DAYS_ONLY", "EXTRA_DAYS_OFF")
SUBMIT = ("status", "submit", "--plan", "hai-phong", "--unit", "Sở Tài chính",
          "--item", "hp-han-huong-dan-mua-sam", "--state", "hoan_thanh")
# Every command that opens the database, each through its own module's wiring.
DATABASE_COMMANDS = [
    SUBMIT,
    ("status", "overview", "--plan", "hai-phong"),
    ("export", "--plan", "hai-phong", "--format", "csv", "--out", "{tmp}/out.csv"),
    ("admin", "list"),
    ("units", "list"),
    ("db", "upgrade"),
    ("reminders", "status"),
]


@pytest.fixture(autouse=True)
def no_settings(monkeypatch) -> None:
    for name in SETTINGS:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def cli(capsys):
    def run(url: str, *argv: str) -> tuple[int, list[str]]:
        os.environ["DATABASE_URL"] = url
        try:
            code = main(["--today", "2026-11-23", *argv], stdin=io.StringIO(""),
                        stdout=io.StringIO())
        finally:
            del os.environ["DATABASE_URL"]
        return code, capsys.readouterr().err.splitlines()

    return run


def installed_database(path: Path) -> Path:
    """A database at the newest schema, its write-ahead log folded back into the file."""
    engine = make_engine(f"sqlite:///{path}")
    try:
        upgrade_database(engine)
    finally:
        engine.dispose()
    assert not Path(f"{path}-wal").exists()
    return path


def _statuses(path: Path) -> int:
    engine = make_engine(f"sqlite:///{path}")
    try:
        with make_session_factory(engine)() as session:
            return session.scalar(select(func.count()).select_from(StatusRecord)) or 0
    finally:
        engine.dispose()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _one_line(err: list[str]) -> str:
    assert len(err) == 1, err
    assert "Traceback" not in err[0]
    return err[0]


def test_a_file_that_is_not_a_database_exits_3_naming_the_file(cli, tmp_path):
    path = tmp_path / "bmnn.sqlite3"
    content = b"not a database, a text file saved over it\n" * 100
    path.write_bytes(content)
    code, err = cli(f"sqlite:///{path}", *SUBMIT)
    line = _one_line(err)
    assert code == common.EXIT_DATABASE == 3
    assert "không phải cơ sở dữ liệu SQLite" in line and str(path) in line and "DATABASE_URL" in line
    assert path.read_bytes() == content


def test_a_truncated_database_exits_3_saying_it_is_cut_short(cli, tmp_path):
    path = installed_database(tmp_path / "bmnn.sqlite3")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    code, err = cli(f"sqlite:///{path}", *SUBMIT)
    line = _one_line(err)
    assert code == 3
    assert "bị cắt cụt" in line and str(path) in line


def test_a_corrupt_database_exits_3_saying_it_is_damaged(cli, tmp_path):
    path = installed_database(tmp_path / "bmnn.sqlite3")
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    data[page:] = b"\xa5" * (len(data) - page)  # every page after the first overwritten
    path.write_bytes(bytes(data))
    code, err = cli(f"sqlite:///{path}", *SUBMIT)
    line = _one_line(err)
    assert code == 3
    assert "bị hỏng" in line and str(path) in line


@contextmanager
def full_disk() -> Iterator[None]:
    """Every new SQLite connection may not grow its database: SQLite's own "disk is full"."""

    def cap(dbapi_connection, _record) -> None:
        dbapi_connection.execute("PRAGMA max_page_count = 2")

    event.listen(Engine, "connect", cap)
    try:
        yield
    finally:
        event.remove(Engine, "connect", cap)


def test_a_full_disk_exits_3_and_leaves_the_database_as_it_was(cli, tmp_path):
    path = tmp_path / "bmnn.sqlite3"
    with full_disk():
        code, err = cli(f"sqlite:///{path}", *SUBMIT)
    line = _one_line(err)
    assert code == 3
    assert "đã đầy" in line and str(path) in line
    engine = make_engine(f"sqlite:///{path}")
    try:
        assert not schema_is_current(engine)  # the migration rolled back whole
    finally:
        engine.dispose()
    code, _ = cli(f"sqlite:///{path}", *SUBMIT)  # and runs once there is room
    assert code == 0 and _statuses(path) == 1


def test_a_write_lock_held_past_the_wait_exits_3_and_records_nothing(cli, tmp_path, monkeypatch):
    path = installed_database(tmp_path / "bmnn.sqlite3")
    monkeypatch.setattr(common, "BUSY_TIMEOUT_MS", 200)
    writer = sqlite3.connect(path, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        code, err = cli(f"sqlite:///{path}", *SUBMIT)
        writer.execute("ROLLBACK")
    finally:
        writer.close()
    line = _one_line(err)
    assert code == 3
    assert "khóa ghi" in line and "0,2 giây" in line and str(path) in line
    assert _statuses(path) == 0


def test_an_unknown_kind_of_database_url_exits_2_naming_the_variable(cli):
    code, err = cli("notaurl://x", *SUBMIT)
    line = _one_line(err)
    assert code == common.EXIT_USAGE == 2
    assert "DATABASE_URL" in line and "'notaurl'" in line


def test_an_unparsable_database_url_exits_2_without_echoing_it(cli):
    code, err = cli("::: s3cret :::", *SUBMIT)
    line = _one_line(err)
    assert code == 2 and "DATABASE_URL" in line and "s3cret" not in line


def test_a_database_url_whose_driver_is_missing_exits_2_naming_the_package(cli):
    code, err = cli("mysql://user:s3cret@127.0.0.1/bmnn", *SUBMIT)
    line = _one_line(err)
    assert code == 2
    assert "DATABASE_URL" in line and "MySQLdb" in line and "s3cret" not in line


def test_postgresql_down_exits_3_naming_the_server(cli):
    port = _closed_port()
    code, err = cli(f"postgresql+psycopg://postgres@127.0.0.1:{port}/test", *SUBMIT)
    line = _one_line(err)
    assert code == 3
    assert f"127.0.0.1:{port}/test" in line and "DATABASE_URL" in line
    assert "PostgreSQL đã chạy chưa?" in line


def test_a_database_file_that_cannot_be_created_exits_3_naming_it(cli, tmp_path):
    (tmp_path / "var").write_text("a file where the directory should be", encoding="utf-8")
    path = tmp_path / "var" / "bmnn.sqlite3"
    code, err = cli(f"sqlite:///{path}", *SUBMIT)
    line = _one_line(err)
    assert code == 3
    assert "không tạo, mở hoặc ghi được" in line and str(path) in line


@pytest.mark.parametrize("argv", DATABASE_COMMANDS, ids=lambda argv: " ".join(argv[:2]))
def test_every_database_command_reports_a_damaged_file_in_one_line(cli, tmp_path, argv):
    path = tmp_path / "bmnn.sqlite3"
    path.write_bytes(b"x" * 4096)
    code, err = cli(f"sqlite:///{path}", *(arg.format(tmp=tmp_path) for arg in argv))
    line = _one_line(err)
    assert code == 3 and str(path) in line


def test_the_real_entry_point_prints_no_traceback(tmp_path):
    path = tmp_path / "bmnn.sqlite3"
    path.write_bytes(b"x" * 4096)
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS}
    env["DATABASE_URL"] = f"sqlite:///{path}"
    proc = subprocess.run([sys.executable, "-m", "bot", "status", "overview", "--plan", "hai-phong"],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert proc.returncode == 3
    assert proc.stderr.splitlines() == [messages.DATABASE_FAULTS["not_database"].format(
        target=path)]


def test_a_bug_exits_70_with_its_traceback_not_1_like_a_refusal(cli, tmp_path, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(cli_status, "_overview", broken)
    code, err = cli(f"sqlite:///{tmp_path / 'bmnn.sqlite3'}", "status", "overview", "--plan",
                    "hai-phong")
    assert code == common.EXIT_INTERNAL == 70
    assert err[0].startswith("Traceback") and "RuntimeError: a bug" in err
    assert err[-1] == messages.INTERNAL_ERROR
