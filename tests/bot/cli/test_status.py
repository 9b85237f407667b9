"""`status submit`, `status overview` and `export`: the SPEC's shapes and exit codes, the leak
guard on notes, and bad input changing nothing."""

from __future__ import annotations

import argparse
import csv
import io
import json
import os

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from bot.cli import main
from bot.cli.status import add_commands, run_command
from bot.db.engine import make_engine, make_session_factory
from bot.db.models import AuditEntry, StatusRecord
from tests.conftest import TODAY
from tests.databases import Database

PLAN = "hai-phong"
ITEM = "hp-han-huong-dan-mua-sam"  # Sở Tài chính's
YEARLY = "hp-han-bao-cao-hang-nam"


@pytest.fixture
def db_path(database_url, monkeypatch) -> Database:
    """The database DATABASE_URL names: a SQLite file not yet created, or an empty PostgreSQL schema."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    return Database(database_url)


@pytest.fixture
def cli(kb, db_path, capsys):
    parser = argparse.ArgumentParser(prog="python -m bot")
    parser.set_defaults(today=TODAY)  # the hidden global --today of bot.cli
    add_commands(parser.add_subparsers(dest="command"))

    def run(*argv: str) -> tuple[int | None, str, str]:
        out = io.StringIO()
        code = run_command(parser.parse_args(argv), lambda: kb, out)
        return code, out.getvalue(), capsys.readouterr().err

    return run


def _count(db_path: Database, model) -> int:
    if not db_path.exists():
        return 0
    engine = make_engine(db_path.url)
    try:
        with make_session_factory(engine)() as session:
            return session.scalar(select(func.count()).select_from(model)) or 0
    finally:
        engine.dispose()


def _audits(db_path: Database) -> list[AuditEntry]:
    engine = make_engine(db_path.url)
    try:
        with make_session_factory(engine)() as session:
            return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
    finally:
        engine.dispose()


def submit(cli, *extra: str, unit: str = "Sở Tài chính", item: str = ITEM, state: str = "hoan_thanh"):
    return cli("status", "submit", "--plan", PLAN, "--unit", unit, "--item", item, "--state", state,
               *extra)


def test_other_commands_are_not_ours(kb):
    assert run_command(argparse.Namespace(command="units"), lambda: kb, io.StringIO()) is None


def test_submit_then_overview_then_xlsx(cli, db_path, tmp_path):
    code, out, err = submit(cli, "--note", "đã ban hành hướng dẫn số 12/HD-STC", "--json")
    assert code == 0, err
    result = json.loads(out)
    assert result["accepted"] is True and result["reason"] is None
    assert result["receipt"].startswith("BC-") and result["version"] == 1

    code, out, _ = cli("status", "overview", "--plan", PLAN, "--json")
    assert code == 0
    rows = {row["item"]: row for row in json.loads(out)}
    row = rows[ITEM]
    assert set(row) >= {"item", "title", "due", "done", "in_progress", "blocked", "not_reported"}
    assert (row["due"], row["done"], row["not_reported"]) == ("2025-12-31", ["Sở Tài chính"], [])
    yearly = rows[f"{YEARLY}@2026"]
    assert yearly["due"] == "2026-11-05" and "Sở Tài chính" in yearly["not_reported"]

    path = tmp_path / "trang-thai.xlsx"
    code, out, err = cli("export", "--plan", PLAN, "--format", "xlsx", "--out", str(path))
    assert code == 0, err
    assert str(path) in out
    sheet = load_workbook(path)["Trạng thái"]
    found = [[c.value for c in r] for r in sheet.iter_rows(min_row=2) if r[1].value == ITEM]
    assert len(found) == 1
    assert found[0][0] == "Sở Tài chính" and found[0][4] == "Hoàn thành"
    assert found[0][6] == "đã ban hành hướng dẫn số 12/HD-STC" and found[0][8] == result["receipt"]
    assert load_workbook(path)["Lịch sử"].max_row == 2
    actions = [e.action for e in _audits(db_path)]
    assert actions == ["status_submitted", "status_exported"]


def test_a_marked_note_exits_1_and_stores_nothing(cli, db_path):
    code, out, err = submit(cli, "--note", "MẬT\nKế hoạch phòng thủ số 07", "--json")
    assert code == 1
    assert json.loads(out) == {"accepted": False, "receipt": None, "reason": "marking"}
    assert "độ mật" in err and "Kế hoạch phòng thủ" not in err
    assert _count(db_path, StatusRecord) == 0
    (entry,) = _audits(db_path)
    assert (entry.action, entry.actor_id, entry.detail["reason"], entry.detail["via"]) == (
        "status_refused", None, "marking", "cli")
    code, _out, err = submit(cli, "--note", "TỐI MẬT - bản đồ")  # plain output: the reason on stderr
    assert code == 1 and err.startswith("Từ chối:")
    code, _out, _err = submit(cli, "--note", "MẬT danh sách cán bộ tham gia")
    assert code == 1 and _count(db_path, StatusRecord) == 0


def test_plain_output_and_a_correction(cli):
    code, out, _ = submit(cli, "--state", "đang làm")
    assert code == 0 and "Đang thực hiện" in out and "lần báo cáo thứ 1" in out
    code, out, _ = submit(cli, "--state", "Hoàn thành", "--unit", "so tai chinh")
    assert code == 0 and "Hoàn thành" in out and "lần báo cáo thứ 2" in out and "Số biên nhận: BC-" in out


@pytest.mark.parametrize(("kwargs", "extra", "reason"), [
    ({"state": "có lẽ"}, (), "unknown_state"),
    ({"item": "hp-khong-co"}, (), "unknown_item"),
    ({"item": "hp-han-ban-giao-tai-lieu"}, (), "not_responsible"),  # Sở Nội vụ's
    ({}, ("--note", "x" * 501), "note_too_long"),
])
def test_refusals_exit_1_with_their_code(cli, db_path, kwargs, extra, reason):
    code, out, err = submit(cli, *extra, "--json", **kwargs)
    assert code == 1 and json.loads(out)["reason"] == reason and err.startswith("Từ chối:")
    assert _count(db_path, StatusRecord) == 0
    assert [e.detail["reason"] for e in _audits(db_path)] == [reason]


def test_a_yearly_item_by_bare_id_or_year(cli):
    code, out, _ = submit(cli, "--json", item=YEARLY)
    assert code == 0 and json.loads(out)["item"] == f"{YEARLY}@2026"
    code, out, _ = submit(cli, "--json", item=f"{YEARLY}@2027")
    assert code == 0 and json.loads(out)["item"] == f"{YEARLY}@2027"


def test_unknown_plan_and_unit_exit_2(cli, db_path):
    code, _, err = cli("status", "submit", "--plan", "nowhere", "--unit", "Sở Tài chính", "--item", ITEM,
                       "--state", "hoan_thanh")
    assert code == 2 and "không có kế hoạch" in err and "hai-phong" in err
    assert not db_path.exists()  # checked before the database is opened
    code, _, err = submit(cli, unit="Tài chánh tỉnh xyz")
    assert code == 2 and "không tìm thấy đơn vị" in err and "Sở Tài chính" in err
    code, _, err = submit(cli, unit="Sở Tài chánh nhà nước")  # a "Sở …" name not in the catalogue
    assert code == 2 and "units add" in err and "Sở Tài chính" in err
    code, _, err = submit(cli, unit="các sở, ban, ngành")
    assert code == 2 and "nhóm" in err
    code, _, err = submit(cli, unit="Phường Chưa Thêm")
    assert code == 2 and "units add" in err
    assert _count(db_path, StatusRecord) == 0 and _count(db_path, AuditEntry) == 0


def test_a_unit_added_for_the_plan_is_found_by_its_name(cli, kb, db_path):
    from bot.cli.db import add_commands as add_db_commands
    from bot.cli.db import run_command as run_db_command

    parser = argparse.ArgumentParser()
    add_db_commands(parser.add_subparsers(dest="command"))
    assert run_db_command(parser.parse_args(["units", "add", "UBND phường Đồ Sơn", "--plan", PLAN]),
                          lambda: kb, io.StringIO()) == 0
    code, out, err = submit(cli, "--json", unit="ubnd phuong do son", item=f"{YEARLY}@2026")
    assert code == 0, err
    assert json.loads(out)["unit"] == "UBND phường Đồ Sơn"


def test_overview_plain_text_and_one_item(cli):
    submit(cli, "--note", "ok")
    submit(cli, unit="Sở Nội vụ", item=f"{YEARLY}@2026", state="vuong_mac")
    code, out, _ = cli("status", "overview", "--plan", PLAN)
    assert code == 0
    assert "31/12/2025 · Hạn Sở Tài chính" in out and "100% hoàn thành (1/1 đơn vị)" in out
    assert "Vướng mắc: Sở Nội vụ" in out and "Chưa báo cáo:" in out and "▓" in out
    code, out, _ = cli("status", "overview", "--plan", PLAN, "--item", YEARLY, "--json")
    (row,) = json.loads(out)
    assert row["item"] == f"{YEARLY}@2026" and row["blocked"] == ["Sở Nội vụ"]
    code, _, err = cli("status", "overview", "--plan", PLAN, "--item", "hp-khong-co")
    assert code == 2 and "không có hạn" in err and ITEM in err
    code, out, _ = cli("status", "overview", "--plan", "vb286")
    assert code == 0 and "không có hạn nào" in out


def test_export_csv(cli, db_path, tmp_path):
    submit(cli, "--note", "=cmd đã xong")
    path = tmp_path / "out.csv"
    code, out, _ = cli("export", "--plan", PLAN, "--format", "csv", "--out", str(path))
    assert code == 0 and "CSV" in out
    with path.open(encoding="utf-8-sig", newline="") as handle:
        table = list(csv.DictReader(handle))
    done = [r for r in table if r["Mã mục"] == ITEM]
    assert len(done) == 1 and done[0]["Mã trạng thái"] == "hoan_thanh" and done[0]["Hạn"] == "2025-12-31"
    assert done[0]["Ghi chú"] == "'=cmd đã xong"
    assert _audits(db_path)[-1].detail == {"plan": PLAN, "rows": len(table), "format": "csv", "via": "cli"}


def test_export_to_an_unwritable_path_exits_2(cli, tmp_path, db_path):
    for out in (tmp_path / "missing" / "x.csv", tmp_path):
        code, _, err = cli("export", "--plan", PLAN, "--format", "csv", "--out", str(out))
        assert code == 2 and "không ghi được" in err
    if os.geteuid() != 0:  # root writes anywhere
        locked = tmp_path / "locked"
        locked.mkdir()
        locked.chmod(0o500)
        code, _, err = cli("export", "--plan", PLAN, "--format", "xlsx", "--out", str(locked / "x.xlsx"))
        assert code == 2
    assert not db_path.exists()


def test_wired_into_the_main_cli(db_path, capsys):
    out = io.StringIO()
    code = main(["--today", "2026-11-23", "status", "submit", "--plan", PLAN, "--unit", "So Tai chinh",
                 "--item", ITEM, "--state", "xong", "--json"], stdout=out)
    assert code == 0 and json.loads(out.getvalue())["accepted"] is True
    out = io.StringIO()
    assert main(["status", "overview", "--plan", PLAN, "--json"], stdout=out) == 0
    assert any(r["done"] for r in json.loads(out.getvalue()))


def test_a_duty_id_names_the_item_of_the_deadline_dating_it(cli, tmp_path):
    code, out, err = submit(cli, "--json", item="hp-iii5-stc-huong-dan-mua-sam", state="dang_thuc_hien")
    assert code == 0, err
    assert (json.loads(out)["item"], json.loads(out)["version"]) == (ITEM, 1)
    code, out, _ = submit(cli, "--json")  # the deadline id: the same item, its next version
    assert (json.loads(out)["item"], json.loads(out)["version"]) == (ITEM, 2)
    path = tmp_path / "out.csv"
    cli("export", "--plan", PLAN, "--format", "csv", "--out", str(path))
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["Đơn vị"] == "Sở Tài chính"]
    mine = [r for r in rows if r["Mã mục"] in (ITEM, "hp-iii5-stc-huong-dan-mua-sam")]
    assert [(r["Mã mục"], r["Mã trạng thái"]) for r in mine] == [(ITEM, "hoan_thanh")]


def test_a_task_another_unit_leads_is_not_reported_by_the_units_helping(cli, db_path):
    led = "hp-iii1-ca-kiem-dinh-thiet-bi"  # "Công an thành phố: kiểm định …", with every unit's help
    code, out, _ = submit(cli, "--json", item=led)
    assert code == 1 and json.loads(out)["reason"] == "not_responsible"
    code, out, err = submit(cli, "--json", item=led, unit="Công an thành phố")
    assert code == 0, err


def test_overview_shows_a_blocked_duty_without_a_deadline(cli):
    duty = "hp-ii2-tu-ra-soat"
    code, _, err = submit(cli, item=duty, state="vuong_mac")
    assert code == 0, err
    code, out, _ = cli("status", "overview", "--plan", PLAN)
    assert code == 0 and "— · Tự rà soát" in out and "Vướng mắc: Sở Tài chính" in out
    code, out, _ = cli("status", "overview", "--plan", PLAN, "--json")
    rows = {row["item"]: row for row in json.loads(out)}
    # SPEC's JSON rows all carry a due date: the duty is listed only when asked for by id.
    assert duty not in rows and rows[ITEM]["kind"] == "deadline"
    assert all(len(row["due"]) == 10 for row in rows.values())
    code, out, _ = cli("status", "overview", "--plan", PLAN, "--item", duty, "--json")
    (row,) = json.loads(out)
    assert (row["kind"], row["due"], row["blocked"]) == ("duty", None, ["Sở Tài chính"])
    code, out, _ = cli("status", "overview", "--plan", PLAN, "--item", duty)
    assert code == 0 and "— · Tự rà soát" in out and "Vướng mắc: Sở Tài chính" in out
