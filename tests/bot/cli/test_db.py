"""`db upgrade`, `admin …` and `units …`: output, exit codes, and bad input changing nothing."""

from __future__ import annotations

import argparse
import io

import pytest
from sqlalchemy import select

from bot.cli import main
from bot.cli.db import IMPORT_REASONS, MAX_LINES_LISTED, add_commands, run_command
from bot.db.engine import make_engine, make_session_factory
from bot.db.models import AuditEntry, UnitRecord, User
from tests.databases import Database


@pytest.fixture
def db_path(database_url, monkeypatch) -> Database:
    """The database DATABASE_URL names: a SQLite file not yet created, or an empty PostgreSQL schema."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.delenv("ADMIN_IDS", raising=False)
    return Database(database_url)


@pytest.fixture
def cli(kb, db_path, capsys):
    parser = argparse.ArgumentParser(prog="python -m bot")
    add_commands(parser.add_subparsers(dest="command"))

    def run(*argv: str) -> tuple[int | None, str, str]:
        out = io.StringIO()
        code = run_command(parser.parse_args(argv), lambda: kb, out)
        return code, out.getvalue(), capsys.readouterr().err

    return run


def _rows(db_path: Database, model):
    engine = make_engine(db_path.url)
    try:
        with make_session_factory(engine)() as session:
            return list(session.scalars(select(model).order_by(model.id)))
    finally:
        engine.dispose()


def test_other_commands_are_not_ours(kb):
    assert run_command(argparse.Namespace(command="ask"), lambda: kb, io.StringIO()) is None


def test_db_upgrade_creates_the_database_and_the_kb_units(cli, db_path, kb):
    code, out, _ = cli("db", "upgrade")
    assert code == 0 and db_path.exists()
    assert "phiên bản mới nhất" in out and f"{len(kb.registry.units)} đơn vị" in out
    assert len(_rows(db_path, UnitRecord)) == len(kb.registry.units)
    code, out, _ = cli("db", "upgrade")
    assert code == 0 and "đơn vị từ cơ sở tri thức" not in out


def test_admin_add_list_remove(cli, db_path, monkeypatch):
    monkeypatch.setenv("ADMIN_IDS", "555")
    code, out, _ = cli("admin", "add", "123456789")
    assert code == 0 and "Đã cấp quyền quản trị cho 123456789" in out and "/start" in out
    code, out, _ = cli("admin", "add", "123456789")
    assert code == 0 and "không thay đổi" in out
    code, out, _ = cli("admin", "list")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("555\t") and "ADMIN_IDS" in lines[0]
    assert lines[1].startswith("123456789\t") and "cấp bằng lệnh" in lines[1]
    code, out, _ = cli("admin", "remove", "123456789")
    assert code == 0 and "Đã thu hồi" in out
    code, out, _ = cli("admin", "remove", "555")
    assert code == 0 and "không thay đổi" in out and "ADMIN_IDS" in out
    [user] = _rows(db_path, User)
    assert (user.id, user.role) == (123456789, "user")
    assert [(a.action, a.target, a.actor_id, a.detail) for a in _rows(db_path, AuditEntry)] == [
        ("admin.add", "123456789", None, {"via": "cli"}),
        ("admin.remove", "123456789", None, {"via": "cli"}),
    ]


def test_admin_list_when_there_is_none(cli):
    code, out, _ = cli("admin", "list")
    assert code == 0 and "Chưa có quản trị viên" in out


@pytest.mark.parametrize("bad", ["abc", "0", "-5", "12.5", "٣", "99999999999999999999"])
def test_bad_user_id_exits_2_and_touches_nothing(cli, db_path, bad):
    code, out, err = cli("admin", "add", bad)
    assert code == 2 and out == ""
    assert "không phải id người dùng Telegram" in err
    assert not db_path.exists()


def test_units_add_and_list(cli, db_path):
    code, out, _ = cli("units", "add", "UBND phường Đông Kinh", "--plan", "lang-son")
    assert code == 0 and "Đã thêm đơn vị 'UBND phường Đông Kinh'" in out and "lang-son" in out
    code, out, _ = cli("units", "add", "ubnd phuong dong kinh", "--plan", "lang-son")
    assert code == 0 and "đã có" in out
    code, out, _ = cli("units", "add", "Hợp tác xã Tân Thành")  # admins may add any plausible name
    assert code == 0 and "mọi kế hoạch" in out
    code, out, _ = cli("units", "list", "--plan", "lang-son")
    assert code == 0 and "UBND phường Đông Kinh" in out and "Sở Tài chính" in out
    code, out, _ = cli("units", "list", "--plan", "dong-nai")
    assert "UBND phường Đông Kinh" not in out and "Hợp tác xã Tân Thành" in out
    added = [r for r in _rows(db_path, UnitRecord) if r.source == "admin"]
    assert [(r.name, r.plan) for r in added] == [
        ("UBND phường Đông Kinh", "lang-son"), ("Hợp tác xã Tân Thành", None)]
    audit = _rows(db_path, AuditEntry)
    assert [a.action for a in audit] == ["unit.add", "unit.add"]
    assert audit[0].detail == {"via": "cli", "name": "UBND phường Đông Kinh", "plan": "lang-son"}


@pytest.mark.parametrize(("argv", "message"), [
    (("units", "add", "Phường X", "--plan", "khong-co"), "không có kế hoạch 'khong-co'"),
    (("units", "list", "--plan", "khong-co"), "không có kế hoạch"),
    (("units", "add", "1234"), "không hợp lệ"),
    (("units", "add", "các sở, ban, ngành"), "nhóm đơn vị"),
])
def test_bad_unit_input_exits_2_and_changes_nothing(cli, db_path, argv, message):
    cli("db", "upgrade")
    before = len(_rows(db_path, UnitRecord))
    code, out, err = cli(*argv)
    assert code == 2 and message in err and out == ""
    assert len(_rows(db_path, UnitRecord)) == before
    assert _rows(db_path, AuditEntry) == []


def test_units_import(cli, db_path, tmp_path):
    csv_file = tmp_path / "xa.csv"
    csv_file.write_bytes(
        "name,plan\nPhường Đông Kinh,lang-son\nXã Tân Thành,\nSở Tài chính,\n".encode("utf-8-sig"))
    code, out, _ = cli("units", "import", str(csv_file), "--plan", "lao-cai")
    assert code == 0
    assert out == "Nhập xa.csv: đã thêm 2 đơn vị; đã có sẵn 1 (không thay đổi); từ chối 0 dòng.\n"
    rows = {r.name: r.plan for r in _rows(db_path, UnitRecord) if r.source == "csv"}
    assert rows == {"Phường Đông Kinh": "lang-son", "Xã Tân Thành": "lao-cai"}
    [entry] = _rows(db_path, AuditEntry)
    assert (entry.action, entry.target) == ("unit.import", "xa.csv")
    assert entry.detail == {"via": "cli", "plan": "lao-cai", "added": 2, "existing": 1, "errors": 0}


def test_units_import_with_bad_lines_exits_1_and_keeps_the_good_ones(cli, db_path, tmp_path):
    csv_file = tmp_path / "xa.csv"
    csv_file.write_text("name,plan\nPhường Đông Kinh,lang-son\n???,lang-son\nXã A,khong-co\n"
                        "1234,\nXã B,khong-co\n", encoding="utf-8")
    code, out, _ = cli("units", "import", str(csv_file))
    assert code == 1
    assert out.splitlines() == [
        "Nhập xa.csv: đã thêm 1 đơn vị; đã có sẵn 0 (không thay đổi); từ chối 4 dòng.",
        "Các dòng bị từ chối (sửa rồi nhập lại; các dòng khác không bị ảnh hưởng):",
        f"  {IMPORT_REASONS['invalid']}: dòng 3, 5",
        f"  {IMPORT_REASONS['unknown_plan']}: dòng 4, 6",
    ]
    names = [r.name for r in _rows(db_path, UnitRecord) if r.source == "csv"]
    assert names == ["Phường Đông Kinh"]


def test_a_long_import_prints_a_summary_not_every_name(cli, db_path, tmp_path):
    csv_file = tmp_path / "xa.csv"
    good = [f"UBND xã Thử Nghiệm {n}" for n in range(1, 41)]
    bad = MAX_LINES_LISTED + 5
    csv_file.write_text("name\n" + "\n".join(good + ["???"] * bad) + "\n", encoding="utf-8")
    code, out, _ = cli("units", "import", str(csv_file), "--plan", "lang-son")
    assert code == 1
    summary, _refused, reason = out.splitlines()
    assert summary == f"Nhập xa.csv: đã thêm 40 đơn vị; đã có sẵn 0 (không thay đổi); từ chối {bad} dòng."
    assert reason.endswith(" … và 5 dòng khác") and "dòng 42, 43," in reason
    assert "Thử Nghiệm" not in out
    assert len([r for r in _rows(db_path, UnitRecord) if r.source == "csv"]) == 40


@pytest.mark.parametrize(("content", "message"), [
    (None, "không đọc được tệp"),
    ("Xã Tân Thành\n".encode("latin-1"), "không phải văn bản UTF-8"),
])
def test_unreadable_csv_exits_2_and_touches_nothing(cli, db_path, tmp_path, content, message):
    csv_file = tmp_path / "xa.csv"
    if content is not None:
        csv_file.write_bytes(content)
    code, out, err = cli("units", "import", str(csv_file))
    assert code == 2 and message in err and out == ""
    assert not db_path.exists()


def test_import_with_unknown_plan_exits_2(cli, db_path, tmp_path):
    csv_file = tmp_path / "xa.csv"
    csv_file.write_text("Phường Đông Kinh\n", encoding="utf-8")
    code, _, err = cli("units", "import", str(csv_file), "--plan", "khong-co")
    assert code == 2 and "không có kế hoạch" in err
    assert not db_path.exists()


def test_bad_database_url_exits_2(cli, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "not a url")
    code, _, err = cli("admin", "list")
    assert code == 2 and "DATABASE_URL" in err


def test_units_add_files_the_unit_under_a_group_and_refuses_near_duplicates(cli, db_path):
    code, out, _ = cli("units", "add", "Câu lạc bộ Hưu trí", "--plan", "lang-son",
                       "--group", "Các cơ quan, đơn vị, địa phương")
    assert code == 0 and "Đã thêm đơn vị 'Câu lạc bộ Hưu trí'" in out and "Lưu ý" not in out
    code, out, _ = cli("units", "add", "Hội Cựu giáo chức", "--plan", "lang-son")  # "Hội …" classifies
    assert code == 0 and "Lưu ý" not in out
    code, out, _ = cli("units", "add", "Câu lạc bộ Cờ", "--plan", "lang-son")
    assert code == 0 and "không thuộc nhóm nào" in out and "--group" in out
    code, out, _ = cli("units", "add", "UBND xã Tân Thành", "--plan", "lang-son")
    before = len(_rows(db_path, UnitRecord))
    code, out, err = cli("units", "add", "UBND xã Tân Thànhh", "--plan", "lang-son")
    assert code == 2 and out == "" and "gần giống đơn vị đã có 'UBND xã Tân Thành'" in err
    assert len(_rows(db_path, UnitRecord)) == before
    code, out, _ = cli("units", "add", "UBND xã Tân Thànhh", "--plan", "lang-son", "--force")
    assert code == 0 and "Đã thêm" in out
    code, _, err = cli("units", "add", "Xã B", "--group", "nhóm không có")
    assert code == 2 and "không có nhóm 'nhóm không có'" in err
    groups = {r.name: r.group_id for r in _rows(db_path, UnitRecord) if r.source == "admin"}
    assert groups["Câu lạc bộ Hưu trí"] == "nhom-co-quan-don-vi-dia-phuong"


def test_units_rename_keeps_the_record_and_refuses_bad_input(cli, db_path):
    cli("units", "add", "UBND xã Tân Thanh", "--plan", "lang-son")
    cli("units", "add", "UBND xã Hòa Bình", "--plan", "lang-son")
    [record] = [r for r in _rows(db_path, UnitRecord) if r.name == "UBND xã Tân Thanh"]
    code, out, _ = cli("units", "rename", "ubnd xa tan thanh", "UBND xã Tân Thạnh", "--plan", "lang-son")
    assert code == 0 and "Đã đổi tên 'UBND xã Tân Thanh' thành 'UBND xã Tân Thạnh'" in out
    [renamed] = [r for r in _rows(db_path, UnitRecord) if r.id == record.id]
    assert renamed.name == "UBND xã Tân Thạnh"
    entry = _rows(db_path, AuditEntry)[-1]
    assert (entry.action, entry.detail) == ("unit.rename", {
        "via": "cli", "old": "UBND xã Tân Thanh", "new": "UBND xã Tân Thạnh"})
    for argv, message in [
        (("UBND xã Không Có", "UBND xã Mới"), "không có đơn vị 'UBND xã Không Có'"),
        (("UBND xã Hòa Bình", "UBND xã Tân Thạnh"), "đã có đơn vị 'UBND xã Tân Thạnh'"),
        (("UBND xã Hòa Bình", "UBND xã Tân Thạnhh"), "gần giống"),
        (("UBND xã Hòa Bình", "các sở, ban, ngành"), "nhóm đơn vị"),
        (("UBND xã Hòa Bình", "1234"), "không hợp lệ"),
        (("Sở Tài chính", "Sở Tài chính tỉnh"), "cơ sở tri thức"),
    ]:
        code, out, err = cli("units", "rename", *argv, "--plan", "lang-son")
        assert code == 2 and out == "" and message in err, argv
    code, _, err = cli("units", "rename", "UBND xã Hòa Bình", "UBND xã Mới", "--plan", "khong-co")
    assert code == 2 and "không có kế hoạch" in err
    assert [r.name for r in _rows(db_path, UnitRecord) if r.source == "admin"] == [
        "UBND xã Tân Thạnh", "UBND xã Hòa Bình"]
    code, _, err = cli("units", "rename", "UBND xã Hòa Bình", "Độ mật: Tối mật", "--plan", "lang-son")
    assert code == 1 and "Tối mật" not in err
    assert "UBND xã Hòa Bình" in [r.name for r in _rows(db_path, UnitRecord)]


def test_units_remove_retires_the_unit_keeps_it_listed_as_removed_and_add_restores_it(cli, db_path):
    cli("units", "add", "UBND xã Tân Thành", "--plan", "lang-son")
    [record] = [r for r in _rows(db_path, UnitRecord) if r.name == "UBND xã Tân Thành"]
    code, out, _ = cli("units", "remove", "UBND xa Tan Thanh", "--plan", "lang-son")
    assert code == 0 and "Đã xóa đơn vị 'UBND xã Tân Thành'" in out and "0 đầu mối" in out
    [retired] = [r for r in _rows(db_path, UnitRecord) if r.id == record.id]
    assert retired.retired_at is not None
    code, out, _ = cli("units", "list", "--plan", "lang-son")
    assert "UBND xã Tân Thành" not in out
    code, out, _ = cli("units", "list")
    assert "UBND xã Tân Thành" in out and "đã xóa" in out
    code, out, err = cli("units", "remove", "UBND xã Tân Thành", "--plan", "lang-son")
    assert code == 2 and "đã bị xóa trước đó" in err
    code, out, err = cli("units", "remove", "Công an tỉnh")
    assert code == 2 and "cơ sở tri thức" in err
    code, out, err = cli("units", "remove", "Câu lạc bộ Không Có", "--plan", "lang-son")
    assert code == 2 and "không có đơn vị" in err
    code, out, err = cli("units", "remove", "UBND xã A", "--plan", "khong-co")
    assert code == 2 and "không có kế hoạch" in err
    code, out, _ = cli("units", "add", "UBND xã Tân Thành", "--plan", "lang-son")
    assert code == 0 and "Đã khôi phục" in out
    assert [r.retired_at for r in _rows(db_path, UnitRecord) if r.id == record.id] == [None]
    assert [a.action for a in _rows(db_path, AuditEntry)] == ["unit.add", "unit.remove", "unit.restore"]


@pytest.mark.parametrize("argv", [["admin", "list"], ["db", "upgrade"], ["reminders", "status"],
                                  ["status", "overview", "--plan", "lang-son"]])
def test_every_database_command_reads_the_settings_as_the_bot_does(db_path, monkeypatch, capsys, argv):
    # One reading of the settings for the whole CLI: a value the bot would refuse at start-up
    # stops the command with exit 2 naming the variable, before the database is created.
    monkeypatch.setenv("ADMIN_IDS", "555, abc")
    code = main(argv, stdout=io.StringIO())
    assert code == 2 and "ADMIN_IDS" in capsys.readouterr().err
    assert not db_path.exists()
