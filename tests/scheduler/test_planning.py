"""Reminder planning, one rule at a time, over the real KB's deadlines with explicit datetimes.

The Lạng Sơn annual report (`ls-dl-bao-cao-hang-nam`, Công an tỉnh, due 15/12 every year) is the
running example: reminders on 01/12, 08/12, 12/12, 14/12 and 15/12, overdue on 16/12, 23/12,
30/12 and 06/01, each at 08:00 Asia/Ho_Chi_Minh.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from scheduler.items import signed_dates
from scheduler.occurrences import occurrences
from scheduler.planning import (
    CATCH_UP_DAYS,
    DEFAULT_LEAD_DAYS,
    SEND_AT,
    Reminder,
    ReminderPlan,
    SubscriptionView,
    catch_up_text,
    in_quiet_hours,
    kind_of,
    plan_reminders,
    reminder_offsets,
    reminder_text,
    schedule,
)

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
REPORT = "ls-dl-bao-cao-hang-nam"
REPORT_2026 = f"{REPORT}@2026"
CHECK = "ls-dl-kiem-tra-thiet-bi"  # Công an tỉnh too, due 31/10/2026
UNIT_ID = 5
LONG_AGO = dt.datetime(2025, 1, 1, tzinfo=TZ)


def at(year: int, month: int, day: int, hour: int = 8, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=TZ)


@pytest.fixture
def sub(kb):
    def make(unit: str = "Công an tỉnh", plan: str = "lang-son", sid: int = 1,
             **settings) -> SubscriptionView:
        settings.setdefault("created_at", LONG_AGO)
        return SubscriptionView(id=sid, plan=plan, unit_id=settings.pop("unit_id", UNIT_ID),
                                unit=kb.registry.resolve(unit), **settings)
    return make


@pytest.fixture
def plan(kb):
    def run(subs, now: dt.datetime, **kwargs) -> ReminderPlan:
        subs = subs if isinstance(subs, list) else [subs]
        return plan_reminders(kb.deadlines(), subs, now=now, tz=TZ, signed=signed_dates(kb), **kwargs)
    return run


def keys(reminders) -> list[str]:
    return [r.key for r in reminders]


def all_keys(result: ReminderPlan) -> list[str]:
    return keys(result.reminders)


def only(reminders, item: str = REPORT_2026) -> list[Reminder]:
    return [r for r in reminders if r.occurrence.key == item]


# --- offsets, kinds, send times ----------------------------------------------------------------


def test_offsets_default_and_custom():
    assert reminder_offsets(DEFAULT_LEAD_DAYS) == [14, 7, 3, 1, 0, -1, -8, -15, -22]
    assert reminder_offsets((3,)) == [3, 0, -1, -8, -15, -22]
    assert reminder_offsets((1, 7, 7, 0)) == [7, 1, 0, -1, -8, -15, -22]
    assert reminder_offsets(()) == [0, -1, -8, -15, -22]
    with pytest.raises(ValueError):
        reminder_offsets((7, -1))


def test_kinds():
    assert [kind_of(o) for o in (14, 1, 0, -1, -22)] == [
        "upcoming", "upcoming", "due_today", "overdue", "overdue"]


def test_schedule_of_one_occurrence_is_at_0800_local(kb):
    occ = next(o for o in occurrences(kb.deadlines(), start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
               if o.key == REPORT_2026)
    found = schedule(occ, DEFAULT_LEAD_DAYS, TZ)
    assert [r.send_at for r in found] == [at(2026, 12, d) for d in (1, 8, 12, 14, 15, 16, 23, 30)] + [
        at(2027, 1, 6)]
    assert [r.kind for r in found] == ["upcoming"] * 4 + ["due_today"] + ["overdue"] * 4
    assert all(r.send_at.time() == SEND_AT and r.send_at.tzinfo is TZ for r in found)
    assert {r.subscription_id for r in found} == {0}
    assert found[1].key == f"0:{REPORT_2026}:7"


def test_reminder_key_names_subscription_occurrence_and_offset(sub, plan):
    (reminder,) = plan(sub(sid=42), at(2026, 12, 8)).now
    assert reminder.key == f"42:{REPORT_2026}:7"
    assert (reminder.offset, reminder.kind, reminder.send_at) == (7, "upcoming", at(2026, 12, 8))
    assert reminder.occurrence.due == dt.date(2026, 12, 15)


def test_bot_running_every_day_sends_each_reminder_on_its_day(sub, plan):
    """Days from 28/11/2026 to 31/01/2027 at 08:00, delivering what is planned: the five
    upcoming/due reminders, then four overdue ones (+1, +8, +15, +22) and no fifth."""
    subscription = sub(created_at=at(2026, 11, 27, 12))
    delivered: set[str] = set()
    sent = []
    day = dt.date(2026, 11, 28)
    while day <= dt.date(2027, 1, 31):
        result = plan(subscription, at(day.year, day.month, day.day), delivered=delivered)
        assert result.catch_up == {}
        sent.extend((day, r.offset, r.kind) for r in only(result.now))
        delivered.update(all_keys(result))
        day += dt.timedelta(days=1)
    assert sent == [
        (dt.date(2026, 12, 1), 14, "upcoming"),
        (dt.date(2026, 12, 8), 7, "upcoming"),
        (dt.date(2026, 12, 12), 3, "upcoming"),
        (dt.date(2026, 12, 14), 1, "upcoming"),
        (dt.date(2026, 12, 15), 0, "due_today"),
        (dt.date(2026, 12, 16), -1, "overdue"),
        (dt.date(2026, 12, 23), -8, "overdue"),
        (dt.date(2026, 12, 30), -15, "overdue"),
        (dt.date(2027, 1, 6), -22, "overdue"),
    ]


def test_no_fifth_overdue_notice(sub, plan):
    assert plan(sub(), at(2027, 1, 13)).now == []  # +29 days
    assert only(plan(sub(), at(2027, 1, 6)).now)[0].offset == -22
    # Nothing left of the occurrence once the four overdue notices are delivered.
    delivered = {f"1:{REPORT_2026}:{o}" for o in (14, 7, 3, 1, 0, -1, -8, -15, -22)}
    assert only(plan(sub(), at(2027, 1, 13), delivered=delivered).reminders) == []


def test_sent_at_0800_local_not_before(sub, plan):
    assert plan(sub(), at(2026, 12, 8, 7, 59)).now == []
    assert keys(plan(sub(), at(2026, 12, 8, 8, 0)).now) == [f"1:{REPORT_2026}:7"]
    # The same instant in UTC.
    utc = dt.datetime(2026, 12, 8, 1, 0, tzinfo=dt.UTC)
    assert keys(plan(sub(), utc).now) == [f"1:{REPORT_2026}:7"]
    assert plan(sub(), utc).now[0].send_at == at(2026, 12, 8)


def test_missed_today_is_still_sent_later_that_day(sub, plan):
    result = plan(sub(), at(2026, 12, 8, 20, 59))
    assert keys(result.now) == [f"1:{REPORT_2026}:7"]


# --- quiet hours -------------------------------------------------------------------------------


@pytest.mark.parametrize(("hour", "minute", "quiet"), [
    (21, 0, True), (23, 30, True), (0, 0, True), (6, 59, True), (7, 0, False), (8, 0, False),
    (20, 59, False)])
def test_quiet_hours(hour, minute, quiet):
    assert in_quiet_hours(at(2026, 12, 8, hour, minute), TZ) is quiet


@pytest.mark.parametrize(("hour", "minute"), [(21, 0), (22, 15), (6, 59), (0, 0)])
def test_nothing_at_all_in_quiet_hours(sub, plan, hour, minute):
    """Even with stale reminders and today's missed one pending: everything waits for 07:00."""
    result = plan(sub(), at(2026, 12, 16, hour, minute))
    assert result.now == [] and result.catch_up == {}


