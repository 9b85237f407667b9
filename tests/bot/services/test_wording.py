"""Services carry no user-facing wording: labels and sentences live in the texts modules."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from bot.messages import STATE_LABELS
from bot.services import statuses
from handlers import report_texts

SERVICES = sorted((Path(__file__).resolve().parents[3] / "bot" / "services").glob("*.py"))
_VIETNAMESE = re.compile("[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]",
                         re.IGNORECASE)


def _docstrings(tree: ast.AST) -> set[int]:
    kinds = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    return {id(node.body[0].value) for node in ast.walk(tree)
            if isinstance(node, kinds) and node.body and isinstance(node.body[0], ast.Expr)}


@pytest.mark.parametrize("path", SERVICES, ids=lambda p: p.name)
def test_services_hold_no_vietnamese_text_but_words_they_read(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    # Words a service reads (the column headers of an imported unit list) are sets of them.
    read = {id(elt) for node in ast.walk(tree) if isinstance(node, ast.Set) for elt in node.elts}
    skipped = _docstrings(tree) | read
    shown = [node.lineno for node in ast.walk(tree)
             if isinstance(node, ast.Constant) and isinstance(node.value, str)
             and id(node) not in skipped and _VIETNAMESE.search(node.value)]
    assert not shown, f"{path.name}: Vietnamese text at lines {shown}"


def test_every_state_has_one_label_for_the_chat_the_command_line_and_the_exports():
    assert set(STATE_LABELS) == set(statuses.STATES)
    assert report_texts.STATE_LABELS is STATE_LABELS
