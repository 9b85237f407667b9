"""`reminders preview`: the SPEC's done-when cases, its JSON shape, and bad input exiting 2."""

from __future__ import annotations

import argparse
import io
import json

import pytest

from bot.cli import main
from bot.cli.reminders import add_commands, run_command

REPORT = "ls-dl-bao-cao-hang-nam"  # Lạng Sơn, Công an tỉnh, due 15/12 every year


@pytest.fixture
def cli(kb, capsys):
    parser = argparse.ArgumentParser(prog="python -m bot")
    add_commands(parser.add_subparsers(dest="command"))

    def run(*argv: str) -> tuple[int | None, str, str]:
        out = io.StringIO()
        code = run_command(parser.parse_args(argv), lambda: kb, out)
        return code, out.getvalue(), capsys.readouterr().err

    return run


def preview(cli, at: str, unit: str = "Công an tỉnh", plan: str = "lang-son") -> list[dict]:
    code, out, err = cli("reminders", "preview", "--plan", plan, "--unit", unit, "--at", at, "--json")
    assert code == 0, err
    return json.loads(out)


def test_done_when_seven_days_before_the_annual_report(capsys):
    out = io.StringIO()
    code = main(["reminders", "preview", "--plan", "lang-son", "--unit", "Công an tỉnh",
                 "--at", "2026-12-08T08:00", "--json"], stdout=out)
    assert code == 0, capsys.readouterr().err
    (row,) = json.loads(out.getvalue())
    assert row["deadline_id"] == REPORT
    assert row["due"] == "2026-12-15"
    assert row["kind"] == "upcoming"
    assert row["offset"] == 7 and row["occurrence"] == f"{REPORT}@2026"
    assert "còn 7 ngày" in row["text"] and "15/12/2026" in row["text"]


@pytest.mark.parametrize("at", [("08/12/2026 08:00",), ("08/12/2026", "08:00"),
                                ("08/12/2026T08:00",), ("8/12/2026", "8:00")])
def test_the_time_may_be_given_day_first(cli, at):
    code, out, err = cli("reminders", "preview", "--plan", "lang-son", "--unit", "Công an tỉnh",
                         "--at", *at, "--json")
    assert code == 0, err
    assert [(r["deadline_id"], r["send_at"]) for r in json.loads(out)] == [
        (REPORT, "2026-12-08T08:00:00+07:00")]


def test_done_when_none_the_next_day(cli):
    assert preview(cli, "2026-12-09T08:00") == []


def test_done_when_overdue_the_day_after(cli):
    (row,) = preview(cli, "2026-12-16T08:00")
    assert (row["deadline_id"], row["due"], row["kind"], row["offset"]) == (
        REPORT, "2026-12-15", "overdue", -1)
    assert "đã qua hạn 1 ngày" in row["text"]


def test_json_shape(cli):
    rows = preview(cli, "2026-12-15T08:00")
    assert rows
    for row in rows:
        assert {"deadline_id", "due", "kind", "text"} <= set(row)
        assert isinstance(row["deadline_id"], str) and isinstance(row["text"], str)
        assert row["kind"] in ("upcoming", "due_today", "overdue")
        assert len(row["due"]) == 10 and row["due"][4] == "-"
    assert rows[0]["kind"] == "due_today"
    assert "<" not in rows[0]["text"]  # plain text


def test_only_that_minute(cli):
    """The bot has been running: the 08:00 reminders were sent at 08:00, nothing is stale."""
    assert preview(cli, "2026-12-08T07:59") == []
    assert preview(cli, "2026-12-08T08:01") == []
    assert preview(cli, "2026-12-08T14:00") == []


def test_quiet_hours_send_nothing(cli):
    assert preview(cli, "2026-12-08T22:00") == []
    code, out, _ = cli("reminders", "preview", "--plan", "lang-son", "--unit", "CA tỉnh",
                       "--at", "2026-12-08T22:00")
    assert code == 0 and "21:00" in out


def test_unit_names_like_user_text_and_groups(cli):
    assert preview(cli, "2026-12-08T08:00", unit="cong an tinh")[0]["deadline_id"] == REPORT
    assert preview(cli, "2026-12-08T08:00", unit="CA tỉnh")[0]["deadline_id"] == REPORT
    # A department of "các sở, ban, ngành", registered or only classified.
    for unit in ("Sở Y tế", "UBND xã Tân Thành"):
        (row,) = preview(cli, "2026-02-24T08:00", unit=unit, plan="lao-cai")
        assert (row["deadline_id"], row["due"], row["kind"]) == (
            "lc-dl-gui-ke-hoach", "2026-02-27", "upcoming")
    assert preview(cli, "2026-02-24T08:00", unit="Công an tỉnh", plan="lao-cai") == []


