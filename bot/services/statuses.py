"""Status reports: a unit's progress on the items of a plan, versioned, with receipts.

A status is (plan, unit, item, state, short note, who, when, receipt), where the item is a
deadline occurrence or a duty (`scheduler.items`). A correction is a new version; every version is
kept and the latest counts. A yearly deadline's status belongs to its occurrence: a report for
"id@2026" says nothing about "id@2027".

Who may report: an approved contact of exactly that plan and unit, an admin, or the command line
(`actor_id` None: the standing office entering a report taken by phone). Every submission,
correction and refusal leaves an audit entry with ids and codes only. The leak guard applies to
notes: a note carrying a classification marking is refused and nothing is stored but the audit
entry saying so (never the note).

Refusals raise `StatusRefused` *after* adding their audit entry to the transaction: callers catch it
inside their transaction (``with factory.begin() as s: try: submit_status(s, …) except
StatusRefused: …``) so the entry is committed with the rest.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, and_, bindparam, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, make_transient_to_detached

from bot import leak_guard
from bot.db.engine import Db, connection_of
from bot.db.models import NOTE_MAX, STATUS_STATES, STATUS_VIA, Contact, StatusRecord, UnitRecord, User
from bot.services import ServiceError, audit
from bot.services.contacts import active_contacts
from bot.services.units import as_resolved, memberships, units_for_plan
from knowledge.loader import KnowledgeBase
from knowledge.model import Deadline, Duty
from knowledge.text import fold, nfc
from scheduler.items import Item, find_item, plan_items, reports_on, signed_dates

__all__ = [
    "NOTE_MAX",
    "STATES",
    "ItemOverview",
    "StatusRefused",
    "StatusRow",
    "UnitReply",
    "clean_note",
    "expected_units",
    "get_status",
    "history",
    "history_rows",
    "latest_for_unit",
    "make_receipt",
    "overview",
    "parse_state",
    "status_rows",
    "submit_status",
    "unit_reply",
]

STATES = STATUS_STATES

# Folded words (see `knowledge.text.fold`) → state. Codes and labels come first; then synonyms.
_SYNONYMS = {
    "hoan_thanh": ("hoan thanh", "da hoan thanh", "xong", "da xong", "hoan tat", "da hoan tat",
                   "done", "ok"),
    "dang_thuc_hien": ("dang thuc hien", "dang lam", "dang", "dang trien khai"),
    "chua_thuc_hien": ("chua thuc hien", "chua", "chua lam", "chua trien khai"),
    "vuong_mac": ("vuong mac", "vuong", "kho khan", "gap kho khan", "co vuong mac"),
}
_STATE_WORDS = {words: state for state, all_words in _SYNONYMS.items() for words in all_words}
_PUNCTUATION = re.compile(r"[\s_\-.,;:!?\"'“”()\[\]]+")


class StatusRefused(ServiceError):
    """A status that cannot be recorded.

    reason: "not_allowed" | "unknown_item" | "not_responsible" | "unknown_state" |
    "note_too_long" | "marking" | "unknown_unit".
    """


@dataclass(frozen=True, slots=True)
class ItemOverview:
    """Who has reported what on one deadline item; unit names sorted (diacritics folded).

    `not_reported` holds the units with no report *and* those whose latest report is "chưa thực
    hiện" (nothing done yet is, for the standing office, the same as nothing to show);
    `not_started` is the subset of `not_reported` that did report "chưa thực hiện".
    """

    item: Item
    done: list[str]
    in_progress: list[str]
    blocked: list[str]
    not_reported: list[str]
    not_started: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.done) + len(self.in_progress) + len(self.blocked) + len(self.not_reported)

    @property
    def percent_done(self) -> float:
        return 100 * len(self.done) / self.total if self.total else 0.0


@dataclass(frozen=True, slots=True)
class StatusRow:
    """One line of the status table (or of its history): a unit, an item, a report or none."""

    unit_id: int
    unit_name: str
    item_key: str
    item_kind: str
    title: str
    due: dt.date | None
    state: str | None = None
    reported_at: dt.datetime | None = None  # aware UTC
    note: str | None = None
    submitted_by: int | None = None
    submitter: str | None = None  # the user's name as Telegram gave it, with @username
    via: str | None = None
    receipt: str | None = None
    version: int | None = None


def parse_state(text: str) -> str | None:
    """The state code a user or an operator typed, or None.

    Forgiving: the codes, the Vietnamese labels with or without diacritics, any case, and
    synonyms ("xong", "đã xong", "hoàn tất", "done" → hoan_thanh; "đang làm" → dang_thuc_hien;
    "chưa", "chưa làm" → chua_thuc_hien; "vướng", "khó khăn" → vuong_mac).
    """
    words = _PUNCTUATION.sub(" ", fold(text)).strip()
    return _STATE_WORDS.get(words)


def make_receipt(created_at: dt.datetime, status_id: int, tz: dt.tzinfo) -> str:
    """"BC-20261123-000042": the date of the report in the deployment's time zone `tz`, and its id."""
    return f"BC-{created_at.astimezone(tz):%Y%m%d}-{status_id:06d}"


