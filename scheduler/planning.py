"""Reminder planning: which reminders are due now, for many subscriptions at once.

Pure, like `scheduler.occurrences`: the caller passes the clock (`now`, aware), the time zone,
the occurrences each unit has reported done and the reminder keys already delivered; the delivery
layer sends the plan and stores the keys. So the same inputs always give the same plan, and a
reminder whose key was delivered (or claimed by another process) is never planned again.

The rules (see SPEC.md, "Reminder rules"):

- one reminder per (subscription, occurrence, offset): `lead_days` before the due date (default
  14, 7, 3, 1), on the due date (offset 0), then overdue the day after and every 7 days, four at
  most (offsets -1, -8, -15, -22), each at 08:00 local time;
- none once the unit reported the occurrence done ("hoàn thành"), none before the subscription
  existed, none for a muted subscription or a muted deadline;
- nothing at all in quiet hours (21:00–07:00): everything waits;
- working days (`scheduler.workdays`, when the caller passes them): a reminder whose day is a
  Saturday, Sunday or day off goes out at 08:00 on the working day before (an overdue notice: the
  working day after, never on the due day); two reminders of one occurrence landing on the same
  day are one message (the later one's key: the smaller offset). The key stays
  (subscription, occurrence, offset), so a moved reminder is still sent once: on its new day, or
  after downtime in that subscription's catch-up message like any other missed one;
- today's reminders missed (downtime) are sent individually; those of earlier days, looking back
  at most `CATCH_UP_DAYS`, are collapsed into one catch-up message per subscription.

Example::

    plan = plan_reminders(kb.deadlines(), subscriptions, now=now, tz=ZoneInfo("Asia/Ho_Chi_Minh"),
                          done={(7, "ls-dl-bao-cao-hang-nam@2026")}, delivered=keys,
                          signed=signed_dates(kb))
    for reminder in plan.now: ...            # one message each: reminder_text(reminder, kb, today)
    for sid, stale in plan.catch_up.items(): ...  # one message: catch_up_text(stale, kb, today)
"""

from __future__ import annotations

import datetime as dt
import gc
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import NamedTuple

from knowledge.loader import KnowledgeBase
from knowledge.model import Deadline
from knowledge.reply import relative
from knowledge.units import ResolvedUnit
from scheduler import texts
from scheduler.occurrences import DeadlineOccurrence, occurrences
from scheduler.workdays import ALL_DAYS, MAX_SHIFT, WorkingDays

__all__ = [
    "CATCH_UP_DAYS",
    "DEFAULT_LEAD_DAYS",
    "OVERDUE_EVERY",
    "OVERDUE_MAX",
    "QUIET_END",
    "QUIET_START",
    "SEND_AT",
    "Reminder",
    "ReminderPlan",
    "SubscriptionView",
    "catch_up_text",
    "collector_paused",
    "in_quiet_hours",
    "kind_of",
    "make_reminder",
    "plan_reminders",
    "reminder_offsets",
    "reminder_text",
    "schedule",
    "send_time",
]

DEFAULT_LEAD_DAYS: tuple[int, ...] = (14, 7, 3, 1)  # the due day (offset 0) is always included
OVERDUE_EVERY = 7
OVERDUE_MAX = 4
SEND_AT = dt.time(8, 0)
QUIET_START = dt.time(21, 0)
QUIET_END = dt.time(7, 0)
CATCH_UP_DAYS = 30


@dataclass(frozen=True, slots=True)
class SubscriptionView:
    """What planning needs of one subscription (a contact subscribed for one unit of one plan)."""

    id: int
    plan: str
    unit_id: int  # the unit record whose reports ("done") count
    unit: ResolvedUnit  # memberships decide which deadlines apply (its own and its groups')
    created_at: dt.datetime  # aware
    lead_days: tuple[int, ...] = DEFAULT_LEAD_DAYS
    muted: bool = False
    muted_items: frozenset[str] = frozenset()  # deadline ids


