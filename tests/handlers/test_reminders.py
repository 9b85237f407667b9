"""/nhacviec settings, automatic subscription, /thongbao and the weekly digest."""

from __future__ import annotations

import asyncio
import datetime as dt

from bot.db.models import Subscription, User
from bot.jobs.digest import send_weekly_digest
from handlers import callbacks
from handlers import reminder_texts as rmt
from tests.handlers.conftest import ADMIN, ALICE, BOB, button, text_of


async def _contact(chat, user, unit="Công an tỉnh", plan="lang-son"):
    await chat.send(ADMIN, "/start")
    calls = await chat.send(ADMIN, f"/moi {plan} {unit}")
    code = calls[0].text.split("?start=")[1].split()[0]
    await chat.send(user, f"/start {code}")


class _Context:
    def __init__(self, application):
        self.application = application
        self.bot = application.bot


async def test_an_approved_contact_is_subscribed_and_sees_what_is_coming(chat):
    calls = await chat.send(ALICE, "/nhacviec")
    assert calls[0].text == rmt.NO_SUBSCRIPTION
    await _contact(chat, ALICE)
    [sub] = chat.rows(Subscription)
    assert (sub.user_id, sub.plan, list(sub.lead_days)) == (ALICE.id, "lang-son", [14, 7, 3, 1])
    calls = await chat.send(ALICE, "/nhacviec")
    text = text_of(calls)
    assert "Nhắc việc — Công an tỉnh" in text and "15/12/2026" in text and "đang bật" in text


async def test_a_request_approved_by_an_admin_subscribes_the_contact(chat):
    await chat.send(ADMIN, "/start")
    calls = await chat.send(BOB, "/start")
    calls = await chat.press(BOB, button(calls, "Lạng Sơn"))
    calls = await chat.press(BOB, button(calls, "Sở Tài chính"))
    await chat.press(BOB, button(calls, "Xác nhận"))
    assert chat.rows(Subscription) == []
    calls = await chat.send(ADMIN, "/duyet")
    await chat.press(ADMIN, button(calls, "Duyệt"))
    [sub] = chat.rows(Subscription)
    assert sub.user_id == BOB.id


async def test_reminders_can_be_muted_resumed_and_their_lead_days_changed(chat):
    await _contact(chat, ALICE)
    calls = await chat.send(ALICE, "/nhacviec")
    calls = await chat.press(ALICE, button(calls, rmt.MUTE_ALL))
    assert chat.rows(Subscription)[0].muted is True and "đã tắt" in text_of(calls)
    calls = await chat.press(ALICE, button(calls, rmt.UNMUTE_ALL))
    assert chat.rows(Subscription)[0].muted is False
    calls = await chat.press(ALICE, button(calls, "Nhắc trước 3, 1 ngày"))
    assert list(chat.rows(Subscription)[0].lead_days) == [3, 1]
    calls = await chat.press(ALICE, button(calls, "Tắt: Hạn báo cáo"))
    assert chat.rows(Subscription)[0].muted_items == ["ls-dl-bao-cao-hang-nam"]
    assert "đã tắt nhắc" in text_of(calls)


async def test_someone_elses_or_forged_settings_buttons_change_nothing(chat):
    await _contact(chat, ALICE)
    [sub] = chat.rows(Subscription)
    await chat.press(BOB, callbacks.make("nmute", f"{sub.id}.on"))
    assert chat.answers[0].params["text"] == rmt.NOT_YOUR_SUBSCRIPTION
    await chat.press(ALICE, callbacks.make("nlead", f"{sub.id}.99"))
    assert chat.answers[0].params["text"] == rmt.LEAD_BAD
    await chat.press(ALICE, callbacks.make("nitem", f"{sub.id}.khong-co-han-nay"))
    assert chat.answers[0].params["text"] == rmt.NOT_YOUR_SUBSCRIPTION
    [after] = chat.rows(Subscription)
    assert (after.muted, list(after.lead_days), after.muted_items) == (False, [14, 7, 3, 1], [])


async def _wait_for(chat, user, count, timeout=3.0):
    for _ in range(int(timeout / 0.02)):
        if len(chat.api.sent(user.id)) >= count:
            return
        await asyncio.sleep(0.02)


