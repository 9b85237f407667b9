"""`python -m bot ask` starts without the database's and Telegram's libraries.

`ask`, `deadlines` and `kb check` need neither; importing SQLAlchemy and python-telegram-bot was
most of `ask`'s start-up CPU time. Checked in a fresh interpreter, through `sys.modules`.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli.main import _light_command

ROOT = Path(__file__).resolve().parents[3]
# `bot.db.faults` may come: it names database faults for every command and imports no SQLAlchemy.
HEAVY = ("sqlalchemy", "telegram", "alembic", "bot.db.engine", "bot.db.models", "bot.services")

PROBE = """
import io, json, sys
from bot.cli import main
try:
    code = main(sys.argv[1:], stdout=io.StringIO())
except SystemExit as exc:  # argparse's usage errors
    code = exc.code
print(json.dumps({"code": code, "modules": sorted({m.split(".")[0] for m in sys.modules}
                                                  | {m for m in sys.modules if m.startswith("bot.")})}))
"""


def _modules_after(*argv: str) -> tuple[int, set[str]]:
    done = subprocess.run([sys.executable, "-c", PROBE, *argv], cwd=ROOT, capture_output=True,
                          text=True, check=True)
    result = json.loads(done.stdout.splitlines()[-1])
    return result["code"], set(result["modules"])


@pytest.mark.parametrize("argv", [("ask", "hạn gửi báo cáo năm"), ("ask", "--json", "BMNN là gì"),
                                  ("deadlines", "--plan", "lang-son"),
                                  ("--today", "2026-11-23", "ask", "hạn chót")])
def test_commands_without_database_import_neither_sqlalchemy_nor_telegram(argv):
    code, modules = _modules_after(*argv)
    assert code == 0
    assert not modules & set(HEAVY), sorted(modules & set(HEAVY))


def test_database_commands_still_get_their_parsers():
    code, modules = _modules_after("units", "list", "--not-an-option")
    assert code == 2  # the `units` parser exists and refuses the unknown option
    assert "sqlalchemy" in modules


@pytest.mark.parametrize(("argv", "light"), [
    (["ask", "x"], True), (["--kb", "kb", "ask", "x"], True), (["--today=2026-01-01", "kb", "check"], True),
    (["deadlines"], True), (["units", "list"], False), (["--to", "2026-01-01", "ask", "x"], False),
    ([], False), (["--help"], False), (["--kb", "ask"], False),
])
def test_only_a_plainly_named_light_command_gets_the_light_parser(argv, light):
    assert _light_command(argv) is light
