"""The standing office's commands and their server-side authorisation."""

from __future__ import annotations

import pytest

from bot.db.models import AuditEntry, Contact, StatusRecord, Subscription, UnitDraft, UnitRecord
from bot.services import statuses
from handlers import callbacks, texts
from tests.handlers.conftest import ADMIN, ALICE, BOB, button, text_of

ITEM = "ls-dl-kiem-tra-thiet-bi"  # a Lạng Sơn deadline of "các cơ quan, đơn vị, địa phương"


async def _request(chat, user, unit_label="Sở Tài chính"):
    calls = await chat.send(user, "/start")
    calls = await chat.press(user, button(calls, "Lạng Sơn"))
    calls = await chat.press(user, button(calls, unit_label))
    await chat.press(user, button(calls, texts.CONFIRM_BUTTON))


async def test_admin_commands_are_refused_to_others(chat):
    for command in ("/duyet", "/moi lang-son Sở Y tế", "/themdonvi UBND xã A", "/chuatraloi",
                    "/xoadonvi lang-son Sở Y tế", "/doiten lang-son UBND xã A | UBND xã B"):
        calls = await chat.send(ALICE, command)
        assert calls[0].text == texts.ADMIN_ONLY
    assert chat.rows(UnitDraft) == []


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
    from bot.db.models import User

    await _request(chat, ALICE)
    chat.api.blocked.add(ALICE.id)
    calls = await chat.send(ADMIN, "/duyet")
    await chat.press(ADMIN, button(calls, "Duyệt"))
    alice = next(u for u in chat.rows(User) if u.id == ALICE.id)
    assert alice.active is False


def _unit(chat, name):
    return next((u for u in chat.rows(UnitRecord) if u.name == name), None)


async def _add(chat, text, group=None):
    """/themdonvi, a group chosen if given, then «Xác nhận»; the replies of the last step."""
    calls = await chat.send(ADMIN, f"/themdonvi {text}")
    if group is not None:
        calls = await chat.press(ADMIN, button(calls, group))
    return await chat.press(ADMIN, button(calls, texts.CONFIRM_BUTTON))


async def test_a_classifying_name_is_confirmed_in_its_preselected_group_then_offered_at_sign_up(chat):
    calls = await chat.send(ADMIN, "/themdonvi lang-son UBND xã Tân Thành")
    assert "Nhóm: <b>UBND các xã, phường" in calls[0].text and _unit(chat, "UBND xã Tân Thành") is None
    assert "✓ UBND các xã, phường" in [label for label, _ in calls[0].buttons][:4]
    calls = await chat.press(ADMIN, button(calls, texts.CONFIRM_BUTTON))
    assert "Đã thêm đơn vị <b>UBND xã Tân Thành</b>" in calls[0].text
    record = _unit(chat, "UBND xã Tân Thành")
    assert (record.plan, record.group_id) == ("lang-son", "nhom-ubnd-xa-phuong")
    assert chat.audit("unit_added")
    calls = await chat.send(ALICE, "/start")
    calls = await chat.press(ALICE, button(calls, "Lạng Sơn"))
    assert "UBND xã Tân Thành" in [label for label, _ in calls[0].buttons]
    calls = await chat.send(ADMIN, "/themdonvi")
    assert "Cách dùng" in calls[0].text


async def test_an_unclassified_unit_gets_the_chosen_group_and_appears_in_tonghop_and_exports(chat):
    calls = await chat.send(ADMIN, "/themdonvi lang-son Câu lạc bộ Hưu trí")
    assert "Nhóm: <b>chưa chọn</b>" in calls[0].text
    assert texts.CONFIRM_BUTTON not in [label for label, _ in calls[0].buttons]
    calls = await chat.press(ADMIN, button(calls, "Các cơ quan, đơn vị, địa phương"))
    assert "Nhóm: <b>Các cơ quan, đơn vị, địa phương</b>" in calls[0].text
    await chat.press(ADMIN, button(calls, texts.CONFIRM_BUTTON))
    assert _unit(chat, "Câu lạc bộ Hưu trí").group_id == "nhom-co-quan-don-vi-dia-phuong"
    calls = await chat.send(ADMIN, "/tonghop lang-son")
    missing = next(data for call in calls for _label, data in call.buttons if ITEM in data)
    calls = await chat.press(ADMIN, missing)
    assert "Câu lạc bộ Hưu trí" in calls[0].text
    with chat.core.sessions.begin() as session:
        rows = statuses.status_rows(session, chat.core.kb, "lang-son", chat.core.today())
        assert "Câu lạc bộ Hưu trí" in {r.unit_name for r in rows}


