"""What a contact reads: /hanchot always says what is next, /lienhe names each person once, a
deadline in a duty listing sits on its own line, answers have no runs of spaces."""

from __future__ import annotations

import re

from handlers import texts
from tests.handlers.conftest import ALICE, text_of
from tests.handlers.test_questions import _contact_of


async def test_deadlines_say_so_when_nothing_is_upcoming(chat):
    # On 23/11/2026 the commune's two deadlines of the Lạng Sơn plan are past, none is ahead.
    await _contact_of(chat, ALICE, "UBND xã Chi Lăng", "lang-son")
    text = text_of(await chat.send(ALICE, "/hanchot"))
    assert texts.DEADLINES_OVERDUE in text and "15/01/2026" in text
    overdue, upcoming = text.split(texts.DEADLINES_OVERDUE)[1].split(texts.DEADLINES_UPCOMING)
    assert "15/01/2026" in overdue
    assert upcoming.strip() == texts.NO_UPCOMING == "Không có hạn nào sắp tới (trong 12 tháng tới)."


async def test_upcoming_deadlines_are_listed_under_their_heading(chat):
    await _contact_of(chat, ALICE, "Công an tỉnh", "lang-son")
    text = text_of(await chat.send(ALICE, "/hanchot"))
    upcoming = text.split(texts.DEADLINES_UPCOMING)[1]
    assert "15/12/2026" in upcoming and texts.NO_UPCOMING not in text


async def test_deadlines_read_how_far_they_are_in_the_words_of_answers_and_reminders(chat):
    await _contact_of(chat, ALICE, "UBND xã Chi Lăng", "lang-son")  # on 23/11/2026
    text = text_of(await chat.send(ALICE, "/hanchot"))
    assert "(đã qua hạn 312 ngày) ·" in text  # 15/01/2026
    answer = text_of(await chat.send(ALICE, "hạn gửi kế hoạch"))
    assert "15/01/2026 — đã qua hạn 312 ngày" in answer


async def test_office_contacts_name_each_person_and_phone_once(chat):
    await _contact_of(chat, ALICE, "UBND xã Chi Lăng", "lang-son")
    text = text_of(await chat.send(ALICE, "/lienhe"))
    for name in ("Triệu Tuấn Trung", "Hoàng Thảo Linh"):
        assert text.count(name) == 1, text
    for phone in ("0983.342.538", "0388.730.163"):
        assert text.count(phone) == 1, text


async def test_a_contact_entry_repeats_no_phone_its_text_gives(chat):
    await _contact_of(chat, ALICE, "Sở Nội vụ", "lao-cai")
    text = text_of(await chat.send(ALICE, "/lienhe"))
    assert text.count("069.2509.325") == 1 and "Phòng An ninh chính trị nội bộ" in text


async def test_a_deadline_in_a_duty_listing_is_on_its_own_line(chat):
    await _contact_of(chat, ALICE, "UBND xã Chi Lăng", "lang-son")
    listing = text_of(await chat.send(ALICE, "/nhiemvu"))
    assert "⏰ Hạn:" in listing
    for line in listing.split("\n"):
        assert "Hạn:" not in line or line.strip().startswith("⏰ Hạn:"), line
    answer = text_of(await chat.send(ALICE, "đơn vị tôi có nhiệm vụ gì"))
    assert "an ninh an toàn.\nHạn: hết tháng 10/2026 (31/10/2026) — đã qua hạn 23 ngày." in answer
    for line in answer.split("\n"):
        assert "Hạn:" not in line or line.startswith("Hạn:"), line


async def test_what_changed_answers_have_no_runs_of_spaces(chat):
    for question in ("luật mới thay đổi gì so với luật cũ", "luật 117 có gì mới"):
        text = text_of(await chat.send(ALICE, question))
        assert "Giữ nguyên" in text and "khái niệm" in text
        assert not re.search(r" {2,}|^ ", text, flags=re.MULTILINE), text


def test_no_chat_sentence_repeats_kế_hoạch_before_a_plans_name():
    """Plan names begin with "Kế hoạch …": a template saying "Kế hoạch {plan}" would read twice."""
    from handlers import reminder_texts, report_texts

    for module in (texts, report_texts, reminder_texts):
        for name, value in vars(module).items():
            if isinstance(value, str):
                assert "Kế hoạch {plan}" not in value, f"{module.__name__}.{name}"
