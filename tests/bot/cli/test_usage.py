"""How the command line speaks: argparse in Vietnamese, dates as typed, a closed pipe, close matches."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli.main import BROKEN_PIPE_EXIT, main

ROOT = Path(__file__).resolve().parents[3]

# Words of argparse's English messages and help that must not reach a user.
ENGLISH = re.compile(r"(?i)\b(usage|error|invalid|choose from|required|unrecognized|argument|"
                     r"expected|ambiguous|positional|options|show this help)\b")


def usage_error(capsys, *argv: str) -> str:
    with pytest.raises(SystemExit) as exc:
        main(list(argv), stdout=io.StringIO())
    assert exc.value.code == 2
    return capsys.readouterr().err


@pytest.mark.parametrize(("argv", "says"), [
    (("deadline",), "tham số COMMAND: lựa chọn không hợp lệ: 'deadline' (chọn một trong: "),
    (("ask", "x", "--bogus"), "không nhận ra tham số: --bogus"),
    (("reminders", "preview", "--plan", "lang-son"), "thiếu tham số bắt buộc: --unit, --at"),
    (("db",), "thiếu tham số bắt buộc: SUBCOMMAND"),
    (("console", "--user-id", "abc"), "tham số --user-id: giá trị không hợp lệ: 'abc'"),
    (("deadlines", "--after"), "tham số --after: cần một giá trị"),
    (("export", "--plan", "lang-son", "--format", "pdf", "--out", "x"),
     "tham số --format: lựa chọn không hợp lệ: 'pdf'"),
    (("deadlines", "--after", "31/02/2026"), "tham số --after: ngày không hợp lệ: '31/02/2026'"),
    (("units", "list", "--xyz"), "không nhận ra tham số: --xyz"),
])
def test_usage_errors_are_in_vietnamese_and_exit_2(capsys, argv, says):
    err = usage_error(capsys, *argv)
    assert err.startswith("cách dùng: python -m bot")
    assert f": lỗi: {says}" in err
    assert not ENGLISH.search(err), err


@pytest.mark.parametrize("argv", [("--help",), ("deadlines", "--help"),
                                  ("reminders", "preview", "--help"), ("units", "import", "-h")])
def test_help_is_in_vietnamese(capsys, argv):
    with pytest.raises(SystemExit) as exc:
        main(list(argv), stdout=io.StringIO())
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("cách dùng: python -m bot")
    assert "tùy chọn:" in out and "-h, --help  " in out and "hiện hướng dẫn này rồi thoát" in out
    assert not ENGLISH.search(out), out


def test_the_usage_line_of_a_subcommand_is_in_vietnamese_too(capsys):
    err = usage_error(capsys, "reminders", "preview")
    assert "cách dùng: python -m bot reminders preview [-h] --plan PLAN --unit UNIT --at" in err
    assert "NGÀY [GIỜ ...]" in err


def test_the_hidden_today_takes_the_day_first_too():
    def deadlines(today: str) -> str:
        out = io.StringIO()
        assert main(["--today", today, "deadlines", "--plan", "lang-son"], stdout=out) == 0
        return out.getvalue()

    assert deadlines("02/12/2026") == deadlines("2026-12-02")


@pytest.mark.parametrize("argv", [
    ("ask", "Bí mật nhà nước là gì?"),
    ("ask", "Bí mật nhà nước là gì?", "--json"),
    ("deadlines",),
    ("deadlines", "--json"),
])
def test_a_closed_pipe_ends_the_command_quietly(argv, tmp_path):
    # `… | head -1` once head has gone: every write to the pipe fails.
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        proc = subprocess.run([sys.executable, "-m", "bot", *argv], stdout=write_end,
                              stderr=subprocess.PIPE, text=True, cwd=ROOT, timeout=60,
                              env={**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"})
    finally:
        os.close(write_end)
    assert proc.stderr == ""
    assert proc.returncode == BROKEN_PIPE_EXIT


def test_group_names_are_not_offered_as_close_matches(capsys):
    code = main(["deadlines", "--unit", "co quan"], stdout=io.StringIO())
    assert code == 2
    err = capsys.readouterr().err
    close = err.split("Gần giống:")[1]
    assert "Công an tỉnh" in close
    for group in ("Các cơ quan, đơn vị, địa phương", "Các cơ quan trung ương", "Các sở, ban, ngành",
                  "UBND các xã, phường"):
        assert group not in close
