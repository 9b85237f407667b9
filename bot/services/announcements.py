"""Announcements of the standing office to every contact of a plan (/thongbao).

A draft is confirmed once (a conditional UPDATE), then sent through the delivery log so each
contact gets it once even if two processes or two presses try (a crash may repeat only a
message in flight, see `bot.jobs.delivery`). The leak guard judges
the text before a draft is kept and again when it is confirmed for sending.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import CursorResult, update
from sqlalchemy.orm import Session

from bot import leak_guard
from bot.db.models import Announcement
from bot.services import ServiceError, contacts

__all__ = ["ANNOUNCEMENT_MAX", "AnnouncementError", "Prepared", "cancel", "confirm", "create_draft",
           "finish", "get", "prepare", "recipients"]

ANNOUNCEMENT_MAX = 1000


class AnnouncementError(ServiceError):
    """reason: "empty" | "too_long" | "marking" (at confirmation; the draft is cancelled)."""


@dataclass(frozen=True, slots=True)
class Prepared:
    """What `prepare` did: the draft kept (None when nobody would receive it) and the count."""

    draft: Announcement | None
    recipients: int


def _checked(text: str) -> str:
    text = text.strip()
    if not text:
        raise AnnouncementError("empty")
    if len(text) > ANNOUNCEMENT_MAX:
        raise AnnouncementError("too_long")
    leak_guard.check(text)
    return text


def prepare(session: Session, plan: str, text: str, admin_id: int, now: dt.datetime) -> Prepared:
    """Judge the text (whoever would receive it), then keep a draft if the plan has recipients.

    Raises `AnnouncementError` "empty"/"too_long", or `leak_guard.MarkedText`: nothing kept.
    """
    text = _checked(text)
    count = len(recipients(session, plan))
    return Prepared(create_draft(session, plan, text, admin_id, now) if count else None, count)


def create_draft(session: Session, plan: str, text: str, admin_id: int, now: dt.datetime) -> Announcement:
    """Keep a draft; the same checks as `prepare`."""
    row = Announcement(plan=plan, text=_checked(text), created_by=admin_id, created_at=now, state="draft")
    session.add(row)
    session.flush()
    return row


def get(session: Session, announcement_id: int) -> Announcement | None:
    return session.get(Announcement, announcement_id)


def confirm(session: Session, announcement_id: int, admin_id: int, now: dt.datetime) -> bool:
    """Draft → sending, once: True only for the press that made the change.

    The text is judged again first (a draft kept before a stricter guard, or written to the
    table by other means, is not sent): a marked draft is cancelled and `AnnouncementError`
    "marking" raised — catch it inside the transaction so that the cancellation is kept.
    """
    draft = session.get(Announcement, announcement_id)
    if (draft is not None and draft.state == "draft" and draft.created_by == admin_id
            and leak_guard.find_marking(draft.text) is not None):
        cancel(session, announcement_id, admin_id)
        raise AnnouncementError("marking")
    result = cast(CursorResult[Any], session.execute(
        update(Announcement)
        .where(Announcement.id == announcement_id, Announcement.created_by == admin_id,
               Announcement.state == "draft")
        .values(state="sending", confirmed_at=now)))
    return result.rowcount == 1


def cancel(session: Session, announcement_id: int, admin_id: int) -> bool:
    result = cast(CursorResult[Any], session.execute(
        update(Announcement)
        .where(Announcement.id == announcement_id, Announcement.created_by == admin_id,
               Announcement.state == "draft")
        .values(state="cancelled")))
    return result.rowcount == 1


def finish(session: Session, announcement_id: int, sent: int, now: dt.datetime) -> None:
    session.execute(update(Announcement).where(Announcement.id == announcement_id)
                    .values(state="sent", sent_count=sent, finished_at=now))


def recipients(session: Session, plan: str) -> list[int]:
    """Active users with an approved contact in `plan`."""
    return contacts.active_contacts(session, plan)