def test_at_0700_earlier_days_come_as_catch_up_and_today_waits_for_0800(sub, plan):
    # Yesterday's due-day reminder (15/12 08:00) was missed; today's (16/12) is at 08:00.
    delivered = {f"1:{REPORT_2026}:{o}" for o in (14, 7, 3, 1)} | {f"1:{CHECK}:-22"}
    result = plan(sub(), at(2026, 12, 16, 7, 0), delivered=delivered)
    assert result.now == []
    assert keys(result.catch_up[1]) == [f"1:{REPORT_2026}:0"]
    later = plan(sub(), at(2026, 12, 16, 8, 0), delivered=delivered | {f"1:{REPORT_2026}:0"})
    assert keys(later.now) == [f"1:{REPORT_2026}:-1"] and later.catch_up == {}


# --- done, yearly occurrences --------------------------------------------------------------------


def test_done_stops_upcoming_overdue_and_catch_up(sub, plan):
    done = {(UNIT_ID, REPORT_2026)}
    assert plan(sub(), at(2026, 12, 8), done=done).now == []
    assert plan(sub(), at(2026, 12, 16), done=done).now == []
    stale = plan(sub(), at(2026, 12, 16), done=done).catch_up[1]  # the other deadline's only
    assert {r.occurrence.key for r in stale} == {CHECK}
    assert plan(sub(), at(2026, 12, 16), done=done | {(UNIT_ID, CHECK)}).catch_up == {}


