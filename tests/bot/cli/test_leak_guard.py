"""The CLI channels that keep text — `status submit --note`, `units add`, `units rename`,
`units import` — and `ask`, crossed with the corpus of marked texts: refused, nothing stored,
the text not echoed."""

from __future__ import annotations

import argparse
import csv
import io
import json

import pytest
from sqlalchemy import func, select

from bot.cli import db as cli_db
from bot.cli import main
from bot.cli import status as cli_status
from bot.db.engine import make_engine, make_session_factory
from bot.db.models import AuditEntry, StatusRecord, UnitRecord
from tests.conftest import TODAY
from tests.leak_corpus import MARKED, QUESTIONS


@pytest.fixture
def database(database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    return database_url


@pytest.fixture
def cli(kb, database, capsys):
    parser = argparse.ArgumentParser(prog="python -m bot")
    parser.set_defaults(today=TODAY)
    subparsers = parser.add_subparsers(dest="command")
    cli_status.add_commands(subparsers)
    cli_db.add_commands(subparsers)

    def run(*argv: str) -> tuple[int | None, str, str]:
        out = io.StringIO()
        args = parser.parse_args(argv)
        module = cli_status if args.command in ("status", "export") else cli_db
        code = module.run_command(args, lambda: kb, out)
        return code, out.getvalue(), capsys.readouterr().err

    return run


def _count(url: str, model, action: str | None = None) -> int:
    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as session:
            stmt = select(func.count()).select_from(model)
            if action is not None:
                stmt = stmt.where(AuditEntry.action == action)
            return session.scalar(stmt) or 0
    finally:
        engine.dispose()


def _echoed(text: str, output: str) -> bool:
    return any(len(line.strip()) > 12 and line.strip() in output for line in text.splitlines())


def test_no_marked_note_is_stored_through_status_submit(cli, database):
    for text, _level in MARKED:
        code, out, err = cli("status", "submit", "--plan", "hai-phong", "--unit", "Sở Tài chính",
                             "--item", "hp-han-huong-dan-mua-sam", "--state", "xong", "--note", text,
                             "--json")
        assert code == 1 and json.loads(out)["reason"] == "marking", text
        assert not _echoed(text, out + err), text
    assert _count(database, StatusRecord) == 0


def test_no_marked_unit_name_is_stored_through_units_add(cli, database):
    code, _out, _err = cli("units", "list")
    before = _count(database, UnitRecord)
    for text, _level in MARKED:
        code, out, err = cli("units", "add", text, "--plan", "lang-son")
        assert code == 1 and "độ mật" in err, text
        assert not _echoed(text, out + err), text
    assert _count(database, UnitRecord) == before
    assert _count(database, AuditEntry, "refused_marking") == len(MARKED)


def test_no_marked_unit_name_is_stored_through_units_rename(cli, database):
    cli("units", "add", "UBND xã Tân Thành", "--plan", "lang-son")
    _code, listed, _err = cli("units", "list")
    for text, _level in MARKED:
        code, out, err = cli("units", "rename", "UBND xã Tân Thành", text, "--plan", "lang-son")
        assert code == 1 and "độ mật" in err, text
        assert not _echoed(text, out + err), text
    assert cli("units", "list")[1] == listed
    assert _count(database, AuditEntry, "refused_marking") == len(MARKED)


def test_units_import_refuses_every_marked_line(cli, database, tmp_path):
    path = tmp_path / "units.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["name", "plan"])
        for text, _level in MARKED:
            writer.writerow([text, "lang-son"])
    _code, listed, _err = cli("units", "list")
    code, out, err = cli("units", "import", str(path))
    assert code == 1
    assert f"từ chối {len(MARKED)} dòng" in out
    [refused] = [line for line in out.splitlines() if "độ mật" in line]
    assert refused.startswith(f"  {cli_db.IMPORT_REASONS['marking']}: dòng ")
    assert refused.endswith(f" … và {len(MARKED) - cli_db.MAX_LINES_LISTED} dòng khác")
    assert not any(_echoed(text, out + err) for text, _level in MARKED)
    assert cli("units", "list")[1] == listed


def test_ask_answers_no_marked_question_and_warns(tmp_path, capsys):
    path = tmp_path / "questions.jsonl"
    lines = [{"id": i, "question": text, "plan": "lang-son"} for i, (text, _level) in enumerate(MARKED)]
    path.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in lines), encoding="utf-8")
    out = io.StringIO()
    assert main(["--today", "2026-11-23", "ask", "--batch", str(path), "--json"], stdout=out) == 0
    results = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r["id"] for r in results] == list(range(len(MARKED)))
    for result in results:
        assert result["answered"] is False and result["refused"] == "marking"
        assert "khoản 4 Điều 5" in result["text"] and result["sources"] == [] and result["blocks"] == []
    out = io.StringIO()
    assert main(["--today", "2026-11-23", "ask", MARKED[0][0]], stdout=out) == 0
    assert out.getvalue().startswith("⚠️") and "không được trả lời" in out.getvalue()


def test_ask_still_answers_questions_about_levels(tmp_path):
    path = tmp_path / "questions.jsonl"
    path.write_text("\n".join(json.dumps({"id": i, "question": q}, ensure_ascii=False)
                              for i, q in enumerate(QUESTIONS)), encoding="utf-8")
    out = io.StringIO()
    assert main(["--today", "2026-11-23", "ask", "--batch", str(path), "--json"], stdout=out) == 0
    refused = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r["id"] for r in refused if r.get("refused")] == []
