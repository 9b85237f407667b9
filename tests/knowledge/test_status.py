"""Where a legal document stands on a day, and how answers word it (knowledge/status.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from knowledge.model import Document, Provision
from knowledge.render import to_plain
from knowledge.status import Standing, describe, status_on

BEFORE = dt.date(2026, 2, 10)  # Luật 117/2025/QH15 signed, not yet in force
AFTER = dt.date(2026, 12, 2)


def _doc(doc_id: str, **fields) -> Document:
    return Document(id=doc_id, kind=fields.pop("kind", "law"), title=doc_id,
                    short=fields.pop("short", doc_id), file="x.md", number="1", **fields)


OLD = _doc("old", short="Luật cũ", effective=dt.date(2020, 7, 1), ended=dt.date(2026, 2, 28),
           status="replaced", replaced_by="new")
NEW = _doc("new", short="Luật mới", effective=dt.date(2026, 3, 1), status="in_force",
           replaces=("old",))
GUIDE = _doc("guide", kind="decree", short="Nghị định cũ", effective=dt.date(2020, 7, 1),
             status="unknown", guides=("old",))
NEW_GUIDE = _doc("new-guide", kind="decree", short="Nghị định mới",
                 effective=dt.date(2026, 3, 1), status="in_force", guides=("new",))
LONE = _doc("lone", kind="circular", short="Thông tư lẻ", effective=dt.date(2020, 7, 1),
            status="unknown")
DOCS = {d.id: d for d in (OLD, NEW, GUIDE, NEW_GUIDE, LONE)}


def test_a_law_signed_but_not_yet_in_force_is_worded_as_such_with_the_law_that_still_applies():
    status = status_on(NEW, BEFORE, DOCS)
    assert status.standing is Standing.NOT_YET
    text = describe(status)
    assert "chưa có hiệu lực" in text and "01/03/2026" in text and "vẫn áp dụng Luật cũ" in text
    assert "không còn hiệu lực" not in text


def test_the_replaced_law_is_in_force_until_its_last_day_and_replaced_after():
    assert status_on(OLD, BEFORE, DOCS).in_force
    assert status_on(OLD, dt.date(2026, 2, 28), DOCS).in_force
    after = status_on(OLD, AFTER, DOCS)
    assert after.standing is Standing.ENDED and after.successor is NEW
    text = describe(after)
    assert "hết hiệu lực sau ngày 28/02/2026" in text and "Luật mới" in text and "01/03/2026" in text


def test_a_decree_of_unknown_status_guiding_a_replaced_law_carries_a_caveat_and_names_the_new_guide():
    assert status_on(GUIDE, BEFORE, DOCS).in_force  # while its law stood, it stood
    after = status_on(GUIDE, AFTER, DOCS)
    assert after.standing is Standing.GUIDES_ENDED and not after.in_force
    text = describe(after)
    assert text.startswith("Lưu ý:") and "chưa xác nhận" in text and "Nghị định mới" in text


def test_an_unknown_status_with_nothing_to_go_by_is_unconfirmed_never_in_force():
    status = status_on(LONE, AFTER, DOCS)
    assert status.standing is Standing.UNCONFIRMED
    assert "chưa xác nhận được tình trạng hiệu lực" in describe(status)


def test_a_document_in_force_is_worded_with_its_effective_date():
    assert describe(status_on(NEW, AFTER, DOCS)) == "Quy định này theo Luật mới (có hiệu lực từ 01/03/2026)."


@pytest.mark.parametrize("day", [BEFORE, AFTER])
def test_no_bundled_legal_document_of_unknown_status_is_ever_shown_as_plainly_in_force_after_the_change(
        kb, day):
    for doc in kb.documents.values():
        if not doc.is_legal:
            continue
        status = status_on(doc, day, kb.documents)
        if doc.status == "unknown" and day >= dt.date(2026, 3, 1):
            assert not status.in_force, doc.id
            assert describe(status).startswith("Lưu ý:"), doc.id


def test_answers_dated_before_march_2026_say_the_2025_law_is_not_yet_in_force(assistant):
    text = to_plain(assistant.find_answers("Luật 117/2025/QH15 quy định bí mật nhà nước là gì",
                                           None, BEFORE).markdown)
    assert "không còn hiệu lực" not in text
    assert "Luật 117/2025/QH15 chưa có hiệu lực" in text


def test_answers_after_march_2026_caveat_every_legal_text_not_in_force(assistant, kb):
    for entry in kb.entries:
        if not isinstance(entry, Provision):
            continue
        note = assistant.law_status_note(entry, AFTER) or ""
        doc = kb.documents[entry.doc_id]
        if not status_on(doc, AFTER, kb.documents).in_force:
            assert "Lưu ý" in note or "văn bản cũ" in note, entry.id
            assert f"theo {doc.short} (có hiệu lực" not in note, entry.id
