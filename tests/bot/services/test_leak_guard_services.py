"""The services judge what they keep or send themselves: behind the chat's filter, and for the CLI.

Each service that stores or forwards free text is given every marked text of the corpus
directly (no filter in front) and must refuse it with nothing written.
"""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import func, select

from bot import leak_guard
from bot.db.models import Announcement, QuestionLog, ReportDraft, StatusRecord, UnitRecord
from bot.services import announcements, contacts, drafts, questions, statuses, units, users
from tests.bot.services.conftest import NOW, TZ
from tests.leak_corpus import MARKED

ADMIN, CONTACT = 900001, 100001
PLAN, ITEM = "lang-son", "ls-dl-kiem-tra-thiet-bi"


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


@pytest.fixture
def contact(session, kb):
    """An approved contact of Sở Y tế in Lạng Sơn, with one blocked report an admin may answer."""
    users.touch_user(session, ADMIN, "Quản trị", None, NOW)
    users.touch_user(session, CONTACT, "Lan", None, NOW)
    units.sync_kb_units(session, kb.registry, NOW)
    unit, _ = units.add_unit(session, "Sở Y tế", PLAN, kb.registry, "admin", ADMIN, NOW)
    invite = contacts.create_invite(session, PLAN, unit.id, ADMIN, NOW)
    contacts.redeem_invite(session, invite.code, CONTACT, NOW)
    record = statuses.submit_status(session, kb, plan=PLAN, unit_id=unit.id, item_key=ITEM,
                                    state="vuong_mac", note=None, actor_id=CONTACT, admin=False,
                                    now=NOW, via="chat", today=NOW.date(), tz=TZ)
    return unit, record


def test_no_marked_question_is_logged(session):
    users.touch_user(session, CONTACT, "Lan", None, NOW)
    for text, _level in MARKED:
        with pytest.raises(leak_guard.MarkedText):
            questions.log_question(session, CONTACT, PLAN, text, False, None, (), (), NOW)
    assert _count(session, QuestionLog) == 0


def test_no_marked_announcement_is_drafted_or_confirmed(session, contact):
    for text, _level in MARKED:
        with pytest.raises(leak_guard.MarkedText):
            announcements.prepare(session, PLAN, text, ADMIN, NOW)
        with pytest.raises(leak_guard.MarkedText):
            announcements.create_draft(session, PLAN, text, ADMIN, NOW)
    assert _count(session, Announcement) == 0
    draft = announcements.prepare(session, PLAN, "Họp giao ban lúc 14h", ADMIN, NOW).draft
    assert draft is not None
    draft.text = MARKED[0][0]  # written by other means, or before a stricter guard
    with pytest.raises(announcements.AnnouncementError) as refused:
        announcements.confirm(session, draft.id, ADMIN, NOW)
    assert refused.value.reason == "marking" and draft.state == "cancelled"
    assert announcements.confirm(session, draft.id, ADMIN, NOW) is False


def test_no_marked_unit_name_is_added(session, kb):
    before = _count(session, UnitRecord)
    for text, _level in MARKED:
        with pytest.raises(leak_guard.MarkedText):
            units.add_unit(session, text, PLAN, kb.registry, "admin", ADMIN, NOW, allow_unclassified=True)
    assert _count(session, UnitRecord) == before


def test_a_csv_import_refuses_each_marked_line_and_keeps_the_others(session, kb):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["name", "plan"])
    writer.writerow(["UBND xã Mẫu Sơn", PLAN])
    for text, _level in MARKED:
        writer.writerow([text, PLAN])
    result = units.import_units_csv(session, out.getvalue(), PLAN, kb.registry, ADMIN, NOW, plans=kb.plans)
    assert result.added == ["UBND xã Mẫu Sơn"]
    assert [reason for _line, reason in result.errors] == ["marking"] * len(MARKED)


def test_no_marked_reply_reaches_a_unit(session, contact):
    _unit, record = contact
    for text, _level in MARKED:
        with pytest.raises(leak_guard.MarkedText):
            statuses.unit_reply(session, record.id, text)
    reply = statuses.unit_reply(session, record.id, "Phòng PA03 sẽ hỗ trợ ngày 25/11")
    assert reply is not None and reply.targets == [CONTACT]


def test_no_marked_note_is_drafted_or_submitted(session, kb, contact):
    unit, _record = contact
    for text, _level in MARKED:
        with pytest.raises(statuses.StatusRefused) as refused:
            drafts.save_draft(session, CONTACT, PLAN, unit.id, NOW, item=ITEM, state="hoan_thanh", note=text)
        assert refused.value.reason == "marking"
        with pytest.raises(statuses.StatusRefused) as refused:
            statuses.submit_status(session, kb, plan=PLAN, unit_id=unit.id, item_key=ITEM,
                                   state="hoan_thanh", note=text, actor_id=CONTACT, admin=False,
                                   now=NOW, via="chat", today=NOW.date(), tz=TZ)
        assert refused.value.reason == "marking"
    assert _count(session, ReportDraft) == 0
    assert _count(session, StatusRecord) == 1  # the fixture's own


def test_a_long_marked_note_is_refused_as_marked_not_as_long(session, kb, contact):
    unit, _record = contact
    with pytest.raises(statuses.StatusRefused) as refused:
        statuses.submit_status(session, kb, plan=PLAN, unit_id=unit.id, item_key=ITEM,
                               state="hoan_thanh", note="TỐI MẬT\n" + "nội dung " * 80, actor_id=CONTACT,
                               admin=False, now=NOW, via="chat", today=NOW.date(), tz=TZ)
    assert refused.value.reason == "marking"