def test_done_counts_for_its_unit_only(sub, plan):
    done = {(UNIT_ID + 1, REPORT_2026)}
    assert keys(plan(sub(), at(2026, 12, 8), done=done).now) == [f"1:{REPORT_2026}:7"]


def test_yearly_rollover_2026_done_does_not_silence_2027(sub, plan):
    done = {(UNIT_ID, REPORT_2026)}
    result = plan(sub(), at(2027, 12, 8), done=done)
    assert keys(result.now) == [f"1:{REPORT}@2027:7"]
    assert result.now[0].occurrence.due == dt.date(2027, 12, 15)
    assert plan(sub(), at(2027, 12, 8), done=done | {(UNIT_ID, f"{REPORT}@2027")}).now == []


def test_yearly_overdue_notices_cross_the_new_year(sub, plan):
    assert keys(plan(sub(), at(2027, 1, 6)).now) == [f"1:{REPORT_2026}:-22"]


# --- units and groups ----------------------------------------------------------------------------


def test_a_department_gets_its_groups_deadlines(sub, plan):
    # lc-dl-gui-ke-hoach: "Các sở, ban, ngành" and communes, due 27/02/2026.
    for unit in ("Sở Y tế", "So y te", "UBND xã Tân Thành"):
        result = plan(sub(unit, plan="lao-cai"), at(2026, 2, 20))
        assert keys(result.now) == ["1:lc-dl-gui-ke-hoach:7"], unit
    assert plan(sub("Công an tỉnh", plan="lao-cai"), at(2026, 2, 20)).now == []


def test_deadlines_of_other_plans_do_not_apply(sub, plan):
    assert plan(sub("Công an tỉnh", plan="hai-phong"), at(2026, 12, 8)).now == []
    assert plan(sub("Công an tỉnh", plan="vb286"), at(2026, 12, 8)).reminders == []


def test_everyone_gets_an_all_units_deadline(sub, plan):
    # hp-han-bao-cao-hang-nam: every unit and state enterprises, due 05/11 from 2026.
    for unit in ("Sở Tư pháp", "Công an tỉnh", "Công ty Điện lực", "Bưu điện tỉnh"):
        result = plan(sub(unit, plan="hai-phong"), at(2026, 11, 5))
        assert keys(result.now) == ["1:hp-han-bao-cao-hang-nam@2026:0"], unit
        assert result.now[0].kind == "due_today"


# --- settings: muted, muted items, lead days, created_at ------------------------------------------


def test_muted_subscription_gets_nothing(sub, plan):
    assert plan(sub(muted=True), at(2026, 12, 8)).reminders == []
    assert plan(sub(muted=True), at(2026, 12, 16)).reminders == []


def test_muted_item_silences_every_occurrence(sub, plan):
    muted = sub(muted_items=frozenset({REPORT}))
    for now in (at(2026, 12, 8), at(2026, 12, 16), at(2027, 12, 8), at(2028, 12, 15)):
        assert only(plan(muted, now).reminders, REPORT_2026) == []
        assert [r for r in plan(muted, now).reminders if r.occurrence.deadline.id == REPORT] == []
    # The other deadline still reminds.
    assert {r.occurrence.key for r in plan(muted, at(2026, 11, 1)).reminders} == {CHECK}


def test_changed_lead_days(sub, plan):
    three = sub(lead_days=(3,))
    assert plan(three, at(2026, 12, 1)).now == []
    assert plan(three, at(2026, 12, 8)).now == []
    assert keys(plan(three, at(2026, 12, 12)).now) == [f"1:{REPORT_2026}:3"]
    assert plan(three, at(2026, 12, 14)).now == []
    assert keys(plan(three, at(2026, 12, 15)).now) == [f"1:{REPORT_2026}:0"]
    assert keys(plan(three, at(2026, 12, 16)).now) == [f"1:{REPORT_2026}:-1"]
    thirty = sub(lead_days=(30,))
    # Same send time: the occurrence due first comes first.
    assert keys(plan(thirty, at(2026, 11, 15)).now) == [f"1:{CHECK}:-15", f"1:{REPORT_2026}:30"]


