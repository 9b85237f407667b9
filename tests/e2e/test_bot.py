"""The real bot, polling telegram-test-api on 127.0.0.1, driven as unit contacts and an admin do."""

from __future__ import annotations

import pytest

from bot.settings import Settings
from bot.telegram.app import build_application
from bot.telegram.serve import open_core
from handlers import texts
from knowledge.loader import DEFAULT_ROOT
from tests.e2e.emulator import NoReplyError, User, inline_buttons, running
from tests.e2e.emulator_request import EmulatorRequest

ADMIN = User(700001, "Quản trị")
LAN = User(700002, "Lan")
MINH = User(700003, "Minh")


def data_of(message: dict, label_part: str) -> str:
    for button in inline_buttons(message):
        if label_part in button["text"]:
            return button["callback_data"]
    raise AssertionError(f"no button {label_part!r} in {inline_buttons(message)}")


@pytest.fixture
def bot_app(emulator, bot_token, database_url, assistant):
    """The bot on a fresh database: each test runs on SQLite and on PostgreSQL."""
    settings = Settings(token=bot_token, api_base_url=emulator.base_url, database_url=database_url,
                        admin_ids=frozenset({ADMIN.id}))
    core = open_core(settings, DEFAULT_ROOT, assistant=assistant)
    yield build_application(core, request=EmulatorRequest(), get_updates_request=EmulatorRequest())
    core.sessions.kw["bind"].dispose()


async def test_a_contact_signs_up_asks_and_gives_feedback(bot_app, client):
    async with running(bot_app):
        await client.send_command(LAN, "/start")
        [welcome] = await client.replies(LAN)
        assert "Xin chào Lan" in welcome["text"]

        await client.press_button(LAN, welcome, data_of(welcome, "Lạng Sơn"))
        [units] = await client.replies(LAN)
        assert "Bước 2" in units["text"]

        await client.press_button(LAN, units, data_of(units, "Sở Tài chính"))
        [summary] = await client.replies(LAN)
        assert "Sở Tài chính" in summary["text"]
        await client.press_button(LAN, summary, data_of(summary, "Xác nhận"))
        [requested] = await client.replies(LAN)
        assert "Đã gửi đề nghị" in requested["text"]

        await client.send_message(LAN, "Thời hạn bảo vệ bí mật nhà nước độ Tối mật là bao lâu?")
        [with_marks] = await client.replies(LAN)
        assert "20 năm" in with_marks["text"] and "Nguồn:" in with_marks["text"]

        await client.send_message(LAN, "thoi han bao ve bi mat toi mat bao lau")
        [without_marks] = await client.replies(LAN)
        assert "20 năm" in without_marks["text"]

        suggestion = next(b["callback_data"] for b in inline_buttons(without_marks)
                          if ":sugg:" in b["callback_data"])
        await client.press_button(LAN, without_marks, suggestion)
        [followed] = await client.replies(LAN)
        assert "Nguồn:" in followed["text"]

        await client.press_button(LAN, followed, data_of(followed, "Hữu ích"))
        edited = await client.find_edited(
            followed["message_id"],
            until=lambda m: all(":fb:" not in b["callback_data"] for b in inline_buttons(m)))
        assert edited

        await client.send_command(LAN, "/help")
        [help_text] = await client.replies(LAN)
        assert "Sở Tài chính (chờ duyệt)" in help_text["text"]


async def test_an_admin_invites_and_the_link_registers_the_contact(bot_app, client):
    async with running(bot_app):
        await client.send_command(ADMIN, "/moi lao-cai Sở Y tế")
        [invite] = await client.replies(ADMIN)
        code = invite["text"].split("?start=")[1].split()[0]

        await client.send_command(MINH, f"/start {code}")
        [welcome] = await client.replies(MINH)
        assert "đầu mối của <b>Sở Y tế</b>" in welcome["text"]

        await client.send_command(MINH, "/hanchot")
        [deadlines] = await client.replies(MINH)
        assert "Hạn chót của Sở Y tế" in deadlines["text"]

        await client.send_command(LAN, f"/start {code}")
        [used] = await client.replies(LAN)
        assert used["text"] == texts.INVITE_USED


