"""Reminder subscriptions: which contact is reminded of which unit's deadlines, and how.

A contact is subscribed when they become the approved contact of a unit (`subscribe`) and
unsubscribed when that ends (`unsubscribe_user`: the row is deleted; ids are never reused, so
delivery keys made of them stay unique). The user's settings — everything muted, some deadlines
muted, the lead days — are changed by the user only: every change re-authorises the
subscription against the user id (`SubscriptionError("not_found")` otherwise). A user who
blocked the bot is paused (`pause_user`) until `resume_user` or `subscribe`.

The delivery job reads `active_subscriptions` every minute for up to 100,000 subscriptions: two
queries, whatever the number.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import CursorResult, String, Text, and_, delete, func, select, type_coerce, update
from sqlalchemy import cast as sql_cast
from sqlalchemy.orm import Session

from bot.db.engine import Db, dialect_insert
from bot.db.models import DEFAULT_LEAD_DAYS, Contact, StatusRecord, Subscription, UnitRecord, User
from bot.services import ServiceError
from bot.services.units import as_resolved
from knowledge.units import UnitRegistry
from scheduler.planning import SubscriptionView

__all__ = [
    "DEFAULT_LEAD_DAYS",
    "MAX_LEAD_DAY",
    "MAX_LEAD_VALUES",
    "ActiveSubscriptions",
    "SubscriptionError",
    "active_subscriptions",
    "active_views",
    "done_occurrences",
    "for_user",
    "mute_item",
    "pause_user",
    "resume_user",
    "set_lead_days",
    "set_muted",
    "subscribe",
    "unsubscribe_user",
]

MAX_LEAD_VALUES = 5
MAX_LEAD_DAY = 30
_MAX_ITEM = 100  # characters of a deadline id (as `statuses.item`)
_DONE = "hoan_thanh"


class SubscriptionError(ServiceError):
    """reason: "not_found" | "bad_lead_days" | "bad_item" | "unit_not_found" | "wrong_plan"."""


def _rowcount(result: Any) -> int:
    return cast(CursorResult[Any], result).rowcount


def subscribe(session: Session, user_id: int, plan: str, unit_id: int, now: dt.datetime) -> Subscription:
    """Subscribe the user to the reminders of a unit of a plan; return the subscription.

    Idempotent (one upsert on (user, plan, unit)): subscribing again keeps the settings and
    un-pauses. Raises "unit_not_found", or "wrong_plan" for a unit added for another plan.
    """
    unit = session.get(UnitRecord, unit_id)
    if unit is None:
        raise SubscriptionError("unit_not_found", unit_id=unit_id)
    if unit.plan is not None and unit.plan != plan:
        raise SubscriptionError("wrong_plan", unit_id=unit_id, plan=plan)
    stmt = dialect_insert(session)(Subscription.__table__).values(
        user_id=user_id, plan=plan, unit_id=unit_id, lead_days=list(DEFAULT_LEAD_DAYS), muted=False,
        muted_items=[], paused=False, created_at=now, updated_at=now,
    ).on_conflict_do_update(
        index_elements=["user_id", "plan", "unit_id"], set_={"paused": False, "updated_at": now},
    )
    session.execute(stmt)
    found = session.scalars(
        select(Subscription)
        .where(Subscription.user_id == user_id, Subscription.plan == plan,
               Subscription.unit_id == unit_id)
        .execution_options(populate_existing=True)
    ).one()
    return found


def unsubscribe_user(session: Session, user_id: int) -> int:
    """End every subscription of the user (their contact was replaced or rejected); how many."""
    result = session.execute(delete(Subscription).where(Subscription.user_id == user_id)
                             .execution_options(synchronize_session="fetch"))
    return _rowcount(result)


def for_user(session: Session, user_id: int) -> list[Subscription]:
    """The user's subscriptions, oldest first."""
    stmt = (select(Subscription).where(Subscription.user_id == user_id)
            .order_by(Subscription.created_at, Subscription.id))
    return list(session.scalars(stmt))


