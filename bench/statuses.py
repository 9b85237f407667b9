"""Status reports: durable submissions per second, and the export of a large plan.

1. Submissions through `bot.services.statuses.submit_status`, one transaction (and so one
   commit) per submission, on a SQLite file as the bot configures it (WAL, synchronous=NORMAL,
   BEGIN IMMEDIATE): from the command line (no contact check) and from approved contacts (the
   chat's path). Target: at least 200 per second.
2. The export of one plan with 2,000 units (communes added by an admin) and about 20 items each,
   most of them reported, some corrected: the status table and history read from the database
   (`status_rows`, `history_rows`), then written as XLSX and CSV. Target: under 10 s in all.
   The statuses are inserted in bulk beforehand (the service's speed is measured in 1).
"""

from __future__ import annotations

import datetime as dt
import random
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import insert

from bot import exports
from bot.db.engine import make_engine, make_session_factory, upgrade_database
from bot.db.models import Contact, StatusRecord, UnitRecord, User
from bot.services import statuses, units
from bot.services.statuses import make_receipt
from knowledge.loader import DEFAULT_ROOT, load_knowledge
from scheduler.items import signed_dates, unit_items

__all__ = ["print_statuses", "run_statuses"]

PLAN = "lao-cai"
TODAY = dt.date(2026, 11, 23)
NOW = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
SUBMIT_TARGET = 200  # per second
EXPORT_TARGET = 10.0  # seconds


def _add_communes(session, kb, count: int, prefix: str) -> list[int]:
    names = [f"{prefix} {i:04d}" for i in range(count)]
    session.execute(insert(UnitRecord), [
        {"name": name, "key": kb.registry.key(name), "plan": PLAN, "kb_id": None, "source": "admin",
         "created_by": None, "created_at": NOW} for name in names])
    records = session.query(UnitRecord).filter(UnitRecord.name.in_(names)).order_by(UnitRecord.id)
    return [r.id for r in records]


def _submissions(kb, folder: Path, count: int) -> dict:
    engine = make_engine(f"sqlite:///{folder / 'submit.sqlite3'}")
    upgrade_database(engine)
    factory = make_session_factory(engine)
    units_count = 100
    with factory.begin() as session:
        units.sync_kb_units(session, kb.registry, NOW)
        communes = _add_communes(session, kb, units_count, "Phường Đo Tốc Độ")
        for i, unit_id in enumerate(communes):
            user_id = 500000 + i
            session.add(User(id=user_id, first_name=f"Cán bộ {i}", created_at=NOW))
            session.flush()
            session.add(Contact(user_id=user_id, plan=PLAN, unit_id=unit_id, state="approved",
                                via="invite", created_at=NOW, decided_at=NOW))
    sample = units.as_resolved(UnitRecord(name="Phường Đo Tốc Độ", key="", plan=PLAN, source="admin",
                                          created_at=NOW), kb.registry)
    keys = [i.key for i in unit_items(kb, PLAN, sample, TODAY, signed_dates(kb))]
    states = statuses.STATES
    out = {}
    for label, chat in (("command line", False), ("approved contact (chat)", True)):
        start = time.perf_counter()
        for n in range(count):
            i = n % units_count
            with factory.begin() as session:
                statuses.submit_status(
                    session, kb, plan=PLAN, unit_id=communes[i], item_key=keys[n % len(keys)],
                    state=states[n % 4], note="đã triển khai theo kế hoạch" if n % 3 else None,
                    actor_id=500000 + i if chat else None, admin=False,
                    now=NOW + dt.timedelta(milliseconds=n), via="chat" if chat else "cli", today=TODAY,
                    tz=TZ)
        seconds = time.perf_counter() - start
        out[label] = {"submissions": count, "seconds": seconds, "per_s": count / seconds}
    engine.dispose()
    return out


