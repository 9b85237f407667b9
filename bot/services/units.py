"""Unit records: the KB's units plus the ones admins, CSV files and contact requests add.

A contact belongs to a `UnitRecord`; what that unit must do comes from the KB through its
memberships: a KB unit's own id and groups, or — for an added name like "UBND phường Đông
Kinh" — the group an admin filed it under, else the group its name classifies into. Names are
matched in the registry's folded `key` form, so "Phuong Dong Kinh" and "Phường Đông Kinh" are
one record, and a new name close to a registered one ("UBND xã Tân Thànhh") is refused as a
near-duplicate naming that unit.

Admins keep the registry: a unit is renamed in place (its statuses, contacts and invites stay
attached) and removed by retiring it (`retired_at`): past reports and audit entries still name
it, while sign-up, overviews and exports leave it out. KB units are kept in the KB instead.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Protocol

from rapidfuzz import fuzz, process
from sqlalchemy import and_, bindparam, delete, or_, select, true, update
from sqlalchemy.orm import Session

from bot import leak_guard
from bot.db.engine import Db, connection_of
from bot.db.models import (
    CURRENT_CONTACT_STATES,
    UNIT_SOURCES,
    Contact,
    Invite,
    Subscription,
    UnitDraft,
    UnitRecord,
)
from bot.services import ServiceError
from knowledge.loader import KnowledgeBase
from knowledge.units import PlanWording, ResolvedUnit, UnitRegistry, UnknownUnit

__all__ = [
    "MAX_NAME",
    "DuplicateUnit",
    "ImportResult",
    "Proposal",
    "UnitChangeRefused",
    "UnitNotFound",
    "add_unit",
    "as_resolved",
    "check_changeable",
    "check_rename",
    "clean_name",
    "find_or_add_unit",
    "find_unit",
    "get_unit",
    "group_choices",
    "import_units_csv",
    "memberships",
    "plan_kb_ids",
    "propose_unit",
    "referenced_unit",
    "referenced_unit_name",
    "rename_unit",
    "resolve_typed",
    "retire_unit",
    "retired_named",
    "sync_kb_units",
    "units_for_plan",
]

MAX_NAME = 120
_NAME_HEADERS = frozenset({"name", "ten", "tên", "ten don vi", "tên đơn vị", "don vi", "đơn vị"})
_PLAN_HEADERS = frozenset({"plan", "ke hoach", "kế hoạch"})


class UnitNotFound(ServiceError):
    """A name that cannot become a unit.

    reason: "invalid" (empty, too long, no letter), "group" (names a group such as "các sở, ban,
    ngành", not one unit), "retired" (a unit an admin removed), "ambiguous" (several plans have
    a unit of that name: give the plan) or "unknown" (not registered, not close to a registered
    name and not classifiable; `suggestions` holds close registered names).
    """

    def __init__(self, name: str, suggestions: list[str], reason: str = "unknown") -> None:
        super().__init__(reason, name=name)
        self.name = name
        self.suggestions = suggestions


class DuplicateUnit(ServiceError):
    """A new name (or new name of a unit) the registry already has: `existing` is that unit;
    `near` is True when the names differ only slightly ("Tân Thànhh", "Tan Thanh" spaced).
    `proposal` is what adding the name anyway would do, when an admin may still decide that
    (a name close to a unit added in the database; never one the KB resolves)."""

    def __init__(self, existing: UnitRecord, near: bool,
                 proposal: Proposal | None = None) -> None:
        super().__init__("near" if near else "exact", unit_id=existing.id)
        self.existing = existing
        self.near = near
        self.proposal = proposal


class UnitChangeRefused(ServiceError):
    """reason: "kb" (a unit of the knowledge base: renamed or removed there), "retired"
    (already removed), "bad_group" (not a group of the registry)."""


@dataclass(frozen=True, slots=True)
class Proposal:
    """A unit an admin is about to add: its name as it will be stored, the group its name
    classifies into (None: the admin chooses), and the retired unit it would restore, if any."""

    name: str
    group_id: str | None
    restores: UnitRecord | None = None


# Two names at least this close where they differ (`_closeness`) are one unit misspelt: a letter
# more or less ("Tân Thànhh", "Chi Lăngg"), words run together; "An Bình" and "An Vinh", or
# "Hòa Bình" and "Hòa Vinh", stay two units.
NEAR_DUPLICATE = 85


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


class _Named(Protocol):
    """What resolving a unit reads: a `UnitRecord`, or the `contacts.CurrentUnit` of a user."""

    @property
    def name(self) -> str: ...
    @property
    def kb_id(self) -> str | None: ...
    @property
    def group_id(self) -> str | None: ...


def memberships(record: _Named, registry: UnitRegistry) -> frozenset[str]:
    """The KB ids whose duties and deadlines apply to the unit: its own and its groups'."""
    if record.kb_id and (record.kb_id in registry.units or record.kb_id in registry.groups):
        return frozenset({record.kb_id}) | registry.ancestors(record.kb_id)
    if record.group_id and record.group_id in registry.groups:
        return frozenset({record.group_id}) | registry.ancestors(record.group_id)
    group = registry.classify(record.name)
    if group is not None:
        return frozenset({group}) | registry.ancestors(group)
    return frozenset()


