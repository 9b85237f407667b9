"""The question log: what was asked and answered, the 👍/👎 feedback, and what went unanswered.

The standing office reads the unanswered questions to grow the knowledge base; feedback tells
which answers missed. Only a question's own author can rate its answer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from bot import leak_guard
from bot.db.engine import Db
from bot.db.models import FEEDBACK_VALUES, QuestionLog

__all__ = ["QUESTION_MAX", "get_question", "log_question", "record_feedback", "unanswered"]

# Longer texts are refused before the lookup (a question is a sentence or two, not a document).
QUESTION_MAX = 1000


_log = QuestionLog.__table__
# One statement object for every question (see `updates.claim_update` for why).
_LOG_QUESTION = insert(_log).returning(_log.c.id)


def log_question(
    db: Db,
    user_id: int,
    plan: str | None,
    question: str,
    answered: bool,
    coverage: float | None,
    entry_ids: Iterable[str],
    suggestions: Iterable[str],
    now: dt.datetime,
) -> int:
    """Log a question the assistant handled; `leak_guard.MarkedText` for marked text, unlogged."""
    leak_guard.check(question)
    # A Core INSERT: this runs for every question, and the ORM unit of work triples its cost.
    return db.execute(_LOG_QUESTION, {
        "user_id": user_id, "plan": plan, "question": question, "answered": answered,
        "coverage": coverage, "entry_ids": list(entry_ids), "suggestions": list(suggestions),
        "created_at": now}).scalar_one()


def get_question(session: Session, question_id: int) -> QuestionLog | None:
    return session.get(QuestionLog, question_id)


def record_feedback(session: Session, question_id: int, user_id: int, value: str,
                    now: dt.datetime) -> bool:
    """Store "up"/"down" for the user's own question; a later press overwrites.

    False, changing nothing, for an unknown question, someone else's, or another value — the
    callback data comes from the client and is not trusted.
    """
    if value not in FEEDBACK_VALUES:
        return False
    row = session.get(QuestionLog, question_id)
    if row is None or row.user_id != user_id:
        return False
    row.feedback = value
    row.feedback_at = now
    session.flush()
    return True


def unanswered(session: Session, limit: int = 20, plan: str | None = None) -> list[QuestionLog]:
    """The latest questions the assistant could not answer, newest first."""
    stmt = select(QuestionLog).where(QuestionLog.answered.is_(False))
    if plan is not None:
        stmt = stmt.where(QuestionLog.plan == plan)
    stmt = stmt.order_by(QuestionLog.created_at.desc(), QuestionLog.id.desc()).limit(limit)
    return list(session.scalars(stmt))