async def test_duplicates_and_near_duplicates_are_refused_naming_the_existing_unit(chat):
    await _add(chat, "lang-son UBND xã Tân Thành")
    count = len(chat.rows(UnitRecord))
    for typed, existing in (("UBND xa Tan Thanh", "UBND xã Tân Thành"),
                            ("Ủy ban nhân dân xã  Tân  Thành", "UBND xã Tân Thành"),
                            ("Sở Tài chánh", "Sở Tài chính")):  # close to a unit of the KB
        calls = await chat.send(ADMIN, f"/themdonvi lang-son {typed}")
        assert calls[0].text.startswith("Không thêm"), typed
        assert f"<b>{existing}</b>" in calls[0].text and not calls[0].buttons, typed
    for typed in ("UBND xã Tân Thànhh", "UBND xã TânThành"):
        calls = await chat.send(ADMIN, f"/themdonvi lang-son {typed}")
        assert calls[0].text.startswith("⚠️ Chưa thêm") and "gần giống" in calls[0].text, typed
        assert "<b>UBND xã Tân Thành</b>" in calls[0].text, typed
        assert texts.ADD_ANYWAY_BUTTON in [label for label, _ in calls[0].buttons], typed
    calls = await chat.press(ADMIN, button(calls, texts.CANCEL_BUTTON))
    assert len(chat.rows(UnitRecord)) == count and chat.rows(UnitDraft) == []
    calls = await chat.send(ADMIN, "/themdonvi lang-son UBND các xã, phường")
    assert "tên một nhóm" in calls[0].text
    await _add(chat, "lang-son UBND xã An Bình")
    await _add(chat, "lang-son Trường THCS số 1", group="Các sở, ban, ngành")
    for distinct in ("UBND xã An Vinh", "Trường THCS số 2"):  # close, yet other units
        calls = await chat.send(ADMIN, f"/themdonvi lang-son {distinct}")
        assert calls[0].text.startswith("Thêm đơn vị"), distinct


async def test_a_near_duplicate_is_added_only_when_the_admin_says_it_is_another_unit(chat):
    await _add(chat, "lang-son UBND xã Hòa Bình")
    calls = await chat.send(ADMIN, "/themdonvi lang-son UBND xã Hòa Bìnhh")
    calls = await chat.press(ADMIN, button(calls, "Các cơ quan, đơn vị, địa phương"))  # another group
    assert "gần giống một đơn vị đã có" in calls[0].text
    calls = await chat.press(ADMIN, button(calls, texts.ADD_ANYWAY_BUTTON))
    assert "Đã thêm đơn vị <b>UBND xã Hòa Bìnhh</b>" in calls[0].text
    assert _unit(chat, "UBND xã Hòa Bìnhh").group_id == "nhom-co-quan-don-vi-dia-phuong"


async def test_a_unit_added_meanwhile_is_refused_at_confirmation(chat):
    calls = await chat.send(ADMIN, "/themdonvi lang-son UBND xã Hữu Lũng")
    confirm = button(calls, texts.CONFIRM_BUTTON)
    await chat.send(ALICE, "/start")
    with chat.core.sessions.begin() as session:  # another admin, through the CLI
        from bot.services import units
        units.add_unit(session, "UBND xã Hữu Lũng", "lang-son", chat.core.kb.registry, "admin",
                       None, chat.core.now())
    calls = await chat.press(ADMIN, confirm)
    assert calls[0].text.startswith("Không thêm") and len(
        [u for u in chat.rows(UnitRecord) if u.name == "UBND xã Hữu Lũng"]) == 1


async def test_unit_buttons_are_for_admins_and_for_the_current_draft_only(chat):
    calls = await chat.send(ADMIN, "/themdonvi lang-son Câu lạc bộ Hưu trí")
    group = button(calls, "Các sở, ban, ngành")
    draft_id = chat.rows(UnitDraft)[0].id
    await chat.press(ALICE, group)
    assert chat.answers[0].params["text"] == texts.NOT_YOURS and chat.audit("forbidden_callback")
    await chat.press(ALICE, callbacks.make("uedit", f"{draft_id}.yes"))
    assert chat.answers[0].params["text"] == texts.NOT_YOURS
    await chat.press(ADMIN, callbacks.make("ugroup", f"{draft_id}.nhom-khong-co"))
    assert chat.answers[0].params["text"] == texts.STALE_CHOICE
    await chat.press(ADMIN, callbacks.make("uedit", f"{draft_id}.yes"))  # no group chosen yet
    assert "chọn nhóm" in text_of(chat.api.sent(ADMIN.id)[-1:])
    calls = await chat.send(ADMIN, "/themdonvi lang-son UBND xã Khuất Xá")  # a newer draft
    await chat.press(ADMIN, group)
    assert chat.answers[0].params["text"] == texts.STALE_CHOICE
    await chat.press(ADMIN, button(calls, texts.CANCEL_BUTTON))
    assert chat.rows(UnitDraft) == [] and _unit(chat, "UBND xã Khuất Xá") is None
    assert _unit(chat, "Câu lạc bộ Hưu trí") is None


