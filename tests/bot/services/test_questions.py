"""The question log: logging, feedback by the asker only, unanswered questions."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.services import questions, users
from tests.bot.services.conftest import NOW


@pytest.fixture
def asked(session):
    for uid in (1, 2):
        users.touch_user(session, uid, f"U{uid}", None, NOW)
    question_id = questions.log_question(session, 1, "lang-son", "Sở Tài chính có nhiệm vụ gì?", True,
                                         0.82, ("ls-tai-chinh",), ["Hạn gửi kế hoạch?"], NOW)
    return questions.get_question(session, question_id)


def test_log_question_keeps_what_was_answered(session, asked):
    row = questions.get_question(session, asked.id)
    assert row is asked
    assert (row.plan, row.answered, row.coverage, row.feedback) == ("lang-son", True, 0.82, None)
    assert row.entry_ids == ["ls-tai-chinh"] and row.suggestions == ["Hạn gửi kế hoạch?"]
    assert questions.get_question(session, asked.id + 1) is None


def test_feedback_of_the_asker_is_stored_and_overwritten(session, asked):
    later = NOW + dt.timedelta(minutes=1)
    assert questions.record_feedback(session, asked.id, 1, "down", NOW)
    assert questions.record_feedback(session, asked.id, 1, "up", later)
    assert (asked.feedback, asked.feedback_at) == ("up", later)


@pytest.mark.parametrize(("user_id", "value", "offset"), [
    (2, "up", 0),          # someone else's question
    (1, "meh", 0),         # not a feedback value
    (1, "up", 1000),       # no such question
])
def test_bad_feedback_changes_nothing(session, asked, user_id, value, offset):
    assert questions.record_feedback(session, asked.id + offset, user_id, value, NOW) is False
    assert (asked.feedback, asked.feedback_at) == (None, None)


def test_unanswered_newest_first_by_plan(session, asked):
    def log(question, plan, minutes, answered=False):
        question_id = questions.log_question(session, 2, plan, question, answered, None, [], [],
                                             NOW + dt.timedelta(minutes=minutes))
        return questions.get_question(session, question_id)

    old = log("giá vàng hôm nay", None, 1)
    new = log("thời tiết Lạng Sơn", "lang-son", 2)
    other = log("câu hỏi Đồng Nai", "dong-nai", 3)
    log("đã trả lời", "lang-son", 4, answered=True)
    assert questions.unanswered(session) == [other, new, old]
    assert questions.unanswered(session, limit=1) == [other]
    assert questions.unanswered(session, plan="lang-son") == [new]
