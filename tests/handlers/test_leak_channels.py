"""Every chat channel that keeps or sends on text, crossed with the corpus of marked texts.

For each channel the user is first brought to where their next text would be kept (a contact
reporting, an admin announcing or replying, a requester typing a unit name); then every marked
variant of `tests.leak_corpus` is sent. Each must leave every content table as it was, be
deleted from the chat, and earn the warning — whether the filter in front of the handlers
caught it or the service behind them. Questions about levels pass through the same channels.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable

import pytest
from sqlalchemy import select

from bot.db.engine import Base
from bot.db.models import Announcement, AuditEntry, Delivery, User
from bot.telegram.transport import LocalUser
from handlers import callbacks
from tests.handlers.conftest import ADMIN, ALICE, BOB, button
from tests.leak_corpus import MARKED, QUESTIONS

ITEM = "ls-dl-kiem-tra-thiet-bi"
# Tables a refusal may touch: its audit entry, the update's idempotency key, the sender's row.
BOOKKEEPING = {"audit_log", "processed_updates", "users"}


@pytest.fixture
def chat(chat):
    """The chat, without the flood limit: each test sends the whole corpus in a burst."""
    chat.core.flood.limit = 10**6
    return chat


def content(chat) -> dict[str, list[tuple]]:
    """Every row of every table that holds what users wrote or what is sent to them."""
    with chat.core.sessions.begin() as session:
        return {table.name: [tuple(row) for row in session.execute(select(table))]
                for table in Base.metadata.sorted_tables if table.name not in BOOKKEEPING}


async def _contact(chat, user: LocalUser, unit: str = "Sở Y tế", plan: str = "lang-son") -> None:
    await chat.send(ADMIN, "/start")
    calls = await chat.send(ADMIN, f"/moi {plan} {unit}")
    code = calls[0].text.split("?start=")[1].split()[0]
    await chat.send(user, f"/start {code}")


async def _reporting(chat) -> LocalUser:
    """ALICE at the note step of a report."""
    await _contact(chat, ALICE)
    await chat.send(ALICE, "/baocao")
    calls = await chat.press(ALICE, callbacks.make("ritem", ITEM))
    await chat.press(ALICE, button(calls, "Hoàn thành"))
    return ALICE


async def _replying(chat) -> LocalUser:
    """ADMIN about to type a reply to a unit's blocked report."""
    await _contact(chat, ALICE)
    mark = len(chat.api.calls)
    await chat.send(ALICE, f"/baocao {ITEM} vuong mac thiếu máy kiểm tra")
    [alert] = chat.api.sent(ADMIN.id, since=mark)
    await chat.press(ADMIN, button([alert], "Trả lời"))
    return ADMIN


async def _naming_a_unit(chat) -> LocalUser:
    """BOB at sign-up, after «Đơn vị khác»: the next text is a unit name."""
    calls = await chat.send(BOB, "/start")
    calls = await chat.press(BOB, button(calls, "Lạng Sơn"))
    await chat.press(BOB, button(calls, "Đơn vị khác"))
    return BOB


async def _admin_with_a_unit(chat) -> LocalUser:
    """ADMIN with a unit of their own to rename."""
    await _admin_with_a_recipient(chat)
    calls = await chat.send(ADMIN, "/themdonvi lang-son UBND xã Tân Thành")
    await chat.press(ADMIN, button(calls, "Xác nhận"))
    return ADMIN


async def _contact_alice(chat) -> LocalUser:
    await _contact(chat, ALICE)
    return ALICE


async def _admin_with_a_recipient(chat) -> LocalUser:
    await _contact(chat, ALICE)  # so that an announcement would have someone to go to
    return ADMIN


Setup = Callable[..., Awaitable[LocalUser]]
# channel → (bring a user there, the message carrying the marked text)
CHANNELS: dict[str, tuple[Setup, str]] = {
    "question": (_contact_alice, "{text}"),
    "report one line": (_contact_alice, "/baocao 1 xong {text}"),
    "report note step": (_reporting, "{text}"),
    "announcement": (_admin_with_a_recipient, "/thongbao lang-son {text}"),
    "announcement, plan on its own line": (_admin_with_a_recipient, "/thongbao lang-son\n{text}"),
    "unit added by an admin": (_admin_with_a_recipient, "/themdonvi lang-son {text}"),
    "unit added for every plan": (_admin_with_a_recipient, "/themdonvi {text}"),
    "invite for a new unit": (_admin_with_a_recipient, "/moi lang-son {text}"),
    "unit renamed by an admin": (_admin_with_a_unit, "/doiten lang-son UBND xã Tân Thành | {text}"),
    "unit name at sign-up": (_naming_a_unit, "{text}"),
    "admin reply to a unit": (_replying, "{text}"),
}


