"""`python -m bench`'s arguments and tables: refusals exit 2, every row printed beside its baseline."""

from __future__ import annotations

import pytest

from bench.__main__ import BENCHMARKS, build_parser, main
from bench.answers import print_table
from bench.startup import print_startup


def test_every_benchmark_can_be_chosen_alone():
    only = next(a for a in build_parser()._actions if a.dest == "only")
    assert list(only.choices) == [b.name for b in BENCHMARKS]
    assert len({b.name for b in BENCHMARKS}) == len(BENCHMARKS)


@pytest.mark.parametrize("args", [["--samples", "0"], ["--slow-samples", "0"], ["--runs", "0"]])
def test_bench_refuses_counts_below_one(args, capsys):
    assert main(["--only", "guard", *args]) == 2
    assert "must be at least 1" in capsys.readouterr().out


def test_a_missing_development_set_is_refused_for_the_benchmarks_that_read_it(tmp_path, capsys):
    assert main(["--only", "answers", "--dev", str(tmp_path / "none.jsonl")]) == 2
    assert "development set not found" in capsys.readouterr().out


def _answer_row(kb: str, answerer: str, p99: float, samples: int = 1000) -> dict:
    return {"kb": kb, "answerer": answerer, "entries": 453, "setup_ms": 500.0, "samples": samples,
            "p50_ms": p99 / 2, "p99_ms": p99}


def test_answer_rows_are_printed_beside_the_project_and_their_own_1x_row(capsys):
    rows = [_answer_row("1×", "project", 10.0), _answer_row("1×", "bm25s", 5.0),
            _answer_row("×100 varied", "project", 30.0),
            _answer_row("×100 varied", "bm25s", 20.0, samples=45)]
    print_table({"kb_load_ms": 100.0, "copies_made_ms": 1000.0, "varied_made_ms": 9000.0,
                 "questions": 45, "factor": 100, "samples": 1000, "rows": rows})
    last = capsys.readouterr().out.splitlines()[-1]
    assert "0.67×" in last and "4.00×" in last and "p99 of 45 samples only" in last


def test_startup_rows_are_printed_beside_the_empty_interpreter_with_the_verdict(capsys):
    rows = [{"command": name, "median_s": median, "min_s": median}
            for name, median in (("pass", 0.02), ("import knowledge", 0.03), ("index", 0.4),
                                 ("ask, empty cache", 0.7), ("ask", 0.6))]
    print_startup({"runs": 5, "target_s": 0.5, "rows": rows})
    out = capsys.readouterr().out
    assert "30.0×" in out and "NOT met" in out
    assert "with an empty cache: 0.700 s" in out and "the full build alone: 0.400 s" in out