def _refuse(db: Db, reason: str, *, now: dt.datetime, actor_id: int | None, plan: str,
            unit_id: int, via: str) -> StatusRefused:
    # Ids and codes only: never the note, nor the item text a user typed.
    audit.record(db, "status_refused", now=now, actor_id=actor_id, reason=reason, plan=plan,
                 unit_id=unit_id, via=via)
    return StatusRefused(reason, plan=plan, unit_id=unit_id)


def clean_note(note: str | None) -> str | None:
    """The note as stored: NFC, trimmed; empty means none."""
    if note is None:
        return None
    cleaned = nfc(note).strip()
    return cleaned or None


def submit_status(
    db: Db,
    kb: KnowledgeBase,
    *,
    plan: str,
    unit_id: int,
    item_key: str | Item,
    state: str,
    note: str | None,
    actor_id: int | None,
    admin: bool,
    now: dt.datetime,
    via: str,
    today: dt.date,
    tz: dt.tzinfo,
) -> StatusRecord:
    """Record a unit's status on an item; return the new version with its receipt.

    `db` is a session (the version is then the session's object) or the bare connection of a
    transaction (`Core.run_statements`: the chat's path, without the session's own work).

    Checks, in order (the first failing one raises `StatusRefused` with that reason, after
    adding a "status_refused" audit entry): the state ("unknown_state"; a code, or any form
    `parse_state` reads); the note's length ("note_too_long", over `NOTE_MAX` characters);
    the leak guard ("marking": nothing of the note is kept); the unit exists, is not removed and
    belongs to the plan or to any plan ("unknown_unit"); the item (`scheduler.items.find_item`:
    an occurrence key, a one-off deadline or duty id, or a bare yearly id for the current occurrence;
    or the `Item` a caller has just found, not looked up again but it must be of `plan`;
    "unknown_item"); the unit is responsible for it ("not_responsible" — for admins and the
    command line too); the actor may report for the unit ("not_allowed": `actor_id` None is the
    command line, `admin` True an admin, anyone else must be an approved contact of exactly
    this plan and unit).

    The version is the latest + 1. On SQLite the transaction holds the write lock from its
    first statement (BEGIN IMMEDIATE), so two submissions cannot read the same latest. On
    PostgreSQL the unit's row is locked first (FOR NO KEY UPDATE: rows that merely point at the
    unit are not held up), so the submissions of one unit take turns: without it, twenty at once
    read the same latest and most of them failed, a retry losing the race again. The unique
    (plan, unit, item, version) constraint stays the backstop; the insert is retried once inside
    a savepoint.
    """
    if via not in STATUS_VIA:
        raise ValueError(f"unknown channel {via!r}")

    def refuse(reason: str) -> StatusRefused:
        return _refuse(db, reason, now=now, actor_id=actor_id, plan=plan, unit_id=unit_id,
                       via=via)

    code = state if state in STATES else parse_state(state)
    if code is None:
        raise refuse("unknown_state")
    note = clean_note(note)
    # The guard first: a long marked note is refused as marked.
    if note is not None and leak_guard.find_marking(note) is not None:
        raise refuse("marking")
    if note is not None and len(note) > NOTE_MAX:
        raise refuse("note_too_long")
    connection = connection_of(db)
    unit = connection.execute(_UNIT, {"unit_id": unit_id}).first()
    if unit is None or unit.plan not in (None, plan) or unit.retired_at is not None:
        raise refuse("unknown_unit")  # a removed unit reports no more (its history stays)
    if isinstance(item_key, Item):
        item = item_key if item_key.entry.plan == plan else None
    else:
        item = find_item(kb, plan, item_key, today, signed_dates(kb))
    if item is None:
        raise refuse("unknown_item")
    if not reports_on(kb, item, as_resolved(unit, kb.registry)):
        raise refuse("not_responsible")
    if not (actor_id is None or admin or _is_contact(connection, actor_id, plan, unit_id)):
        raise refuse("not_allowed")

    values = dict(plan=plan, unit_id=unit_id, item=item.key, item_kind=item.kind, year=item.year,
                  state=code, note=note, submitted_by=actor_id, via=via, created_at=now)
    record_id, version = _insert_next_version(db, connection, values)
    receipt = make_receipt(now, record_id, tz)
    connection.execute(_SET_RECEIPT, {"record_id": record_id, "receipt": receipt})
    # The row as stored, as if loaded (no SELECT): in a session, the session's object.
    record = StatusRecord(id=record_id, version=version, receipt=receipt, **values)
    make_transient_to_detached(record)
    if isinstance(db, Session):
        db.add(record)
    audit.record(connection, "status_submitted" if record.version == 1 else "status_corrected",
                 now=now, actor_id=actor_id, target=record.receipt, plan=plan, unit_id=unit_id,
                 item=item.key, state=code, version=record.version, via=via)
    return record


