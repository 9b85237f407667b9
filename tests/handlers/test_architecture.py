"""Rules of the handler layer that keep the database responsive (import rules: tests/test_architecture.py)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

HANDLERS = sorted((Path(__file__).resolve().parents[2] / "handlers").glob("*.py"))


@pytest.mark.parametrize("path", HANDLERS, ids=lambda p: p.name)
def test_no_network_call_while_a_transaction_is_open(path):
    # SQLite transactions start with BEGIN IMMEDIATE: awaiting Telegram inside one would hold
    # the write lock for the length of a network round trip.
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.With) and any("sessions" in ast.unparse(i.context_expr) for i in node.items):
            awaits = [n.lineno for n in ast.walk(node) if isinstance(n, ast.Await)]
            assert not awaits, f"{path.name}: await inside a transaction at lines {awaits}"
