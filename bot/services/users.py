"""Users: who talks to the bot, their role, chosen plan and the chat flow they are in.

Admins come from two places — the `role` column (set with `python -m bot admin add`) and the
deployment's `ADMIN_IDS` — so every check goes through `is_admin`.
"""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import and_, bindparam, or_, select
from sqlalchemy.orm import Session

from bot import leak_guard
from bot.db.engine import Db, connection_of, dialect_insert
from bot.db.models import CURRENT_CONTACT_STATES, ROLES, Contact, UnitRecord, User
from bot.services import ServiceError, audit, subscriptions
from bot.services.contacts import CurrentUnit

__all__ = [
    "UserError",
    "admin_ids",
    "admins",
    "blocked_bot",
    "chat_state",
    "full_name",
    "get_user",
    "is_admin",
    "mark_inactive",
    "record_seen",
    "set_plan",
    "set_role",
    "set_step",
    "set_user_step",
    "touch_user",
]

logger = logging.getLogger(__name__)

_MAX_ID = 2**63 - 1
_MAX_STEP = 64


class UserError(ServiceError):
    """reason: "bad_user_id" | "bad_role" | "bad_step"."""


def _check_id(user_id: int) -> None:
    if isinstance(user_id, bool) or not isinstance(user_id, int) or not 0 < user_id <= _MAX_ID:
        raise UserError("bad_user_id", user_id=user_id)


def _profile(first_name: str | None, last_name: str | None,
             username: str | None) -> tuple[str, str, str | None]:
    """The profile as it may be kept: a name carrying a classification marking is blanked.

    Profile names are text the user controls, shown to every admin (requests, /duyet, reports),
    so they pass the leak guard like any other text kept or sent on. The parts are judged
    alone and side by side: "TỐI" + "MẬT" make a stamp only together.
    """
    first, last = (first_name or "")[:200], (last_name or "")[:200]
    username = username[:64] if username else None
    try:
        for text in (first, last, f"{first} {last}", username):
            leak_guard.check(text)
    except leak_guard.MarkedText as exc:
        logger.warning("Profile of a user carries a marking (%s); the name is not kept",
                       exc.marking.kind)
        return "", "", None
    return first, last, username


def record_seen(
    db: Db, user_id: int, first_name: str, username: str | None, now: dt.datetime,
    last_name: str | None = None,
) -> None:
    """Record that the user wrote: insert or refresh name and last seen; re-activate.

    One upsert, so two updates of a new user handled at once by two processes both succeed.
    A name with a classification marking is stored blank (`_profile`).
    """
    _check_id(user_id)
    first_name, last_name, username = _profile(first_name, last_name, username)
    stmt = dialect_insert(db)(User.__table__).values(
        id=user_id, first_name=first_name, last_name=last_name, username=username, role="user",
        plan=None, step=None, active=True, created_at=now, last_seen_at=now,
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=["id"],
        set_={"first_name": first_name, "last_name": last_name, "username": username,
              "last_seen_at": now, "active": True},
    )
    db.execute(stmt)


def touch_user(
    session: Session, user_id: int, first_name: str, username: str | None, now: dt.datetime,
    last_name: str | None = None,
) -> User:
    """`record_seen`, returning the user's row."""
    record_seen(session, user_id, first_name, username, now, last_name)
    user = session.get(User, user_id, populate_existing=True)
    assert user is not None
    return user


_users = User.__table__
_contacts = Contact.__table__
_units = UnitRecord.__table__
# One statement object for every update (see `updates.claim_update` for why): the user's row and
# their current contact's unit (approved first, like `contacts.current_unit`), in one query.
_CHAT_STATE = (
    select(_users.c.plan, _users.c.step, _users.c.role, _contacts.c.plan, _contacts.c.state,
           _units.c.id, _units.c.name, _units.c.kb_id, _units.c.group_id)
    .select_from(_users.outerjoin(_contacts, and_(_contacts.c.user_id == _users.c.id,
                                                  _contacts.c.state.in_(CURRENT_CONTACT_STATES)))
                 .outerjoin(_units, _units.c.id == _contacts.c.unit_id))
    .where(_users.c.id == bindparam("user_id"))
    .order_by((_contacts.c.state == "approved").desc())
    .limit(1))