# The statements of every submission, built once on the tables (not the ORM classes) and run on
# the session's connection: a third of the cost per submission (bench/statuses.py).
_status_table = StatusRecord.__table__
_contact_table = Contact.__table__
_unit_table = UnitRecord.__table__
# PostgreSQL: the unit's row locked (FOR NO KEY UPDATE: rows that merely point at it are not held
# up) so that one unit's submissions take turns; SQLite renders no FOR clause (BEGIN IMMEDIATE).
_UNIT = select(_unit_table.c.plan, _unit_table.c.retired_at, _unit_table.c.name, _unit_table.c.kb_id,
               _unit_table.c.group_id).where(_unit_table.c.id == bindparam("unit_id")).with_for_update(
    key_share=True)
_IS_CONTACT = select(_contact_table.c.id).where(
    _contact_table.c.user_id == bindparam("user_id"), _contact_table.c.plan == bindparam("plan"),
    _contact_table.c.unit_id == bindparam("unit_id"), _contact_table.c.state == "approved").limit(1)
_LATEST_VERSION = select(func.max(_status_table.c.version)).where(
    _status_table.c.plan == bindparam("plan"), _status_table.c.unit_id == bindparam("unit_id"),
    _status_table.c.item == bindparam("item"))
_INSERT = insert(_status_table).returning(_status_table.c.id)
_SET_RECEIPT = (update(_status_table).where(_status_table.c.id == bindparam("record_id"))
                .values(receipt=bindparam("receipt")))


def _is_contact(connection: Connection, user_id: int, plan: str, unit_id: int) -> bool:
    found = connection.execute(
        _IS_CONTACT, {"user_id": user_id, "plan": plan, "unit_id": unit_id}).first()
    return found is not None


def _latest_version(connection: Connection, plan: str, unit_id: int, item: str) -> int:
    found = connection.execute(
        _LATEST_VERSION, {"plan": plan, "unit_id": unit_id, "item": item}).scalar()
    return int(found or 0)


def _may_race(connection: Connection) -> bool:
    """Whether another transaction can insert the same version between our read and our insert.

    Not on SQLite: its transactions here start with BEGIN IMMEDIATE, so writers are serialised
    and a savepoint would only add two round trips to every submission.
    """
    return connection.dialect.name != "sqlite"


def _insert_next_version(db: Db, connection: Connection, values: dict[str, Any]) -> tuple[int, int]:
    """Insert the next version of the item's status (on `db`'s `connection`); (its id, its version)."""
    for attempt in (1, 2):
        version = _latest_version(connection, values["plan"], values["unit_id"], values["item"]) + 1
        # A unique placeholder until the id is known; replaced before the transaction ends.
        row = {**values, "version": version, "receipt": f"pending-{secrets.token_hex(12)}"}
        if not _may_race(connection):
            return connection.execute(_INSERT, row).scalar_one(), version
        try:
            with db.begin_nested():  # a session's own savepoint, so that it knows of it...
                # ...which a session emits only when its connection is asked for inside the block
                record_id: int = connection_of(db).execute(_INSERT, row).scalar_one()
        except IntegrityError:
            if attempt == 2:
                raise
            continue
        return record_id, version
    raise AssertionError("unreachable")


def get_status(session: Session, status_id: int) -> StatusRecord | None:
    """One status version by id (e.g. from an admin's reply button)."""
    return session.get(StatusRecord, status_id)