async def test_an_announcement_is_confirmed_then_sent_once_to_each_contact(chat):
    calls = await chat.send(ALICE, "/thongbao lang-son họp giao ban")
    assert "chỉ dành cho quản trị viên" in calls[0].text
    calls = await chat.send(ADMIN, "/thongbao lang-son Họp giao ban <quý IV> lúc 8h ngày 30/11")
    assert calls[0].text.startswith("Kế hoạch thực hiện Chỉ thị 32/CT-TTg")
    assert "chưa có đầu mối" in calls[0].text and "Kế hoạch Kế hoạch" not in calls[0].text
    await _contact(chat, ALICE)
    await _contact(chat, BOB, unit="Sở Y tế")
    calls = await chat.send(ADMIN, "/thongbao lang-son Họp giao ban <quý IV> lúc 8h ngày 30/11")
    assert "Gửi thông báo tới 2 đầu mối" in calls[0].text and "&lt;quý IV&gt;" in calls[0].text
    before_alice = len(chat.api.sent(ALICE.id))
    await chat.press(ADMIN, button(calls, rmt.ANNOUNCE_YES))
    await chat.press(ADMIN, callbacks.make("announce", "yes"))  # a second press
    assert chat.answers[0].params["text"] == rmt.ANNOUNCE_GONE
    await _wait_for(chat, ALICE, before_alice + 1)
    await _wait_for(chat, BOB, 2)
    await asyncio.sleep(0.1)
    to_alice = [c for c in chat.api.sent(ALICE.id) if "Thông báo của cơ quan Thường trực" in c.text]
    to_bob = [c for c in chat.api.sent(BOB.id) if "Thông báo của cơ quan Thường trực" in c.text]
    assert len(to_alice) == 1 and len(to_bob) == 1 and "&lt;quý IV&gt;" in to_alice[0].text


async def test_an_announcement_can_be_cancelled(chat):
    await _contact(chat, ALICE)
    calls = await chat.send(ADMIN, "/thongbao lang-son Lịch kiểm tra thay đổi")
    calls = await chat.press(ADMIN, button(calls, rmt.ANNOUNCE_NO))
    assert calls[0].text == rmt.ANNOUNCE_CANCELLED
    await asyncio.sleep(0.05)
    assert not [c for c in chat.api.sent(ALICE.id) if "Lịch kiểm tra" in c.text]


async def test_the_weekly_digest_reaches_each_admin_once_on_monday(chat):
    await chat.send(ADMIN, "/start")
    await _contact(chat, ALICE)
    await chat.send(ALICE, "/baocao ls-dl-kiem-tra-thiet-bi xong")
    chat.clock.now = dt.datetime(2026, 12, 7, 1, 0, tzinfo=dt.UTC)  # Monday 08:00 in Hà Nội
    mark = len(chat.api.calls)
    await send_weekly_digest(_Context(chat.application))
    digest = text_of(chat.api.sent(ADMIN.id, since=mark))
    assert "Tổng hợp tuần" in digest and "15/12/2026" in digest and "quá hạn" in digest.lower()
    mark = len(chat.api.calls)
    await send_weekly_digest(_Context(chat.application))
    assert chat.api.sent(ADMIN.id, since=mark) == []
    chat.clock.now = dt.datetime(2026, 12, 8, 1, 0, tzinfo=dt.UTC)  # Tuesday: nothing
    await send_weekly_digest(_Context(chat.application))
    assert chat.api.sent(ADMIN.id, since=mark) == []


async def test_the_reminder_jobs_are_scheduled(chat):
    names = {job.name for job in chat.application.job_queue.jobs()}
    assert {"deliver_reminders", "weekly_digest", "forget_old_updates"} <= names


async def test_the_weekly_digest_goes_on_the_friday_before_a_monday_off(chat):
    await chat.send(ADMIN, "/start")
    # Monday 31/08/2026 is in the Quốc khánh break (29/08–02/09): the digest goes on Friday 28/08.
    chat.clock.now = dt.datetime(2026, 8, 28, 1, 0, tzinfo=dt.UTC)  # Friday 08:00 in Hà Nội
    mark = len(chat.api.calls)
    await send_weekly_digest(_Context(chat.application))
    digest = text_of(chat.api.sent(ADMIN.id, since=mark))
    assert "Tổng hợp tuần" in digest and "tuần từ thứ Hai 31/08/2026" in digest
    assert "gửi sớm, ngày 28/08/2026" in digest
    for day in (29, 30, 31):  # the weekend and the Monday itself: nothing more
        chat.clock.now = dt.datetime(2026, 8, day, 1, 0, tzinfo=dt.UTC)
        mark = len(chat.api.calls)
        await send_weekly_digest(_Context(chat.application))
        assert chat.api.sent(ADMIN.id, since=mark) == []


async def test_an_admin_who_blocked_the_digest_is_active_again_as_soon_as_they_write(chat):
    await chat.send(ADMIN, "/start")
    chat.api.blocked.add(ADMIN.id)
    chat.clock.now = dt.datetime(2026, 12, 7, 1, 0, tzinfo=dt.UTC)  # Monday 08:00 in Hà Nội
    await send_weekly_digest(_Context(chat.application))
    assert next(u for u in chat.rows(User) if u.id == ADMIN.id).active is False
    assert [entry.target for entry in chat.audit("user_inactive")] == [str(ADMIN.id)]
    chat.api.blocked.discard(ADMIN.id)
    chat.clock.now += dt.timedelta(minutes=1)  # well within the interval a user's row is refreshed in
    await chat.send(ADMIN, "/help")
    assert next(u for u in chat.rows(User) if u.id == ADMIN.id).active is True
