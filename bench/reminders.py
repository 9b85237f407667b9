"""Reminder planning: `scheduler.planning.plan_reminders` for 100,000 subscriptions. Target: < 1 s.

The subscriptions are spread over the five plans and about 40 distinct units (the registry's units
and names classified into its groups: communes, enterprises, boards…), 4,000 unit records in all,
so several contacts per unit. Some are muted, some mute one deadline, some have other lead days;
creation times range from mid-2025 to the end of 2026 (some after `now`: nothing for them). About
a third of the units have reported their occurrences done.

Two states of the delivery record at each `now`:

- "running": the bot has been running: every reminder of an earlier day was delivered except for
  2% of the subscriptions (a downtime of theirs), so few catch-ups;
- "cold": nothing delivered yet (the first run, or a lost delivery table): every stale reminder in
  the 30-day window comes back as a catch-up, the worst case.

The plans at each `now` are built beforehand to make the delivered sets; only `plan_reminders`
is timed (best and median of a few runs). Wall-clock timings on a shared machine.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import time
from zoneinfo import ZoneInfo

from knowledge.loader import DEFAULT_ROOT, KnowledgeBase, load_knowledge
from knowledge.units import ResolvedUnit
from scheduler.items import signed_dates
from scheduler.occurrences import occurrences
from scheduler.planning import DEFAULT_LEAD_DAYS, SubscriptionView, plan_reminders

__all__ = ["print_planning", "run_planning"]

TARGET = 1.0  # seconds
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
UNIT_RECORDS = 4000
REPEAT = 3
# Names classified into the registry's groups, as admins add them (with the registry's units).
EXTRA_UNITS = (
    "UBND xã Tân Thành", "UBND phường Đông Kinh", "Xã Hữu Lũng", "Phường Kỳ Lừa", "Đặc khu Cát Hải",
    "Công ty Điện lực tỉnh", "Tổng công ty Đường sắt", "Ban Quản lý khu kinh tế", "Bệnh viện Đa khoa tỉnh",
    "Trung tâm Y tế khu vực",
)
NOWS = (
    dt.datetime(2026, 12, 8, 8, 0, tzinfo=TZ),  # Lạng Sơn's annual report: 7 days left
    dt.datetime(2026, 11, 5, 8, 0, tzinfo=TZ),  # Hải Phòng's annual report: due today (every unit)
    dt.datetime(2026, 12, 16, 10, 30, tzinfo=TZ),  # overdue and late in the morning
    dt.datetime(2026, 3, 1, 7, 0, tzinfo=TZ),  # 07:00: the end of the quiet hours
    dt.datetime(2026, 12, 8, 22, 0, tzinfo=TZ),  # quiet hours: nothing
)


def _subscriptions(kb: KnowledgeBase, count: int, rng: random.Random) -> tuple[list[SubscriptionView],
                                                                              set[tuple[int, str]]]:
    names = [u.name for u in kb.registry.units.values()] + list(EXTRA_UNITS)
    resolved = {name: kb.registry.resolve(name) for name in names}
    plans = kb.plans
    deadline_ids = [d.id for d in kb.deadlines()]
    signed = signed_dates(kb)
    records = []
    done: set[tuple[int, str]] = set()
    for unit_id in range(1, UNIT_RECORDS + 1):
        base = resolved[rng.choice(names)]
        # One object per unit record, as the delivery layer builds them from its rows.
        unit = ResolvedUnit(base.name, base.id, frozenset(list(base.memberships)))
        plan = plans[unit_id % len(plans)]
        records.append((unit_id, plan, unit))
        if rng.random() < 0.33:
            for occ in occurrences(kb.deadlines(), start=dt.date(2025, 1, 1), end=dt.date(2027, 12, 31),
                                   unit=unit, plan=plan, signed=signed):
                if rng.random() < 0.7:
                    done.add((unit_id, occ.key))
    start = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)
    span = (dt.datetime(2026, 12, 31, tzinfo=dt.UTC) - start).total_seconds()
    subs = []
    for sid in range(1, count + 1):
        unit_id, plan, unit = rng.choice(records)
        draw = rng.random()
        lead = DEFAULT_LEAD_DAYS if draw < 0.9 else (3,) if draw < 0.95 else (7, 1)
        muted_items = frozenset({rng.choice(deadline_ids)}) if rng.random() < 0.05 else frozenset()
        subs.append(SubscriptionView(
            id=sid, plan=plan, unit_id=unit_id, unit=unit,
            created_at=start + dt.timedelta(seconds=rng.random() * span),
            lead_days=lead, muted=rng.random() < 0.03, muted_items=muted_items))
    return subs, done


def _time(call) -> tuple[list[float], object]:
    seconds = []
    result = None
    for _ in range(REPEAT):
        t0 = time.perf_counter()
        result = call()
        seconds.append(time.perf_counter() - t0)
    return seconds, result


def run_planning(subscriptions: int = 100_000) -> dict:
    """Time `plan_reminders` over `subscriptions` subscriptions at a few `now`s."""
    kb = load_knowledge(DEFAULT_ROOT)
    rng = random.Random(2026)
    subs, done = _subscriptions(kb, subscriptions, rng)
    deadlines = kb.deadlines()
    signed = signed_dates(kb)
    rows = []
    for now in NOWS:
        today = now.astimezone(TZ).date()
        full = plan_reminders(deadlines, subs, now=now, tz=TZ, done=done, signed=signed)
        down = {s.id for s in subs if rng.random() < 0.02}
        running = {r.key for stale in full.catch_up.values() for r in stale
                   if r.subscription_id not in down and r.send_at.date() < today}
        for state, delivered in (("running", running), ("cold", set())):
            seconds, plan = _time(lambda delivered=delivered, now=now: plan_reminders(
                deadlines, subs, now=now, tz=TZ, done=done, delivered=delivered, signed=signed))
            rows.append({
                "now": now.isoformat(), "delivered_state": state, "delivered": len(delivered),
                "best_s": min(seconds), "median_s": statistics.median(seconds),
                "now_reminders": len(plan.now), "catch_up_subscriptions": len(plan.catch_up),
                "catch_up_reminders": sum(len(v) for v in plan.catch_up.values()),
            })
    return {"subscriptions": subscriptions, "unit_records": UNIT_RECORDS,
            "distinct_units": len(kb.registry.units) + len(EXTRA_UNITS), "done_pairs": len(done),
            "target_s": TARGET, "runs": rows}


def print_planning(result: dict) -> None:
    print(f"\nReminder planning: {result['subscriptions']:,} subscriptions, {result['unit_records']:,} "
          f"unit records of {result['distinct_units']} distinct units, {result['done_pairs']:,} "
          f"occurrences reported done; target < {result['target_s']:.0f} s per call")
    print(f"{'now':26s} {'delivered':>18s} {'best s':>7s} {'median s':>8s} {'now':>7s} "
          f"{'catch-up subs':>13s} {'stale':>7s}")
    for row in result["runs"]:
        mark = "ok" if row["best_s"] < result["target_s"] else "ABOVE TARGET"
        delivered = f"{row['delivered_state']} {row['delivered']:,}"
        print(f"{row['now']:26s} {delivered:>18s} {row['best_s']:7.3f} {row['median_s']:8.3f} "
              f"{row['now_reminders']:7,d} {row['catch_up_subscriptions']:13,d} "
              f"{row['catch_up_reminders']:7,d}   {mark}")


if __name__ == "__main__":
    print_planning(run_planning())
