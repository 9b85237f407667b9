"""Process each Telegram update once: Telegram redelivers updates after timeouts and restarts.

The claim is one `INSERT … ON CONFLICT DO NOTHING`, so two processes racing on the same update
cannot both win, and it commits together with whatever the handler changed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from sqlalchemy import CursorResult, delete
from sqlalchemy.orm import Session

from bot.db import dialect_insert
from bot.models import ProcessedUpdate

__all__ = ["claim_update", "prune_updates"]


def claim_update(session: Session, update_id: int, now: dt.datetime) -> bool:
    """True the first time `update_id` is claimed, False ever after."""
    table = ProcessedUpdate.__table__
    stmt = (
        dialect_insert(session)(table)
        .values(update_id=update_id, processed_at=now)
        .on_conflict_do_nothing(index_elements=["update_id"])
        .returning(table.c.update_id)  # rowcount is not reliable for INSERT … RETURNING on PostgreSQL
    )
    return session.execute(stmt).first() is not None


def prune_updates(session: Session, before: dt.datetime) -> int:
    """Forget updates processed before `before` (Telegram keeps them 24 hours); return how many."""
    result = cast(
        CursorResult[Any],
        session.execute(delete(ProcessedUpdate).where(ProcessedUpdate.processed_at < before)),
    )
    return result.rowcount
