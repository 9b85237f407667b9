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

Two timings of each case, side by side:

- "plan": `plan_reminders` alone, on the subscriptions, done occurrences and delivered keys
  already in memory (the baseline: planning's own cost);
- "load + plan": what the delivery job does every minute (`bot.jobs.delivery.load_tick`): read
  the active subscriptions with their units, the occurrences reported done and the keys already
  in the delivery log from the database (SQLite, a temporary file), then plan. The database
  holds the same data: a user, an approved contact and a subscription per subscription, the
  unit records, a "hoàn thành" status per done occurrence, a delivery row per delivered key.
  Both compute the same plan (checked: the same counts), on the deployment's working days.

Best and median of 3 runs ("plan"), one run ("load + plan": seconds each at 100,000).
Wall-clock timings on a shared machine.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import delete, insert

from bot.core import Core
from bot.db.models import Contact, Delivery, StatusRecord, Subscription, UnitRecord, User
from bot.jobs.delivery import load_tick
from bot.settings import Settings
from bot.telegram.serve import open_core
from knowledge.answers import Assistant
from knowledge.loader import DEFAULT_ROOT, KnowledgeBase, load_knowledge
from knowledge.text import fold
from knowledge.units import ResolvedUnit
from scheduler.items import signed_dates
from scheduler.occurrences import occurrences
from scheduler.planning import DEFAULT_LEAD_DAYS, SubscriptionView, plan_reminders

__all__ = ["print_planning", "run_planning"]

TARGET = 1.0  # seconds
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
UNIT_RECORDS = 4000
REPEAT = 3
LOAD_REPEAT = 1  # loading 100,000 subscriptions takes seconds: once per case
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


def _subscriptions(kb: KnowledgeBase, count: int,
                   rng: random.Random) -> tuple[list[SubscriptionView], set[tuple[int, str]], list[tuple]]:
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
    return subs, done, records


def _time(call: Callable[[], object], repeat: int = REPEAT) -> tuple[list[float], object]:
    seconds = []
    result = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = call()
        seconds.append(time.perf_counter() - t0)
    return seconds, result


UNIT_ID_BASE = 100_000  # unit record ids above the KB's own records
USER_ID_BASE = 700_000


def _fill(core: Core, subs: list[SubscriptionView], done: set[tuple[int, str]], records: list[tuple]) -> None:
    """The database `load_tick` reads: the same subscriptions, units and done occurrences."""
    registry = core.kb.registry
    created = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    plan_of = {unit_id: plan for unit_id, plan, _unit in records}
    with core.sessions.begin() as session:
        session.execute(insert(UnitRecord), [
            {"id": UNIT_ID_BASE + unit_id, "name": unit.name, "key": f"{fold(unit.name)} {unit_id}",
             "plan": plan, "kb_id": unit.id,
             "group_id": None if unit.id else registry.classify(unit.name), "source": "admin",
             "created_at": created} for unit_id, plan, unit in records])
        session.execute(insert(User), [
            {"id": USER_ID_BASE + s.id, "first_name": f"Đầu mối {s.id}", "role": "user", "active": True,
             "created_at": created} for s in subs])
        session.execute(insert(Contact), [
            {"user_id": USER_ID_BASE + s.id, "plan": s.plan, "unit_id": UNIT_ID_BASE + s.unit_id,
             "state": "approved", "via": "invite", "created_at": created} for s in subs])
        session.execute(insert(Subscription), [
            {"id": s.id, "user_id": USER_ID_BASE + s.id, "plan": s.plan, "unit_id": UNIT_ID_BASE + s.unit_id,
             "lead_days": list(s.lead_days), "muted": s.muted, "muted_items": sorted(s.muted_items),
             "paused": False, "created_at": s.created_at, "updated_at": s.created_at} for s in subs])
        session.execute(insert(StatusRecord), [
            {"plan": plan_of[unit_id], "unit_id": UNIT_ID_BASE + unit_id, "item": key,
             "item_kind": "deadline",
             "year": int(key.partition("@")[2]) if "@" in key else None, "state": "hoan_thanh",
             "version": 1, "receipt": f"BC-BENCH-{i:06d}", "via": "cli", "created_at": created}
            for i, (unit_id, key) in enumerate(sorted(done))])


def _set_delivered(core: Core, keys: set[str], now: dt.datetime) -> None:
    """The delivery log holds exactly `keys` (sent reminders, logged an hour before `now`)."""
    at = now - dt.timedelta(hours=1)
    with core.sessions.begin() as session:
        session.execute(delete(Delivery))
        if keys:
            session.execute(insert(Delivery), [
                {"key": key, "user_id": USER_ID_BASE + int(key.split(":")[0]),
                 "subscription_id": int(key.split(":")[0]), "kind": "reminder", "state": "sent",
                 "claimed_by": "bench", "claimed_at": at, "sent_at": at, "attempts": 1, "created_at": at}
                for key in keys])


def run_planning(subscriptions: int = 100_000) -> dict:
    """Time `plan_reminders`, and `load_tick` on the same data in SQLite, at a few `now`s."""
    kb = load_knowledge(DEFAULT_ROOT)
    rng = random.Random(2026)
    subs, done, records = _subscriptions(kb, subscriptions, rng)
    deadlines = kb.deadlines()
    signed = signed_dates(kb)
    clock = {"now": NOWS[0]}
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(database_url=f"sqlite:///{Path(folder) / 'planning.sqlite3'}")
        core = open_core(settings, DEFAULT_ROOT, now=lambda: clock["now"], assistant=Assistant(kb))
        start = time.perf_counter()
        _fill(core, subs, done, records)
        fill_s = time.perf_counter() - start
        days = core.working_days
        for now in NOWS:
            clock["now"] = now
            today = now.astimezone(TZ).date()
            full = plan_reminders(deadlines, subs, now=now, tz=TZ, done=done, signed=signed, days=days)
            down = {s.id for s in subs if rng.random() < 0.02}
            running = {r.key for stale in full.catch_up.values() for r in stale
                       if r.subscription_id not in down and r.send_at.date() < today}
            for state, delivered in (("running", running), ("cold", set())):
                seconds, plan = _time(lambda delivered=delivered, now=now: plan_reminders(
                    deadlines, subs, now=now, tz=TZ, done=done, delivered=delivered, signed=signed,
                    days=days))
                _set_delivered(core, delivered, now)
                loaded_seconds, tick = _time(lambda: load_tick(core), LOAD_REPEAT)
                same = _counts(plan) == _counts(tick.plan)  # type: ignore[attr-defined]  # Tick
                rows.append({
                    "now": now.isoformat(), "delivered_state": state, "delivered": len(delivered),
                    "best_s": min(seconds), "median_s": statistics.median(seconds),
                    "loaded_best_s": min(loaded_seconds),
                    "loaded_median_s": statistics.median(loaded_seconds),
                    "same_plan": same, **_counts(plan),
                })
        core.sessions.kw["bind"].dispose()
    return {"subscriptions": subscriptions, "unit_records": UNIT_RECORDS,
            "distinct_units": len(kb.registry.units) + len(EXTRA_UNITS), "done_pairs": len(done),
            "target_s": TARGET, "database_fill_s": fill_s, "runs": rows}


def _counts(plan) -> dict:
    return {"now_reminders": len(plan.now), "catch_up_subscriptions": len(plan.catch_up),
            "catch_up_reminders": sum(len(v) for v in plan.catch_up.values())}


def print_planning(result: dict) -> None:
    print(f"\nReminder planning: {result['subscriptions']:,} subscriptions, {result['unit_records']:,} "
          f"unit records of {result['distinct_units']} distinct units, {result['done_pairs']:,} "
          f"occurrences reported done; target < {result['target_s']:.0f} s per call. \"plan\": "
          f"plan_reminders on data in memory; \"load+plan\": load_tick, reading it from SQLite "
          f"(filled in {result['database_fill_s']:.0f} s)")
    print(f"{'now':26s} {'delivered':>16s} {'plan best':>9s} {'median':>7s} {'load+plan':>9s} {'median':>7s} "
          f"{'×plan':>6s} {'now':>7s} {'catch-up':>8s} {'stale':>7s}")
    for row in result["runs"]:
        mark = "ok" if row["loaded_best_s"] < result["target_s"] else "ABOVE TARGET"
        if not row["same_plan"]:
            mark += ", NOT THE SAME PLAN"
        delivered = f"{row['delivered_state']} {row['delivered']:,}"
        # Nothing to plan in the quiet hours: planning takes no time, a ratio would mean nothing.
        ratio = f"{row['loaded_best_s'] / row['best_s']:5.1f}×" if row["best_s"] >= 0.001 else "-"
        print(f"{row['now']:26s} {delivered:>16s} {row['best_s']:9.3f} {row['median_s']:7.3f} "
              f"{row['loaded_best_s']:9.3f} {row['loaded_median_s']:7.3f} "
              f"{ratio:>6s} {row['now_reminders']:7,d} "
              f"{row['catch_up_subscriptions']:8,d} {row['catch_up_reminders']:7,d}   {mark}")


if __name__ == "__main__":
    print_planning(run_planning())