async def _reported(chat, user, unit) -> int:
    """A unit added by the admin, `user` its contact (by invite) who has reported on ITEM."""
    await _add(chat, f"lang-son {unit}")
    calls = await chat.send(ADMIN, f"/moi lang-son {unit}")
    code = calls[0].text.split("?start=")[1].split()[0]
    await chat.send(user, f"/start {code}")
    await chat.send(user, f"/baocao {ITEM} xong")
    return _unit(chat, unit).id


async def test_a_renamed_unit_keeps_its_contacts_statuses_and_history(chat):
    unit_id = await _reported(chat, ALICE, "UBND xã Tân Thanh")
    calls = await chat.send(ADMIN, "/doiten lang-son UBND xã Tân Thanh | UBND xã Tân Thạnh")
    assert "Đổi tên đơn vị <b>UBND xã Tân Thanh</b>" in calls[0].text
    assert "<b>UBND xã Tân Thạnh</b>" in calls[0].text
    assert _unit(chat, "UBND xã Tân Thanh") is not None  # nothing yet
    calls = await chat.press(ADMIN, button(calls, texts.CONFIRM_BUTTON))
    assert "Đã đổi tên «UBND xã Tân Thanh» thành <b>UBND xã Tân Thạnh</b>" in calls[0].text
    record = _unit(chat, "UBND xã Tân Thạnh")
    assert record.id == unit_id
    assert [c.unit_id for c in chat.rows(Contact)] == [unit_id]
    assert [s.unit_id for s in chat.rows(StatusRecord)] == [unit_id]
    [entry] = chat.audit("unit_renamed")
    assert entry.detail == {"old": "UBND xã Tân Thanh", "new": "UBND xã Tân Thạnh"}
    calls = await chat.send(ALICE, "/baocao lichsu")
    assert "Tân Thạnh" in text_of(calls)


async def test_rename_refuses_bad_input_and_names_the_unit_already_there(chat):
    await _add(chat, "lang-son UBND xã Tân Thành")
    await _add(chat, "lang-son UBND xã Hòa Bình")
    cases = {
        "/doiten lang-son UBND xã Hòa Bình": "Cách dùng",
        "/doiten lang-son UBND xã Hòa Bình |": "Cách dùng",
        "/doiten lang-son UBND xã Không Có | UBND xã Mới": "Không có đơn vị «UBND xã Không Có»",
        "/doiten lang-son UBND xã Hòa Bình | UBND xã Tân Thành":
            "đã có trong danh mục là <b>UBND xã Tân Thành</b>",
        "/doiten lang-son UBND xã Hòa Bình | UBND xã Tân Thànhh":
            "gần giống đơn vị đã có <b>UBND xã Tân Thành</b>",
        "/doiten lang-son Sở Tài chính | Sở Tài chính tỉnh": "thuộc cơ sở tri thức",
        "/doiten lang-son UBND xã Hòa Bình | 12345": texts.UNIT_BAD_NAME,
    }
    for command, expected in cases.items():
        calls = await chat.send(ADMIN, command)
        assert expected in calls[0].text, command
        assert not calls[0].buttons, command
    assert _unit(chat, "UBND xã Hòa Bình") is not None and not chat.audit("unit_renamed")


