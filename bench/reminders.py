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
  in the delivery log from the database (a temporary SQLite file; and PostgreSQL, a schema of
  its own dropped afterwards, when `TEST_DATABASE_URL` or 127.0.0.1:5432 is reachable), then
  plan. The database holds the same data: a user, an approved contact and a subscription per
  subscription, the unit records, a "hoàn thành" status per done occurrence, a delivery row per
  delivered key. Both compute the same plan (checked: the same counts), on the deployment's
  working days.

Best and median of 3 runs ("plan"), one run ("load + plan": seconds each at 100,000).
Wall-clock timings on a shared machine.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import delete, insert, make_url

from bench.postgres import fresh_schema, postgres_reachable
from bot.core import Core, working_days
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
BACKENDS = ("sqlite", "postgresql")
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


@contextmanager
def _database(backend: str, folder: Path) -> Iterator[str | None]:
    """A fresh database's URL: a SQLite file in `folder`, or a PostgreSQL schema of its own
    (`bench.postgres`), dropped afterwards; None when the server cannot be reached."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'planning.sqlite3'}"
        return
    if postgres_reachable() is not None:
        yield None
        return
    with fresh_schema() as url:
        yield url


def run_planning(subscriptions: int = 100_000, backends: tuple[str, ...] = BACKENDS) -> dict:
    """Time `plan_reminders` at a few `now`s, then `load_tick` on the same data in each database."""
    kb = load_knowledge(DEFAULT_ROOT)
    rng = random.Random(2026)
    subs, done, records = _subscriptions(kb, subscriptions, rng)
    deadlines = kb.deadlines()
    signed = signed_dates(kb)
    days = working_days(kb, Settings(database_url="sqlite://"))  # the deployment's default
    rows: list[dict] = []
    cases: list[tuple[dt.datetime, set[str], dict]] = []
    for now in NOWS:
        today = now.astimezone(TZ).date()
        full = plan_reminders(deadlines, subs, now=now, tz=TZ, done=done, signed=signed, days=days)
        down = {s.id for s in subs if rng.random() < 0.02}
        running = {r.key for stale in full.catch_up.values() for r in stale
                   if r.subscription_id not in down and r.send_at.date() < today}
        for state, delivered in (("running", running), ("cold", set())):
            seconds, plan = _time(lambda delivered=delivered, now=now: plan_reminders(
                deadlines, subs, now=now, tz=TZ, done=done, delivered=delivered, signed=signed,
                days=days))
            rows.append({"now": now.isoformat(), "delivered_state": state, "delivered": len(delivered),
                         "best_s": min(seconds), "median_s": statistics.median(seconds), **_counts(plan),
                         "loaded": {}})
            cases.append((now, delivered, rows[-1]))
    databases = {}
    for backend in backends:
        with tempfile.TemporaryDirectory() as folder, _database(backend, Path(folder)) as url:
            databases[backend] = None if url is None else _time_loading(url, kb, subs, done, records, cases)
    return {"subscriptions": subscriptions, "unit_records": UNIT_RECORDS,
            "distinct_units": len(kb.registry.units) + len(EXTRA_UNITS), "done_pairs": len(done),
            "target_s": TARGET, "databases": databases, "runs": rows}


def _time_loading(url: str, kb: KnowledgeBase, subs: list[SubscriptionView], done: set[tuple[int, str]],
                  records: list[tuple], cases: list[tuple[dt.datetime, set[str], dict]]) -> dict:
    """Fill the database at `url`, then time `load_tick` for each case, into the case's row."""
    clock = {"now": NOWS[0]}
    core = open_core(Settings(database_url=url), DEFAULT_ROOT, now=lambda: clock["now"],
                     assistant=Assistant(kb))
    backend = make_url(url).get_backend_name()
    try:
        start = time.perf_counter()
        _fill(core, subs, done, records)
        fill_s = time.perf_counter() - start
        for now, delivered, row in cases:
            clock["now"] = now
            _set_delivered(core, delivered, now)
            seconds, tick = _time(lambda: load_tick(core), LOAD_REPEAT)
            row["loaded"][backend] = {
                "best_s": min(seconds), "median_s": statistics.median(seconds),
                "same_plan": _counts(tick.plan) == {k: row[k] for k in _COUNTS},  # type: ignore[attr-defined]
            }
    finally:
        core.sessions.kw["bind"].dispose()
    return {"fill_s": fill_s}


_COUNTS = ("now_reminders", "catch_up_subscriptions", "catch_up_reminders")


def _counts(plan) -> dict:
    return {"now_reminders": len(plan.now), "catch_up_subscriptions": len(plan.catch_up),
            "catch_up_reminders": sum(len(v) for v in plan.catch_up.values())}


def print_planning(result: dict) -> None:
    filled = ", ".join(f"{name} in {db['fill_s']:.0f} s" if db else f"{name}: not reachable"
                       for name, db in result["databases"].items())
    print(f"\nReminder planning: {result['subscriptions']:,} subscriptions, {result['unit_records']:,} "
          f"unit records of {result['distinct_units']} distinct units, {result['done_pairs']:,} "
          f"occurrences reported done; target < {result['target_s']:.0f} s per call. \"plan\": "
          f"plan_reminders on the data in memory (best of {REPEAT}); then load_tick reading it from "
          f"each database and planning (one run; databases filled: {filled})")
    backends = [name for name, db in result["databases"].items() if db]
    print(f"{'now':26s} {'delivered':>16s} {'plan s':>7s}" + "".join(f" {name[:10]:>10s} {'×plan':>6s}"
                                                                    for name in backends)
          + f" {'now':>7s} {'catch-up':>8s} {'stale':>7s}")
    for row in result["runs"]:
        delivered = f"{row['delivered_state']} {row['delivered']:,}"
        line = f"{row['now']:26s} {delivered:>16s} {row['best_s']:7.3f}"
        marks = []
        for name in backends:
            loaded = row["loaded"][name]
            # Nothing to plan in the quiet hours: planning takes no time, a ratio would mean nothing.
            ratio = f"{loaded['best_s'] / row['best_s']:5.1f}×" if row["best_s"] >= 0.001 else "-"
            line += f" {loaded['best_s']:10.3f} {ratio:>6s}"
            if loaded["best_s"] >= result["target_s"]:
                marks.append(f"{name} above target")
            if not loaded["same_plan"]:
                marks.append(f"{name}: NOT THE SAME PLAN")
        line += (f" {row['now_reminders']:7,d} {row['catch_up_subscriptions']:8,d} "
                 f"{row['catch_up_reminders']:7,d}   {'; '.join(marks) or 'ok'}")
        print(line)


if __name__ == "__main__":
    print_planning(run_planning())