def test_nothing_before_the_subscription_existed(sub, plan):
    late = sub(created_at=at(2026, 12, 8, 8, 30))
    assert plan(late, at(2026, 12, 8, 9)).reminders == []
    assert keys(plan(late, at(2026, 12, 12)).now) == [f"1:{REPORT_2026}:3"]
    # A week's downtime after it was created: only what came after 08:30 on 08/12.
    assert keys(plan(late, at(2026, 12, 15)).catch_up[1]) == [f"1:{REPORT_2026}:3",
                                                            f"1:{REPORT_2026}:1"]
    exactly = sub(created_at=at(2026, 12, 8))
    assert keys(plan(exactly, at(2026, 12, 8, 9)).now) == [f"1:{REPORT_2026}:7"]
    future = sub(created_at=at(2027, 1, 1))
    assert plan(future, at(2026, 12, 16)).reminders == []


# --- downtime: catch-up, window, delivered -------------------------------------------------------


def test_after_downtime_today_individually_earlier_days_collapsed(sub, plan):
    """Down from 20/11 to 12/12 10:00: the 3-day reminder now; 14 and 7 days and the other
    deadline's overdue notices of the last 30 days in one catch-up; nothing older."""
    result = plan(sub(), at(2026, 12, 12, 10))
    assert keys(result.now) == [f"1:{REPORT_2026}:3"]
    assert keys(result.catch_up[1]) == [  # oldest first; 11/11 (-8) is beyond 30 days
        f"1:{CHECK}:-15", f"1:{CHECK}:-22", f"1:{REPORT_2026}:14", f"1:{REPORT_2026}:7"]
    assert [r.send_at for r in result.catch_up[1]] == [
        at(2026, 11, 15), at(2026, 11, 22), at(2026, 12, 1), at(2026, 12, 8)]


def test_catch_up_window_is_30_days(sub, plan):
    assert CATCH_UP_DAYS == 30
    # 31/10 due; -8 on 08/11 08:00 is exactly 30 days before 08/12 08:00: still in.
    assert f"1:{CHECK}:-8" in keys(plan(sub(), at(2026, 12, 8)).catch_up[1])
    assert f"1:{CHECK}:-8" not in keys(plan(sub(), at(2026, 12, 8, 8, 1)).catch_up[1])


def test_catch_up_is_one_list_per_subscription(sub, plan):
    subs = [sub(sid=1), sub(sid=2, unit_id=6), sub("Sở Y tế", sid=3, unit_id=7)]
    result = plan(subs, at(2026, 12, 12, 10), done={(6, CHECK)})
    assert set(result.catch_up) == {1, 2, 3}
    assert {r.occurrence.key for r in result.catch_up[2]} == {REPORT_2026}  # unit 6 did CHECK
    assert {r.occurrence.key for r in result.catch_up[3]} == {CHECK}  # every unit's; not the report
    assert all(r.subscription_id == sid for sid, stale in result.catch_up.items() for r in stale)
    assert keys(result.now) == [f"1:{REPORT_2026}:3", f"2:{REPORT_2026}:3"]


def test_delivered_keys_are_never_returned(sub, plan):
    cold = plan(sub(), at(2026, 12, 12, 10))
    assert len(cold.reminders) == 5
    assert plan(sub(), at(2026, 12, 12, 10), delivered=set(all_keys(cold))).reminders == []
    some = {f"1:{REPORT_2026}:3", f"1:{CHECK}:-15"}
    left = plan(sub(), at(2026, 12, 12, 10), delivered=some)
    assert set(all_keys(left)) == set(all_keys(cold)) - some


def test_no_key_twice_in_a_plan(sub, plan):
    subs = [sub(sid=i, unit_id=i) for i in range(1, 6)]
    result = plan([*subs, subs[0]], at(2026, 12, 16))  # a repeated subscription is planned once
    found = all_keys(result)
    assert len(found) == len(set(found))
    assert {r.subscription_id for r in result.now} == {1, 2, 3, 4, 5}


def test_now_is_oldest_first_and_catch_up_oldest_first(sub, plan):
    subs = [sub(sid=i, unit_id=i) for i in (3, 1, 2)]
    result = plan(subs, at(2026, 12, 16, 9))
    times = [r.send_at for r in result.now]
    assert times == sorted(times)
    for stale in result.catch_up.values():
        assert [r.send_at for r in stale] == sorted(r.send_at for r in stale)