@dataclass(frozen=True, slots=True)
class Reminder:
    """One reminder of one occurrence for one subscription."""

    subscription_id: int
    occurrence: DeadlineOccurrence
    offset: int  # days before the due date; 0 = due day; negative = days after (overdue)
    kind: str  # "upcoming" | "due_today" | "overdue"
    send_at: dt.datetime  # aware, local time

    @property
    def key(self) -> str:
        """What is delivered exactly once: "subscription:occurrence:offset"."""
        return f"{self.subscription_id}:{self.occurrence.key}:{self.offset}"


@dataclass(frozen=True, slots=True)
class ReminderPlan:
    """What to send now."""

    now: list[Reminder]  # send individually now, oldest first
    catch_up: dict[int, list[Reminder]]  # subscription id → stale reminders (oldest first), one message

    @property
    def reminders(self) -> list[Reminder]:
        """Every planned reminder, individual ones first (the keys to record once sent)."""
        return [*self.now, *(r for stale in self.catch_up.values() for r in stale)]


def kind_of(offset: int) -> str:
    """ "upcoming" before the due day, "due_today" on it, "overdue" after."""
    return "upcoming" if offset > 0 else "due_today" if offset == 0 else "overdue"


def reminder_offsets(lead_days: Iterable[int]) -> list[int]:
    """Offsets of every reminder of one occurrence, earliest send first.

    >>> reminder_offsets((14, 7, 3, 1))
    [14, 7, 3, 1, 0, -1, -8, -15, -22]

    Lead days are days before the due date; duplicates and 0 (the due day, always included) are
    ignored; a negative one is a ValueError.
    """
    lead = set(lead_days)
    if any(d < 0 for d in lead):
        raise ValueError(f"lead days must not be negative: {sorted(lead)}")
    overdue = [-(1 + OVERDUE_EVERY * i) for i in range(OVERDUE_MAX)]
    return [*sorted((d for d in lead if d > 0), reverse=True), 0, *overdue]


def in_quiet_hours(moment: dt.datetime, tz: dt.tzinfo) -> bool:
    """Whether `moment` (aware) is in 21:00–07:00 local time, when nothing is sent."""
    local = moment.astimezone(tz).time()
    return local >= QUIET_START or local < QUIET_END


def send_time(due: dt.date, offset: int, tz: dt.tzinfo, days: WorkingDays = ALL_DAYS) -> dt.datetime:
    """When the reminder `offset` days before `due` is sent: 08:00 local on its working day."""
    return dt.datetime.combine(days.send_day(due, offset), SEND_AT, tzinfo=tz)


def make_reminder(subscription_id: int, occurrence: DeadlineOccurrence, offset: int, tz: dt.tzinfo,
                  days: WorkingDays = ALL_DAYS) -> Reminder:
    """The reminder of that key, sent on its working day; its kind is what it is on that day (a
    due-day reminder moved to the Friday before is an upcoming one)."""
    send_at = send_time(occurrence.due, offset, tz, days)
    return Reminder(subscription_id, occurrence, offset,
                    kind_of((occurrence.due - send_at.date()).days), send_at)


def _distinct_days(reminders: Iterable[Reminder]) -> list[Reminder]:
    """One reminder per send day of an occurrence: the one with the smallest offset."""
    by_day: dict[dt.date, Reminder] = {}
    for reminder in reminders:
        kept = by_day.get(reminder.send_at.date())
        if kept is None or reminder.offset < kept.offset:
            by_day[reminder.send_at.date()] = reminder
    return sorted(by_day.values(), key=lambda r: (r.send_at, -r.offset))


def schedule(occurrence: DeadlineOccurrence, lead_days: Iterable[int], tz: dt.tzinfo,
             days: WorkingDays = ALL_DAYS) -> list[Reminder]:
    """Every reminder of one occurrence with default filters off, earliest first, as `Reminder`s
    with `subscription_id` 0 (for tests and previews)."""
    return _distinct_days(make_reminder(0, occurrence, offset, tz, days)
                          for offset in reminder_offsets(lead_days))


class _Slot(NamedTuple):
    """One send time of a group's schedule within the window."""

    timestamp: float
    send_at: dt.datetime
    occurrence: DeadlineOccurrence
    item: str  # occurrence key
    offset: int
    kind: str
    today: bool  # sent today (individually), else stale (catch-up)
    suffix: str  # ":item:offset", the end of the reminder's key


