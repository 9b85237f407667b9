"""The command-line contract of SPEC.md: shapes, exit codes, bad input."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from tests.conftest import MINI_PLAN, write_mini_kb
from tests.databases import Database

ROOT = Path(__file__).resolve().parents[3]


SETTINGS_VARIABLES = ("TELEGRAM_BOT_TOKEN", "TELEGRAM_API_BASE_URL", "ADMIN_IDS", "DEFAULT_PLAN",
                      "TIMEZONE", "WEBHOOK_URL", "WEBHOOK_SECRET", "WEBHOOK_PORT", "REGISTERED_ONLY",
                      "FLOOD_LIMIT")
VALID_LOOKING_TOKEN = "123456:" + "A" * 35


@pytest.fixture
def database(database_url, monkeypatch) -> Database:
    """A temporary DATABASE_URL and no deployment settings, so nothing is written to var/."""
    for name in SETTINGS_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", database_url)
    return Database(database_url)


@pytest.fixture
def restore_logging():
    """`run` with a token configures logging for the process: undo it for the other tests."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    quieted = {name: logging.getLogger(name).level for name in ("httpx", "httpcore", "apscheduler")}
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, old in quieted.items():
        logging.getLogger(name).setLevel(old)


def run(*argv: str, stdin: str = "") -> tuple[int, str]:
    out = io.StringIO()
    code = main(["--today", "2026-11-23", *argv], stdin=io.StringIO(stdin), stdout=out)
    return code, out.getvalue()


def test_help_lists_the_commands():
    proc = subprocess.run([sys.executable, "-m", "bot", "--help"], capture_output=True, text=True,
                          cwd=ROOT, check=True)
    for command in ("run", "console", "ask", "deadlines", "kb", "db", "admin", "units"):
        assert command in proc.stdout


def test_ask_json_has_the_spec_shape():
    code, out = run("ask", "Bí mật nhà nước là gì?", "--json")
    assert code == 0
    obj = json.loads(out)
    assert set(obj) >= {"id", "answered", "text", "sources", "suggestions"}
    assert obj["id"] is None and obj["answered"] is True
    assert isinstance(obj["text"], str) and "<" not in obj["text"]
    assert obj["sources"] and set(obj["sources"][0]) == {"doc", "ref"}
    assert isinstance(obj["suggestions"], list)


def test_ask_plain_prints_the_answer_with_its_source():
    code, out = run("ask", "bi mat nha nuoc la gi")
    assert code == 0
    assert "Nguồn:" in out


def test_ask_batch_answers_each_line_in_order_and_reports_a_bad_line(tmp_path):
    batch = tmp_path / "q.jsonl"
    batch.write_text(
        '{"id": "a", "question": "Bí mật nhà nước là gì?", "plan": null}\n'
        "this is not json\n"
        '{"id": 7, "question": "", "plan": null}\n'
        '{"id": "b", "question": "x", "plan": "khong-co"}\n'
        '{"id": "c", "question": "gia vang hom nay", "plan": null}\n',
        encoding="utf-8",
    )
    code, out = run("ask", "--batch", str(batch), "--json")
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["id"] for r in rows] == ["a", None, 7, "b", "c"]
    assert rows[0]["answered"] is True
    assert "error" in rows[1] and "error" in rows[2] and "khong-co" in rows[3]["error"]
    assert rows[4]["answered"] is False and "error" not in rows[4]
    assert code == 1


def test_ask_json_blocks_are_the_parts_in_rank_order_the_first_being_the_answer():
    code, out = run("ask", "Thời hạn bảo vệ bí mật nhà nước độ Tối mật là bao lâu?", "--json")
    assert code == 0
    obj = json.loads(out)
    assert obj["blocks"] and set(obj["blocks"][0]) == {"entry", "title", "text", "sources"}
    assert obj["blocks"][0]["entry"] == obj["entries"][0]
    assert "20 năm" in obj["blocks"][0]["text"]
    declined = json.loads(run("ask", "gia vang hom nay", "--json")[1])
    assert declined["answered"] is False and declined["blocks"] == []


def test_ask_as_a_units_contact_answers_for_that_unit():
    code, out = run("ask", "đơn vị tôi có nhiệm vụ gì?", "--plan", "lao-cai", "--unit", "so noi vu",
                    "--json")
    assert code == 0
    obj = json.loads(out)
    assert obj["answered"] and obj["text"].startswith("Nhiệm vụ của Sở Nội vụ")
    assert obj["blocks"][0]["entry"] == "unit-duties:so-noi-vu"