@dataclass(frozen=True, slots=True)
class UnitReply:
    """Where an admin's reply to a status report goes: the unit's active approved contacts."""

    plan: str
    unit_name: str
    receipt: str
    item: str
    targets: list[int]


def unit_reply(session: Session, status_id: int, text: str) -> UnitReply | None:
    """The recipients of an admin's reply to status `status_id` (None if it is gone).

    The reply is sent on to the unit, so the leak guard judges it first: `leak_guard.MarkedText`.
    """
    leak_guard.check(text)
    record = session.get(StatusRecord, status_id)
    if record is None:
        return None
    unit = session.get(UnitRecord, record.unit_id)
    return UnitReply(record.plan, unit.name if unit is not None else "", record.receipt or "",
                     record.item, active_contacts(session, record.plan, record.unit_id))


def _latest_ids(plan: str, unit_id: int | None = None):
    """Subquery: (unit_id, item, highest version) per (unit, item) of the plan."""
    conditions = [StatusRecord.plan == plan]
    if unit_id is not None:
        conditions.append(StatusRecord.unit_id == unit_id)
    return (select(StatusRecord.unit_id, StatusRecord.item,
                   func.max(StatusRecord.version).label("version"))
            .where(*conditions)
            .group_by(StatusRecord.unit_id, StatusRecord.item)
            .subquery())


def _join_latest(latest):
    return and_(StatusRecord.unit_id == latest.c.unit_id, StatusRecord.item == latest.c.item,
                StatusRecord.version == latest.c.version)


def latest_for_unit(session: Session, plan: str, unit_id: int) -> dict[str, StatusRecord]:
    """Item key → the unit's latest status on it."""
    latest = _latest_ids(plan, unit_id)
    stmt = select(StatusRecord).join(latest, _join_latest(latest)).where(StatusRecord.plan == plan)
    return {record.item: record for record in session.scalars(stmt)}


def history(session: Session, plan: str, unit_id: int, limit: int = 20) -> list[StatusRecord]:
    """The unit's status versions on the plan, newest first."""
    stmt = (select(StatusRecord)
            .where(StatusRecord.plan == plan, StatusRecord.unit_id == unit_id)
            .order_by(StatusRecord.created_at.desc(), StatusRecord.id.desc())
            .limit(limit))
    return list(session.scalars(stmt))


def _reportable_ids(kb: KnowledgeBase, plan: str) -> frozenset[str]:
    return frozenset(u for e in kb.entries if e.plan == plan and isinstance(e, Deadline | Duty)
                     for u in e.units)


def expected_units(session: Session, kb: KnowledgeBase,
                   plan: str) -> list[tuple[UnitRecord, frozenset[str]]]:
    """The units expected to report on `plan`, with their memberships, in folded-name order.

    The plan's KB units (every registry unit whose memberships meet the unit and group ids the
    plan's deadlines and duties name) and the records added for the plan or for any plan
    (`units.units_for_plan`), keeping those responsible for at least one of those entries.
    """
    registry = kb.registry
    used = _reportable_ids(kb, plan)
    kb_ids = {uid for uid in kb.units_for(plan)
              if uid in used or not used.isdisjoint(registry.ancestors(uid))}
    out = []
    for record in units_for_plan(session, plan, kb_ids):
        member_of = memberships(record, registry)
        if not member_of.isdisjoint(used):
            out.append((record, member_of))
    return out


_REPORT_COLUMNS = (StatusRecord.unit_id, StatusRecord.item, StatusRecord.state,
                   StatusRecord.created_at, StatusRecord.note, StatusRecord.submitted_by,
                   StatusRecord.via, StatusRecord.receipt, StatusRecord.version)


def _submitter(first_name: str | None, username: str | None) -> str | None:
    if first_name is None and username is None:
        return None
    return " ".join(filter(None, (first_name, f"@{username}" if username else None))) or None


def _latest_reports(session: Session, plan: str) -> dict[tuple[int, str], Any]:
    """(unit id, item key) → the latest report's columns, for the whole plan in one query."""
    latest = _latest_ids(plan)
    stmt = (select(*_REPORT_COLUMNS, User.first_name, User.username)
            .join(latest, _join_latest(latest))
            .outerjoin(User, User.id == StatusRecord.submitted_by)
            .where(StatusRecord.plan == plan))
    return {(row.unit_id, row.item): row for row in session.execute(stmt)}


