"""Working days: a reminder or the Monday digest that would fall on a Saturday, Sunday or public
holiday (the KB's yearly lists) goes out on the working day before — pure rules, with the real
holiday lists and deadlines made for the day under test."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from knowledge.model import Deadline, DueRule
from scheduler.occurrences import DeadlineOccurrence
from scheduler.planning import (
    DEFAULT_LEAD_DAYS,
    SubscriptionView,
    plan_reminders,
    reminder_text,
    schedule,
)
from scheduler.workdays import ALL_DAYS, WorkingDays

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
LONG_AGO = dt.datetime(2025, 1, 1, tzinfo=TZ)
D = dt.date


def at(day: dt.date, hour: int = 8, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


def deadline(kb, due: dt.date, ident: str = "tn-han") -> Deadline:
    return Deadline(id=ident, type="deadline", doc_id="lang-son", plan="lang-son", title="Hạn thử nghiệm",
                    body="", file="test.md", line=1, ref="mục III",
                    units=(kb.registry.exact("Công an tỉnh"),),
                    due=DueRule("date", due.year, due.month, due.day))


@pytest.fixture
def days(kb) -> WorkingDays:
    return WorkingDays.of(kb.days_off())


@pytest.fixture
def sub(kb) -> SubscriptionView:
    return SubscriptionView(id=1, plan="lang-son", unit_id=5, unit=kb.registry.resolve("Công an tỉnh"),
                            created_at=LONG_AGO)


def send_days(kb, due: dt.date, days: WorkingDays) -> list[tuple[int, dt.date]]:
    occurrence = DeadlineOccurrence(deadline(kb, due), due)
    return [(r.offset, r.send_at.date()) for r in schedule(occurrence, DEFAULT_LEAD_DAYS, TZ, days)]


def test_a_reminder_due_sunday_13_12_2026_goes_on_friday_11_12(kb, days, sub):
    # 14 days before is Sunday 29/11 → Friday 27/11; 7 before Sunday 06/12 → Friday 04/12; the
    # 1-day (Saturday) and due-day (Sunday) reminders both land on Friday 11/12: one message.
    assert send_days(kb, D(2026, 12, 13), days) == [
        (14, D(2026, 11, 27)), (7, D(2026, 12, 4)), (3, D(2026, 12, 10)), (0, D(2026, 12, 11)),
        (-1, D(2026, 12, 14)), (-8, D(2026, 12, 21)), (-15, D(2026, 12, 28)), (-22, D(2027, 1, 4))]
    due = [deadline(kb, D(2026, 12, 13))]
    (reminder,) = plan_reminders(due, [sub], now=at(D(2026, 12, 11), 8, 1), tz=TZ, days=days).now
    assert (reminder.offset, reminder.kind, reminder.send_at) == (0, "upcoming", at(D(2026, 12, 11)))
    assert "còn 2 ngày" in reminder_text(reminder, kb, D(2026, 12, 11))
    # Sent on Friday: nothing on Saturday or Sunday.
    for weekend in (D(2026, 12, 12), D(2026, 12, 13)):
        found = plan_reminders(due, [sub], now=at(weekend, 9), tz=TZ, days=days,
                               delivered={r.key for r in [reminder]} | {"1:tn-han:14", "1:tn-han:7",
                                                                         "1:tn-han:3"})
        assert found.reminders == []


def test_a_reminder_on_a_tet_day_goes_on_the_working_day_before_tet(kb, days):
    # Mùng 1 Tết Đinh Mùi, Saturday 06/02/2027 → Friday 05/02/2027.
    assert dict(send_days(kb, D(2027, 2, 6), days))[0] == D(2027, 2, 5)
    # Due Wednesday 18/02/2026, inside the Tết break 14–22/02: the 3-day, 1-day and due-day
    # reminders all go on Friday 13/02, the last working day before Tết — as one message.
    assert send_days(kb, D(2026, 2, 18), days)[:3] == [
        (14, D(2026, 2, 4)), (7, D(2026, 2, 11)), (0, D(2026, 2, 13))]
    # Due Monday 31/08/2026, in the Quốc khánh break (29/08–02/09): Friday 28/08.
    assert dict(send_days(kb, D(2026, 8, 31), days))[0] == D(2026, 8, 28)


def test_an_overdue_notice_never_moves_onto_the_due_day(kb, days):
    # Due Friday 13/02/2026: the day after is the first day of Tết, so the first overdue notice
    # waits for Monday 23/02; the next one (Saturday 21/02) lands there too: one message.
    overdue = [(o, d) for o, d in send_days(kb, D(2026, 2, 13), days) if o < 0]
    assert overdue == [(-8, D(2026, 2, 23)), (-15, D(2026, 2, 27)), (-22, D(2026, 3, 6))]


def test_switched_off_or_with_extra_days_off(kb):
    assert dict(send_days(kb, D(2026, 12, 13), ALL_DAYS))[0] == D(2026, 12, 13)
    extra = WorkingDays.of(kb.days_off() | {D(2026, 12, 11)})
    assert dict(send_days(kb, D(2026, 12, 13), extra))[0] == D(2026, 12, 10)


def test_a_moved_reminder_missed_in_downtime_is_caught_up_once(kb, days, sub):
    due = [deadline(kb, D(2026, 12, 13))]
    # Down on Friday 11/12 (the moved day), up again Saturday: the Friday reminder is stale, so
    # it goes in the catch-up message — once — and is not sent again on Sunday, its first day.
    found = plan_reminders(due, [sub], now=at(D(2026, 12, 12), 10), tz=TZ, days=days)
    assert found.now == [] and [r.offset for r in found.catch_up[1]] == [14, 7, 3, 0]
    delivered = {r.key for r in found.reminders}
    assert plan_reminders(due, [sub], now=at(D(2026, 12, 13), 8), tz=TZ, days=days,
                          delivered=delivered).reminders == []
    # Back only on Monday 14/12 09:00: today's overdue notice on its own, the rest caught up.
    found = plan_reminders(due, [sub], now=at(D(2026, 12, 14), 9), tz=TZ, days=days)
    assert [r.offset for r in found.now] == [-1] and [r.offset for r in found.catch_up[1]] == [14, 7, 3, 0]


def test_nothing_in_quiet_hours_on_the_moved_day(kb, days, sub):
    due = [deadline(kb, D(2026, 12, 13))]
    assert plan_reminders(due, [sub], now=at(D(2026, 12, 11), 6, 59), tz=TZ, days=days).reminders == []
    assert plan_reminders(due, [sub], now=at(D(2026, 12, 10), 21, 0), tz=TZ, days=days).reminders == []


def test_every_reminder_goes_once_and_only_on_working_days(kb, days, sub):
    """The bot runs every day at 08:00 through Tết 2026 and December 2026: each key is sent once,
    on a working day, and each occurrence gets one message per distinct send day."""
    dues = [D(2026, 2, 1) + dt.timedelta(days=i) for i in range(40)]
    dues += [D(2026, 12, 1) + dt.timedelta(days=i) for i in range(40)]
    deadlines = [deadline(kb, d, f"tn-han-{d:%Y%m%d}") for d in dues]
    delivered: dict[str, dt.date] = {}
    for day in (D(2026, 1, 10) + dt.timedelta(days=i) for i in range(410)):
        if not D(2026, 4, 10) <= day <= D(2026, 11, 10):
            found = plan_reminders(deadlines, [sub], now=at(day, 8), tz=TZ, days=days, delivered=delivered)
            assert found.catch_up == {}
            for reminder in found.now:
                assert reminder.key not in delivered and days.is_working(day)
                delivered[reminder.key] = day
    for item, due in zip(deadlines, dues, strict=True):
        expected = {(f"1:{item.id}:{offset}", sent) for offset, sent in send_days(kb, due, days)}
        assert {(k, d) for k, d in delivered.items() if k.startswith(f"1:{item.id}:")} == expected


@pytest.mark.parametrize(("today", "monday"), [
    (D(2026, 12, 7), D(2026, 12, 7)),    # an ordinary Monday
    (D(2026, 12, 8), None),              # Tuesday: nothing
    (D(2026, 8, 28), D(2026, 8, 31)),    # Monday 31/08 is in the Quốc khánh break: Friday before
    (D(2026, 8, 31), None),
    (D(2026, 2, 13), D(2026, 2, 16)),    # Monday 16/02 in Tết: Friday 13/02
    (D(2026, 4, 24), D(2026, 4, 27)),    # Monday 27/04, the Giỗ Tổ day off: Friday 24/04
])
def test_the_weekly_digest_goes_on_the_working_day_on_or_before_monday(days, today, monday):
    assert days.digest_monday(today) == monday
    assert ALL_DAYS.digest_monday(today) == (today if today.weekday() == 0 else None)
