"""/start, plan and unit choice, typed unit names, invites, /donvi and /huy."""

from __future__ import annotations

from bot.db.models import Contact, Subscription, UnitDraft, UnitRecord, User
from bot.telegram.transport import LocalUser
from handlers import callbacks, texts
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


async def test_choosing_a_unit_asks_to_confirm_plan_and_unit_before_anything_is_filed(chat):
    await chat.send(ADMIN, "/start")
    calls = await _pick_plan(chat, ALICE)
    mark = len(chat.api.calls)
    calls = await chat.press(ALICE, button(calls, "Sở Tài chính"))
    assert "Kiểm tra lại" in calls[0].text
    assert "Lạng Sơn" in calls[0].text and "Sở Tài chính" in calls[0].text
    assert [label for label, _ in calls[0].buttons] == [texts.CONFIRM_BUTTON, texts.CHOOSE_AGAIN_BUTTON]
    assert chat.rows(Contact) == [] and chat.api.sent(ADMIN.id, since=mark) == []
    # «Chọn lại»: the units again, nothing filed, the confirmation button now stale.
    confirm = button(calls, texts.CONFIRM_BUTTON)
    again = await chat.press(ALICE, button(calls, texts.CHOOSE_AGAIN_BUTTON))
    assert "Bước 2" in again[0].text and chat.rows(Contact) == [] and chat.rows(UnitDraft) == []
    await chat.press(ALICE, confirm)
    assert chat.answers[0].params["text"] == texts.STALE_CHOICE
    assert chat.rows(Contact) == []


async def test_a_confirmed_unit_is_requested_and_the_admins_see_name_username_and_id(chat):
    await chat.send(ADMIN, "/start")  # the admin has a chat with the bot
    lan = LocalUser(100011, "Lan", "lan_xa_chi_lang", "Nguyễn Thị")
    other_lan = LocalUser(100012, "Lan")
    calls = await _pick_plan(chat, lan)
    calls = await chat.press(lan, button(calls, "Sở Tài chính"))
    mark = len(chat.api.calls)
    confirm = button(calls, texts.CONFIRM_BUTTON)
    calls = await chat.press(lan, confirm)
    assert "Đã gửi đề nghị" in calls[0].text and "Sở Tài chính" in calls[0].text
    [to_admin] = chat.api.sent(ADMIN.id, since=mark)
    assert "Đề nghị mới: Lan Nguyễn Thị (@lan_xa_chi_lang), id 100011" in to_admin.text
    await chat.press(lan, confirm)  # pressed twice: one request
    assert chat.answers[0].params["text"] == texts.STALE_CHOICE
    calls = await _pick_plan(chat, other_lan)
    calls = await chat.press(other_lan, button(calls, "Công an tỉnh"))
    await chat.press(other_lan, button(calls, texts.CONFIRM_BUTTON))
    calls = await chat.send(ADMIN, "/duyet")
    listed = text_of(calls)
    assert "Lan Nguyễn Thị (@lan_xa_chi_lang), id 100011 — <b>Sở Tài chính</b>" in listed
    assert "Lan, id 100012 — <b>Công an tỉnh</b>" in listed
    contact = next(c for c in chat.rows(Contact) if c.user_id == lan.id)
    assert contact.state == "pending" and contact.plan == "lang-son"
    calls = await chat.send(lan, "/help")
    assert "Sở Tài chính (chờ duyệt)" in calls[0].text


async def test_a_typed_commune_name_is_accepted_into_its_group(chat):
    calls = await _pick_plan(chat, ALICE)
    calls = await chat.press(ALICE, button(calls, "Đơn vị khác"))
    assert "Gõ tên" in calls[0].text
    calls = await chat.send(ALICE, "UBND phường Đông Kinh")
    assert "Kiểm tra lại" in calls[0].text and "UBND phường Đông Kinh" in calls[0].text
    assert not any(u.name == "UBND phường Đông Kinh" for u in chat.rows(UnitRecord))  # not yet
    calls = await chat.press(ALICE, button(calls, texts.CONFIRM_BUTTON))
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
    assert calls[0].text == texts.UNIT_NONE + "\n\n" + texts.CHOOSE_PLAN


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