def _owned(session: Session, subscription_id: int, user_id: int) -> Subscription:
    """The subscription, if it is the user's (callback data is re-authorised here)."""
    found = session.get(Subscription, subscription_id)
    if found is None or found.user_id != user_id:
        raise SubscriptionError("not_found", subscription_id=subscription_id)
    return found


def set_muted(session: Session, subscription_id: int, user_id: int, muted: bool,
              now: dt.datetime) -> Subscription:
    """Mute or resume every reminder of the user's subscription."""
    found = _owned(session, subscription_id, user_id)
    found.muted = bool(muted)
    found.updated_at = now
    session.flush()
    return found


def mute_item(session: Session, subscription_id: int, user_id: int, deadline_id: str, muted: bool,
              now: dt.datetime) -> Subscription:
    """Mute or resume the reminders of one deadline (every occurrence of a yearly one).

    The deadline id is checked for shape only ("bad_item"); the caller knows the KB.
    """
    if not isinstance(deadline_id, str) or not 0 < len(deadline_id) <= _MAX_ITEM or "@" in deadline_id:
        raise SubscriptionError("bad_item", deadline_id=str(deadline_id)[:_MAX_ITEM])
    found = _owned(session, subscription_id, user_id)
    items = set(found.muted_items or [])
    if muted:
        items.add(deadline_id)
    else:
        items.discard(deadline_id)
    found.muted_items = sorted(items)  # a new list: JSON columns track assignment, not mutation
    found.updated_at = now
    session.flush()
    return found


def _check_lead_days(lead_days: Sequence[int]) -> list[int]:
    values = list(lead_days) if isinstance(lead_days, list | tuple) else None
    if (values is None or not 0 < len(values) <= MAX_LEAD_VALUES
            or any(isinstance(d, bool) or not isinstance(d, int) or not 1 <= d <= MAX_LEAD_DAY
                   for d in values)
            or len(set(values)) != len(values)):
        raise SubscriptionError("bad_lead_days")
    return sorted(values, reverse=True)


def set_lead_days(session: Session, subscription_id: int, user_id: int, lead_days: tuple[int, ...],
                  now: dt.datetime) -> Subscription:
    """How many days before a due date the reminders come: 1 to 5 distinct days in 1..30.

    Raises "bad_lead_days" (nothing changed) or "not_found". Stored largest first.
    """
    values = _check_lead_days(lead_days)
    found = _owned(session, subscription_id, user_id)
    found.lead_days = values
    found.updated_at = now
    session.flush()
    return found