def as_resolved(record: _Named, registry: UnitRegistry,
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


def group_choices(kb: KnowledgeBase, plan: str | None) -> list[str]:
    """Ids of the groups an admin may file a new unit under: those the plan assigns work to
    (every group without a plan), the narrower ones first, the catch-all group last."""
    registry = kb.registry
    named = {u for e in kb.entries if plan is None or e.plan == plan for u in e.units}
    ids = [gid for gid in registry.groups if gid in named or plan is None]
    return sorted(ids, key=lambda gid: (not registry.ancestors(gid), ids.index(gid)))


def units_for_plan(session: Session, plan: str | None, kb_ids: Collection[str]) -> list[UnitRecord]:
    """Units a contact of `plan` can choose: the plan's KB units and the records added for it;
    retired units left out.

    Sorted by the folded name, so "Ủy ban…" does not sort after every unaccented name.
    """
    plan_match = UnitRecord.plan.is_(None) if plan is None else or_(
        UnitRecord.plan.is_(None), UnitRecord.plan == plan)
    condition = and_(UnitRecord.retired_at.is_(None), or_(
        and_(UnitRecord.kb_id.is_not(None), UnitRecord.kb_id.in_(sorted(kb_ids))),
        and_(UnitRecord.kb_id.is_(None), plan_match),
    ))
    stmt = select(UnitRecord).where(condition).order_by(UnitRecord.key, UnitRecord.name)
    return list(session.scalars(stmt))


def get_unit(session: Session, unit_id: int) -> UnitRecord | None:
    return session.get(UnitRecord, unit_id)


def referenced_unit(session: Session, unit_id: int) -> UnitRecord:
    """The unit another row refers to (a contact, a status, a draft): its foreign key keeps it."""
    return session.get_one(UnitRecord, unit_id)


_UNIT_NAME = select(UnitRecord.__table__.c.name).where(UnitRecord.__table__.c.id == bindparam("unit_id"))


def referenced_unit_name(db: Db, unit_id: int) -> str:
    """`referenced_unit`'s name by one prebuilt statement, on a session or a bare connection."""
    name: str = connection_of(db).execute(_UNIT_NAME, {"unit_id": unit_id}).scalar_one()
    return name


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
    group_id: str | None = None,
    restore: bool = False,
    refuse_similar: bool = False,
) -> tuple[UnitRecord, bool]:
    """`find_or_add_unit` that also says whether the record is new (for messages and audit).

    The raw name is judged by the leak guard first (`leak_guard.MarkedText`): a name is shown
    to every admin and contact, and typed names arrive with their lines as written. A new record
    is filed under `group_id` when given. A retired unit of that name is brought back with
    `restore` (counted as new), else refused ("retired"); with `refuse_similar` a name close to
    a registered one raises `DuplicateUnit`.
    """
    if source not in UNIT_SOURCES:
        raise ValueError(f"unknown unit source {source!r}")
    if group_id is not None and group_id not in registry.groups:
        raise UnitChangeRefused("bad_group", group_id=group_id)
    found, cleaned, key, synced = _lookup(session, name, plan, registry, now,
                                          allow_unclassified=allow_unclassified, day=day)
    if found is not None:
        if found.retired_at is None:
            return found, synced
        if not restore:
            raise UnitNotFound(name, [], reason="retired")
        found.retired_at, found.retired_by = None, None
        found.group_id = group_id or found.group_id
        session.flush()
        return found, True
    if refuse_similar and (near := _near_duplicate(session, key, plan)) is not None:
        raise DuplicateUnit(near, near=True)
    record = UnitRecord(name=cleaned, key=key, plan=plan, kb_id=None, group_id=group_id,
                        source=source, created_by=actor_id, created_at=now)
    session.add(record)
    session.flush()
    return record, True