def chat_state(db: Db, user_id: int) -> tuple[str | None, str | None, str, CurrentUnit | None] | None:
    """(plan, step, role, current contact's unit) of the user; None for an unknown user.

    Read without loading ORM objects: it runs on every update, and the plain Core statement
    costs a fifth as much. The unit is what most features ask next (questions, /baocao), so it
    comes in the same statement rather than in a transaction of its own.
    """
    row = db.execute(_CHAT_STATE, {"user_id": user_id}).first()
    if row is None:
        return None
    unit = CurrentUnit(row[3], row[4], row[5], row[6], row[7], row[8]) if row[5] is not None else None
    return row[0], row[1], row[2], unit


def get_user(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def full_name(user: User | None) -> str:
    """First and last name as kept (blank when unknown or refused by the leak guard)."""
    if user is None:
        return ""
    return " ".join(filter(None, (user.first_name, user.last_name)))


def is_admin(user: User | None, admin_ids: frozenset[int]) -> bool:
    """Whether `user` is an admin, by role or by the deployment's ADMIN_IDS."""
    return user is not None and (user.role == "admin" or user.id in admin_ids)


def set_role(session: Session, user_id: int, role: str, now: dt.datetime) -> User:
    """Give `user_id` a role; an admin named before they ever wrote gets a placeholder row."""
    _check_id(user_id)
    if role not in ROLES:
        raise UserError("bad_role", role=role)
    user = session.get(User, user_id)
    if user is None:
        user = User(id=user_id, first_name="", username=None, role=role, active=True,
                    created_at=now, last_seen_at=None)
        session.add(user)
    else:
        user.role = role
    session.flush()
    return user


def admins(session: Session, admin_ids: frozenset[int]) -> list[User]:
    """Admins to notify: role admins and configured ids that have a row; blocked ones left out."""
    condition = User.role == "admin"
    if admin_ids:
        condition = or_(condition, User.id.in_(sorted(admin_ids)))
    return list(session.scalars(select(User).where(condition, User.active.is_(True)).order_by(User.id)))


# `admins`' condition as one prebuilt statement for `admin_ids` (an empty list matches no id).
_ADMIN_IDS = (select(_users.c.id)
              .where(or_(_users.c.role == "admin", _users.c.id.in_(bindparam("ids", expanding=True))),
                     _users.c.active.is_(True))
              .order_by(_users.c.id))


def admin_ids(db: Db, configured: frozenset[int]) -> list[int]:
    """The ids of `admins` without loading their rows: a blocked report alerts them from the
    report's own transaction, on its bare connection."""
    return list(connection_of(db).execute(_ADMIN_IDS, {"ids": sorted(configured)}).scalars())


def mark_inactive(session: Session, user_id: int) -> bool:
    """The user blocked the bot: stop sending to them. False if there is no such user."""
    user = session.get(User, user_id)
    if user is None:
        return False
    user.active = False
    session.flush()
    return True


def blocked_bot(session: Session, user_id: int, now: dt.datetime) -> int:
    """The user blocked the bot (Telegram answers Forbidden, or says they left): nothing more is
    sent to them — inactive, their reminders paused — until they write again (`record_seen` and
    `subscriptions.resume_user` undo both). Recorded in the audit log; how many were paused."""
    paused = subscriptions.pause_user(session, user_id, now)
    mark_inactive(session, user_id)
    audit.record(session, "user_inactive", now=now, actor_id=None, target=str(user_id),
                 subscriptions=paused)
    return paused


def set_plan(session: Session, user: User, plan: str | None) -> None:
    """Remember the plan the user chose (the caller checks it is a KB plan)."""
    user.plan = plan
    session.flush()


def set_step(session: Session, user: User, step: str | None) -> None:
    """Remember where the user is in a chat flow (None: not in one)."""
    if step is not None and not 0 < len(step) <= _MAX_STEP:
        raise UserError("bad_step", step=step)
    user.step = step
    session.flush()


def set_user_step(session: Session, user_id: int, step: str | None) -> User | None:
    """Load the user and remember their step (None: out of any flow); None for an unknown user."""
    user = session.get(User, user_id)
    if user is not None:
        set_step(session, user, step)
    return user
