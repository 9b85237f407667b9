"""`notify`: long texts split under Telegram's limit, the keyboard last, blocked users marked inactive."""

from __future__ import annotations

from telegram import Message, Update
from telegram.constants import MessageLimit
from telegram.ext import CallbackContext, TypeHandler

from bot.core import Context, UserState
from bot.db.models import User
from bot.services import users
from handlers.common import notify
from tests.handlers.conftest import ALICE, BOB, NOW

BUTTONS = [[("👍 Hữu ích", "1:fb:1.up"), ("👎 Chưa đúng", "1:fb:1.down")], [("Bỏ qua", "1:skipunit:")]]
LIMIT = MessageLimit.MAX_TEXT_LENGTH


def long_text() -> str:
    """About 10,000 characters in numbered paragraphs, so the order can be checked."""
    return "\n\n".join(f"Đoạn {i:03d}: " + "bảo vệ bí mật nhà nước " * 4 for i in range(100))


def add_user(chat, user) -> None:
    with chat.core.sessions.begin() as session:
        users.touch_user(session, user.id, user.first_name, user.username, NOW)


def active(chat, user_id: int) -> bool:
    with chat.core.sessions.begin() as session:
        row = session.get(User, user_id)
        assert row is not None
        return row.active


async def test_a_long_text_goes_out_in_parts_under_the_limit_with_the_keyboard_last(chat):
    text = long_text()
    assert 9_000 < len(text) < 11_000
    sent = await notify(CallbackContext(chat.application), ALICE.id, text, BUTTONS)
    calls = chat.api.sent(ALICE.id)
    assert len(calls) >= 3
    assert all(c.method == "sendMessage" and len(c.text) <= LIMIT for c in calls)
    assert [c.buttons for c in calls[:-1]] == [[]] * (len(calls) - 1)
    assert calls[-1].buttons == [(label, data) for row in BUTTONS for label, data in row]
    assert "\n\n".join(c.text for c in calls) == text  # cut at paragraph breaks, nothing lost
    assert isinstance(sent, Message) and sent.text == calls[-1].text


async def test_a_long_line_without_breaks_is_cut_at_spaces(chat):
    text = " ".join(f"từ{i}" for i in range(2_000))
    assert len(text) > 2 * LIMIT
    await notify(CallbackContext(chat.application), ALICE.id, text, BUTTONS)
    calls = chat.api.sent(ALICE.id)
    assert len(calls) >= 3
    assert all(len(c.text) <= LIMIT for c in calls)
    assert " ".join(" ".join(c.text for c in calls).split()) == text
    assert [bool(c.buttons) for c in calls] == [False] * (len(calls) - 1) + [True]


async def test_parts_are_sent_as_html_without_link_previews(chat):
    await notify(CallbackContext(chat.application), ALICE.id, long_text())
    for call in chat.api.sent(ALICE.id):
        assert call.params["parse_mode"] == "HTML"
        assert call.params["link_preview_options"] == {"is_disabled": True}


async def test_a_short_text_is_one_message_with_its_keyboard(chat):
    sent = await notify(CallbackContext(chat.application), ALICE.id, "Xin chào", BUTTONS)
    [call] = chat.api.sent(ALICE.id)
    assert call.text == "Xin chào" and len(call.buttons) == 3
    assert sent is not None and sent.message_id


async def test_a_chat_that_blocked_the_bot_marks_the_user_inactive_and_returns_none(chat):
    add_user(chat, ALICE)
    add_user(chat, BOB)
    chat.core.touched[ALICE.id] = 1.0
    chat.api.blocked.add(ALICE.id)
    sent = await notify(CallbackContext(chat.application), ALICE.id, long_text(), BUTTONS)
    assert sent is None
    assert len(chat.api.sent(ALICE.id)) == 1  # stops at the first refusal
    assert active(chat, ALICE.id) is False
    assert active(chat, BOB.id) is True
    assert ALICE.id not in chat.core.touched  # their next message re-activates them
    [entry] = chat.audit("user_inactive")
    assert entry.target == str(ALICE.id)


async def test_a_blocked_user_who_writes_again_is_active_again(chat):
    add_user(chat, ALICE)
    chat.api.blocked.add(ALICE.id)
    assert await notify(CallbackContext(chat.application), ALICE.id, "Nhắc hạn") is None
    assert active(chat, ALICE.id) is False
    chat.api.blocked.clear()
    assert await chat.send(ALICE, "Bí mật nhà nước là gì?")
    assert active(chat, ALICE.id) is True


async def test_a_blocked_chat_with_no_user_row_does_not_raise(chat):
    chat.api.blocked.add(424242)
    assert await notify(CallbackContext(chat.application), 424242, "Xin chào") is None



async def test_every_handler_gets_the_typed_context_with_the_state_the_gate_loaded(chat):
    assert chat.application.context_types.context is Context
    seen: list[tuple[type, UserState]] = []

    async def record(update, context):
        seen.append((type(context), context.user_state))

    chat.application.add_handler(TypeHandler(Update, record), group=5)  # after the features
    await chat.send(ALICE, "/start")
    await chat.press(ALICE, "1:plan:lang-son")
    await chat.send(ALICE, "/help")
    assert seen[0] == (Context, UserState(plan=None, step=None, role="user"))
    assert seen[-1] == (Context, UserState(plan="lang-son", step=None, role="user"))
