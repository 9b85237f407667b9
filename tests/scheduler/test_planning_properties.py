"""Reminder planning, property-based over the real KB's deadlines: random clocks, subscriptions,
settings, done and delivered sets.

One plan is compared with a brute-force oracle (every send time of every occurrence, filtered
rule by rule), and runs tick by tick with the delivered set accumulating must send each key at
most once, and, ticking at least every three hours, exactly once and on its day.
"""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from knowledge.loader import load_knowledge
from scheduler.items import signed_dates
from scheduler.occurrences import occurrences
from scheduler.planning import (
    CATCH_UP_DAYS,
    DEFAULT_LEAD_DAYS,
    SEND_AT,
    ReminderPlan,
    SubscriptionView,
    in_quiet_hours,
    plan_reminders,
    schedule,
)

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
KB = load_knowledge()
DEADLINES = KB.deadlines()
SIGNED = signed_dates(KB)
DEADLINE_IDS = sorted(d.id for d in DEADLINES)
UNIT_NAMES = ("Công an tỉnh", "Sở Y tế", "Sở Tài chính", "Sở Nội vụ", "UBND xã Tân Thành",
              "Bưu điện tỉnh", "Công ty Điện lực", "Văn phòng Tỉnh ủy", "Các sở, ban, ngành")
UNITS = {name: KB.registry.resolve(name) for name in UNIT_NAMES}
UNIT_IDS = (1, 2, 3)
# Every occurrence key in the years the clocks range over (for `done` sets).
ITEMS = sorted({o.key for o in occurrences(DEADLINES, start=dt.date(2024, 1, 1), end=dt.date(2029, 12, 31),
                                           signed=SIGNED)})
FIRST = dt.datetime(2025, 11, 1)
LAST = dt.datetime(2028, 2, 1)
WINDOW = dt.timedelta(days=CATCH_UP_DAYS)

OCCURRENCES = occurrences(DEADLINES, start=dt.date(2025, 1, 1), end=dt.date(2027, 12, 31), signed=SIGNED)
# The units (of UNIT_NAMES) each deadline concerns, so that subscriptions mostly have reminders.
CONCERNED = {o.deadline.id: [n for n, u in UNITS.items() if u.memberships & set(o.deadline.units)]
             for o in OCCURRENCES}

any_clock = st.datetimes(min_value=FIRST, max_value=LAST, timezones=st.sampled_from([TZ, dt.UTC]))
lead_days = st.one_of(st.just(DEFAULT_LEAD_DAYS), st.lists(st.integers(0, 40), max_size=5).map(tuple))


@st.composite
def near_a_deadline(draw, days: tuple[int, int]):
    """(a clock `days` around a due date, mostly in the daytime, local or UTC; the occurrence)."""
    occ = draw(st.sampled_from(OCCURRENCES))
    day = occ.due + dt.timedelta(days=draw(st.integers(*days)))
    daytime = draw(st.sampled_from([True, True, True, False]))
    hour = draw(st.integers(7, 20) if daytime else st.integers(0, 23))
    moment = dt.datetime.combine(day, dt.time(hour, draw(st.integers(0, 59))), tzinfo=TZ)
    return (moment.astimezone(dt.UTC) if draw(st.booleans()) else moment), occ


