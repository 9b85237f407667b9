"""Unit records: the KB's units plus the ones admins, CSV files and contact requests add.

A contact belongs to a `UnitRecord`; what that unit must do comes from the KB through its
memberships: a KB unit's own id and groups, or — for an added name like "UBND phường Đông
Kinh" — the group its name classifies into. Names are matched in the registry's folded `key`
form, so "Phuong Dong Kinh" and "Phường Đông Kinh" are one record.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass, field

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from bot import leak_guard
from bot.models import UNIT_SOURCES, UnitRecord
from bot.services import ServiceError
from knowledge.loader import KnowledgeBase
from knowledge.units import PlanWording, ResolvedUnit, UnitRegistry, UnknownUnit

__all__ = [
    "MAX_NAME",
    "ImportResult",
    "UnitNotFound",
    "add_unit",
    "as_resolved",
    "clean_name",
    "find_or_add_unit",
    "get_unit",
    "import_units_csv",
    "memberships",
    "plan_kb_ids",
    "sync_kb_units",
    "units_for_plan",
]

MAX_NAME = 120
_NAME_HEADERS = frozenset({"name", "ten", "tên", "ten don vi", "tên đơn vị", "don vi", "đơn vị"})
_PLAN_HEADERS = frozenset({"plan", "ke hoach", "kế hoạch"})


class UnitNotFound(ServiceError):
    """A name that cannot become a unit.

    reason: "invalid" (empty, too long, no letter), "group" (names a group such as "các sở, ban,
    ngành", not one unit) or "unknown" (not registered, not close to a registered name and not
    classifiable; `suggestions` holds close registered names).
    """

    def __init__(self, name: str, suggestions: list[str], reason: str = "unknown") -> None:
        super().__init__(reason, name=name)
        self.name = name
        self.suggestions = suggestions


@dataclass
class ImportResult:
    """What a CSV import did: names added, names already there, and (line, reason) errors."""

    added: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)


def clean_name(name: str) -> str:
    """NFC, whitespace collapsed: the form a new record's name is stored in."""
    return " ".join(unicodedata.normalize("NFC", name).split())


def _valid(name: str) -> bool:
    return 0 < len(name) <= MAX_NAME and any(ch.isalpha() for ch in name)


def sync_kb_units(session: Session, registry: UnitRegistry, now: dt.datetime) -> int:
    """Make sure every KB unit (not group) has a record for any plan; return how many were added.

    Idempotent. A record an admin added earlier under the same name is adopted (gets the
    `kb_id`); a KB unit renamed in the KB keeps its record and contacts.
    """
    records = list(session.scalars(select(UnitRecord).where(UnitRecord.plan.is_(None))))
    by_kb = {r.kb_id: r for r in records if r.kb_id}
    by_key = {r.key: r for r in records}
    added = 0
    for unit_id, unit in registry.units.items():
        name = clean_name(unit.name)
        key = registry.key(name)
        record = by_kb.get(unit_id)
        if record is None:
            record = by_key.get(key)
            if record is not None and record.kb_id not in (None, unit_id):
                continue  # the name belongs to another KB unit; the KB check reports that
        if record is None:
            record = UnitRecord(name=name, key=key, plan=None, kb_id=unit_id, source="kb",
                                created_by=None, created_at=now)
            session.add(record)
            by_key[key] = record
            added += 1
            continue
        record.kb_id = unit_id
        if record.source == "kb" and record.name != name and by_key.get(key) in (None, record):
            by_key.pop(record.key, None)
            record.name, record.key = name, key
            by_key[key] = record
    session.flush()
    return added


def memberships(record: UnitRecord, registry: UnitRegistry) -> frozenset[str]:
    """The KB ids whose duties and deadlines apply to the unit: its own and its groups'."""
    if record.kb_id and (record.kb_id in registry.units or record.kb_id in registry.groups):
        return frozenset({record.kb_id}) | registry.ancestors(record.kb_id)
    group = registry.classify(record.name)
    if group is not None:
        return frozenset({group}) | registry.ancestors(group)
    return frozenset()