def test_a_reminder_falling_in_tet_2026_is_previewed_on_the_working_day_before(cli, monkeypatch):
    # Due Friday 27/02/2026: 7 days before is Friday 20/02, in the Tết break (14–22/02), so it
    # goes on Friday 13/02 — the day of the 14-day reminder: one message, not two.
    assert preview(cli, "2026-02-20T08:00", unit="Sở Y tế", plan="lao-cai") == []
    (row,) = preview(cli, "2026-02-13T08:00", unit="Sở Y tế", plan="lao-cai")
    assert (row["deadline_id"], row["offset"], row["kind"]) == ("lc-dl-gui-ke-hoach", 7, "upcoming")
    assert "còn 14 ngày" in row["text"]
    code, out, _ = cli("reminders", "preview", "--plan", "lao-cai", "--unit", "Sở Y tế",
                       "--at", "2026-02-20T08:00")
    assert code == 0 and "Ngày nghỉ" in out and "ngày làm việc liền trước" in out
    monkeypatch.setenv("WORKING_DAYS_ONLY", "0")
    assert preview(cli, "2026-02-20T08:00", unit="Sở Y tế", plan="lao-cai")[0]["offset"] == 7
    monkeypatch.setenv("WORKING_DAYS_ONLY", "1")
    monkeypatch.setenv("EXTRA_DAYS_OFF", "13/02/2026")
    (row,) = preview(cli, "2026-02-12T08:00", unit="Sở Y tế", plan="lao-cai")
    assert row["offset"] == 7


def test_plain_text_output(cli):
    code, out, _ = cli("reminders", "preview", "--plan", "lang-son", "--unit", "Công an tỉnh",
                       "--at", "2026-12-08T08:00")
    assert code == 0
    assert "Công an tỉnh" in out and "08:00 08/12/2026" in out
    assert f"/baocao {REPORT}@2026 xong" in out
    code, out, _ = cli("reminders", "preview", "--plan", "lang-son", "--unit", "Công an tỉnh",
                       "--at", "2026-12-09T08:00")
    assert code == 0 and "Không có nhắc hạn" in out


@pytest.mark.parametrize("argv", [
    ("--plan", "ha-noi", "--unit", "Công an tỉnh", "--at", "2026-12-08T08:00"),
    ("--plan", "lang-son", "--unit", "Nhà máy Vũ Trụ Xyz", "--at", "2026-12-08T08:00"),
    ("--plan", "lang-son", "--unit", "Cong an tnh xyz", "--at", "2026-12-08T08:00"),
    ("--plan", "lang-son", "--unit", "Công an tỉnh", "--at", "2026-12-08"),
    ("--plan", "lang-son", "--unit", "Công an tỉnh", "--at", "08/12/2026"),
    ("--plan", "lang-son", "--unit", "Công an tỉnh", "--at", "31/11/2026 08:00"),
    ("--plan", "lang-son", "--unit", "Công an tỉnh", "--at", "2026-13-08T08:00"),
    ("--plan", "lang-son", "--unit", "Công an tỉnh", "--at", "2026-12-08T25:00"),
    ("--plan", "lang-son", "--unit", "", "--at", "2026-12-08T08:00"),
])
def test_bad_input_exits_2_with_a_clear_message(cli, argv):
    code, out, err = cli("reminders", "preview", *argv, "--json")
    assert code == 2
    assert out == ""
    assert err.startswith("Lỗi:")


def test_unknown_unit_lists_close_matches(cli):
    code, _, err = cli("reminders", "preview", "--plan", "lang-son", "--unit", "Cong an tnh xyz",
                       "--at", "2026-12-08T08:00")
    assert code == 2 and "Công an tỉnh" in err


def test_missing_arguments_exit_2(capsys):
    for argv in (["reminders"], ["reminders", "preview", "--plan", "lang-son", "--unit", "CA tỉnh"]):
        with pytest.raises(SystemExit) as exc:
            main(argv, stdout=io.StringIO())
        assert exc.value.code == 2
    capsys.readouterr()


def test_main_exits_2_on_bad_input(capsys):
    code = main(["reminders", "preview", "--plan", "lang-son", "--unit", "Công an tỉnh", "--at", "mai"],
                stdout=io.StringIO())
    assert code == 2 and "YYYY-MM-DDTHH:MM" in capsys.readouterr().err


def test_other_modules_can_add_reminders_subcommands(kb):
    parser = argparse.ArgumentParser()
    reminders_sub = add_commands(parser.add_subparsers(dest="command"))
    reminders_sub.add_parser("status")
    args = parser.parse_args(["reminders", "status"])
    assert run_command(args, lambda: kb, io.StringIO()) is None
    assert run_command(argparse.Namespace(command="ask"), lambda: kb, io.StringIO()) is None
