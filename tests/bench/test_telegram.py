"""The throughput benchmark's question wordings: really new each time, and the same every run."""

import pytest

from bench.__main__ import main
from bench.telegram import new_questions
from knowledge.text import fold

BASES = ["Sở Tài chính có nhiệm vụ gì?", "Hạn gửi báo cáo năm"]


def test_new_questions_are_distinct_wordings_of_the_bases():
    questions = new_questions(BASES, 60)
    assert len(set(questions)) == 60
    folded = {fold(b.rstrip("?")) for b in BASES}
    assert all(any(base in fold(q) for base in folded) for q in questions)


def test_new_questions_are_the_same_every_run():
    assert new_questions(BASES, 30) == new_questions(BASES, 30)


def test_asking_more_wordings_than_exist_is_an_error():
    with pytest.raises(ValueError, match="distinct wordings"):
        new_questions(BASES, 10_000)


@pytest.mark.parametrize(("args", "named"), [(["--rounds", "0"], "--rounds"),
                                             (["--updates", "10001"], "--updates: at most")])
def test_bench_refuses_bad_arguments(args, named, capsys, tmp_path):
    dev = tmp_path / "dev.jsonl"
    dev.write_text('{"question": "Sở Tài chính có nhiệm vụ gì?"}\n', encoding="utf-8")
    assert main(["--only", "telegram", "--dev", str(dev), *args]) == 2
    assert named in capsys.readouterr().out
