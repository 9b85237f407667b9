"""/baocao (buttons and one line), history, blocked items reaching admins, /tonghop and /xuat."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pytest

from bot import core as core_module
from bot.db.models import AuditEntry, StatusRecord
from bot.services import statuses
from handlers import callbacks, reports, texts
from handlers import report_texts as rt
from tests.handlers.conftest import ADMIN, ALICE, BOB, button, text_of

ITEM = "ls-dl-kiem-tra-thiet-bi"


async def _contact(chat, user, unit="Sở Y tế", plan="lang-son"):
    await chat.send(ADMIN, "/start")
    calls = await chat.send(ADMIN, f"/moi {plan} {unit}")
    code = calls[0].text.split("?start=")[1].split()[0]
    await chat.send(user, f"/start {code}")


def _statuses(chat) -> list[StatusRecord]:
    return chat.rows(StatusRecord)


async def test_only_approved_contacts_report(chat):
    calls = await chat.send(ALICE, "/baocao")
    assert calls[0].text == texts.NEED_UNIT
    calls = await chat.send(BOB, "/start")
    calls = await chat.press(BOB, button(calls, "Lạng Sơn"))
    calls = await chat.press(BOB, button(calls, "Công an tỉnh"))
    await chat.press(BOB, button(calls, texts.CONFIRM_BUTTON))
    calls = await chat.send(BOB, "/baocao")
    assert "đang chờ" in calls[0].text
    assert _statuses(chat) == []


async def test_a_report_in_a_few_taps_gets_a_receipt(chat):
    await _contact(chat, ALICE)
    calls = await chat.send(ALICE, "/baocao")
    assert "Báo cáo tiến độ — Sở Y tế" in calls[0].text
    calls = await chat.press(ALICE, callbacks.make("ritem", ITEM))
    assert "chưa báo cáo" in calls[0].text
    calls = await chat.press(ALICE, button(calls, "Hoàn thành"))
    assert "ghi chú" in calls[0].text
    calls = await chat.send(ALICE, "Đã kiểm tra 45/45 máy, biên bản số 7/BB")
    assert "Xác nhận báo cáo" in calls[0].text and "45/45" in calls[0].text
    calls = await chat.press(ALICE, button(calls, "Gửi báo cáo"))
    assert "Đã ghi nhận báo cáo <b>BC-" in calls[0].text
    [status] = _statuses(chat)
    assert (status.item, status.state, status.version) == (ITEM, "hoan_thanh", 1)
    assert status.submitted_by == ALICE.id
    assert status.note == "Đã kiểm tra 45/45 máy, biên bản số 7/BB"


async def test_the_note_can_be_skipped_and_the_report_cancelled(chat):
    await _contact(chat, ALICE)
    await chat.send(ALICE, "/baocao")
    calls = await chat.press(ALICE, callbacks.make("ritem", ITEM))
    calls = await chat.press(ALICE, button(calls, "Đang thực hiện"))
    calls = await chat.press(ALICE, button(calls, rt.SKIP_NOTE))
    assert rt.NO_NOTE in calls[0].text
    calls = await chat.press(ALICE, button(calls, "Hủy"))
    assert calls[0].text == rt.REPORT_CANCELLED
    assert _statuses(chat) == []
    await chat.press(ALICE, callbacks.make("rconfirm", "yes"))
    assert chat.answers[0].params["text"] == rt.DRAFT_GONE


async def test_a_receipt_is_dated_in_the_deployments_time_zone_whatever_the_environment_says(
        chat, monkeypatch):
    monkeypatch.setenv("TIMEZONE", "Pacific/Kiritimati")  # already 24/11 there; the bot's Settings say Hà Nội
    await _contact(chat, ALICE)
    chat.clock.now = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)  # 19:00 on 23/11 in Hà Nội
    calls = await chat.send(ALICE, f"/baocao {ITEM} xong")
    assert "<b>BC-20261123-" in calls[0].text and "19:00 23/11/2026" in calls[0].text


async def test_one_line_reports_are_forgiving(chat):
    await _contact(chat, ALICE)
    calls = await chat.send(ALICE, f"/baocao {ITEM} xong đã gửi biên bản")
    assert "BC-" in calls[0].text
    calls = await chat.send(ALICE, "/baocao ls-dl-gui-ke-hoach dang thuc hien du thao 80%")
    assert "BC-" in calls[0].text
    calls = await chat.send(ALICE, "/baocao 1 vướng mắc thiếu kinh phí")
    assert "BC-" in calls[0].text
    states = sorted((s.item, s.state, s.note) for s in _statuses(chat))
    assert ("ls-dl-gui-ke-hoach", "dang_thuc_hien", "du thao 80%") in states
    assert (ITEM, "hoan_thanh", "đã gửi biên bản") in states
    assert any(s == "vuong_mac" and n == "thiếu kinh phí" for _, s, n in states)


@pytest.mark.parametrize(("command", "expected"), [
    ("/baocao 99 xong", "Không tìm thấy nhiệm vụ"),
    ("/baocao khong-co-muc-nay xong", "Không tìm thấy nhiệm vụ"),
    ("/baocao 1 tamtam", "Không hiểu trạng thái"),
    ("/baocao 1", "Cách dùng"),
    ("/baocao 1 xong " + "x" * 600, "tối đa 500"),
])
async def test_bad_one_line_reports_change_nothing(chat, command, expected):
    await _contact(chat, ALICE)
    calls = await chat.send(ALICE, command)
    assert expected in calls[0].text
    assert _statuses(chat) == []


async def test_a_marked_note_is_refused_and_nothing_is_stored(chat):
    await _contact(chat, ALICE)
    calls = await chat.send(ALICE, "/baocao 1 xong (MẬT) danh sách máy tính")
    assert "không được lưu" in calls[0].text
    await chat.send(ALICE, "/baocao")
    calls = await chat.press(ALICE, callbacks.make("ritem", ITEM))
    await chat.press(ALICE, button(calls, "Hoàn thành"))
    calls = await chat.send(ALICE, "Độ mật: Tối mật — danh sách máy")
    assert "không được lưu" in calls[0].text
    calls = await chat.send(ALICE, "đã kiểm tra xong")  # the draft survived; a clean note goes on
    assert "Xác nhận báo cáo" in calls[0].text
    assert _statuses(chat) == []
    assert all("danh sách máy" not in str(a.detail) for a in chat.rows(AuditEntry))


async def test_a_button_for_another_units_item_is_refused(chat):
    await _contact(chat, ALICE)
    await chat.press(ALICE, callbacks.make("ritem", "ls-dl-bao-cao-hang-nam@2026"))
    assert chat.answers[0].params["text"] == rt.ITEM_GONE
    await chat.press(BOB, callbacks.make("ritem", ITEM))
    assert chat.answers[0].params["text"] == rt.ITEM_GONE
    assert _statuses(chat) == []


async def test_corrections_are_new_versions_shown_in_the_history(chat):
    await _contact(chat, ALICE)
    await chat.send(ALICE, f"/baocao {ITEM} dang lam")
    await chat.send(ALICE, f"/baocao {ITEM} xong")
    versions = sorted((s.version, s.state) for s in _statuses(chat))
    assert versions == [(1, "dang_thuc_hien"), (2, "hoan_thanh")]
    calls = await chat.send(ALICE, "/baocao lichsu")
    text = text_of(calls)
    assert text.index("Hoàn thành") < text.index("Đang thực hiện")


async def test_a_blocked_item_reaches_the_admins_who_can_answer_the_unit(chat):
    await _contact(chat, ALICE)
    mark = len(chat.api.calls)
    await chat.send(ALICE, f"/baocao {ITEM} vuong mac thiếu <máy> kiểm tra")
    [alert] = chat.api.sent(ADMIN.id, since=mark)
    assert "Vướng mắc" in alert.text and "thiếu &lt;máy&gt; kiểm tra" in alert.text
    calls = await chat.press(ADMIN, button([alert], rt.REPLY_BUTTON))
    assert "Gõ nội dung trả lời" in calls[0].text
    mark = len(chat.api.calls)
    calls = await chat.send(ADMIN, "Phòng PA03 sẽ hỗ trợ kiểm tra ngày 25/11")
    assert "Đã gửi trả lời tới 1" in calls[0].text
    [answer] = chat.api.sent(ALICE.id, since=mark)
    assert "PA03" in answer.text
    await chat.press(ALICE, callbacks.make("rreply", _statuses(chat)[0].id))
    assert chat.answers[0].params["text"] == texts.NOT_YOURS


async def test_cancel_clears_a_report_in_progress(chat):
    await _contact(chat, ALICE)
    await chat.send(ALICE, "/baocao")
    calls = await chat.press(ALICE, callbacks.make("ritem", ITEM))
    await chat.press(ALICE, button(calls, "Hoàn thành"))
    calls = await chat.send(ALICE, "/huy")
    assert calls[0].text == texts.CANCELLED
    calls = await chat.press(ALICE, callbacks.make("rnote", "skip"))
    assert calls[0].text == rt.DRAFT_GONE
    await chat.press(ALICE, callbacks.make("rconfirm", "yes"))
    assert chat.answers[0].params["text"] == rt.DRAFT_GONE
    assert _statuses(chat) == []


async def test_the_overview_counts_states_and_lists_who_has_not_reported(chat):
    await _contact(chat, ALICE)
    await chat.send(ALICE, f"/baocao {ITEM} xong")
    calls = await chat.send(ADMIN, "/tonghop lang-son")
    text = text_of(calls)
    assert ("Tổng hợp tiến độ" in text and "✅ 1" in text and "▓" in text) or "░" in text
    missing = next(data for call in calls for label, data in call.buttons if ITEM in data)
    calls = await chat.press(ADMIN, missing)
    assert "Chưa báo cáo" in calls[0].text and "Sở Y tế" not in calls[0].text
    assert "Sở Tài chính" in calls[0].text
    calls = await chat.send(ALICE, "/tonghop lang-son")
    assert calls[0].text == texts.ADMIN_ONLY
    await chat.press(ALICE, missing)
    assert chat.answers[0].params["text"] == rt.REFUSED["not_allowed"]
    calls = await chat.send(ADMIN, "/tonghop khong-co")
    assert "Cách dùng" in calls[0].text


async def test_exports_are_sent_as_files_and_a_chart_then_deleted(chat):
    await _contact(chat, ALICE)
    await chat.send(ALICE, f"/baocao {ITEM} xong")
    before = set(Path(tempfile.gettempdir()).glob("bmnn-export-*"))
    calls = await chat.send(ADMIN, "/xuat lang-son")
    documents = [c for c in calls if c.method == "sendDocument"]
    photos = [c for c in calls if c.method == "sendPhoto"]
    assert len(documents) == 2 and len(photos) == 1
    assert set(Path(tempfile.gettempdir()).glob("bmnn-export-*")) == before
    assert [a for a in chat.rows(AuditEntry) if a.action == "status_exported"]


async def test_an_export_that_telegram_refuses_says_the_files_were_made_but_not_sent(chat):
    await _contact(chat, ALICE)
    chat.api.unsupported.add("sendDocument")
    calls = await chat.send(ADMIN, "/xuat lang-son")
    names = ", ".join(f"trang-thai-lang-son-20261123.{ext}" for ext in ("xlsx", "csv", "png"))
    assert calls[-1].text == rt.EXPORT_SEND_FAILED.format(missing=names)
    assert "Không tạo được" not in text_of(calls)
    chat.api.unsupported = {"sendPhoto"}  # the tables went, the chart did not
    calls = await chat.send(ADMIN, "/xuat lang-son")
    assert [c.method for c in calls] == ["sendDocument", "sendDocument", "sendPhoto", "sendMessage"]
    assert calls[-1].text == rt.EXPORT_SEND_FAILED.format(missing="trang-thai-lang-son-20261123.png")
    calls = await chat.send(ADMIN, f"/xuat lang-son {ITEM}")
    assert calls[-1].text == rt.EXPORT_SEND_FAILED.format(missing=f"lang-son-{ITEM}.png")


async def test_an_export_that_cannot_be_made_says_so_and_sends_nothing(chat, monkeypatch):
    await _contact(chat, ALICE)

    def broken(*args, **kwargs):
        raise OSError("No space left on device")

    monkeypatch.setattr("bot.exports.write_csv", broken)
    calls = await chat.send(ADMIN, "/xuat lang-son")
    assert [c.method for c in calls] == ["sendMessage"] and calls[0].text == rt.EXPORT_MAKE_FAILED
    monkeypatch.setattr("bot.exports.unit_chart", broken)
    calls = await chat.send(ADMIN, f"/xuat lang-son {ITEM}")
    assert [c.method for c in calls] == ["sendMessage"] and calls[0].text == rt.EXPORT_MAKE_FAILED


async def test_one_deadlines_chart_is_sent_for_an_item(chat):
    await _contact(chat, ALICE)
    await chat.send(ALICE, f"/baocao {ITEM} xong")
    calls = await chat.send(ADMIN, f"/xuat lang-son {ITEM}")
    [photo] = [c for c in calls if c.method == "sendPhoto"]
    assert "Hạn kiểm tra an ninh" in photo.text
    calls = await chat.send(ADMIN, "/xuat lang-son khong-co")
    assert "Không tìm thấy nhiệm vụ" in calls[0].text


class _Counted:
    """Wraps a function and counts its calls."""

    def __init__(self, function):
        self.function, self.calls = function, 0

    def __call__(self, *args, **kwargs):
        self.calls += 1
        return self.function(*args, **kwargs)


async def test_a_one_line_report_looks_its_item_up_once(chat, monkeypatch):
    await _contact(chat, ALICE)
    lookups = {name: _Counted(function) for name, function in (
        ("bot.core.unit_items", core_module.unit_items),
        ("handlers.reports.find_item", reports.find_item),
        ("bot.services.statuses.find_item", statuses.find_item))}
    for name, counted in lookups.items():
        monkeypatch.setattr(name, counted)
    calls = await chat.send(ALICE, "/baocao 1 xong")
    assert "<b>BC-" in calls[0].text
    assert sum(counted.calls for counted in lookups.values()) == 1
    calls = await chat.send(ALICE, "/baocao")
    calls = await chat.press(ALICE, callbacks.make("ritem", ITEM))
    calls = await chat.press(ALICE, button(calls, "Hoàn thành"))
    calls = await chat.press(ALICE, button(calls, rt.SKIP_NOTE))
    before = {name: counted.calls for name, counted in lookups.items()}
    calls = await chat.press(ALICE, button(calls, rt.CONFIRM_YES))
    assert "<b>BC-" in calls[-1].text
    assert sum(counted.calls - before[name] for name, counted in lookups.items()) == 1


class _CountedTransactions:
    """The core's session factory, counting the transactions opened with it."""

    def __init__(self, sessions):
        self.sessions, self.begun = sessions, 0

    def begin(self):
        self.begun += 1
        return self.sessions.begin()

    def __getattr__(self, name):
        return getattr(self.sessions, name)


async def test_choosing_an_item_is_one_transaction(chat, monkeypatch):
    await _contact(chat, ALICE)
    await chat.send(ALICE, "/baocao")
    counted = _CountedTransactions(chat.core.sessions)
    monkeypatch.setattr(chat.core, "sessions", counted)
    calls = await chat.press(ALICE, callbacks.make("ritem", ITEM))
    assert "chưa báo cáo" in calls[-1].text
    assert counted.begun == 1