def overview(session: Session, kb: KnowledgeBase, plan: str, today: dt.date,
             item_key: str | None = None, *, duties: bool = False) -> list[ItemOverview]:
    """Per deadline item of the plan (`plan_items` order): the units reporting on it by latest state.

    With `duties`, the duty items (no due date) some unit has reported on follow, so a
    "vướng mắc" on a duty is seen too. With `item_key` (any key `find_item` takes), only that
    item; an unknown key, or a duty without `duties`, gives []. A unit whose latest report is
    "chưa thực hiện" is listed in `not_reported` (and in `not_started`), see `ItemOverview`.
    Two queries whatever the number of units.
    """
    signed = signed_dates(kb)
    reports = _latest_reports(session, plan)
    if item_key is None:
        reported = {key for _unit_id, key in reports}
        items = [i for i in plan_items(kb, plan, today, signed)
                 if i.kind == "deadline" or (duties and i.key in reported)]
    else:
        found = find_item(kb, plan, item_key, today, signed)
        items = [found] if found is not None and (duties or found.kind == "deadline") else []
    if not items:
        return []
    units = [(record, as_resolved(record, kb.registry)) for record, _ in expected_units(session, kb, plan)]
    states = {key: row.state for key, row in reports.items()}
    wording = kb.wording(plan)
    out = []
    for item in items:
        buckets: dict[str | None, list[str]] = {state: [] for state in (None, *STATES)}
        for record, resolved in units:
            if reports_on(kb, item, resolved):
                buckets[states.get((record.id, item.key))].append(wording.apply(record.name))
        out.append(ItemOverview(
            item=item, done=_by_name(buckets["hoan_thanh"]),
            in_progress=_by_name(buckets["dang_thuc_hien"]), blocked=_by_name(buckets["vuong_mac"]),
            not_reported=_by_name(buckets[None] + buckets["chua_thuc_hien"]),
            not_started=_by_name(buckets["chua_thuc_hien"])))
    return out


def _by_name(names: Iterable[str]) -> list[str]:
    return sorted(names, key=lambda name: (fold(name), name))


def _row(record_id: int, record_name: str, item: Item | None, item_key: str, item_kind: str,
         report: Any) -> StatusRow:
    if report is None:
        assert item is not None
        return StatusRow(record_id, record_name, item.key, item.kind, item.title, item.due)
    return StatusRow(
        record_id, record_name, item_key, item_kind,
        item.title if item is not None else item_key, item.due if item is not None else None,
        state=report.state, reported_at=report.created_at, note=report.note,
        submitted_by=report.submitted_by, submitter=_submitter(report.first_name, report.username),
        via=report.via, receipt=report.receipt, version=report.version)


def status_rows(session: Session, kb: KnowledgeBase, plan: str, today: dt.date) -> list[StatusRow]:
    """The status table: one row per expected unit × item it reports on (`plan_items`),
    with the latest report or none; by unit, then in item order. Two queries in all."""
    items = plan_items(kb, plan, today, signed_dates(kb))
    reports = _latest_reports(session, plan)
    wording = kb.wording(plan)
    rows = []
    for record, _member_of in expected_units(session, kb, plan):
        resolved = as_resolved(record, kb.registry)
        for item in items:
            if reports_on(kb, item, resolved):
                report = reports.get((record.id, item.key))
                rows.append(_row(record.id, wording.apply(record.name), item, item.key, item.kind,
                                 report))
    return rows


def history_rows(session: Session, kb: KnowledgeBase, plan: str, today: dt.date) -> list[StatusRow]:
    """Every status version of the plan, newest first, for the export's history sheet."""
    signed = signed_dates(kb)
    stmt = (select(*_REPORT_COLUMNS, StatusRecord.item_kind, UnitRecord.name.label("unit_name"),
                   User.first_name, User.username)
            .join(UnitRecord, UnitRecord.id == StatusRecord.unit_id)
            .outerjoin(User, User.id == StatusRecord.submitted_by)
            .where(StatusRecord.plan == plan)
            .order_by(StatusRecord.created_at.desc(), StatusRecord.id.desc()))
    found: dict[str, Item | None] = {}
    wording = kb.wording(plan)
    rows = []
    for report in session.execute(stmt):
        if report.item not in found:
            found[report.item] = find_item(kb, plan, report.item, today, signed)
        rows.append(_row(report.unit_id, wording.apply(report.unit_name), found[report.item],
                         report.item,
                         report.item_kind, report))
    return rows