def resolve_typed(session: Session, name: str, plan: str | None, registry: UnitRegistry,
                  now: dt.datetime, *, day: dt.date | None = None) -> tuple[UnitRecord | None, str]:
    """The unit a contact typed at sign-up, before they confirm: its record, or None and the
    name a new record would get (a name that plainly classifies). Nothing is added. Raises
    MarkedText and UnitNotFound ("invalid", "group", "retired", "unknown" with suggestions)."""
    found, cleaned, _key, _synced = _lookup(session, name, plan, registry, now,
                                            allow_unclassified=False, day=day)
    if found is not None and found.retired_at is not None:
        raise UnitNotFound(name, [], reason="retired")
    return found, cleaned


def propose_unit(session: Session, name: str, plan: str | None, registry: UnitRegistry,
                 now: dt.datetime, *, day: dt.date | None = None) -> Proposal:
    """What adding `name` would do, checked before the admin confirms; nothing is added.

    Raises `leak_guard.MarkedText`, `UnitNotFound` ("invalid", "group") or `DuplicateUnit`
    (the unit is registered, or a name close to it is: then with the proposal, for an admin
    who knows the two are different units — `add_unit(refuse_similar=False)`).
    """
    found, cleaned, key, _synced = _lookup(session, name, plan, registry, now,
                                           allow_unclassified=True, day=day)
    if found is not None:
        if found.retired_at is None:
            raise DuplicateUnit(found, near=found.key != key)
        return Proposal(found.name, found.group_id or registry.classify(found.name), found)
    proposal = Proposal(cleaned, registry.classify(cleaned))
    near = _near_duplicate(session, key, plan)
    if near is not None:
        raise DuplicateUnit(near, near=True, proposal=proposal)
    return proposal


def _lookup(session: Session, name: str, plan: str | None, registry: UnitRegistry,
            now: dt.datetime, *, allow_unclassified: bool, day: dt.date | None,
            ) -> tuple[UnitRecord | None, str, str, bool]:
    """(the registered record the name means, retired ones included, or None; the cleaned name;
    its key; whether that record is a KB unit's just synced). Raises MarkedText, UnitNotFound
    "invalid" / "group" / "unknown"."""
    leak_guard.check(name)
    cleaned = clean_name(name)
    key = registry.key(cleaned) if _valid(cleaned) else ""
    if not key:
        raise UnitNotFound(name, [], reason="invalid")
    existing = _by_key(session, key, plan)
    if existing is not None:
        if existing.kb_id in registry.units and not registry.exists_on(existing.kb_id, day):
            successor, synced = _kb_record(session, registry.successor_on(existing.kb_id, day),
                                           registry, now)
            return successor, cleaned, key, synced
        return existing, cleaned, key, False
    try:
        resolved = registry.resolve(cleaned)
    except UnknownUnit as exc:
        if not allow_unclassified:
            raise UnitNotFound(name, exc.suggestions) from None
        resolved = None
    if resolved is not None and resolved.id is not None:
        if resolved.id not in registry.units:
            raise UnitNotFound(name, [], reason="group")
        record, synced = _kb_record(session, registry.successor_on(resolved.id, day), registry, now)
        return record, cleaned, key, synced
    return None, cleaned, key, False


