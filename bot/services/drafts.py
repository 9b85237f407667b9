"""Report drafts: the status a contact is composing in the chat, one per user, in the database.

The chat asks for the item, then the state, then an optional note, over several updates; keeping
the draft in a table (not in memory) means a restart in the middle loses nothing. A draft note
passes the same checks as a submitted one (length, leak guard) before it is kept.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.db.engine import dialect_insert
from bot.db.models import NOTE_MAX, STATUS_STATES, ReportDraft
from bot.leak_guard import find_marking
from bot.services import audit
from bot.services.statuses import StatusRefused, clean_note

__all__ = ["UNSET", "clear_draft", "get_draft", "save_draft"]


class _Unset:
    """The type of `UNSET`: "argument not given", as opposed to None ("clear it")."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = _Unset()


def save_draft(
    session: Session,
    user_id: int,
    plan: str,
    unit_id: int,
    now: dt.datetime,
    *,
    item: str | _Unset | None = UNSET,
    state: str | _Unset | None = UNSET,
    note: str | _Unset | None = UNSET,
) -> ReportDraft:
    """Create or update the user's draft for (plan, unit); return it.

    Keyword arguments given replace the stored values (None clears one); those not given keep
    them. A draft for another plan or unit is started afresh (item, state and note cleared
    before applying the arguments). Raises `StatusRefused` "unknown_state" for a state that is
    not a code, "note_too_long", or "marking" (after an audit entry; the note is not kept).
    The user must have a row (`users.touch_user`).
    """
    if isinstance(state, str) and state not in STATUS_STATES:
        raise StatusRefused("unknown_state")
    if not isinstance(note, _Unset):
        note = clean_note(note)
        if note is not None and find_marking(note) is not None:
            audit.record(session, "status_refused", now=now, actor_id=user_id, reason="marking",
                         plan=plan, unit_id=unit_id, via="chat", draft=True)
            raise StatusRefused("marking")
        if note is not None and len(note) > NOTE_MAX:
            raise StatusRefused("note_too_long")
    # The row exists after this statement whatever another transaction did (no lost race on
    # PostgreSQL); then it is locked (FOR UPDATE, a no-op on SQLite) and updated.
    insert = dialect_insert(session)
    session.execute(insert(ReportDraft).values(user_id=user_id, plan=plan, unit_id=unit_id,
                                               updated_at=now)
                    .on_conflict_do_nothing(index_elements=[ReportDraft.user_id]))
    draft = session.scalars(
        select(ReportDraft).where(ReportDraft.user_id == user_id).with_for_update()
        .execution_options(populate_existing=True)).one()
    if (draft.plan, draft.unit_id) != (plan, unit_id):
        draft.plan, draft.unit_id = plan, unit_id
        draft.item = draft.state = draft.note = None
    changes: dict[str, Any] = {"item": item, "state": state, "note": note}
    for name, value in changes.items():
        if not isinstance(value, _Unset):
            setattr(draft, name, value)
    draft.updated_at = now
    session.flush()
    return draft


def get_draft(session: Session, user_id: int) -> ReportDraft | None:
    """The user's draft, if any."""
    return session.get(ReportDraft, user_id)


def clear_draft(session: Session, user_id: int) -> None:
    """Forget the user's draft (sent, cancelled or abandoned); nothing happens if there is none."""
    session.execute(delete(ReportDraft).where(ReportDraft.user_id == user_id)
                    .execution_options(synchronize_session="fetch"))