def test_ask_unknown_unit_exits_2_with_close_matches(capsys):
    code, _ = run("ask", "đơn vị tôi có nhiệm vụ gì?", "--unit", "Cong an tinnh xyz")
    assert code == 2
    assert "Công an tỉnh" in capsys.readouterr().err


def test_ask_batch_takes_each_lines_unit_and_reports_an_unknown_one(tmp_path):
    batch = tmp_path / "q.jsonl"
    batch.write_text(
        '{"id": 1, "question": "han chot cua don vi toi", "plan": "lao-cai", "unit": "UBND phường Sa Pa"}\n'
        '{"id": 2, "question": "đơn vị tôi có nhiệm vụ gì?", "plan": "lao-cai", "unit": "Nha van hoa xyz"}\n'
        '{"id": 3, "question": "đơn vị tôi có nhiệm vụ gì?", "plan": "lao-cai", "unit": 5}\n'
        '{"id": 4, "question": "đơn vị tôi có nhiệm vụ gì?", "plan": "lao-cai"}\n',
        encoding="utf-8",
    )
    code, out = run("ask", "--batch", str(batch), "--json")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 1
    assert rows[0]["answered"] and rows[0]["text"].startswith("Hạn chót của UBND phường Sa Pa")
    assert "error" in rows[1] and "error" in rows[2]
    assert rows[3]["answered"] is False and "/donvi" in rows[3]["text"]  # no unit: say how to set one


def test_ask_unknown_plan_exits_2(capsys):
    code, _ = run("ask", "câu hỏi", "--plan", "ha-noi")
    assert code == 2
    assert "ha-noi" in capsys.readouterr().err


def test_ask_empty_question_exits_2(capsys):
    code, _ = run("ask", "   ")
    assert code == 2
    assert "trống" in capsys.readouterr().err


def test_batch_file_missing_exits_2(tmp_path, capsys):
    code, _ = run("ask", "--batch", str(tmp_path / "none.jsonl"))
    assert code == 2


def test_deadlines_json_has_the_spec_shape_soonest_first():
    code, out = run("deadlines", "--json")
    assert code == 0
    rows = json.loads(out)
    assert rows
    for row in rows:
        assert set(row) >= {"id", "plan", "title", "due", "recurrence", "units", "source"}
        assert row["recurrence"] in (None, "yearly")
    dues = [r["due"] for r in rows]
    assert dues == sorted(dues)


def test_deadlines_for_a_unit_include_its_groups_deadlines(tmp_path):
    root = write_mini_kb(tmp_path / "content")
    code, out = run("--kb", str(root), "deadlines", "--unit", "Sở Y tế", "--json")
    assert code == 0
    ids = {r["id"] for r in json.loads(out)}
    assert ids == {"tn-gui-ke-hoach", "tn-bao-cao"}


def test_deadlines_after_filters_and_rolls_yearly_forward(tmp_path):
    root = write_mini_kb(tmp_path / "content")
    _code, out = run("--kb", str(root), "deadlines", "--after", "2026-12-16", "--json")
    rows = json.loads(out)
    assert [(r["id"], r["due"]) for r in rows] == [("tn-bao-cao", "2027-12-15")]


def test_deadlines_unknown_unit_exits_2_with_close_matches(capsys):
    code, _ = run("deadlines", "--unit", "Bo chi huy quan su huyen Z")
    assert code == 2
    err = capsys.readouterr().err
    assert "Gần giống" in err and "Bộ Chỉ huy Quân sự tỉnh" in err


@pytest.mark.parametrize("day", ["16/12/2026", "16-12-2026", "16.12.2026"])
def test_deadlines_after_takes_the_day_first_too(tmp_path, day):
    root = write_mini_kb(tmp_path / "content")
    _code, iso = run("--kb", str(root), "deadlines", "--after", "2026-12-16", "--json")
    _code, day_first = run("--kb", str(root), "deadlines", "--after", day, "--json")
    assert day_first == iso and json.loads(iso)


@pytest.mark.parametrize("day", ["32/12/2026", "2026-02-30", "16/12/26", "mai"])
def test_deadlines_bad_after_date_is_a_usage_error(capsys, day):
    with pytest.raises(SystemExit) as exc:
        run("deadlines", "--after", day)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "ngày không hợp lệ" in err and "dd/mm/yyyy" in err


def test_kb_check_passes_on_bundled_kb():
    code, out = run("kb", "check")
    assert code == 0
    assert "hợp lệ" in out


