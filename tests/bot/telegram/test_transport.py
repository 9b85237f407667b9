"""The in-process Bot API peer, driven by a real `telegram.Bot`."""

from __future__ import annotations

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message, MessageEntity, Update
from telegram.error import BadRequest, Forbidden

from bot.telegram.transport import BOT_ID, BOT_USERNAME, LOCAL_TOKEN, LocalBotApi, LocalUser

USER = LocalUser(100001, "Lan", "lan_so_y_te")
OTHER = LocalUser(100002, "Bình")


@pytest.fixture
def api() -> LocalBotApi:
    return LocalBotApi()


@pytest.fixture
async def bot(api):
    async with Bot(token=LOCAL_TOKEN, request=api) as bot:
        yield bot


async def test_get_me_answers_as_the_local_bot(bot, api):
    me = await bot.get_me()
    assert me.id == BOT_ID and me.is_bot
    assert me.username == BOT_USERNAME
    assert bot.username == BOT_USERNAME  # initialize() called getMe
    assert api.called("getMe")


async def test_send_message_returns_messages_with_increasing_ids(bot):
    first = await bot.send_message(USER.id, "một")
    second = await bot.send_message(USER.id, "hai")
    third = await bot.send_message(OTHER.id, "ba")
    assert isinstance(first, Message)
    assert first.message_id < second.message_id < third.message_id
    assert first.chat.id == USER.id and third.chat.id == OTHER.id
    assert first.text == "một" and first.from_user.id == BOT_ID


async def test_send_message_is_recorded_with_its_text_buttons_and_chat(bot, api):
    markup = InlineKeyboardMarkup([
        [InlineKeyboardButton("Lạng Sơn", callback_data="1:plan:lang-son")],
        [InlineKeyboardButton("Luật", url="https://example.org/luat"),
         InlineKeyboardButton("Bỏ qua", callback_data="1:skipunit:")],
    ])
    mark = len(api.calls)
    message = await bot.send_message(USER.id, "<b>Chọn</b> kế hoạch", parse_mode="HTML",
                                     reply_markup=markup)
    [call] = api.sent(since=mark)
    assert call.method == "sendMessage"
    assert call.chat_id == USER.id
    assert call.text == "<b>Chọn</b> kế hoạch"
    assert call.buttons == [("Lạng Sơn", "1:plan:lang-son"), ("Luật", "https://example.org/luat"),
                            ("Bỏ qua", "1:skipunit:")]
    assert call.params["parse_mode"] == "HTML"
    assert message.reply_markup == markup


async def test_sent_filters_by_chat_and_since(bot, api):
    await bot.send_message(USER.id, "a")
    mark = len(api.calls)
    await bot.send_message(OTHER.id, "b")
    await bot.send_message(USER.id, "c")
    assert [c.text for c in api.sent(USER.id)] == ["a", "c"]
    assert [c.text for c in api.sent(since=mark)] == ["b", "c"]
    assert [c.text for c in api.sent(OTHER.id, since=mark)] == ["b"]


async def test_edit_message_text_changes_a_known_message(bot, api):
    message = await bot.send_message(USER.id, "cũ")
    edited = await bot.edit_message_text("mới", chat_id=USER.id, message_id=message.message_id)
    assert edited.text == "mới" and edited.message_id == message.message_id
    assert api.sent(USER.id)[-1].method == "editMessageText"


async def test_edit_message_text_of_an_unknown_message_is_a_bad_request(bot):
    with pytest.raises(BadRequest, match="not found"):
        await bot.edit_message_text("mới", chat_id=USER.id, message_id=424242)


async def test_editing_a_message_in_another_chat_is_a_bad_request(bot):
    message = await bot.send_message(USER.id, "cũ")
    with pytest.raises(BadRequest):
        await bot.edit_message_text("mới", chat_id=OTHER.id, message_id=message.message_id)


async def test_a_blocked_chat_answers_forbidden_and_the_call_is_still_recorded(bot, api):
    api.blocked.add(USER.id)
    with pytest.raises(Forbidden, match="blocked"):
        await bot.send_message(USER.id, "xin chào")
    assert [c.text for c in api.sent(USER.id)] == ["xin chào"]
    assert await bot.send_message(OTHER.id, "vẫn gửi được")


