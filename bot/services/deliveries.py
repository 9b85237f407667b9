"""The delivery log: each message the bot sends on its own (reminders, catch-ups, digests,
announcements) is claimed under a unique key before it is sent, so it is sent once.

A claim is one ``INSERT … ON CONFLICT (key) DO NOTHING``: of two processes claiming one key,
exactly one inserts and sends, on SQLite and PostgreSQL alike. The caller commits the claim
before sending and marks the row afterwards (`mark_sent`, `mark_failed`) in another short
transaction. A row left "claimed" (the process died between claim and mark) or "failed" with a
`next_attempt_at` is taken over later by `reclaim`.

Rows carry ids, codes and times only — never the message text, which is rendered again from
the key when a message is retried.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from typing import Any, cast

from sqlalchemy import CursorResult, and_, delete, func, or_, select, update
from sqlalchemy.orm import Session

from bot.db.engine import dialect_insert
from bot.db.models import DELIVERY_KINDS, Delivery
from bot.services import ServiceError

__all__ = [
    "DEFAULT_STALE_AFTER",
    "MAX_ATTEMPTS",
    "DeliveryError",
    "batch_keys",
    "claim",
    "claim_many",
    "counts",
    "delivered_keys",
    "mark_failed",
    "mark_sent",
    "prune",
    "reclaim",
]

DEFAULT_STALE_AFTER = dt.timedelta(minutes=10)
MAX_ATTEMPTS = 8  # a claimed row found stale after this many attempts is given up
_MAX_KEY = 200
_MAX_PROCESS = 100
_MAX_ERROR = 64
_CHUNK = 500  # rows per multi-row INSERT (SQLite caps the number of bound parameters)


class DeliveryError(ServiceError):
    """reason: "bad_key" | "bad_kind" | "bad_process"."""


def _rowcount(result: Any) -> int:
    return cast(CursorResult[Any], result).rowcount


def _check(key: str, kind: str, process: str) -> None:
    if not isinstance(key, str) or not 0 < len(key) <= _MAX_KEY:
        raise DeliveryError("bad_key", key=str(key)[:_MAX_KEY])
    if kind not in DELIVERY_KINDS:
        raise DeliveryError("bad_kind", kind=kind)
    if not isinstance(process, str) or not 0 < len(process) <= _MAX_PROCESS:
        raise DeliveryError("bad_process")


def _row(key: str, *, user_id: int, kind: str, subscription_id: int | None, process: str,
         now: dt.datetime, batch_key: str | None = None) -> dict[str, Any]:
    return dict(key=key, user_id=user_id, subscription_id=subscription_id, kind=kind, state="claimed",
                batch_key=batch_key, claimed_by=process, claimed_at=now, sent_at=None, attempts=1,
                next_attempt_at=None, last_error=None, created_at=now)


def claim(session: Session, key: str, *, user_id: int, kind: str, subscription_id: int | None,
          process: str, now: dt.datetime) -> bool:
    """Claim `key` for sending; True only for the one caller that inserted it.

    Commit before sending: the committed row is what keeps every other process (and this one,
    after a restart) from sending the message again.
    """
    _check(key, kind, process)
    stmt = (dialect_insert(session)(Delivery.__table__)
            .values(**_row(key, user_id=user_id, kind=kind, subscription_id=subscription_id,
                           process=process, now=now))
            .on_conflict_do_nothing(index_elements=["key"])
            # RETURNING, not rowcount: PostgreSQL reports -1 for an INSERT that returns rows, and
            # SQLAlchemy adds an implicit RETURNING for the generated id there.
            .returning(Delivery.__table__.c.id))
    return session.execute(stmt).first() is not None


def claim_many(session: Session, key: str, collapsed: Iterable[str], *, user_id: int,
               subscription_id: int | None, process: str, now: dt.datetime,
               kind: str = "catch_up") -> list[str]:
    """Claim a catch-up message `key` together with the reminder keys it collapses.

    Returns the collapsed keys claimed by this call, in the given order — those another process
    had claimed already are left out (the message must not repeat them). Empty means nothing is
    to be sent: `key` was claimed before, or every collapsed key was; then nothing is kept.
    The collapsed rows ("reminder" rows with `batch_key` = `key`) follow the catch-up row in
    `mark_sent` / `mark_failed` / `reclaim`. All in the caller's transaction.
    """
    wanted = list(dict.fromkeys(collapsed))
    for reminder_key in wanted:
        _check(reminder_key, "reminder", process)
    if not claim(session, key, user_id=user_id, kind=kind, subscription_id=subscription_id,
                 process=process, now=now):
        return []
    table = Delivery.__table__
    claimed: set[str] = set()
    for start in range(0, len(wanted), _CHUNK):
        rows = [_row(k, user_id=user_id, kind="reminder", subscription_id=subscription_id,
                     process=process, now=now, batch_key=key) for k in wanted[start:start + _CHUNK]]
        stmt = (dialect_insert(session)(table).values(rows)
                .on_conflict_do_nothing(index_elements=["key"]).returning(table.c.key))
        claimed.update(session.scalars(stmt))
    if not claimed:
        session.execute(delete(Delivery).where(Delivery.key == key))
        return []
    return [k for k in wanted if k in claimed]


def mark_sent(session: Session, key: str, now: dt.datetime) -> bool:
    """The message `key` was sent (with the reminders it collapsed); False if there is no row."""
    result = session.execute(
        update(Delivery)
        .where(or_(Delivery.key == key, Delivery.batch_key == key))
        .values(state="sent", sent_at=now, next_attempt_at=None, last_error=None)
        .execution_options(synchronize_session=False)
    )
    return _rowcount(result) > 0


def mark_failed(session: Session, key: str, error_code: str, now: dt.datetime,
                retry_at: dt.datetime | None) -> bool:
    """Sending `key` failed: `error_code` is a short code (an exception's class name, "forbidden"…),
    never message text; `retry_at` None means never again, else `reclaim` takes it from then.
    `now` is accepted for symmetry with `mark_sent` (the failure time is not kept)."""
    del now
    code = (error_code or "error")[:_MAX_ERROR]
    result = session.execute(
        update(Delivery).where(Delivery.key == key)
        .values(state="failed", next_attempt_at=retry_at, last_error=code)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(Delivery).where(Delivery.batch_key == key)
        .values(state="failed", next_attempt_at=None, last_error=code)
        .execution_options(synchronize_session=False)
    )
    return _rowcount(result) > 0


def delivered_keys(session: Session, since: dt.datetime,
                   kinds: Collection[str] | None = None) -> set[str]:
    """Keys of every row created since `since` (optionally of some kinds), whatever its state.

    Claimed, sent and failed alike: a key in the log can never be claimed again, so planning
    must not return it (a failed one is retried by `reclaim`, or given up).
    """
    stmt = select(Delivery.key).where(Delivery.created_at >= since)
    if kinds is not None:
        stmt = stmt.where(Delivery.kind.in_(sorted(kinds)))
    return set(session.scalars(stmt))


def reclaim(session: Session, process: str, now: dt.datetime,
            stale_after: dt.timedelta = DEFAULT_STALE_AFTER, limit: int = 100, *,
            kinds: Collection[str] | None = None,
            max_attempts: int = MAX_ATTEMPTS) -> list[Delivery]:
    """Take over the messages to send again, oldest first, and return them claimed by `process`.

    Those are: failed rows whose `next_attempt_at` has come, and rows still "claimed" after
    `stale_after` (their process died between claiming and marking). Collapsed reminder rows come
    with their catch-up row, never on their own. A stale row that has had `max_attempts` already
    is given up instead (failed, "abandoned"). Each returned row has one more attempt and is
    "claimed" again with `claimed_at` = `now`, so no other process takes it for `stale_after`.

    On PostgreSQL the rows are locked with ``FOR UPDATE SKIP LOCKED``: two processes reclaiming
    at once take different rows. On SQLite the transaction (BEGIN IMMEDIATE) already serialises
    them. Commit before sending, as for `claim`.
    """
    if not isinstance(process, str) or not 0 < len(process) <= _MAX_PROCESS:
        raise DeliveryError("bad_process")
    due = or_(
        and_(Delivery.state == "failed", Delivery.next_attempt_at.is_not(None),
             Delivery.next_attempt_at <= now),
        and_(Delivery.state == "claimed", Delivery.claimed_at < now - stale_after),
    )
    stmt = select(Delivery).where(due, Delivery.batch_key.is_(None))
    if kinds is not None:
        stmt = stmt.where(Delivery.kind.in_(sorted(kinds)))
    stmt = stmt.order_by(Delivery.id).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    taken: list[Delivery] = []
    for row in session.scalars(stmt.execution_options(populate_existing=True)):
        if row.state == "claimed" and row.attempts >= max_attempts:
            row.state, row.last_error, row.next_attempt_at = "failed", "abandoned", None
            continue
        row.state, row.claimed_by, row.claimed_at = "claimed", process, now
        row.attempts += 1
        row.next_attempt_at = None
        taken.append(row)
    batches = [row.key for row in taken if row.kind == "catch_up"]
    if batches:
        session.execute(
            update(Delivery).where(Delivery.batch_key.in_(batches))
            .values(state="claimed", claimed_by=process, claimed_at=now, last_error=None)
            .execution_options(synchronize_session=False)
        )
    session.flush()
    return taken


def batch_keys(session: Session, key: str) -> list[str]:
    """The reminder keys collapsed into the catch-up message `key`, in claim order."""
    stmt = select(Delivery.key).where(Delivery.batch_key == key).order_by(Delivery.id)
    return list(session.scalars(stmt))


def counts(session: Session) -> dict[str, int]:
    """Messages by state: "claimed" (being sent, or stuck until reclaimed), "sent", "failed",
    and "retrying" (the failed ones with a next attempt). Reminders collapsed into a catch-up
    message are not counted apart from it."""
    out = {"claimed": 0, "sent": 0, "failed": 0}
    stmt = (select(Delivery.state, func.count(), func.count(Delivery.next_attempt_at))
            .where(Delivery.batch_key.is_(None))
            .group_by(Delivery.state))
    retrying = 0
    for state, total, with_next in session.execute(stmt):
        out[state] = total
        if state == "failed":
            retrying = with_next
    out["retrying"] = retrying
    return out


def prune(session: Session, before: dt.datetime) -> int:
    """Forget finished deliveries created before `before`; return how many rows went.

    Planning only asks for keys of the last 35 days (its look-back is 30), so rows well past that
    can never be claimed again; rows still waiting for a retry are kept.
    """
    table = Delivery.__table__
    stmt = delete(table).where(
        table.c.created_at < before,
        or_(table.c.state == "sent", and_(table.c.state == "failed", table.c.next_attempt_at.is_(None))))
    return _rowcount(session.execute(stmt))