def retired_named(session: Session, name: str, plan: str | None,
                  registry: UnitRegistry) -> UnitRecord | None:
    """The removed unit `name` would bring back (`add_unit(restore=True)`), if any."""
    cleaned = clean_name(name)
    key = registry.key(cleaned) if _valid(cleaned) else ""
    found = _by_key(session, key, plan) if key else None
    return found if found is not None and found.retired_at is not None else None


def _in_scope(plan: str | None):
    """Records a unit of `plan` must not repeat: those for any plan and the plan's own (every
    record when `plan` is None: a unit for any plan meets them all)."""
    return or_(UnitRecord.plan.is_(None), UnitRecord.plan == plan) if plan is not None else true()


def _near_duplicate(session: Session, key: str, plan: str | None,
                    exclude: int | None = None) -> UnitRecord | None:
    """The active registered unit whose key is closest to `key`, if close enough to be the same."""
    stmt = select(UnitRecord).where(_in_scope(plan), UnitRecord.retired_at.is_(None))
    if exclude is not None:
        stmt = stmt.where(UnitRecord.id != exclude)
    digits = _digits(key)  # "Trường THCS số 1" and "… số 2" are two schools, however close
    best, best_score = None, float(NEAR_DUPLICATE)
    for record in session.scalars(stmt.order_by(UnitRecord.id)):
        if _digits(record.key) == digits and (score := _closeness(key, record.key)) >= best_score:
            best, best_score = record, score
    return best


def _closeness(a: str, b: str) -> float:
    """How alike two keys are where they differ (rapidfuzz ratio, 0–100): the words they share at
    the start ("uy ban nhan dan xa tan …", the group's words) set aside, spaces ignored — so one
    letter in "Thành"/"Thànhh" counts against "thanh", not against the whole name."""
    x, y = a.split(), b.split()
    shared = 0
    while shared < min(len(x), len(y)) and x[shared] == y[shared]:
        shared += 1
    rest_a, rest_b = "".join(x[shared:]), "".join(y[shared:])
    return 100.0 if rest_a == rest_b else fuzz.ratio(rest_a, rest_b)


def _digits(key: str) -> str:
    return "".join(ch for ch in key if ch.isdigit())


def find_unit(session: Session, name: str, plan: str | None, registry: UnitRegistry) -> UnitRecord:
    """The registered unit an admin names (to rename or remove it): same key, else the KB unit
    the name means, within `plan` (every plan when None). Raises UnitNotFound "invalid",
    "retired", "ambiguous" or "unknown" with close names."""
    cleaned = clean_name(name)
    key = registry.key(cleaned) if _valid(cleaned) else ""
    if not key:
        raise UnitNotFound(name, [], reason="invalid")
    records = list(session.scalars(select(UnitRecord).where(_in_scope(plan))
                                   .order_by(UnitRecord.plan.is_not(None), UnitRecord.id)))
    same = [r for r in records if r.key == key]
    active = [r for r in same if r.retired_at is None]
    if len({r.plan for r in active}) > 1 and plan is None:
        raise UnitNotFound(name, [f"{r.name} ({r.plan or '*'})" for r in active], reason="ambiguous")
    if active:
        return active[0]
    if same:
        raise UnitNotFound(name, [], reason="retired")
    try:
        resolved = registry.resolve(cleaned)
    except UnknownUnit:
        resolved = None
    if resolved is not None and resolved.id in registry.units:
        kb = next((r for r in records if r.kb_id == resolved.id and r.retired_at is None), None)
        if kb is not None:
            return kb
    live = [r for r in records if r.retired_at is None]
    close = process.extract(key, [r.key for r in live], scorer=fuzz.ratio, limit=3, score_cutoff=75)
    raise UnitNotFound(name, list(dict.fromkeys(live[i].name for _k, _s, i in close)))