async def test_an_unsupported_method_is_a_bad_request(bot, api):
    api.unsupported.add("setMyCommands")
    with pytest.raises(BadRequest, match=r"(?i)setMyCommands"):  # PTB capitalize()s messages
        await bot.set_my_commands([("start", "Bắt đầu")])


async def test_methods_that_only_change_telegram_state_are_accepted(bot, api):
    assert await bot.set_my_commands([("start", "Bắt đầu")]) is True
    assert await bot.send_chat_action(USER.id, "typing") is True
    assert api.called("setMyCommands") and api.called("sendChatAction")


async def test_delete_message_works_unless_the_chat_is_undeletable(bot, api):
    message = await bot.send_message(USER.id, "xóa tôi")
    assert await bot.delete_message(USER.id, message.message_id) is True
    with pytest.raises(BadRequest):  # it is gone
        await bot.edit_message_text("x", chat_id=USER.id, message_id=message.message_id)
    api.undeletable.add(OTHER.id)
    other = await bot.send_message(OTHER.id, "giữ lại")
    with pytest.raises(BadRequest, match="can't be deleted"):
        await bot.delete_message(OTHER.id, other.message_id)


async def test_text_update_gives_a_command_its_bot_command_entity(bot, api):
    data = api.text_update(USER, "/kehoach lang-son")
    update = Update.de_json(data, bot)
    message = update.effective_message
    assert message.text == "/kehoach lang-son"
    assert message.entities == (MessageEntity(MessageEntity.BOT_COMMAND, 0, len("/kehoach")),)
    assert update.effective_user.id == USER.id and update.effective_user.username == USER.username
    assert update.effective_chat.id == USER.id
    assert message.parse_entities() == {message.entities[0]: "/kehoach"}


async def test_text_update_of_plain_text_has_no_entities(bot, api):
    update = Update.de_json(api.text_update(USER, "Bí mật nhà nước là gì?"), bot)
    assert update.effective_message.text == "Bí mật nhà nước là gì?"
    assert update.effective_message.entities == ()


async def test_updates_get_increasing_ids(api):
    first = api.text_update(USER, "a")
    second = api.text_update(USER, "b")
    third = api.callback_update(USER, "1:skipunit:")
    assert first["update_id"] < second["update_id"] < third["update_id"]
    assert api.text_update(USER, "c", update_id=7)["update_id"] == 7


async def test_callback_update_targets_the_bots_last_message_in_that_chat(bot, api):
    await bot.send_message(USER.id, "một")
    last = await bot.send_message(USER.id, "hai",
                                  reply_markup=InlineKeyboardMarkup(
                                      [[InlineKeyboardButton("Bỏ qua", callback_data="1:skipunit:")]]))
    await bot.send_message(OTHER.id, "của người khác")
    api.text_update(USER, "tin của người dùng")  # the user's own message is not a target
    update = api.to_update(api.callback_update(USER, "1:skipunit:"), bot)
    query = update.callback_query
    assert query.data == "1:skipunit:"
    assert query.from_user.id == USER.id
    assert query.message.message_id == last.message_id
    assert query.message.text == "hai"
    assert query.message.reply_markup == last.reply_markup


async def test_callback_update_can_target_a_given_message(bot, api):
    first = await bot.send_message(USER.id, "một")
    await bot.send_message(USER.id, "hai")
    update = api.to_update(api.callback_update(USER, "1:unit:3", first.message_id), bot)
    assert update.callback_query.message.message_id == first.message_id
    assert update.callback_query.message.text == "một"


async def test_callback_update_without_any_bot_message_still_parses(bot, api):
    update = api.to_update(api.callback_update(USER, "1:plan:-"), bot)
    assert update.callback_query.data == "1:plan:-"
    assert update.callback_query.message.chat.id == USER.id


async def test_message_update_carries_any_content(bot, api):
    data = api.message_update(USER, caption="ảnh", photo=[
        {"file_id": "f", "file_unique_id": "u", "width": 1, "height": 1}])
    update = api.to_update(data, bot)
    assert update.effective_message.photo and update.effective_message.caption == "ảnh"