def _slots(deadlines: Sequence[Deadline], unit: ResolvedUnit, lead_days: tuple[int, ...], *,
           now: dt.datetime, tz: dt.tzinfo, signed: dict[str, dt.date | None],
           days: WorkingDays) -> list[_Slot]:
    """The send times in [now - CATCH_UP_DAYS, now] of the occurrences for `unit`, oldest first."""
    offsets = reminder_offsets(lead_days)
    today = now.astimezone(tz).date()
    oldest = now - dt.timedelta(days=CATCH_UP_DAYS)
    # A send day is due - offset, moved by at most MAX_SHIFT days to a working day: so only
    # occurrences due in this range can have one in the window.
    shift = dt.timedelta(days=MAX_SHIFT if days.enabled else 0)
    first = oldest.astimezone(tz).date() + dt.timedelta(days=min(offsets)) - shift
    last = today + dt.timedelta(days=max(offsets)) + shift
    slots = []
    for occurrence in occurrences(deadlines, start=first, end=last, unit=unit, signed=signed):
        item = occurrence.key
        for r in _distinct_days(make_reminder(0, occurrence, offset, tz, days) for offset in offsets):
            if oldest <= r.send_at <= now:
                slots.append(_Slot(r.send_at.timestamp(), r.send_at, occurrence, item, r.offset,
                                   r.kind, r.send_at.date() == today, f":{item}:{r.offset}"))
    slots.sort(key=lambda s: (s.timestamp, s.occurrence.due, s.item, -s.offset))
    return slots


def plan_reminders(
    deadlines: Iterable[Deadline],
    subscriptions: Iterable[SubscriptionView],
    *,
    now: dt.datetime,
    tz: dt.tzinfo,
    done: Collection[tuple[int, str]] = frozenset(),
    delivered: Collection[str] = frozenset(),
    signed: Mapping[str, dt.date | None] | None = None,
    days: WorkingDays = ALL_DAYS,
) -> ReminderPlan:
    """The reminders to send at `now` (aware): today's individually, earlier days' collapsed.

    `done`: (unit_id, occurrence key) pairs whose latest state is "hoàn thành"; `delivered`:
    `Reminder.key`s already delivered or claimed (never returned again); `signed`: ``{plan: date
    signed}``, the first year of yearly deadlines without one (see `scheduler.occurrences`);
    `days`: the working days reminders move to (default: every day is one, nothing moves).
    Subscriptions sharing plan, memberships, lead days and muted items share one schedule,
    computed once per call; a repeated subscription id is planned once.
    """
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    if in_quiet_hours(now, tz):
        return ReminderPlan([], {})
    with collector_paused():
        return _plan(deadlines, subscriptions, now=now, tz=tz, done=done, delivered=delivered,
                     signed=signed or {}, days=days)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while planning: a plan allocates up to a few hundred
    thousand reminders (no reference cycles), and the collections this would set off, each
    walking every live object (the caller's 100,000 subscriptions…), cost more than the
    planning itself. The delivery job pauses it the same way while loading the subscriptions."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _plan(deadlines: Iterable[Deadline], subscriptions: Iterable[SubscriptionView], *,
          now: dt.datetime, tz: dt.tzinfo, done: Collection[tuple[int, str]],
          delivered: Collection[str], signed: Mapping[str, dt.date | None],
          days: WorkingDays) -> ReminderPlan:
    by_plan: dict[str | None, list[Deadline]] = defaultdict(list)
    for deadline in deadlines:
        by_plan[deadline.plan].append(deadline)
    signed_dict = dict(signed)
    done_by_unit: dict[int, set[str]] = defaultdict(set)
    for unit_id, item in done:
        done_by_unit[unit_id].add(item)
    # Schedules: per (plan, memberships, lead days), then per muted deadlines too.
    unmuted: dict[tuple[object, ...], list[_Slot]] = {}
    groups: dict[tuple[object, ...], list[_Slot]] = {}
    seen: set[int] = set()
    planned_now: list[Reminder] = []
    catch_up: dict[int, list[Reminder]] = {}
    for sub in subscriptions:
        if sub.muted or sub.id in seen:
            continue
        seen.add(sub.id)
        group = (sub.plan, sub.unit.memberships, sub.lead_days, sub.muted_items)
        slots = groups.get(group)
        if slots is None:
            base = group[:3]
            slots = unmuted.get(base)
            if slots is None:
                slots = unmuted[base] = _slots(by_plan.get(sub.plan, []), sub.unit, sub.lead_days,
                                               now=now, tz=tz, signed=signed_dict, days=days)
            if sub.muted_items:
                slots = [s for s in slots if s.occurrence.deadline.id not in sub.muted_items]
            groups[group] = slots
        if not slots:
            continue
        if sub.created_at.tzinfo is None:
            raise ValueError(f"subscription {sub.id}: created_at must be an aware datetime")
        created = sub.created_at.timestamp()
        sid = sub.id
        unit_done = done_by_unit.get(sub.unit_id)
        prefix = str(sid)
        stale: list[Reminder] = []
        for timestamp, send_at, occurrence, item, offset, kind, today, suffix in slots:
            if (timestamp < created or (unit_done and item in unit_done)
                    or (delivered and prefix + suffix in delivered)):
                continue
            reminder = Reminder(sid, occurrence, offset, kind, send_at)
            if today:
                planned_now.append(reminder)
            else:
                stale.append(reminder)
        if stale:
            catch_up[sid] = stale
    planned_now.sort(key=lambda r: r.send_at)  # stable: subscriptions' order, then each one's slots
    return ReminderPlan(planned_now, catch_up)