def test_minute_by_minute_across_a_night(sub, plan):
    """Every minute from 07/12 20:00 to 08/12 10:00: the 7-day reminder exactly once, at 08:00."""
    subscription = sub(created_at=at(2026, 12, 7, 19))
    delivered: set[str] = set()
    sent = []
    now = at(2026, 12, 7, 20)
    while now <= at(2026, 12, 8, 10):
        result = plan(subscription, now, delivered=delivered)
        assert result.catch_up == {}
        sent.extend((now, key) for key in keys(result.now))
        delivered.update(all_keys(result))
        if in_quiet_hours(now, TZ):
            assert result.reminders == []
        now += dt.timedelta(minutes=1)
    assert sent == [(at(2026, 12, 8), f"1:{REPORT_2026}:7")]


def test_planning_needs_aware_times(sub, plan):
    with pytest.raises(ValueError):
        plan(sub(), dt.datetime(2026, 12, 8, 8))
    with pytest.raises(ValueError):
        plan(sub(created_at=dt.datetime(2025, 1, 1)), at(2026, 12, 8))


def test_planning_ignores_the_wall_clock(sub, plan):
    expected = keys(plan(sub(), at(2026, 12, 8)).now)
    with time_machine.travel(dt.datetime(2030, 6, 1, 23, 0, tzinfo=TZ), tick=False):
        assert keys(plan(sub(), at(2026, 12, 8)).now) == expected == [f"1:{REPORT_2026}:7"]


def test_same_settings_share_a_schedule_other_settings_do_not(sub, plan):
    subs = [sub(sid=1), sub(sid=2, lead_days=(3,)), sub(sid=3, muted_items=frozenset({REPORT})),
            sub(sid=4)]
    result = plan(subs, at(2026, 12, 8))
    assert keys(result.now) == [f"1:{REPORT_2026}:7", f"4:{REPORT_2026}:7"]


# --- texts ---------------------------------------------------------------------------------------


def _reminder(kb, sub, plan, now):
    (reminder,) = only(plan(sub(), now).now)
    return reminder


def test_reminder_text_upcoming(kb, sub, plan):
    text = reminder_text(_reminder(kb, sub, plan, at(2026, 12, 8)), kb, dt.date(2026, 12, 8))
    assert "Nhắc hạn" in text
    assert "Hạn báo cáo kết quả thực hiện Kế hoạch Lạng Sơn hằng năm" in text
    assert "15/12/2026" in text and "còn 7 ngày" in text
    assert "Nguồn: Kế hoạch thực hiện Chỉ thị 32/CT-TTg của UBND tỉnh Lạng Sơn, mục IV.1." in text
    assert f"/baocao {REPORT_2026} xong" in text
    assert "<" not in text


def test_reminder_text_due_today_and_overdue(kb, sub, plan):
    due = reminder_text(_reminder(kb, sub, plan, at(2026, 12, 15)), kb, dt.date(2026, 12, 15))
    assert "Hôm nay là hạn" in due and "Hạn: 15/12/2026 — hạn là hôm nay." in due
    late = reminder_text(_reminder(kb, sub, plan, at(2026, 12, 23)), kb, dt.date(2026, 12, 23))
    assert "Quá hạn" in late and "Hạn: 15/12/2026 — đã qua hạn 8 ngày." in late and "hoàn thành" in late


def test_catch_up_text_one_line_per_occurrence_with_its_state(kb, sub, plan):
    stale = plan(sub(), at(2026, 12, 12, 10)).catch_up[1]
    assert len(stale) == 4  # two occurrences
    text = catch_up_text(stale, kb, dt.date(2026, 12, 12))
    lines = text.splitlines()
    assert "(2 việc)" in lines[0]
    items = [line for line in lines if line.startswith("•")]
    assert len(items) == 2
    assert CHECK in items[0] and "31/10/2026" in items[0] and "đã qua hạn 42 ngày" in items[0]
    assert REPORT_2026 in items[1] and "15/12/2026" in items[1] and "còn 3 ngày" in items[1]
    assert all("chưa báo cáo" in line for line in items)
    assert "/baocao" in lines[-1]
    with_state = catch_up_text(stale, kb, dt.date(2026, 12, 12), states={CHECK: "vuong_mac"})
    assert "đã báo cáo: vướng mắc" in with_state
