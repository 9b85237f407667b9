"""Announcements of the standing office to every contact of a plan (/thongbao).

A draft is confirmed once (a conditional UPDATE), then sent through the delivery log so each
contact gets it exactly once even if two processes or two presses try.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from bot.models import Announcement, Contact, User
from bot.services import ServiceError

__all__ = ["ANNOUNCEMENT_MAX", "AnnouncementError", "cancel", "confirm", "create_draft", "finish",
           "get", "recipients"]

ANNOUNCEMENT_MAX = 1000


class AnnouncementError(ServiceError):
    """reason: "empty" | "too_long"."""


def create_draft(session: Session, plan: str, text: str, admin_id: int, now: dt.datetime) -> Announcement:
    text = text.strip()
    if not text:
        raise AnnouncementError("empty")
    if len(text) > ANNOUNCEMENT_MAX:
        raise AnnouncementError("too_long")
    row = Announcement(plan=plan, text=text, created_by=admin_id, created_at=now, state="draft")
    session.add(row)
    session.flush()
    return row


def get(session: Session, announcement_id: int) -> Announcement | None:
    return session.get(Announcement, announcement_id)


def confirm(session: Session, announcement_id: int, admin_id: int, now: dt.datetime) -> bool:
    """Draft → sending, once: True only for the press that made the change."""
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
    stmt = (select(Contact.user_id).join(User, User.id == Contact.user_id)
            .where(Contact.plan == plan, Contact.state == "approved", User.active.is_(True))
            .distinct().order_by(Contact.user_id))
    return list(session.scalars(stmt))