def as_resolved(record: UnitRecord, registry: UnitRegistry,
                wording: PlanWording | None = None) -> ResolvedUnit:
    """The record as `knowledge` code takes a unit (answers, deadlines, reminders), named in
    the plan's words when `wording` is given ("Công an thành phố" for a city's plan)."""
    kb_id = record.kb_id if record.kb_id in registry.units else None
    name = wording.apply(record.name) if wording is not None else record.name
    return ResolvedUnit(name, kb_id, memberships(record, registry))


def plan_kb_ids(kb: KnowledgeBase, plan: str) -> set[str]:
    """KB units concerned by a plan: those it names, and members of the groups it names that
    exist on the plan's date (a department merged away before the plan was written is not)."""
    registry = kb.registry
    named = {uid for entry in kb.entries if entry.plan == plan for uid in entry.units}
    return {
        uid for uid in kb.units_for(plan)
        if uid in named or not named.isdisjoint(registry.ancestors(uid))
    }


def units_for_plan(session: Session, plan: str | None, kb_ids: Collection[str]) -> list[UnitRecord]:
    """Units a contact of `plan` can choose: the plan's KB units and the records added for it.

    Sorted by the folded name, so "Ủy ban…" does not sort after every unaccented name.
    """
    plan_match = UnitRecord.plan.is_(None) if plan is None else or_(
        UnitRecord.plan.is_(None), UnitRecord.plan == plan)
    condition = or_(
        and_(UnitRecord.kb_id.is_not(None), UnitRecord.kb_id.in_(sorted(kb_ids))),
        and_(UnitRecord.kb_id.is_(None), plan_match),
    )
    stmt = select(UnitRecord).where(condition).order_by(UnitRecord.key, UnitRecord.name)
    return list(session.scalars(stmt))


def get_unit(session: Session, unit_id: int) -> UnitRecord | None:
    return session.get(UnitRecord, unit_id)


def find_or_add_unit(
    session: Session,
    name: str,
    plan: str | None,
    registry: UnitRegistry,
    source: str,
    actor_id: int | None,
    now: dt.datetime,
    *,
    allow_unclassified: bool = False,
    day: dt.date | None = None,
) -> UnitRecord:
    """The record for a typed unit name, adding one when the name plainly names a unit.

    Order: a record with the same key for `plan` or any plan; a KB unit (aliases, typos);
    a name that classifies into a group ("Sở …", "UBND xã …") becomes a new record; anything
    else raises `UnitNotFound` — unless an admin passes `allow_unclassified=True`. With `day`
    (the plan's date), a KB unit merged away before it gives its successor's record.
    """
    record, _added = add_unit(session, name, plan, registry, source, actor_id, now,
                              allow_unclassified=allow_unclassified, day=day)
    return record


def add_unit(
    session: Session,
    name: str,
    plan: str | None,
    registry: UnitRegistry,
    source: str,
    actor_id: int | None,
    now: dt.datetime,
    *,
    allow_unclassified: bool = False,
    day: dt.date | None = None,
) -> tuple[UnitRecord, bool]:
    """`find_or_add_unit` that also says whether the record is new (for messages and audit).

    The raw name is judged by the leak guard first (`leak_guard.MarkedText`): a name is shown
    to every admin and contact, and typed names arrive with their lines as written.
    """
    if source not in UNIT_SOURCES:
        raise ValueError(f"unknown unit source {source!r}")
    leak_guard.check(name)
    cleaned = clean_name(name)
    key = registry.key(cleaned) if _valid(cleaned) else ""
    if not key:
        raise UnitNotFound(name, [], reason="invalid")
    existing = _by_key(session, key, plan)
    if existing is not None:
        if existing.kb_id in registry.units and not registry.exists_on(existing.kb_id, day):
            return _kb_record(session, registry.successor_on(existing.kb_id, day), registry, now)
        return existing, False
    try:
        resolved = registry.resolve(cleaned)
    except UnknownUnit as exc:
        if not allow_unclassified:
            raise UnitNotFound(name, exc.suggestions) from None
        resolved = None
    if resolved is not None and resolved.id is not None:
        if resolved.id not in registry.units:
            raise UnitNotFound(name, [], reason="group")
        return _kb_record(session, registry.successor_on(resolved.id, day), registry, now)
    record = UnitRecord(name=cleaned, key=key, plan=plan, kb_id=None, source=source,
                        created_by=actor_id, created_at=now)
    session.add(record)
    session.flush()
    return record, True