async def test_a_removed_unit_is_retired_not_deleted_and_leaves_sign_up_tonghop_and_exports(chat):
    await chat.send(ADMIN, "/start")
    unit_id = await _reported(chat, ALICE, "UBND xã Tân Thành")
    calls = await chat.send(ADMIN, "/moi lang-son UBND xã Tân Thành")
    unused_code = calls[0].text.split("?start=")[1].split()[0]
    calls = await chat.send(ADMIN, "/xoadonvi lang-son UBND xa Tan Thanh")
    assert "Xóa đơn vị <b>UBND xã Tân Thành</b>" in calls[0].text
    assert _unit(chat, "UBND xã Tân Thành").retired_at is None
    mark = len(chat.api.calls)
    calls = await chat.press(ADMIN, button(calls, texts.CONFIRM_BUTTON))
    assert "Đã xóa đơn vị <b>UBND xã Tân Thành</b>" in calls[0].text and "1 đầu mối" in calls[0].text
    told = chat.api.sent(ALICE.id, since=mark)
    assert told and "/donvi" in told[0].text
    record = _unit(chat, "UBND xã Tân Thành")
    assert record.id == unit_id and record.retired_at is not None and record.retired_by == ADMIN.id
    assert [s.unit_id for s in chat.rows(StatusRecord)] == [unit_id]  # history kept
    assert [c.state for c in chat.rows(Contact)] == ["replaced"] and chat.rows(Subscription) == []
    assert chat.audit("unit_removed")[0].detail["name"] == "UBND xã Tân Thành"
    calls = await chat.send(BOB, f"/start {unused_code}")  # its invites expired with it
    assert calls[0].text == texts.INVITE_EXPIRED
    with chat.core.sessions.begin() as session:  # a report by phone is refused too
        with pytest.raises(statuses.StatusRefused) as refused:
            statuses.submit_status(session, chat.core.kb, plan="lang-son", unit_id=unit_id,
                                   item_key=ITEM, state="hoan_thanh", note=None, actor_id=None,
                                   admin=False, now=chat.core.now(), via="cli",
                                   today=chat.core.today(), tz=chat.core.settings.tz)
        assert refused.value.reason == "unknown_unit"
    # Gone from sign-up, the overview and the exports.
    calls = await chat.send(BOB, "/start")
    calls = await chat.press(BOB, button(calls, "Lạng Sơn"))
    assert "UBND xã Tân Thành" not in [label for label, _ in calls[0].buttons]
    await chat.press(BOB, button(calls, "Đơn vị khác"))
    calls = await chat.send(BOB, "UBND xã Tân Thành")
    assert "đã bị xóa" in calls[0].text
    calls = await chat.send(ADMIN, "/tonghop lang-son")
    missing = next(data for call in calls for _label, data in call.buttons if ITEM in data)
    calls = await chat.press(ADMIN, missing)
    assert "Tân Thành" not in calls[0].text
    with chat.core.sessions.begin() as session:
        rows = statuses.status_rows(session, chat.core.kb, "lang-son", chat.core.today())
        assert "UBND xã Tân Thành" not in {r.unit_name for r in rows}
    calls = await chat.send(ADMIN, "/xoadonvi lang-son UBND xã Tân Thành")
    assert "đã bị xóa khỏi danh mục trước đó" in calls[0].text
    # Added again: the same record comes back, with its history.
    calls = await chat.send(ADMIN, "/themdonvi lang-son UBND xã Tân Thành")
    assert "khôi phục" in calls[0].text
    await chat.press(ADMIN, button(calls, texts.CONFIRM_BUTTON))
    restored = _unit(chat, "UBND xã Tân Thành")
    assert restored.retired_at is None and restored.id == unit_id


@pytest.mark.parametrize(("command", "expected"), [
    ("/xoadonvi", "Cách dùng"),
    ("/xoadonvi lang-son Câu lạc bộ không có", "Không có đơn vị"),
    ("/xoadonvi lang-son Công an tỉnh", "thuộc cơ sở tri thức"),
    ("/xoadonvi lang-son <b>x</b>", "&lt;b&gt;x&lt;/b&gt;"),
])
async def test_remove_refuses_bad_input_and_changes_nothing(chat, command, expected):
    calls = await chat.send(ADMIN, command)
    assert expected in calls[0].text
    assert chat.rows(UnitDraft) == [] and not chat.audit("unit_removed")
    assert all(u.retired_at is None for u in chat.rows(UnitRecord))


async def test_a_remove_confirmation_is_stale_once_cancelled_or_used(chat):
    await _add(chat, "lang-son UBND xã Tân Thành")
    calls = await chat.send(ADMIN, "/xoadonvi lang-son UBND xã Tân Thành")
    confirm = button(calls, texts.CONFIRM_BUTTON)
    calls = await chat.press(ADMIN, button(calls, texts.CANCEL_BUTTON))
    assert calls[0].text == texts.UNIT_CHANGE_CANCELLED
    await chat.press(ADMIN, confirm)
    assert chat.answers[0].params["text"] == texts.STALE_CHOICE
    assert _unit(chat, "UBND xã Tân Thành").retired_at is None
    assert not [a for a in chat.rows(AuditEntry) if a.action == "unit_removed"]


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