def test_kb_check_lists_file_line_problems_and_exits_1(tmp_path):
    root = write_mini_kb(tmp_path / "content",
                         **{"plans__thu-nghiem.md": MINI_PLAN.replace("due: 2026-01-15", "due: x")})
    code, out = run("--kb", str(root), "kb", "check")
    assert code == 1
    assert "plans/thu-nghiem.md:" in out and "bad due" in out


def test_other_commands_refuse_an_invalid_kb(tmp_path, capsys):
    root = write_mini_kb(tmp_path / "content",
                         **{"plans__thu-nghiem.md": MINI_PLAN.replace("due: 2026-01-15", "due: x")})
    code, _ = run("--kb", str(root), "ask", "x")
    assert code == 1
    assert "bad due" in capsys.readouterr().err


def test_piped_console_session_answers_each_line(database_url):
    database = Database(database_url)
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    env["DATABASE_URL"] = database_url
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "console"],
        input="Bí mật nhà nước là gì?\n\n9\n1\n/kehoach khong-co\n/kehoach lang-son\ngia vang hom nay\n",
        capture_output=True, text=True, cwd=ROOT, env=env, check=True, timeout=60,
    )
    assert database.exists()  # the session used the temporary database, not var/
    out = proc.stdout
    assert "> Bí mật nhà nước là gì?" in out
    assert "Nguồn:" in out
    assert "Hãy gõ một số từ 1 đến" in out
    assert "không có kế hoạch 'khong-co'" in out
    assert "Đã chọn kế hoạch: lang-son" in out
    assert "không tìm thấy" in out


def test_run_without_token_starts_the_console(database, capsys):
    code, out = run("run", stdin="bmnn là gì\n")
    assert code == 0
    assert "TELEGRAM_BOT_TOKEN" in capsys.readouterr().err
    assert "bí mật nhà nước" in out.lower()
    assert database.exists()


def test_run_with_a_malformed_token_exits_2_naming_the_variable(database, monkeypatch, capsys):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "not-a-token")
    code, out = run("run")
    assert code == 2
    err = capsys.readouterr().err
    assert "TELEGRAM_BOT_TOKEN" in err and "not-a-token" not in err
    assert out == ""
    assert not database.exists()


def test_a_bad_setting_stops_the_console_too(database, monkeypatch, capsys):
    monkeypatch.setenv("WEBHOOK_PORT", "99999")
    code, _ = run("console", stdin="bmnn là gì\n")
    assert code == 2
    assert "WEBHOOK_PORT" in capsys.readouterr().err


def test_run_webhook_without_webhook_url_exits_2_before_serving(database, monkeypatch, capsys,
                                                                 restore_logging):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", VALID_LOOKING_TOKEN)
    code, out = run("run", "--webhook")
    assert code == 2
    err = capsys.readouterr().err
    assert "WEBHOOK_URL" in err
    assert VALID_LOOKING_TOKEN not in err and out == ""
    assert not database.exists()  # stopped before opening the database or the network


def test_run_webhook_without_webhook_secret_exits_2(database, monkeypatch, capsys, restore_logging):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", VALID_LOOKING_TOKEN)
    monkeypatch.setenv("WEBHOOK_URL", "https://bot.example.org/hook")
    code, _ = run("run", "--webhook")
    assert code == 2
    assert "WEBHOOK_SECRET" in capsys.readouterr().err


def test_admin_add_then_list_shows_the_admin(database):
    code, out = run("admin", "add", "123")
    assert code == 0
    assert "123" in out
    code, out = run("admin", "list")
    assert code == 0
    assert any(line.split("\t")[0] == "123" for line in out.splitlines())
    assert database.exists()


def test_admin_add_of_a_non_number_exits_2(database, capsys):
    code, out = run("admin", "add", "abc")
    assert code == 2
    assert "'abc'" in capsys.readouterr().err
    assert out == ""
    assert not database.exists()  # input is checked before the database is opened


def test_units_add_then_list_for_the_plan_shows_the_unit(database):
    code, out = run("units", "add", "UBND xã Tân Thành", "--plan", "lang-son")
    assert code == 0
    assert "UBND xã Tân Thành" in out
    code, out = run("units", "list", "--plan", "lang-son")
    assert code == 0
    assert any("\tUBND xã Tân Thành\t" in line and "lang-son" in line for line in out.splitlines())


def test_units_add_with_an_unknown_plan_exits_2(database, capsys):
    code, _ = run("units", "add", "UBND xã Tân Thành", "--plan", "khong-co")
    assert code == 2
    assert "khong-co" in capsys.readouterr().err


def test_db_upgrade_exits_0_and_creates_the_database(database):
    code, out = run("db", "upgrade")
    assert code == 0
    assert database.exists()
    assert str(database) in out
