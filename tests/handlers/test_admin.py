"""The standing office's commands and their server-side authorisation."""

from __future__ import annotations

from bot.models import Contact, UnitRecord
from handlers import callbacks, texts
from tests.handlers.conftest import ADMIN, ALICE, BOB, button


async def _request(chat, user, unit_label="Sở Tài chính"):
    calls = await chat.send(user, "/start")
    calls = await chat.press(user, button(calls, "Lạng Sơn"))
    await chat.press(user, button(calls, unit_label))


async def test_admin_commands_are_refused_to_others(chat):
    for command in ("/duyet", "/moi lang-son Sở Y tế", "/themdonvi UBND xã A", "/chuatraloi"):
        calls = await chat.send(ALICE, command)
        assert calls[0].text == texts.ADMIN_ONLY


async def test_pending_requests_are_listed_and_approved_with_a_button(chat):
    await _request(chat, ALICE)
    calls = await chat.send(ADMIN, "/duyet")
    assert "(1)" in calls[0].text
    assert "Lan" in calls[1].text and "Sở Tài chính" in calls[1].text
    mark = len(chat.api.calls)
    await chat.press(ADMIN, button(calls, "Duyệt"), message_id=None)
    edits = chat.api.called("editMessageText", since=mark)
    assert edits and "Đã duyệt" in edits[0].text
    told = chat.api.sent(ALICE.id, since=mark)
    assert told and "đã được duyệt" in told[0].text
    [contact] = chat.rows(Contact)
    assert contact.state == "approved" and contact.decided_by == ADMIN.id
    assert chat.audit("contact_approved")


async def test_a_decided_request_cannot_be_decided_again(chat):
    await _request(chat, ALICE)
    [contact] = chat.rows(Contact)
    await chat.press(ADMIN, callbacks.make("reject", contact.id))
    await chat.press(ADMIN, callbacks.make("approve", contact.id))
    assert chat.answers[0].params["text"] == texts.ALREADY_DECIDED
    [contact] = chat.rows(Contact)
    assert contact.state == "rejected"


async def test_a_forged_approval_from_a_non_admin_changes_nothing(chat):
    await _request(chat, ALICE)
    [contact] = chat.rows(Contact)
    await chat.press(BOB, callbacks.make("approve", contact.id))
    assert chat.answers[0].params["text"] == texts.NOT_YOURS
    [contact] = chat.rows(Contact)
    assert contact.state == "pending"
    assert chat.audit("forbidden_callback")


async def test_approval_of_a_user_who_blocked_the_bot_marks_them_inactive(chat):
    from bot.models import User

    await _request(chat, ALICE)
    chat.api.blocked.add(ALICE.id)
    calls = await chat.send(ADMIN, "/duyet")
    await chat.press(ADMIN, button(calls, "Duyệt"))
    alice = next(u for u in chat.rows(User) if u.id == ALICE.id)
    assert alice.active is False


async def test_admins_add_units_that_then_appear_at_sign_up(chat):
    calls = await chat.send(ADMIN, "/themdonvi lang-son UBND xã Tân Thành")
    assert "Đã thêm đơn vị" in calls[0].text
    calls = await chat.send(ADMIN, "/themdonvi lang-son UBND xã Tân Thành")
    assert "đã có trong danh sách" in calls[0].text
    assert sum(1 for u in chat.rows(UnitRecord) if u.name == "UBND xã Tân Thành") == 1
    calls = await chat.send(ALICE, "/start")
    calls = await chat.press(ALICE, button(calls, "Lạng Sơn"))
    assert "UBND xã Tân Thành" in [label for label, _ in calls[0].buttons]
    calls = await chat.send(ADMIN, "/themdonvi")
    assert "Cách dùng" in calls[0].text


async def test_invite_needs_a_plan_and_a_known_unit(chat):
    calls = await chat.send(ADMIN, "/moi")
    assert "Cách dùng" in calls[0].text
    calls = await chat.send(ADMIN, "/moi lang-son Câu lạc bộ <i>cờ</i> tướng")
    assert "Không nhận ra đơn vị" in calls[0].text and "&lt;i&gt;" in calls[0].text


async def test_unanswered_questions_are_listed_for_admins_escaped(chat):
    await chat.send(ALICE, "giá <b>vàng</b> hôm nay bao nhiêu")
    calls = await chat.send(ADMIN, "/chuatraloi")
    assert "giá &lt;b&gt;vàng&lt;/b&gt;" in calls[0].text
    await chat.send(BOB, "Bí mật nhà nước là gì?")
    calls = await chat.send(ADMIN, "/chuatraloi")
    assert "Bí mật nhà nước là gì" not in calls[0].text


async def test_admin_help_lists_admin_commands(chat):
    calls = await chat.send(ADMIN, "/help")
    assert "/duyet" in calls[0].text
    calls = await chat.send(ALICE, "/help")
    assert "/duyet" not in calls[0].text
