"""The leak-guard benchmark's table: every shape judged as it should be, ratios reported."""

from __future__ import annotations

from bench.guard import SHAPES, print_guard, run_guard


def test_every_shape_is_judged_as_intended_and_reported(capsys):
    rows = run_guard(runs_small=1, runs_large=1, sizes=(512, 2048, 8192))
    assert [row["shape"] for row in rows] == [name for name, _unit, _marked in SHAPES]
    assert all(row["ratio_1m"] > 0 and len(row["ms"]) == 3 for row in rows)
    print_guard(rows)
    out = capsys.readouterr().out
    assert "worst 1 MB / 4 KB ratio" in out and all(name in out for name, _u, _m in SHAPES)