@st.composite
def scenarios(draw, count: int = 4, days: tuple[int, int] = (-16, 25)):
    """(now, subscriptions): mostly near a deadline, for units it concerns; sometimes anything."""
    if draw(st.sampled_from(["near", "near", "near", "any"])) == "near":
        now, occ = draw(near_a_deadline(days))
    else:
        now, occ = draw(any_clock), None
    plan = occ.deadline.plan if occ is not None else draw(st.sampled_from(KB.plans))
    concerned = (CONCERNED[occ.deadline.id] if occ is not None else []) or list(UNIT_NAMES)
    subs = []
    for sid in range(1, draw(st.integers(1, count)) + 1):
        # Mostly before the window; sometimes within it, just now, or after `now`.
        days_ago = draw(st.sampled_from([60, 60, 60, 20, 7, 2, 0, -1]))
        created = now - dt.timedelta(days=days_ago, minutes=draw(st.integers(-24 * 60, 24 * 60)))
        subs.append(SubscriptionView(
            id=sid,
            plan=draw(st.sampled_from([plan] * 6 + KB.plans)),
            unit_id=draw(st.sampled_from(UNIT_IDS)),
            unit=UNITS[draw(st.sampled_from(concerned * (12 // len(concerned)) + list(UNIT_NAMES)))],
            created_at=created,
            lead_days=draw(st.sampled_from([DEFAULT_LEAD_DAYS, DEFAULT_LEAD_DAYS, None]).flatmap(
                lambda lead: st.just(lead) if lead else lead_days)),
            muted=draw(st.sampled_from([False] * 9 + [True])),
            muted_items=frozenset(draw(st.sampled_from([(), (), ()]) | st.lists(
                st.sampled_from(DEADLINE_IDS), max_size=2))),
        ))
    return now, subs


done_sets = st.sets(st.tuples(st.sampled_from(UNIT_IDS), st.sampled_from(ITEMS)), max_size=6)


def plan(subs, now, done=frozenset(), delivered=frozenset()) -> ReminderPlan:
    return plan_reminders(DEADLINES, subs, now=now, tz=TZ, done=done, delivered=delivered, signed=SIGNED)


def oracle(subs, now, done, delivered) -> set[str]:
    """Every key the rules allow at `now`, by brute force over all send times."""
    if in_quiet_hours(now, TZ):
        return set()
    out = set()
    for sub in subs:
        if sub.muted:
            continue
        for occ in occurrences(DEADLINES, start=dt.date(2024, 1, 1), end=dt.date(2030, 12, 31),
                               unit=sub.unit, plan=sub.plan, signed=SIGNED):
            if occ.deadline.id in sub.muted_items or (sub.unit_id, occ.key) in done:
                continue
            for reminder in schedule(occ, sub.lead_days, TZ):
                key = f"{sub.id}:{occ.key}:{reminder.offset}"
                if (now - WINDOW <= reminder.send_at <= now and reminder.send_at >= sub.created_at
                        and key not in delivered):
                    out.add(key)
    return out


def check_plan(result: ReminderPlan, subs, now, done, delivered) -> None:
    by_id = {s.id: s for s in subs}
    found = [r.key for r in result.reminders]
    assert len(found) == len(set(found)), "a key twice in one plan"
    if found:
        assert not in_quiet_hours(now, TZ)
    today = now.astimezone(TZ).date()
    for reminder in result.now:
        assert reminder.send_at.date() == today
    for sid, stale in result.catch_up.items():
        assert stale and all(r.subscription_id == sid and r.send_at.date() < today for r in stale)
    for reminder in result.reminders:
        sub = by_id[reminder.subscription_id]
        assert reminder.send_at.time() == SEND_AT and reminder.send_at.tzinfo is TZ
        assert now - WINDOW <= reminder.send_at <= now
        assert reminder.send_at >= sub.created_at, "before the subscription existed"
        assert (sub.unit_id, reminder.occurrence.key) not in done, "after hoàn thành"
        assert reminder.key not in delivered, "already delivered"
        assert not sub.muted and reminder.occurrence.deadline.id not in sub.muted_items
        assert reminder.kind == ("upcoming" if reminder.offset > 0 else
                                 "due_today" if reminder.offset == 0 else "overdue")
        assert reminder.send_at.date() == reminder.occurrence.due - dt.timedelta(days=reminder.offset)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), scenario=scenarios(), done=done_sets)
def test_one_plan_follows_every_rule(data, scenario, done):
    now, subs = scenario
    cold = plan(subs, now, done)
    cold_keys = [r.key for r in cold.reminders]
    event("something to plan" if cold_keys else "nothing to plan")
    delivered = {k for k in cold_keys if data.draw(st.booleans())}
    delivered |= set(data.draw(st.lists(st.sampled_from(["1:x:0", "2:ls-dl-gui-ke-hoach:7"]), max_size=2)))
    result = plan(subs, now, done, delivered)
    event("reminders planned" if result.reminders else "nothing planned")
    event("some delivered" if delivered & set(cold_keys) else "none delivered")
    check_plan(result, subs, now, done, delivered)
    assert {r.key for r in result.reminders} == oracle(subs, now, done, delivered)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), scenario=scenarios(count=3, days=(-50, 0)),
       gaps=st.lists(st.integers(1, 4 * 24 * 60), min_size=5, max_size=60))
def test_ticks_with_delivered_accumulating_send_each_key_at_most_once(data, scenario, gaps):
    start, subs = scenario
    done: set[tuple[int, str]] = set()
    delivered: set[str] = set()
    now = start
    for gap in gaps:
        if data.draw(st.integers(0, 9)) == 0:  # now and then a unit reports something done
            done.add((data.draw(st.sampled_from(UNIT_IDS)), data.draw(st.sampled_from(ITEMS))))
        result = plan(subs, now, done, delivered)
        check_plan(result, subs, now, done, delivered)
        keys = [r.key for r in result.reminders]
        event("catch-up" if result.catch_up else "no catch-up")
        assert delivered.isdisjoint(keys)
        delivered.update(keys)
        now += dt.timedelta(minutes=gap)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=scenarios(count=3, days=(-30, -5)), days=st.sampled_from([40, 20, 10, 3]),
       seed=st.integers(0, 2**32))
def test_running_bot_sends_every_reminder_exactly_once_on_its_day(scenario, days, seed):
    """Ticks at most three hours apart: each allowed reminder goes out once, individually, on
    its own day, and nothing ever needs a catch-up."""
    start, subs = scenario
    gaps = random.Random(seed)  # minutes between ticks (too many to draw one by one)
    subs = [SubscriptionView(s.id, s.plan, s.unit_id, s.unit, start, s.lead_days, s.muted, s.muted_items)
            for s in subs]
    end = start + dt.timedelta(days=days)
    sent: dict[str, tuple[dt.datetime, dt.datetime]] = {}  # key → (when sent, its send time)
    now = start
    while now <= end:
        result = plan(subs, now, delivered=set(sent))
        assert result.catch_up == {}
        for reminder in result.now:
            assert reminder.key not in sent
            sent[reminder.key] = (now, reminder.send_at)
        now += dt.timedelta(minutes=gaps.randint(1, 180))
    for when, send_at in sent.values():
        assert send_at <= when < send_at + dt.timedelta(hours=3)
        assert when.astimezone(TZ).date() == send_at.date()
    # Every send time from the start up to 3 hours before the end was met, and no other.
    scheduled: dict[str, dt.datetime] = {}
    for sub in subs:
        if sub.muted:
            continue
        for occ in occurrences(DEADLINES, start=dt.date(2024, 1, 1), end=dt.date(2030, 12, 31),
                               unit=sub.unit, plan=sub.plan, signed=SIGNED):
            if occ.deadline.id in sub.muted_items:
                continue
            for reminder in schedule(occ, sub.lead_days, TZ):
                if start <= reminder.send_at <= end:
                    scheduled[f"{sub.id}:{occ.key}:{reminder.offset}"] = reminder.send_at
    event("some sent" if sent else "none sent")
    assert set(sent) <= set(scheduled)
    assert {k for k, t in scheduled.items() if t <= end - dt.timedelta(hours=3)} <= set(sent)