# --- texts ------------------------------------------------------------------------------------


def _source(kb: KnowledgeBase, deadline: Deadline) -> str:
    doc = kb.documents.get(deadline.doc_id)
    short = doc.short if doc is not None else deadline.doc_id
    return f"{short}, {deadline.ref}" if deadline.ref else short


def reminder_text(reminder: Reminder, kb: KnowledgeBase, today: dt.date) -> str:
    """One reminder as the contact reads it (plain text): the deadline's title, its due date and
    the days left (or overdue) counted from `today`, the plan's wording and source, and how to
    report it done with /baocao."""
    occurrence = reminder.occurrence
    deadline = occurrence.deadline
    days = (occurrence.due - today).days
    head = texts.HEAD_UPCOMING if days > 0 else texts.HEAD_DUE_TODAY if days == 0 else texts.HEAD_OVERDUE
    lines = [head.format(title=deadline.title),
             texts.DUE.format(due=f"{occurrence.due:%d/%m/%Y}", relative=relative(occurrence.due, today))]
    if deadline.due_text:
        lines.append(texts.WORDING.format(text=deadline.due_text.rstrip(".")))
    lines.append(texts.SOURCE.format(source=_source(kb, deadline)))
    lines.append(texts.REPORT_HINT.format(item=occurrence.key))
    if days < 0:
        lines.append(texts.STOPS_WHEN_DONE)
    return "\n".join(lines)


def catch_up_text(reminders: Iterable[Reminder], kb: KnowledgeBase, today: dt.date,
                  states: Mapping[str, str] | None = None) -> str:
    """The one message collapsing stale reminders: one line per occurrence (however many of its
    reminders were missed), soonest due first, with its days left or overdue from `today` and its
    state (`states`: occurrence key → the unit's latest state code, when the caller knows it)."""
    states = states or {}
    unique = {r.occurrence.key: r.occurrence for r in reminders}
    ordered = sorted(unique.values(), key=lambda o: (o.due, o.key))
    lines = [texts.CATCH_UP_HEAD.format(count=len(ordered))]
    for occurrence in ordered:
        state = texts.STATE_LABELS.get(states.get(occurrence.key, ""), texts.STATE_NOT_REPORTED)
        lines.append(texts.CATCH_UP_LINE.format(
            title=occurrence.deadline.title, item=occurrence.key, due=f"{occurrence.due:%d/%m/%Y}",
            relative=relative(occurrence.due, today), state=state,
            source=_source(kb, occurrence.deadline)))
    lines.append(texts.CATCH_UP_FOOT)
    return "\n".join(lines)
