"""With a plan in view, only that plan (plus the shared law and FAQ) is cited."""

from __future__ import annotations

import pytest

from knowledge.model import FaqEntry
from knowledge.render import to_plain
from tests.conftest import TODAY

PROVINCES = {"lang-son": "Lạng Sơn", "lao-cai": "Lào Cai", "dong-nai": "Đồng Nai",
             "hai-phong": "Hải Phòng"}


def test_a_shared_entry_leaves_out_other_provinces_sentences(assistant):
    entry = next(e for e in assistant.index.entries if e.id == "faq-bao-cao-dinh-ky")
    assert "Lào Cai" in entry.body
    view = assistant.lens.view(entry, "lang-son", frozenset())
    assert view.removed > 0
    assert "Lào Cai" not in view.body and "Hải Phòng" not in view.body
    assert "lao-cai" in {doc for doc, _ in view.dropped_cites}
    assert assistant.lens.view(entry, None, frozenset()).body == entry.body


def test_a_question_naming_another_province_keeps_its_citations(assistant):
    entry = next(e for e in assistant.index.entries if e.id == "faq-bao-cao-dinh-ky")
    view = assistant.lens.view(entry, "lang-son", frozenset({"lao-cai"}))
    assert "lao-cai" not in {doc for doc, _ in view.dropped_cites}


@pytest.mark.parametrize("plan", sorted(PROVINCES))
def test_every_faq_answer_in_a_province_names_no_other_province(assistant, plan):
    others = [name for slug, name in PROVINCES.items() if slug != plan]
    for entry in assistant.index.entries:
        if not isinstance(entry, FaqEntry):
            continue
        answer = assistant.find_answers(entry.question, plan, TODAY)
        if not answer.answered:
            continue
        text = to_plain(answer.markdown) + " ".join(s.doc for s in answer.sources)
        if any(name in entry.question for name in others):
            continue
        assert not [n for n in others if n in text], (entry.id, plan)


def test_a_declined_question_names_the_office_in_the_plans_own_words(assistant):
    city = to_plain(assistant.find_answers("giá vàng hôm nay", "hai-phong", TODAY).markdown)
    province = to_plain(assistant.find_answers("giá vàng hôm nay", "dong-nai", TODAY).markdown)
    assert "Công an thành phố" in city and "Công an tỉnh" not in city
    assert "Công an tỉnh" in province
