"""/start, plan and unit choice, typed unit names, invites, /donvi and /huy."""

from __future__ import annotations

from bot.models import Contact
from handlers import texts
from tests.handlers.conftest import ADMIN, ALICE, BOB, button, text_of


async def test_start_welcomes_and_offers_every_plan_and_no_plan(chat):
    calls = await chat.send(ALICE, "/start")
    assert "Xin chào Lan" in calls[0].text
    labels = [label for label, _ in calls[0].buttons]
    assert len(labels) == len(chat.core.kb.plans) + 1
    assert texts.NO_PLAN_BUTTON in labels


async def test_choosing_a_plan_offers_its_units_another_unit_and_skip(chat):
    calls = await chat.send(ALICE, "/start")
    calls = await chat.press(ALICE, button(calls, "Lạng Sơn"))
    labels = [label for label, _ in calls[0].buttons]
    assert "Công an tỉnh" in labels
    assert texts.OTHER_UNIT_BUTTON in labels and texts.SKIP_UNIT_BUTTON in labels


async def _pick_plan(chat, user, plan_label="Lạng Sơn"):
    calls = await chat.send(user, "/start")
    return await chat.press(user, button(calls, plan_label))


async def test_choosing_a_unit_requests_approval_and_tells_the_admins(chat):
    await chat.send(ADMIN, "/start")  # the admin has a chat with the bot
    calls = await _pick_plan(chat, ALICE)
    mark = len(chat.api.calls)
    calls = await chat.press(ALICE, button(calls, "Sở Tài chính"))
    assert "Đã gửi đề nghị" in calls[0].text and "Sở Tài chính" in calls[0].text
    to_admin = chat.api.sent(ADMIN.id, since=mark)
    assert to_admin and "Đề nghị mới" in to_admin[0].text and "Lan" in to_admin[0].text
    [contact] = chat.rows(Contact)
    assert contact.state == "pending" and contact.plan == "lang-son"
    calls = await chat.send(ALICE, "/help")
    assert "Sở Tài chính (chờ duyệt)" in calls[0].text


async def test_a_typed_commune_name_is_accepted_into_its_group(chat):
    calls = await _pick_plan(chat, ALICE)
    calls = await chat.press(ALICE, button(calls, "Đơn vị khác"))
    assert "Gõ tên" in calls[0].text
    calls = await chat.send(ALICE, "UBND phường Đông Kinh")
    assert "Đã gửi đề nghị" in calls[0].text
    calls = await chat.send(ALICE, "/nhiemvu")
    text = text_of(calls)
    assert "UBND phường Đông Kinh" in text and "chờ quản trị viên duyệt" in text


async def test_an_unknown_unit_name_is_refused_with_help_and_the_flow_can_be_cancelled(chat):
    calls = await _pick_plan(chat, ALICE)
    await chat.press(ALICE, button(calls, "Đơn vị khác"))
    calls = await chat.send(ALICE, "Câu lạc bộ <b>cờ tướng</b>")
    assert "Không nhận ra đơn vị" in calls[0].text
    assert "<b>cờ" not in calls[0].text and "&lt;b&gt;cờ" in calls[0].text
    assert chat.rows(Contact) == []
    calls = await chat.send(ALICE, "/huy")
    assert calls[0].text == texts.CANCELLED
    calls = await chat.send(ALICE, "/huy")
    assert calls[0].text == texts.NOTHING_TO_CANCEL


async def test_a_misspelt_unit_name_gets_close_matches(chat):
    calls = await _pick_plan(chat, ALICE)
    await chat.press(ALICE, button(calls, "Đơn vị khác"))
    calls = await chat.send(ALICE, "Cong an tih")
    assert "Công an tỉnh" in calls[0].text


async def test_too_long_unit_name_is_refused(chat):
    calls = await _pick_plan(chat, ALICE)
    await chat.press(ALICE, button(calls, "Đơn vị khác"))
    calls = await chat.send(ALICE, "Sở " + "x" * 200)
    assert calls[0].text == texts.UNIT_NAME_TOO_LONG


async def test_no_plan_means_questions_only(chat):
    calls = await chat.send(ALICE, "/start")
    calls = await chat.press(ALICE, button(calls, texts.NO_PLAN_BUTTON))
    assert "không theo kế hoạch cụ thể" in calls[0].text
    calls = await chat.send(ALICE, "/donvi")
    assert calls[0].text == texts.CHOOSE_PLAN


async def test_skipping_the_unit_keeps_the_plan(chat):
    calls = await _pick_plan(chat, ALICE)
    calls = await chat.press(ALICE, button(calls, texts.SKIP_UNIT_BUTTON))
    assert "chưa đăng ký đơn vị" in calls[0].text
    calls = await chat.send(ALICE, "/nhiemvu")
    assert calls[0].text.startswith("Bạn chưa là đầu mối")


async def _invite(chat, args: str) -> str:
    calls = await chat.send(ADMIN, f"/moi {args}")
    text = calls[0].text
    assert "t.me/" in text, text
    return text.split("?start=")[1].split()[0]


async def test_an_invite_link_registers_its_opener_once(chat):
    code = await _invite(chat, "lang-son Sở Y tế")
    calls = await chat.send(ALICE, f"/start {code}")
    assert "đã được đăng ký làm đầu mối của <b>Sở Y tế</b>" in calls[0].text
    [contact] = chat.rows(Contact)
    assert (contact.state, contact.via, contact.user_id) == ("approved", "invite", ALICE.id)
    calls = await chat.send(BOB, f"/start {code}")
    assert calls[0].text == texts.INVITE_USED
    assert len(chat.rows(Contact)) == 1


async def test_unknown_and_expired_invites_are_refused(chat):
    calls = await chat.send(ALICE, "/start khongcomanay")
    assert calls[0].text == texts.INVITE_UNKNOWN
    code = await _invite(chat, "hai-phong Sở Tư pháp")
    chat.clock.advance(days=8)
    calls = await chat.send(ALICE, f"/start {code}")
    assert calls[0].text == texts.INVITE_EXPIRED
    assert chat.rows(Contact) == []


async def test_change_unit_offers_the_units_of_my_plan(chat):
    code = await _invite(chat, "lang-son Sở Y tế")
    await chat.send(ALICE, f"/start {code}")
    calls = await chat.send(ALICE, "/donvi")
    assert "Lạng Sơn" in calls[0].text
    calls = await chat.press(ALICE, button(calls, "Công an tỉnh"))
    assert "Đã gửi đề nghị" in calls[0].text
    states = sorted(c.state for c in chat.rows(Contact))
    assert states == ["pending", "replaced"]