async def test_marked_text_hostile_and_huge_input_and_unknown_commands(bot_app, client):
    async with running(bot_app):
        await client.send_message(LAN, "Độ mật: Tối mật\nDanh sách cán bộ tham gia đề án")
        [warning] = await client.replies(LAN)
        assert "không được lưu" in warning["text"] and "khoản 4 Điều 5" in warning["text"]

        await client.send_message(LAN, "tài liệu tối mật được bảo vệ bao lâu?")
        [answer] = await client.replies(LAN)
        assert "20 năm" in answer["text"]

        await client.send_message(LAN, "<b>" * 3000)
        [huge] = await client.replies(LAN)
        assert "<b><b>" not in huge["text"]

        await client.send_message(LAN, "giá vàng hôm nay")
        [declined] = await client.replies(LAN)
        assert "không tìm thấy" in declined["text"]

        await client.send_command(LAN, "/khongco")
        [unknown] = await client.replies(LAN)
        assert "/help" in unknown["text"]


async def test_the_harness_notices_a_bot_that_stopped_answering(bot_app, client):
    async with running(bot_app):
        await client.send_command(LAN, "/help")
        assert await client.replies(LAN)
    await client.send_message(LAN, "Bí mật nhà nước là gì?")
    with pytest.raises(NoReplyError):
        await client.replies(LAN, count=1, timeout=0.5)


async def test_a_contact_reports_progress_and_gets_a_receipt(bot_app, client):
    async with running(bot_app):
        await client.send_command(ADMIN, "/moi lang-son Sở Y tế")
        [invite] = await client.replies(ADMIN)
        await client.send_command(MINH, "/start " + invite["text"].split("?start=")[1].split()[0])
        await client.replies(MINH)

        await client.send_command(MINH, "/baocao")
        [items] = await client.replies(MINH)
        await client.press_button(MINH, items, data_of(items, "Hạn kiểm tra an ninh"))
        [states] = await client.replies(MINH)
        await client.press_button(MINH, states, data_of(states, "Hoàn thành"))
        [ask_note] = await client.replies(MINH)
        await client.press_button(MINH, ask_note, data_of(ask_note, "Bỏ qua"))
        [confirm] = await client.replies(MINH)
        await client.press_button(MINH, confirm, data_of(confirm, "Gửi báo cáo"))
        [receipt] = await client.replies(MINH)
        assert "Đã ghi nhận báo cáo <b>BC-" in receipt["text"]

        await client.send_command(MINH, "/baocao 2 dang lam dự thảo xong 80%")
        [second] = await client.replies(MINH)
        assert "BC-" in second["text"]


async def test_a_subscribed_contact_receives_a_reminder_when_the_clock_reaches_it(
        emulator, bot_token, database_url, assistant, client):
    import datetime as dt

    from bot.jobs.delivery import deliver_due

    clock = {"now": dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)}
    settings = Settings(token=bot_token, api_base_url=emulator.base_url,
                        database_url=database_url,
                        admin_ids=frozenset({ADMIN.id}))
    core = open_core(settings, DEFAULT_ROOT, now=lambda: clock["now"], assistant=assistant)
    app = build_application(core, request=EmulatorRequest(), get_updates_request=EmulatorRequest())
    async with running(app):
        await client.send_command(ADMIN, "/moi lang-son Công an tỉnh")
        [invite] = await client.replies(ADMIN)
        await client.send_command(LAN, "/start " + invite["text"].split("?start=")[1].split()[0])
        await client.replies(LAN)

        for day, days_left in ((1, "14"), (8, "7")):  # 08:00 in Hà Nội, 14 then 7 days before
            clock["now"] = dt.datetime(2026, 12, day, 1, 0, tzinfo=dt.UTC)
            await deliver_due(core, app.bot, process="e2e")
            [reminder] = await client.replies(LAN)
            assert "15/12/2026" in reminder["text"] and days_left in reminder["text"]

        await deliver_due(core, app.bot, process="e2e")  # the same minute again: nothing more
        with pytest.raises(NoReplyError):
            await client.replies(LAN, timeout=0.5)
    core.sessions.kw["bind"].dispose()