def check_changeable(record: UnitRecord) -> None:
    """Raise UnitChangeRefused unless admins may rename or remove the unit here."""
    if record.kb_id is not None or record.source == "kb":
        raise UnitChangeRefused("kb", unit_id=record.id)
    if record.retired_at is not None:
        raise UnitChangeRefused("retired", unit_id=record.id)


def check_rename(session: Session, record: UnitRecord, new_name: str,
                 registry: UnitRegistry, now: dt.datetime) -> str:
    """The new name as it will be stored, once checked (nothing changes): raises
    UnitChangeRefused, MarkedText, UnitNotFound "invalid" / "group", DuplicateUnit."""
    check_changeable(record)
    leak_guard.check(new_name)
    cleaned = clean_name(new_name)
    key = registry.key(cleaned) if _valid(cleaned) else ""
    if not key:
        raise UnitNotFound(new_name, [], reason="invalid")
    taken = session.scalars(select(UnitRecord).where(
        _in_scope(record.plan), UnitRecord.key == key, UnitRecord.id != record.id).limit(1)).first()
    if taken is not None:
        raise DuplicateUnit(taken, near=False)
    try:
        resolved = registry.resolve(cleaned)
    except UnknownUnit:
        resolved = None
    if resolved is not None and resolved.id is not None:
        if resolved.id not in registry.units:
            raise UnitNotFound(new_name, [], reason="group")
        raise DuplicateUnit(_kb_record(session, resolved.id, registry, now)[0], near=True)
    near = _near_duplicate(session, key, record.plan, exclude=record.id)
    if near is not None and key != record.key:
        raise DuplicateUnit(near, near=True)
    return cleaned


def rename_unit(session: Session, record: UnitRecord, new_name: str,
                registry: UnitRegistry, now: dt.datetime) -> str:
    """Rename a unit in place (statuses, contacts, invites stay attached); return the old name."""
    cleaned = check_rename(session, record, new_name, registry, now)
    old = record.name
    record.name, record.key = cleaned, registry.key(cleaned)
    session.flush()
    return old


def retire_unit(session: Session, record: UnitRecord, actor_id: int | None,
                now: dt.datetime) -> list[int]:
    """Remove a unit from the registry without deleting it; return the users who were its
    contacts (their registration ends, their reminders stop, its unused invites expire)."""
    check_changeable(record)
    record.retired_at, record.retired_by = now, actor_id
    users = list(session.scalars(select(Contact.user_id).where(
        Contact.unit_id == record.id, Contact.state.in_(CURRENT_CONTACT_STATES)).distinct()))
    session.execute(update(Contact)
                    .where(Contact.unit_id == record.id, Contact.state.in_(CURRENT_CONTACT_STATES))
                    .values(state="replaced", decided_at=now, decided_by=actor_id)
                    .execution_options(synchronize_session=False))
    session.execute(delete(Subscription).where(Subscription.unit_id == record.id)
                    .execution_options(synchronize_session=False))
    session.execute(update(Invite)
                    .where(Invite.unit_id == record.id, Invite.used_by.is_(None),
                           Invite.expires_at > now)
                    .values(expires_at=now)
                    .execution_options(synchronize_session=False))
    session.execute(delete(UnitDraft).where(UnitDraft.unit_id == record.id)
                    .execution_options(synchronize_session=False))
    session.flush()
    return sorted(users)


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
