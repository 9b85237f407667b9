"""Process each Telegram update once: Telegram redelivers updates after timeouts and restarts.

The claim is one `INSERT … ON CONFLICT DO NOTHING`, so two processes racing on the same update
cannot both win. The gate commits it before any feature runs (see `handlers.gate`).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any, cast

from sqlalchemy import CursorResult, Insert, delete
from sqlalchemy.orm import Session

from bot.db.engine import Db, dialect_insert
from bot.db.models import ProcessedUpdate

__all__ = ["claim_update", "prune_updates"]


@functools.cache
def _claim_statement(insert: Callable[..., Any]) -> Insert:
    # Built once per database kind (its `insert`) and reused: SQLAlchemy then finds the compiled
    # form by the statement's memoised cache key instead of building and hashing one per update.
    table = ProcessedUpdate.__table__
    return (insert(table)
            .on_conflict_do_nothing(index_elements=["update_id"])
            # rowcount is not reliable for INSERT … RETURNING on PostgreSQL
            .returning(table.c.update_id))


def claim_update(db: Db, update_id: int, now: dt.datetime) -> bool:
    """True the first time `update_id` is claimed, False ever after."""
    result = db.execute(_claim_statement(dialect_insert(db)),
                        {"update_id": update_id, "processed_at": now})
    return result.first() is not None


def prune_updates(session: Session, before: dt.datetime) -> int:
    """Forget updates processed before `before` (Telegram keeps them 24 hours); return how many."""
    result = cast(
        CursorResult[Any],
        session.execute(delete(ProcessedUpdate).where(ProcessedUpdate.processed_at < before)),
    )
    return result.rowcount