@pytest.mark.parametrize("channel", list(CHANNELS))
async def test_no_marked_variant_is_kept_or_sent_on_through_a_chat_channel(chat, channel):
    setup, template = CHANNELS[channel]
    user = await setup(chat)
    before = content(chat)
    missed = []
    for text, _level in MARKED:
        mark = len(chat.api.calls)
        audits = len(chat.audit("refused_marking"))
        replies = await chat.send(user, template.format(text=text))
        others = [c for c in chat.api.sent(since=mark) if c.chat_id != user.id]
        warned = any("không được lưu" in c.text for c in replies)
        deleted = bool(chat.api.called("deleteMessage", since=mark))
        if not (warned and deleted and not others and len(chat.audit("refused_marking")) == audits + 1
                and content(chat) == before):
            missed.append(text)
    assert missed == [], f"{len(missed)} of {len(MARKED)} got through {channel}"
    assert len(MARKED) >= 120


async def test_refusals_record_that_they_happened_never_the_text(chat):
    await _contact(chat, ALICE)
    for text, _level in MARKED:
        await chat.send(ALICE, f"/baocao 1 xong {text}")
    entries = chat.rows(AuditEntry)
    dump = json.dumps([[e.action, e.target, e.detail] for e in entries], ensure_ascii=False)
    for text, _level in MARKED:
        assert not any(len(line) > 12 and line in dump for line in text.splitlines()), text


async def test_an_announcement_marked_when_it_is_confirmed_is_cancelled_and_not_sent(chat):
    # A draft kept before the guard grew stricter (or written by other means) is judged again.
    await _contact(chat, ALICE)
    for text, _level in MARKED:
        calls = await chat.send(ADMIN, "/thongbao lang-son Họp giao ban lúc 14h")
        with chat.core.sessions.begin() as session:
            draft = session.scalars(select(Announcement).where(Announcement.state == "draft")).one()
            draft.text, draft_id = text, draft.id
        mark = len(chat.api.calls)
        calls = await chat.press(ADMIN, button(calls, "Gửi"))
        assert any("không được lưu" in c.text for c in calls), text
        assert chat.api.sent(ALICE.id, since=mark) == [], text
        with chat.core.sessions.begin() as session:
            assert session.get(Announcement, draft_id).state == "cancelled", text
    assert chat.rows(Delivery) == []


async def test_a_marked_announcement_is_refused_even_when_nobody_would_receive_it(chat):
    await chat.send(ADMIN, "/start")
    calls = await chat.send(ADMIN, "/thongbao lang-son Mật\nKẾ HOẠCH số 12/KH-UBND về bảo vệ mục tiêu")
    assert "không được lưu" in calls[0].text
    assert chat.rows(Announcement) == []
    assert chat.api.called("deleteMessage")


QUESTIONS_THROUGH_COMMANDS = [
    ("/baocao 1 xong đã phổ biến quy định về tài liệu MẬT, TỐI MẬT cho cán bộ", "BC-"),
    ("/thongbao lang-son Đề nghị các đơn vị rà soát tài liệu có độ mật trước 15/12", "Gửi"),
    ("/themdonvi lang-son UBND xã Mật Sơn", "Thêm đơn vị"),
    ("/doiten lang-son UBND xã Tân Thành | UBND xã Mật Sơn", "Đổi tên"),
]


@pytest.mark.parametrize(("message", "expected"), QUESTIONS_THROUGH_COMMANDS)
async def test_ordinary_text_about_levels_passes_through_commands(chat, message, expected):
    await _admin_with_a_unit(chat)
    user = ALICE if message.startswith("/baocao") else ADMIN
    calls = await chat.send(user, message)
    assert expected in calls[0].text
    assert chat.audit("refused_marking") == []


async def test_no_question_about_levels_is_refused_in_the_chat(chat):
    await _contact(chat, ALICE)
    for question in QUESTIONS:
        await chat.send(ALICE, question)
    assert chat.audit("refused_marking") == []
    assert chat.api.called("deleteMessage") == []
    assert len(chat.questions()) == len(QUESTIONS)


async def test_no_marked_profile_name_is_kept_or_shown_to_the_admins(chat):
    """Profile names are text the user controls that admins read: each marked variant as a
    first name is kept blank, and the admins read the requester's id instead."""
    await chat.send(ADMIN, "/start")
    missed = []
    for number, (text, _level) in enumerate(MARKED):
        user = LocalUser(200000 + number, text)
        calls = await chat.send(user, "/start")
        calls = await chat.press(user, button(calls, "Lạng Sơn"))
        calls = await chat.press(user, button(calls, "Sở Tài chính"))
        mark = len(chat.api.calls)
        await chat.press(user, button(calls, "Xác nhận"))
        shown = " ".join(c.text for c in chat.api.sent(ADMIN.id, since=mark))
        with chat.core.sessions.begin() as session:
            row = session.get(User, user.id)
            kept = (row.first_name, row.last_name)
        if kept != ("", "") or f"id {user.id}" not in shown:
            missed.append(text)
    assert missed == [], f"{len(missed)} of {len(MARKED)} marked names kept or shown"
