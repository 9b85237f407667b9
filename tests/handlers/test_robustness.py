"""Duplicates, floods, forged or stale buttons, blocked users, group chats, errors, bot commands."""

from __future__ import annotations

import logging

import pytest

from bot.db.models import UnitRecord, User
from bot.telegram.app import _post_init
from handlers import texts
from tests.handlers.conftest import ADMIN, ALICE, BOB, button


async def test_an_update_delivered_twice_is_processed_once(chat):
    data = chat.api.text_update(ALICE, "Bí mật nhà nước là gì?")
    first = await chat.feed(data, ALICE)
    second = await chat.feed(data, ALICE)
    assert first and second == []
    assert len(chat.questions()) == 1


async def test_a_flooding_user_is_told_once_and_others_are_unaffected(chat):
    limit = chat.core.flood.limit
    replies = []
    for i in range(limit + 5):
        replies += await chat.send(ALICE, f"câu hỏi số {i} về bí mật nhà nước")
    assert [c.text for c in replies].count(texts.FLOOD) == 1
    assert len(chat.questions()) == limit
    assert await chat.send(BOB, "Bí mật nhà nước là gì?")
    chat.clock.advance(seconds=61)
    assert texts.FLOOD not in [c.text for c in await chat.send(ALICE, "Bí mật nhà nước là gì?")]


@pytest.mark.parametrize("data", [
    "", "xyz", "2:plan:lang-son", "1:plan:LANG SON", "1:unit:abc", "1:fb:1.maybe", "1:sugg:1.7",
    "1:approve:-1", "1:nope:1", "1:plan:" + "a" * 70, "1:unit:1:2",
])
async def test_malformed_or_stale_callback_data_changes_nothing(chat, data):
    calls = await chat.press(ALICE, data)
    assert calls == []
    assert chat.answers[0].params["text"] == texts.STALE_BUTTON


async def test_a_plan_button_for_an_unknown_plan_is_refused(chat):
    await chat.press(ALICE, "1:plan:ha-noi")
    assert chat.answers[0].params["text"] == texts.UNKNOWN_PLAN_BUTTON


async def test_a_unit_button_not_offered_for_my_plan_is_refused(chat):
    admin_calls = await chat.send(ADMIN, "/themdonvi hai-phong UBND phường Hồng Bàng")
    admin_calls = await chat.press(ADMIN, button(admin_calls, texts.CONFIRM_BUTTON))
    assert "Đã thêm" in admin_calls[0].text
    hai_phong_unit = next(u for u in chat.rows(UnitRecord) if u.name == "UBND phường Hồng Bàng")
    calls = await chat.send(ALICE, "/start")
    await chat.press(ALICE, button(calls, "Lạng Sơn"))
    calls = await chat.press(ALICE, f"1:unit:{hai_phong_unit.id}")
    assert calls == [] and chat.answers[0].params["text"] == texts.UNKNOWN_UNIT_BUTTON


async def test_a_unit_button_before_choosing_a_plan_asks_for_the_plan(chat):
    await chat.send(ALICE, "/start")
    await chat.press(ALICE, "1:unit:1")
    assert chat.answers[0].params["text"] == texts.CHOOSE_PLAN_FIRST


async def test_blocking_the_bot_marks_the_user_inactive_and_writing_again_reactivates(chat):
    await chat.send(ALICE, "/start")
    member = {"id": ALICE.id, "is_bot": False, "first_name": ALICE.first_name}
    bot_user = {"id": 1000000001, "is_bot": True, "first_name": "Trợ lý BMNN"}
    update = {"update_id": chat.api.next_update_id(), "my_chat_member": {
        "chat": {"id": ALICE.id, "type": "private"}, "from": member, "date": 1700000000,
        "old_chat_member": {"status": "member", "user": bot_user},
        "new_chat_member": {"status": "kicked", "user": bot_user, "until_date": 0}}}
    await chat.feed(update, ALICE)
    assert next(u for u in chat.rows(User) if u.id == ALICE.id).active is False
    await chat.send(ALICE, "/help")
    assert next(u for u in chat.rows(User) if u.id == ALICE.id).active is True


async def test_a_reply_to_a_blocked_user_marks_them_inactive(chat):
    chat.api.blocked.add(ALICE.id)
    await chat.send(ALICE, "Bí mật nhà nước là gì?")
    assert next(u for u in chat.rows(User) if u.id == ALICE.id).active is False


async def test_group_chats_are_declined(chat):
    data = chat.api.text_update(ALICE, "Bí mật nhà nước là gì?")
    data["message"]["chat"] = {"id": -100123, "type": "group", "title": "Nhóm"}
    mark = len(chat.api.calls)
    await chat.feed(data, ALICE)
    [call] = chat.api.sent(-100123, since=mark)
    assert call.text == texts.GROUP_CHAT
    assert chat.questions() == []


async def test_an_error_in_a_handler_is_logged_and_the_user_told(chat, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("index exploded")

    monkeypatch.setattr(chat.core.assistant, "find_answers", broken)
    with caplog.at_level(logging.ERROR):
        calls = await chat.send(ALICE, "Bí mật nhà nước là gì?")
    assert calls[-1].text == texts.ERROR
    assert "index exploded" in caplog.text


async def test_bot_commands_are_registered_and_a_server_without_them_is_fine(chat):
    await _post_init(chat.application)
    call = chat.api.called("setMyCommands")[0]
    names = [c["command"] for c in call.params["commands"]]
    assert "nhiemvu" in names and "duyet" not in names
    chat.api.unsupported.add("setMyCommands")
    await _post_init(chat.application)  # logs a warning, does not raise
