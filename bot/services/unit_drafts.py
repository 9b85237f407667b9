"""Choices waiting for "Xác nhận": a contact's plan and unit, an admin's change to the registry.

One draft per user; starting another replaces it, and its id changes (ids are never given
again), so a confirmation button of an earlier draft finds nothing and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from sqlalchemy import CursorResult, delete, select
from sqlalchemy.orm import Session

from bot.db.models import UNIT_DRAFT_ACTIONS, UnitDraft

__all__ = ["clear", "current", "start"]


def start(session: Session, user_id: int, action: str, now: dt.datetime, *,
          plan: str | None = None, unit_id: int | None = None, name: str | None = None,
          group_id: str | None = None) -> UnitDraft:
    """Replace the user's draft with a new one; the caller has checked its content."""
    if action not in UNIT_DRAFT_ACTIONS:
        raise ValueError(f"unknown draft action {action!r}")
    clear(session, user_id)
    draft = UnitDraft(user_id=user_id, action=action, plan=plan, unit_id=unit_id, name=name,
                      group_id=group_id, created_at=now)
    session.add(draft)
    session.flush()
    return draft


def current(session: Session, user_id: int, draft_id: int, *actions: str) -> UnitDraft | None:
    """The user's draft if it is `draft_id` (and one of `actions`); None for an older button."""
    draft = session.scalars(select(UnitDraft).where(UnitDraft.user_id == user_id)).first()
    if draft is None or draft.id != draft_id or (actions and draft.action not in actions):
        return None
    return draft


def clear(session: Session, user_id: int) -> bool:
    """Drop the user's draft; whether there was one."""
    result = session.execute(delete(UnitDraft).where(UnitDraft.user_id == user_id)
                             .execution_options(synchronize_session="fetch"))
    return bool(cast(CursorResult[Any], result).rowcount)
