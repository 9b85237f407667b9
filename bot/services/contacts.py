"""Unit contacts: who speaks for which unit of which plan, by admin approval or by invite.

A user has at most one approved and one pending contact: asking for another unit leaves the
approved one (and its reminders) in place until the request is approved, then replaces it;
asking again replaces the pending request; redeeming an invite replaces both. Old rows are
kept as "replaced". State changes are conditional
UPDATEs checked by row count, so two admins deciding at once, or two people redeeming one
invite at once, cannot both win — on SQLite and on PostgreSQL alike. The user must have a row
(`users.touch_user`) before requesting or redeeming.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session, selectinload

from bot.db.models import CURRENT_CONTACT_STATES, Contact, Invite, UnitRecord, User
from bot.services import ServiceError

__all__ = [
    "DEFAULT_INVITE_TTL",
    "ContactError",
    "CurrentUnit",
    "InviteError",
    "active_contacts",
    "contacts_of_plan",
    "create_invite",
    "current_contact",
    "current_unit",
    "decide_contact",
    "pending_contacts",
    "redeem_invite",
    "request_contact",
    "user_contacts",
]

DEFAULT_INVITE_TTL = dt.timedelta(days=7)
# What `secrets.token_urlsafe` produces, and what a Telegram /start parameter may hold.
_CODE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


class ContactError(ServiceError):
    """reason: "not_found" | "not_pending" | "unit_not_found" | "wrong_plan" | "retired" |
    "already" (the user is already the unit's approved contact) | "bad_ttl"."""


class InviteError(ContactError):
    """reason: "unknown" | "used" | "expired"."""


def _rowcount(result: Any) -> int:
    return cast(CursorResult[Any], result).rowcount


def _unit_for(session: Session, plan: str, unit_id: int) -> UnitRecord:
    unit = session.get(UnitRecord, unit_id)
    if unit is None:
        raise ContactError("unit_not_found", unit_id=unit_id)
    if unit.plan is not None and unit.plan != plan:
        raise ContactError("wrong_plan", unit_id=unit_id, plan=plan)
    if unit.retired_at is not None:
        raise ContactError("retired", unit_id=unit_id)
    return unit


def _replace_current(session: Session, user_id: int, now: dt.datetime,
                     states: tuple[str, ...] = CURRENT_CONTACT_STATES) -> None:
    session.execute(update(Contact)
                    .where(Contact.user_id == user_id, Contact.state.in_(states))
                    .values(state="replaced", decided_at=now)
                    .execution_options(synchronize_session="fetch"))


def request_contact(session: Session, user_id: int, plan: str, unit_id: int,
                    now: dt.datetime) -> Contact:
    """Ask to be the contact of a unit; pending until an admin decides.

    Replaces a pending request; an approved contact stays until this one is approved. Raises
    ContactError "already" when the user is the unit's approved contact in that plan.
    """
    unit = _unit_for(session, plan, unit_id)
    approved = session.scalars(select(Contact).where(
        Contact.user_id == user_id, Contact.state == "approved")).first()
    if approved is not None and (approved.plan, approved.unit_id) == (plan, unit_id):
        raise ContactError("already", unit_id=unit_id, plan=plan)
    _replace_current(session, user_id, now, ("pending",))
    contact = Contact(user_id=user_id, plan=plan, unit=unit, state="pending", via="request",
                      created_at=now)
    session.add(contact)
    session.flush()
    return contact


_APPROVED_FIRST = (Contact.state == "approved").desc()


def current_contact(session: Session, user_id: int) -> Contact | None:
    """The user's approved contact, else their pending request, with its unit."""
    stmt = (select(Contact).options(selectinload(Contact.unit))
            .where(Contact.user_id == user_id, Contact.state.in_(CURRENT_CONTACT_STATES))
            .order_by(_APPROVED_FIRST))
    return session.scalars(stmt).first()


def user_contacts(session: Session, user_id: int) -> tuple[Contact | None, Contact | None]:
    """(approved contact, pending request) of the user, each with its unit, either may be None."""
    stmt = (select(Contact).options(selectinload(Contact.unit))
            .where(Contact.user_id == user_id, Contact.state.in_(CURRENT_CONTACT_STATES)))
    found = {c.state: c for c in session.scalars(stmt)}
    return found.get("approved"), found.get("pending")


@dataclass(frozen=True, slots=True)
class CurrentUnit:
    """The unit of a user's approved contact, else of their pending request, as read with the
    user's chat state at the start of every update (`users.chat_state`): what `units.as_resolved`
    needs, without an ORM object."""

    plan: str
    state: str  # "approved" or "pending"
    id: int
    name: str
    kb_id: str | None
    group_id: str | None


def current_unit(session: Session, user_id: int) -> tuple[str, str, UnitRecord] | None:
    """(plan, state, unit) of the user's approved contact, else pending request, in one query."""
    stmt = (select(Contact.plan, Contact.state, UnitRecord)
            .join(UnitRecord, UnitRecord.id == Contact.unit_id)
            .where(Contact.user_id == user_id, Contact.state.in_(CURRENT_CONTACT_STATES))
            .order_by(_APPROVED_FIRST).limit(1))
    row = session.execute(stmt).first()
    return (row[0], row[1], row[2]) if row is not None else None


def pending_contacts(session: Session, limit: int = 20) -> list[Contact]:
    """Requests waiting for an admin, oldest first, with unit and user loaded."""
    stmt = (select(Contact)
            .options(selectinload(Contact.unit), selectinload(Contact.user))
            .where(Contact.state == "pending")
            .order_by(Contact.created_at, Contact.id)
            .limit(limit))
    return list(session.scalars(stmt))


def decide_contact(session: Session, contact_id: int, approve: bool, admin_id: int | None,
                   now: dt.datetime) -> Contact:
    """Approve or reject a pending request; raise ContactError "not_found" / "not_pending".

    Approving replaces the user's previously approved contact (the caller moves the reminders).
    """
    if approve:  # in the same conditions as the decision, so a lost race replaces nothing
        still_pending = (select(Contact.user_id)
                         .where(Contact.id == contact_id, Contact.state == "pending")
                         .scalar_subquery())
        session.execute(
            update(Contact)
            .where(Contact.state == "approved", Contact.user_id == still_pending)
            .values(state="replaced", decided_at=now)
            .execution_options(synchronize_session="fetch"))
    result = session.execute(
        update(Contact)
        .where(Contact.id == contact_id, Contact.state == "pending")
        .values(state="approved" if approve else "rejected", decided_at=now, decided_by=admin_id)
        .execution_options(synchronize_session=False)
    )
    contact = session.get(Contact, contact_id, populate_existing=True)
    if contact is None:
        raise ContactError("not_found", contact_id=contact_id)
    if _rowcount(result) != 1:
        raise ContactError("not_pending", contact_id=contact_id, state=contact.state)
    return contact


def create_invite(session: Session, plan: str, unit_id: int, admin_id: int | None,
                  now: dt.datetime, ttl: dt.timedelta = DEFAULT_INVITE_TTL) -> Invite:
    """A one-time code for the contact of a unit, valid for `ttl` (`/start <code>`)."""
    if ttl <= dt.timedelta(0):
        raise ContactError("bad_ttl")
    unit = _unit_for(session, plan, unit_id)
    invite = Invite(code=secrets.token_urlsafe(16), plan=plan, unit=unit, created_by=admin_id,
                    created_at=now, expires_at=now + ttl)
    session.add(invite)
    session.flush()
    return invite


def redeem_invite(session: Session, code: str, user_id: int, now: dt.datetime) -> Contact:
    """Use an invite: the user becomes the approved contact of its unit.

    Raises InviteError "unknown" / "used" / "expired". The claim is a single conditional
    UPDATE, so of two users redeeming one code at the same moment exactly one gets it.
    """
    if not _CODE.match(code):
        raise InviteError("unknown")
    claimed = session.execute(
        update(Invite)
        .where(Invite.code == code, Invite.used_by.is_(None), Invite.expires_at > now)
        .values(used_by=user_id, used_at=now)
        .execution_options(synchronize_session=False)
    )
    invite = session.scalars(
        select(Invite).where(Invite.code == code).execution_options(populate_existing=True)
    ).first()
    if invite is None:
        raise InviteError("unknown")
    if _rowcount(claimed) != 1:
        raise InviteError("used" if invite.used_by is not None else "expired")
    _replace_current(session, user_id, now)
    contact = Contact(user_id=user_id, plan=invite.plan, unit_id=invite.unit_id, state="approved",
                      via="invite", invite_id=invite.id, created_at=now, decided_at=now,
                      decided_by=invite.created_by)
    session.add(contact)
    session.flush()
    return contact


def contacts_of_plan(session: Session, plan: str, approved_only: bool = True) -> list[Contact]:
    """A plan's contacts (approved, or also pending), with unit and user, by unit then date."""
    states = ("approved",) if approved_only else CURRENT_CONTACT_STATES
    stmt = (select(Contact)
            .join(Contact.unit)
            .options(selectinload(Contact.unit), selectinload(Contact.user))
            .where(Contact.plan == plan, Contact.state.in_(states))
            .order_by(UnitRecord.key, Contact.created_at, Contact.id))
    return list(session.scalars(stmt))


def active_contacts(session: Session, plan: str, unit_id: int | None = None) -> list[int]:
    """Ids of the active users with an approved contact in `plan` (of `unit_id` if given)."""
    stmt = (select(Contact.user_id).join(User, User.id == Contact.user_id)
            .where(Contact.plan == plan, Contact.state == "approved", User.active.is_(True)))
    if unit_id is not None:
        stmt = stmt.where(Contact.unit_id == unit_id)
    return list(session.scalars(stmt.distinct().order_by(Contact.user_id)))