def _export(kb, folder: Path, unit_count: int, reported_share: float = 0.8) -> dict:
    engine = make_engine(f"sqlite:///{folder / 'export.sqlite3'}")
    upgrade_database(engine)
    factory = make_session_factory(engine)
    rng = random.Random(2026)
    with factory.begin() as session:
        units.sync_kb_units(session, kb.registry, NOW)
        communes = _add_communes(session, kb, unit_count, "Xã Thử Nghiệm")
    sample = units.as_resolved(UnitRecord(name="Xã Thử Nghiệm", key="", plan=PLAN, source="admin",
                                          created_at=NOW), kb.registry)
    keys = [(i.key, i.kind, i.year) for i in unit_items(kb, PLAN, sample, TODAY, signed_dates(kb))]
    records = []
    next_id = 1
    for unit_id in communes:
        for key, kind, year in keys:
            if rng.random() > reported_share:
                continue
            for version in range(1, 3 if rng.random() < 0.2 else 2):  # a fifth corrected once
                at = NOW - dt.timedelta(minutes=rng.randrange(60 * 24 * 90))
                records.append({
                    "id": next_id, "plan": PLAN, "unit_id": unit_id, "item": key, "item_kind": kind,
                    "year": year, "state": rng.choice(statuses.STATES), "version": version,
                    "note": "đã ban hành văn bản triển khai" if rng.random() < 0.5 else None,
                    "receipt": make_receipt(at, next_id, TZ), "submitted_by": None, "via": "cli",
                    "created_at": at})
                next_id += 1
    with factory.begin() as session:
        session.execute(insert(StatusRecord), records)

    timings = {}
    start = time.perf_counter()
    with factory.begin() as session:
        rows = statuses.status_rows(session, kb, PLAN, TODAY)
        timings["status_rows"] = time.perf_counter() - start
        t0 = time.perf_counter()
        history = statuses.history_rows(session, kb, PLAN, TODAY)
        timings["history_rows"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    exports.write_xlsx(rows, history, folder / "export.xlsx", tz=TZ)
    timings["write_xlsx"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    exports.write_csv(rows, folder / "export.csv", tz=TZ)
    timings["write_csv"] = time.perf_counter() - t0
    timings["total"] = time.perf_counter() - start
    t0 = time.perf_counter()
    with factory.begin() as session:
        summary = statuses.overview(session, kb, PLAN, TODAY)
    timings["overview"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    exports.completion_chart(summary, folder / "chart.png", "Kế hoạch Lào Cai")
    timings["chart"] = time.perf_counter() - t0
    engine.dispose()
    return {"units": unit_count, "items_per_unit": len(keys), "rows": len(rows), "versions": len(history),
            "xlsx_bytes": (folder / "export.xlsx").stat().st_size, "seconds": timings}


def run_statuses(submissions: int = 2000, units_count: int = 2000) -> dict:
    kb = load_knowledge(DEFAULT_ROOT)
    with tempfile.TemporaryDirectory(prefix="bench-statuses-") as tmp:
        folder = Path(tmp)
        return {"submit": _submissions(kb, folder, submissions), "export": _export(kb, folder, units_count)}


def print_statuses(result: dict) -> None:
    print("\nStatus submissions through the service, one transaction each (SQLite file, WAL, "
          f"synchronous=NORMAL); target ≥ {SUBMIT_TARGET}/s")
    print(f"{'who submits':28s} {'count':>7s} {'seconds':>8s} {'per s':>8s}")
    for label, row in result["submit"].items():
        mark = "ok" if row["per_s"] >= SUBMIT_TARGET else "BELOW TARGET"
        print(f"{label:28s} {row['submissions']:7d} {row['seconds']:8.2f} {row['per_s']:8.0f}   {mark}")
    export = result["export"]
    seconds = export["seconds"]
    print(f"\nExport of one plan: {export['units']} units × {export['items_per_unit']} items = "
          f"{export['rows']} rows, {export['versions']} versions in the history "
          f"(XLSX {export['xlsx_bytes'] / 1e6:.1f} MB); target < {EXPORT_TARGET:.0f} s")
    print(f"{'step':28s} {'seconds':>8s}")
    for step in ("status_rows", "history_rows", "write_xlsx", "write_csv", "total", "overview", "chart"):
        note = ""
        if step == "total":
            note = "   ok" if seconds[step] < EXPORT_TARGET else "   ABOVE TARGET"
        elif step in ("overview", "chart"):
            note = "   (not in the total)"
        print(f"{step:28s} {seconds[step]:8.2f}{note}")