def pause_user(session: Session, user_id: int, now: dt.datetime) -> int:
    """The user blocked the bot (Forbidden): pause their subscriptions; how many were paused."""
    result = session.execute(
        update(Subscription)
        .where(Subscription.user_id == user_id, Subscription.paused.is_(False))
        .values(paused=True, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return _rowcount(result)


def resume_user(db: Db, user_id: int, now: dt.datetime) -> int:
    """The user is back (wrote again, or unblocked the bot): resume their paused subscriptions."""
    table = Subscription.__table__
    result = db.execute(
        update(table)
        .where(table.c.user_id == user_id, table.c.paused.is_(True))
        .values(paused=False, updated_at=now)
    )
    return _rowcount(result)


@dataclass(frozen=True, slots=True)
class ActiveSubscriptions:
    """The subscriptions to remind now, as planning takes them, and who receives each."""

    views: list[SubscriptionView] = field(default_factory=list)
    user_of: dict[int, int] = field(default_factory=dict)  # subscription id → Telegram user id


# id, user id, plan, unit id, created_at (raw), lead_days and muted_items (JSON text), muted
_ActiveRow = tuple[int, int, str, int, dt.datetime | str, str | None, bool, str | None]


def active_subscriptions(session: Session, registry: UnitRegistry) -> ActiveSubscriptions:
    """Subscriptions not paused, of active users, whose user is the approved contact of exactly
    that plan and unit; by id. Two queries: the subscriptions, then their units.

    The delivery job calls this every minute for up to 100,000 subscriptions, so the rows are
    read with Core, not the ORM, and the JSON settings come as text, each distinct text decoded
    once: most subscriptions share the same lead days and muted items, and decoding them row by
    row (with the ORM's per-row work) was most of the job's time.
    """
    subs, users, contacts = Subscription.__table__, User.__table__, Contact.__table__
    stmt = (
        select(subs.c.id, subs.c.user_id, subs.c.plan, subs.c.unit_id,
               type_coerce(subs.c.created_at, _RAW), sql_cast(subs.c.lead_days, Text),
               subs.c.muted, sql_cast(subs.c.muted_items, Text))
        .join(users, users.c.id == subs.c.user_id)
        .join(contacts, and_(contacts.c.user_id == subs.c.user_id, contacts.c.plan == subs.c.plan,
                             contacts.c.unit_id == subs.c.unit_id, contacts.c.state == "approved"))
        .where(subs.c.paused.is_(False), users.c.active.is_(True))
        .order_by(subs.c.id)
    )
    rows = cast(list[_ActiveRow], session.connection().execute(stmt).all())
    if not rows:
        return ActiveSubscriptions()
    units = UnitRecord.__table__
    records = session.connection().execute(
        select(units.c.id, units.c.name, units.c.kb_id, units.c.group_id)
        .where(units.c.id.in_(select(subs.c.unit_id).distinct())))
    resolved = {record.id: as_resolved(record, registry) for record in records}
    lead_of: dict[str | None, tuple[int, ...]] = {}
    muted_of: dict[str | None, frozenset[str]] = {}
    views: list[SubscriptionView] = []
    user_of: dict[int, int] = {}
    for sid, user_id, plan, unit_id, created_at, lead_text, muted, muted_text in rows:
        lead_days = lead_of.get(lead_text)
        if lead_days is None:
            lead_days = lead_of[lead_text] = tuple(_decoded(lead_text) or DEFAULT_LEAD_DAYS)
        muted_items = muted_of.get(muted_text)
        if muted_items is None:
            muted_items = muted_of[muted_text] = frozenset(_decoded(muted_text) or ())
        views.append(SubscriptionView(
            id=sid, plan=plan, unit_id=unit_id, unit=resolved[unit_id], created_at=_utc(created_at),
            lead_days=lead_days, muted=bool(muted), muted_items=muted_items))
        user_of[sid] = user_id
    return ActiveSubscriptions(views, user_of)


_RAW = String()  # no result processing: the driver's own value (`_utc` converts it)


def _decoded(text: str | None) -> Any:
    """A JSON column read as text (None for SQL NULL or JSON null)."""
    return None if text is None else json.loads(text)


def _utc(value: dt.datetime | str) -> dt.datetime:
    """A `UTCDateTime` read raw, aware UTC as the column type would give it: SQLite gives its
    stored text, naive UTC (parsed with the offset appended: several times cheaper than
    `replace`), PostgreSQL an aware datetime."""
    if isinstance(value, str):
        return dt.datetime.fromisoformat(value + "+00:00")
    return value if value.tzinfo is dt.UTC else value.astimezone(dt.UTC)


def active_views(session: Session, registry: UnitRegistry) -> list[SubscriptionView]:
    """`active_subscriptions` as planning takes them (without the recipients)."""
    return active_subscriptions(session, registry).views


def done_occurrences(session: Session, plan: str | None = None) -> set[tuple[int, str]]:
    """(unit id, item key) pairs whose latest status is "hoàn thành", in one query.

    Item keys are occurrence keys ("id" or "id@YYYY"), as `Reminder.occurrence.key`.
    """
    conditions = [] if plan is None else [StatusRecord.plan == plan]
    latest = (select(StatusRecord.plan, StatusRecord.unit_id, StatusRecord.item,
                     func.max(StatusRecord.version).label("version"))
              .where(*conditions)
              .group_by(StatusRecord.plan, StatusRecord.unit_id, StatusRecord.item)
              .subquery())
    stmt = (select(StatusRecord.unit_id, StatusRecord.item)
            .join(latest, and_(StatusRecord.plan == latest.c.plan,
                               StatusRecord.unit_id == latest.c.unit_id,
                               StatusRecord.item == latest.c.item,
                               StatusRecord.version == latest.c.version))
            .where(StatusRecord.state == _DONE))
    return {(unit_id, item) for unit_id, item in session.execute(stmt)}
