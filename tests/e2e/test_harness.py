"""The end-to-end harness itself, proved with a tiny stand-in bot built here."""

from __future__ import annotations

import asyncio
import html
from http import HTTPStatus
from pathlib import Path

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from tests.e2e import emulator as emulator_module
from tests.e2e.emulator import (
    Emulator,
    EmulatorClient,
    EmulatorError,
    NoReplyError,
    User,
    application_builder,
    running,
)
from tests.e2e.emulator_request import fix_payload

ALICE = User(id=1001, first_name="Lan")
BOB = User(id=1002, first_name="Minh")

SEEN = "Đã xem ✓"


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greets the user."""
    if update.effective_message:
        await update.effective_message.reply_text("xin chào")


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Repeats the user's text, HTML-escaped, under a one-button keyboard."""
    message = update.effective_message
    if message is None or message.text is None:
        return
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Đã xem", callback_data="seen")]])
    await message.reply_text(
        f"Bạn viết: <b>{html.escape(message.text)}</b>", parse_mode=ParseMode.HTML, reply_markup=keyboard
    )


async def seen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Acknowledges the button and marks the message as seen."""
    query = update.callback_query
    if query is None:
        return
    await query.answer("OK")
    await query.edit_message_text(SEEN)


def stand_in_app(emulator: Emulator, token: str) -> Application:
    app = application_builder(emulator, token).build()
    app.add_handler(CommandHandler("start", start))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    app.add_handler(CallbackQueryHandler(seen, pattern="^seen$"))
    return app


async def test_start_command_gets_a_greeting(
    emulator: Emulator, bot_token: str, client: EmulatorClient
) -> None:
    async with running(stand_in_app(emulator, bot_token)) as app:
        await client.send_command(ALICE, "/start abc")
        [reply] = await client.replies(ALICE)
        me = await app.bot.get_me()

    assert reply["text"] == "xin chào"
    assert reply["chat_id"] == ALICE.id
    assert me.is_bot and me.username == "TestNameBot"


async def test_text_is_echoed_escaped_with_a_keyboard(
    emulator: Emulator, bot_token: str, client: EmulatorClient
) -> None:
    async with running(stand_in_app(emulator, bot_token)):
        await client.send_message(ALICE, "<b>a & b</b>")
        [reply] = await client.replies(ALICE)

    # The emulator does not parse HTML: the text is exactly what the bot sent.
    assert reply["text"] == "Bạn viết: <b>&lt;b&gt;a &amp; b&lt;/b&gt;</b>"
    assert reply["parse_mode"] == "HTML"
    assert reply["reply_markup"] == {"inline_keyboard": [[{"text": "Đã xem", "callback_data": "seen"}]]}


async def test_pressing_the_button_edits_the_message(
    emulator: Emulator, bot_token: str, client: EmulatorClient
) -> None:
    async with running(stand_in_app(emulator, bot_token)):
        await client.send_message(ALICE, "chào")
        [reply] = await client.replies(ALICE)
        await client.press_button(ALICE, reply, "seen")
        edited = await client.find_edited(reply["message_id"])
        no_new_message = await client.replies(ALICE, count=0, timeout=0.1)

    assert edited["text"] == SEEN
    assert edited["message_id"] == reply["message_id"]
    assert no_new_message == []


async def test_pressing_a_button_the_message_lacks_is_refused(
    emulator: Emulator, bot_token: str, client: EmulatorClient
) -> None:
    async with running(stand_in_app(emulator, bot_token)):
        await client.send_message(ALICE, "chào")
        [reply] = await client.replies(ALICE)
        with pytest.raises(ValueError, match="no button 'other'"):
            await client.press_button(ALICE, reply, "other")


async def test_two_users_in_parallel_get_their_own_replies(
    emulator: Emulator, bot_token: str, client: EmulatorClient
) -> None:
    async def conversation(user: User) -> list[str]:
        await client.send_command(user, "/start")
        await client.send_message(user, f"tôi là {user.first_name}")
        return [reply["text"] for reply in await client.replies(user, count=2)]

    async with running(stand_in_app(emulator, bot_token)):
        alice_sees, bob_sees = await asyncio.gather(conversation(ALICE), conversation(BOB))

    assert alice_sees == ["xin chào", "Bạn viết: <b>tôi là Lan</b>"]
    assert bob_sees == ["xin chào", "Bạn viết: <b>tôi là Minh</b>"]


async def test_the_harness_notices_when_the_bot_keeps_quiet(
    emulator: Emulator, bot_token: str, client: EmulatorClient
) -> None:
    async with running(stand_in_app(emulator, bot_token)):
        await client.send_command(ALICE, "/unknown")
        with pytest.raises(NoReplyError, match="expected 1 bot message"):
            await client.replies(ALICE, timeout=0.2)
        assert await client.replies(ALICE, count=0, timeout=0.1) == []
        with pytest.raises(NoReplyError, match="was not edited"):
            await client.find_edited(12345, timeout=0.1)


async def test_a_handler_exception_fails_the_test(
    emulator: Emulator, bot_token: str, client: EmulatorClient
) -> None:
    async def broken(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        raise RuntimeError("hỏng")

    app = application_builder(emulator, bot_token).build()
    app.add_handler(MessageHandler(filters.TEXT, broken))

    with pytest.raises(ExceptionGroup) as caught:
        async with running(app):
            await client.send_message(ALICE, "chào")
            await client.replies(ALICE, count=0, timeout=0.2)

    assert caught.group_contains(RuntimeError, match="hỏng")


async def test_emulator_errors_reach_the_bot_as_bad_request(
    emulator: Emulator, bot_token: str, client: EmulatorClient
) -> None:
    async with running(stand_in_app(emulator, bot_token)) as app:
        with pytest.raises(BadRequest, match="sendChatAction' is not supported"):
            await app.bot.send_chat_action(ALICE.id, "typing")
        with pytest.raises(BadRequest, match="wasn't found"):
            await app.bot.delete_message(ALICE.id, 999_999)
        sent = await app.bot.send_message(ALICE.id, "để xoá")
        assert sent.date.year >= 2025  # milliseconds were turned into seconds
        assert await app.bot.delete_message(ALICE.id, sent.message_id) is True


def test_a_missing_node_is_reported_with_the_fix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(EmulatorError, match="make test"):
        Emulator(tmp_path).start()


def test_a_missing_package_is_reported_with_the_fix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(emulator_module, "EMULATOR_PACKAGE", tmp_path / "missing" / "package.json")
    with pytest.raises(EmulatorError, match="npm ci"):
        Emulator(tmp_path).start()


# fix_payload: one test per correction, numbered as in the note.

MS = 1_763_900_000_123  # 2025-11-23 in milliseconds
S = 1_763_900_000


def test_fix_1_get_me_gets_is_bot() -> None:
    status, payload = fix_payload("getMe", 200, {"ok": True, "result": {"id": 666, "first_name": "T"}})
    assert (status, payload["result"]["is_bot"]) == (200, True)


def test_fix_3_millisecond_dates_become_seconds_everywhere() -> None:
    answer = {
        "ok": True,
        "result": [{"update_id": 1, "message": {"date": MS, "reply_to_message": {"date": MS}}}],
    }
    _, payload = fix_payload("getUpdates", 200, answer)
    message = payload["result"][0]["message"]
    assert (message["date"], message["reply_to_message"]["date"]) == (S, S)
    assert answer["result"][0]["message"]["date"] == MS  # the input is left alone
    _, payload = fix_payload("sendMessage", 200, {"ok": True, "result": {"date": S, "edit_date": MS}})
    assert payload["result"] == {"date": S, "edit_date": S}


def test_fix_4_callback_queries_get_a_chat_instance() -> None:
    query = {"id": "1", "from": {"id": 7}, "data": "x", "message": {"message_id": 3, "chat": {"id": 7}}}
    answer = {"ok": True, "result": [{"update_id": 1, "callback_query": query}]}
    _, payload = fix_payload("getUpdates", 200, answer)
    assert payload["result"][0]["callback_query"]["chat_instance"] == "emulator-7"
    assert "chat_instance" not in query


@pytest.mark.parametrize("method", ["editMessageText", "editMessageReplyMarkup", "answerCallbackQuery"])
def test_fix_5_null_result_becomes_true(method: str) -> None:
    assert fix_payload(method, 200, {"ok": True, "result": None}) == (200, {"ok": True, "result": True})


def test_fix_6_unsupported_method_becomes_bad_request() -> None:
    status, payload = fix_payload("sendPhoto", 500, {"message": "API method 'sendPhoto' is not supported."})
    assert status == HTTPStatus.BAD_REQUEST
    assert payload == {
        "ok": False,
        "error_code": 400,
        "description": "API method 'sendPhoto' is not supported.",
    }


def test_fix_6_ok_false_without_result_becomes_bad_request() -> None:
    answer = {
        "ok": False,
        "error_code": 400,
        "description": "Bad Request: chat 1 with message 2 wasn't found",
    }
    assert fix_payload("deleteMessage", 200, answer) == (400, {**answer, "ok": False})


def test_correct_answers_pass_unchanged() -> None:
    answer = {"ok": True, "result": {"message_id": 1, "date": S, "chat": {"id": 1, "type": "private"}}}
    assert fix_payload("sendMessage", 200, answer) == (200, answer)
    assert fix_payload("getUpdates", 200, {"ok": True, "result": []}) == (200, {"ok": True, "result": []})
    assert fix_payload("getFile", 200, b"not json") == (200, b"not json")