def _by_key(session: Session, key: str, plan: str | None) -> UnitRecord | None:
    plans = UnitRecord.plan.is_(None) if plan is None else or_(
        UnitRecord.plan.is_(None), UnitRecord.plan == plan)
    # Prefer the record for any plan (the KB's), then the plan's own.
    stmt = (select(UnitRecord).where(UnitRecord.key == key, plans)
            .order_by(UnitRecord.plan.is_not(None), UnitRecord.id).limit(1))
    return session.scalars(stmt).first()


def _kb_record(
    session: Session, kb_id: str, registry: UnitRegistry, now: dt.datetime
) -> tuple[UnitRecord, bool]:
    record = session.scalars(
        select(UnitRecord).where(UnitRecord.kb_id == kb_id, UnitRecord.plan.is_(None)).limit(1)
    ).first()
    if record is not None:
        return record, False
    # Not synced yet (sync_kb_units runs at start-up): add it the way the sync would.
    name = clean_name(registry.name_of(kb_id))
    record = UnitRecord(name=name, key=registry.key(name), plan=None, kb_id=kb_id, source="kb",
                        created_by=None, created_at=now)
    session.add(record)
    session.flush()
    return record, True


def import_units_csv(
    session: Session,
    text: str,
    default_plan: str | None,
    registry: UnitRegistry,
    actor_id: int | None,
    now: dt.datetime,
    *,
    plans: Collection[str],
) -> ImportResult:
    """Add units from CSV text (admins): a header `name[,plan]`, or one column without header.

    `plans` are the known plan slugs; an empty plan cell means `default_plan`. A bad line is
    reported as (line number, reason) — "invalid", "group", "unknown_plan", "columns", "marking" — and
    changes nothing; the other lines are still imported.
    """
    text = text.removeprefix("\ufeff")
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    delimiter = ";" if ";" in first and "," not in first else ","
    result = ImportResult()
    name_col, plan_col = 0, 1
    header_seen = False
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    for row in reader:
        line = reader.line_num
        cells = [cell.strip() for cell in row]
        if not any(cells):
            continue
        if not header_seen:
            header_seen = True
            labels = [" ".join(cell.casefold().split()) for cell in cells]
            if labels[0] in _NAME_HEADERS or (len(labels) > 1 and labels[1] in _NAME_HEADERS):
                name_col = next(i for i, label in enumerate(labels) if label in _NAME_HEADERS)
                plan_col = next((i for i, label in enumerate(labels) if label in _PLAN_HEADERS), -1)
                continue
        extra = [c for i, c in enumerate(cells) if c and i not in (name_col, plan_col)]
        if extra or name_col >= len(cells):
            result.errors.append((line, "columns"))
            continue
        plan_cell = cells[plan_col] if 0 <= plan_col < len(cells) else ""
        plan = plan_cell or default_plan
        if plan is not None and plan not in plans:
            result.errors.append((line, "unknown_plan"))
            continue
        try:
            record, added = add_unit(session, cells[name_col], plan, registry, "csv", actor_id,
                                     now, allow_unclassified=True)
        except UnitNotFound as exc:
            result.errors.append((line, exc.reason))
            continue
        except leak_guard.MarkedText:
            result.errors.append((line, "marking"))
            continue
        (result.added if added else result.existing).append(record.name)
    return result