async def test_change_unit_shows_the_current_and_the_pending_unit_and_keeps_the_current_one(chat):
    code = await _invite(chat, "lang-son Sở Y tế")
    await chat.send(ALICE, f"/start {code}")
    calls = await chat.send(ALICE, "/donvi")
    assert "Đơn vị hiện tại của bạn: <b>Sở Y tế</b>" in calls[0].text
    assert "Lạng Sơn" in calls[0].text and "chờ duyệt" not in calls[0].text
    calls = await chat.press(ALICE, button(calls, "Công an tỉnh"))
    calls = await chat.press(ALICE, button(calls, texts.CONFIRM_BUTTON))
    assert "Đã gửi đề nghị" in calls[0].text and "vẫn là đầu mối của <b>Sở Y tế</b>" in calls[0].text
    assert sorted(c.state for c in chat.rows(Contact)) == ["approved", "pending"]
    assert [s.unit_id for s in chat.rows(Subscription)]  # the reminders of Sở Y tế go on
    calls = await chat.send(ALICE, "/donvi")
    assert "Đơn vị hiện tại của bạn: <b>Sở Y tế</b>" in calls[0].text
    assert "Đề nghị đang chờ duyệt: <b>Công an tỉnh</b>" in calls[0].text
    calls = await chat.send(ADMIN, "/duyet")
    await chat.press(ADMIN, button(calls, "Duyệt"))
    assert sorted(c.state for c in chat.rows(Contact)) == ["approved", "replaced"]
    [sub] = chat.rows(Subscription)
    assert next(u for u in chat.rows(UnitRecord) if u.id == sub.unit_id).name == "Công an tỉnh"
    calls = await chat.send(ALICE, "/donvi")
    assert "<b>Công an tỉnh</b>" in calls[0].text and "chờ duyệt" not in calls[0].text


async def test_cancel_drops_a_choice_waiting_for_confirmation(chat):
    calls = await _pick_plan(chat, ALICE)
    calls = await chat.press(ALICE, button(calls, "Sở Tài chính"))
    calls_after = await chat.send(ALICE, "/huy")
    assert calls_after[0].text == texts.CANCELLED and chat.rows(UnitDraft) == []
    await chat.press(ALICE, button(calls, texts.CONFIRM_BUTTON))
    assert chat.answers[0].params["text"] == texts.STALE_CHOICE and chat.rows(Contact) == []


async def test_donvi_without_a_unit_says_so(chat):
    await _pick_plan(chat, ALICE)
    calls = await chat.send(ALICE, "/donvi")
    assert calls[0].text.startswith(texts.UNIT_NONE)


async def test_asking_again_for_the_unit_already_held_files_nothing(chat):
    code = await _invite(chat, "lang-son Công an tỉnh")
    await chat.send(ALICE, f"/start {code}")
    calls = await chat.send(ALICE, "/donvi")
    calls = await chat.press(ALICE, button(calls, "Công an tỉnh"))
    await chat.press(ALICE, button(calls, texts.CONFIRM_BUTTON))
    assert "đã là đầu mối của Công an tỉnh" in chat.answers[0].params["text"]
    assert [c.state for c in chat.rows(Contact)] == ["approved"]


async def test_forged_or_stale_unit_choices_change_nothing(chat):
    calls = await _pick_plan(chat, ALICE)
    calls = await chat.press(ALICE, button(calls, "Sở Tài chính"))
    [draft] = chat.rows(UnitDraft)
    # Another user's draft, an unknown draft, a unit of another plan: refused.
    await chat.press(BOB, callbacks.make("ureq", f"{draft.id}.yes"))
    assert chat.answers[0].params["text"] == texts.STALE_CHOICE
    await chat.press(ALICE, callbacks.make("ureq", f"{draft.id + 50}.yes"))
    assert chat.answers[0].params["text"] == texts.STALE_CHOICE
    await chat.press(ALICE, callbacks.make("unit", 999999))
    assert chat.answers[0].params["text"] == texts.UNKNOWN_UNIT_BUTTON
    await chat.press(ALICE, "1:ureq:abc.yes")
    assert chat.answers[0].params["text"] == texts.STALE_BUTTON
    # The plan changed since the summary: the summary is stale.
    calls2 = await _pick_plan(chat, ALICE, "Lào Cai")
    assert calls2
    await chat.press(ALICE, callbacks.make("ureq", f"{draft.id}.yes"))
    assert chat.answers[0].params["text"] == texts.STALE_CHOICE
    assert chat.rows(Contact) == []


async def test_a_marked_profile_name_is_not_kept_nor_shown_to_admins(chat):
    await chat.send(ADMIN, "/start")
    marked = LocalUser(100013, "TỐI", "to_chuc_x", "MẬT")
    calls = await chat.send(marked, "/start")
    assert "MẬT" not in calls[0].text and "Xin chào bạn" in calls[0].text
    row = next(u for u in chat.rows(User) if u.id == marked.id)
    assert (row.first_name, row.last_name, row.username) == ("", "", None)
    calls = await chat.press(marked, button(calls, "Lạng Sơn"))
    calls = await chat.press(marked, button(calls, "Sở Tài chính"))
    mark = len(chat.api.calls)
    await chat.press(marked, button(calls, texts.CONFIRM_BUTTON))
    [to_admin] = chat.api.sent(ADMIN.id, since=mark)
    assert "MẬT" not in to_admin.text and f"{texts.NO_NAME}, id 100013" in to_admin.text
    calls = await chat.send(ADMIN, "/duyet")
    assert "MẬT" not in text_of(calls)
