"""The 100× knowledge bases of the answering benchmark: varied entries really differ."""

from __future__ import annotations

import datetime as dt

import pytest

from bench.scaled_kb import copied_kb, varied_kb
from knowledge.answers import Assistant
from knowledge.loader import DEFAULT_ROOT, load_knowledge


@pytest.fixture(scope="module")
def kb():
    return load_knowledge(DEFAULT_ROOT)


def test_varied_kb_entries_all_differ_and_keep_their_originals_type_and_plan(kb):
    big = varied_kb(kb, 3)
    assert len(big.entries) == 3 * len(kb.entries)
    assert len({(e.title, e.body) for e in big.entries}) == len(big.entries)
    assert len(big.by_id) == len(big.entries)
    for entry in big.entries[len(kb.entries):]:
        original = kb.by_id[entry.id.rsplit("-v", 1)[0]]
        assert (type(entry), entry.plan, entry.units) == (type(original), original.plan, original.units)


def test_varied_kb_keeps_the_real_entries_first_and_unchanged(kb):
    assert varied_kb(kb, 2).entries[:len(kb.entries)] == kb.entries


def test_varied_kb_is_the_same_for_a_seed_and_differs_between_seeds(kb):
    assert varied_kb(kb, 2, seed=1).entries == varied_kb(kb, 2, seed=1).entries
    assert varied_kb(kb, 2, seed=1).entries != varied_kb(kb, 2, seed=2).entries


def test_varied_kb_spreads_the_vocabulary_where_copies_do_not(kb):
    words = lambda k: {w for e in k.entries for w in e.body.split()}  # noqa: E731
    assert len(words(varied_kb(kb, 3))) > len(words(copied_kb(kb, 3))) + 100


def test_copied_kb_repeats_every_entry_under_a_new_id(kb):
    big = copied_kb(kb, 3)
    assert len(big.entries) == len(big.by_id) == 3 * len(kb.entries)


def test_the_assistant_answers_over_a_varied_kb(kb):
    assistant = Assistant(varied_kb(kb, 2))
    answer = assistant.find_answers("thời hạn bảo vệ bí mật nhà nước độ tối mật", None, dt.date(2026, 11, 23))
    assert answer.answered
