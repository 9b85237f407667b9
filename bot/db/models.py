"""The tables of the bot: users, units, contacts and invites, processed updates, questions, audit,
status reports and report drafts, reminder subscriptions and the delivery log.

Nothing here stores message content except `QuestionLog.question` (questions are what the bot is
for, and the leak guard refuses marked text before anything is logged) and the short progress
notes of status reports and their drafts (checked by the same leak guard before they are kept).
Times are aware UTC datetimes in Python whatever the database; Telegram ids are 64-bit.

The migrations under `bot/db/migrations/versions/` create exactly these tables; a test compares the two.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.db.engine import Base

__all__ = [
    "CONTACT_STATES",
    "CONTACT_VIA",
    "CURRENT_CONTACT_STATES",
    "DEFAULT_LEAD_DAYS",
    "DELIVERY_KINDS",
    "DELIVERY_STATES",
    "FEEDBACK_VALUES",
    "ITEM_KINDS",
    "NOTE_MAX",
    "ROLES",
    "STATUS_STATES",
    "STATUS_VIA",
    "UNIT_DRAFT_ACTIONS",
    "UNIT_SOURCES",
    "AuditEntry",
    "Contact",
    "Delivery",
    "Invite",
    "ProcessedUpdate",
    "QuestionLog",
    "ReportDraft",
    "StatusRecord",
    "Subscription",
    "UTCDateTime",
    "UnitDraft",
    "UnitRecord",
    "User",
]

ROLES = ("user", "admin")
UNIT_SOURCES = ("kb", "admin", "csv", "request")
CONTACT_STATES = ("pending", "approved", "rejected", "replaced")
CURRENT_CONTACT_STATES = ("pending", "approved")
CONTACT_VIA = ("request", "invite")
# What a `UnitDraft` waits to confirm: a contact's unit choice, or an admin's change to the registry.
UNIT_DRAFT_ACTIONS = ("request", "add", "add_similar", "rename", "remove")
FEEDBACK_VALUES = ("up", "down")
STATUS_STATES = ("chua_thuc_hien", "dang_thuc_hien", "hoan_thanh", "vuong_mac")
STATUS_VIA = ("chat", "cli")
ITEM_KINDS = ("deadline", "duty")
NOTE_MAX = 500  # characters of a status note


class UTCDateTime(TypeDecorator[dt.datetime]):
    """An aware UTC datetime on every back end.

    SQLite keeps no offset, so values are stored as naive UTC there and made aware again when
    read; PostgreSQL gets `timestamptz`. Naive datetimes are refused: they are always a bug here.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: pass an aware UTC datetime")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


# Conditions of the partial unique indexes (the same SQL on SQLite and PostgreSQL).
_ANY_PLAN = text('"plan" IS NULL')
_APPROVED = text("state = 'approved'")
_PENDING = text("state = 'pending'")


# Column types used by several tables.
TelegramId = Annotated[int, mapped_column(BigInteger)]
UTCTime = Annotated[dt.datetime, mapped_column(UTCDateTime())]
PlanSlug = Annotated[str, mapped_column(String(40))]
UnitName = Annotated[str, mapped_column(String(200))]
# 64-bit on PostgreSQL; INTEGER on SQLite, where only that type auto-increments (rowid).
BigIntPK = Annotated[
    int, mapped_column(BigInteger().with_variant(Integer(), "sqlite"), primary_key=True)
]


class User(Base):
    """Someone who started the bot (or a placeholder row made by `admin add`)."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint(_one_of("role", ROLES), name="role"),)

    id: Mapped[TelegramId] = mapped_column(primary_key=True, autoincrement=False)
    # Profile names as Telegram gives them, blank when the leak guard found a marking in them.
    first_name: Mapped[str] = mapped_column(String(200), default="")
    last_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    username: Mapped[str | None] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16), default="user")
    plan: Mapped[PlanSlug | None]
    # The chat flow the user is in ("awaiting_unit_name"…), kept here so it survives restarts.
    step: Mapped[str | None] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(default=True)  # False once the user blocked the bot
    created_at: Mapped[UTCTime]
    last_seen_at: Mapped[UTCTime | None]

    contacts: Mapped[list[Contact]] = relationship(back_populates="user")


class UnitRecord(Base):
    """A unit contacts can belong to: a KB unit, or one added by an admin, a CSV or a request.

    `key` is the registry's matching form of `name`; one record per (key, plan), and `plan`
    None means "any plan" (SQL does not treat NULLs as equal, hence the partial index).
    `group_id` is the KB group an admin filed the unit under (its duties and deadlines apply).
    A removed unit is retired, not deleted (`retired_at`): its reports and audit entries stay
    readable, and it is left out of sign-up, overviews and exports; a rename keeps the row.
    """

    __tablename__ = "units"
    __table_args__ = (
        UniqueConstraint("key", "plan"),
        Index(
            "uq_units_key_any_plan", "key", unique=True,
            sqlite_where=_ANY_PLAN, postgresql_where=_ANY_PLAN,
        ),
        CheckConstraint(_one_of("source", UNIT_SOURCES), name="source"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[UnitName]
    key: Mapped[UnitName]
    plan: Mapped[PlanSlug | None]
    kb_id: Mapped[str | None] = mapped_column(String(80))
    group_id: Mapped[str | None] = mapped_column(String(80))
    source: Mapped[str] = mapped_column(String(16))
    created_by: Mapped[TelegramId | None]
    created_at: Mapped[UTCTime]
    retired_at: Mapped[UTCTime | None]
    retired_by: Mapped[TelegramId | None]

    contacts: Mapped[list[Contact]] = relationship(back_populates="unit")
    invites: Mapped[list[Invite]] = relationship(back_populates="unit")


class Invite(Base):
    """A one-time code an admin gives a unit contact (`/start <code>`)."""

    __tablename__ = "invites"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    plan: Mapped[PlanSlug]
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    created_by: Mapped[TelegramId | None]
    created_at: Mapped[UTCTime]
    expires_at: Mapped[UTCTime]
    used_by: Mapped[TelegramId | None] = mapped_column(ForeignKey("users.id"))
    used_at: Mapped[UTCTime | None]

    unit: Mapped[UnitRecord] = relationship(back_populates="invites")


class Contact(Base):
    """A user's registration as the contact of one unit of one plan.

    At most one approved and one pending contact per user (a contact asking to change unit stays
    the contact of the old one until the new request is approved), enforced by partial unique
    indexes; earlier ones are kept as "replaced" for the record.
    """

    __tablename__ = "contacts"
    __table_args__ = (
        Index("ix_contacts_state_created_at", "state", "created_at"),
        Index("ix_contacts_plan_state", "plan", "state"),
        Index(
            "uq_contacts_approved_user", "user_id", unique=True,
            sqlite_where=_APPROVED, postgresql_where=_APPROVED,
        ),
        Index(
            "uq_contacts_pending_user", "user_id", unique=True,
            sqlite_where=_PENDING, postgresql_where=_PENDING,
        ),
        CheckConstraint(_one_of("state", CONTACT_STATES), name="state"),
        CheckConstraint(_one_of("via", CONTACT_VIA), name="via"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[TelegramId] = mapped_column(ForeignKey("users.id"), index=True)
    plan: Mapped[PlanSlug]
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    state: Mapped[str] = mapped_column(String(16))
    via: Mapped[str] = mapped_column(String(16))
    invite_id: Mapped[int | None] = mapped_column(ForeignKey("invites.id"))
    created_at: Mapped[UTCTime]
    decided_at: Mapped[UTCTime | None]
    decided_by: Mapped[TelegramId | None]

    user: Mapped[User] = relationship(back_populates="contacts")
    unit: Mapped[UnitRecord] = relationship(back_populates="contacts")


class UnitDraft(Base):
    """A unit choice or registry change waiting for its author's "Xác nhận", one per user.

    The confirmation buttons carry the draft's id: a button of an older draft (its id never
    given again) finds nothing and changes nothing. Kept in the database so a restart between
    the choice and the confirmation loses nothing.
    """

    __tablename__ = "unit_drafts"
    __table_args__ = (CheckConstraint(_one_of("action", UNIT_DRAFT_ACTIONS), name="action"),
                      {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[TelegramId] = mapped_column(ForeignKey("users.id"), unique=True)
    action: Mapped[str] = mapped_column(String(16))
    plan: Mapped[PlanSlug | None]
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    name: Mapped[UnitName | None]
    group_id: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[UTCTime]


class ProcessedUpdate(Base):
    """A Telegram update already handled: Telegram may deliver one twice."""

    __tablename__ = "processed_updates"

    update_id: Mapped[TelegramId] = mapped_column(primary_key=True, autoincrement=False)
    processed_at: Mapped[UTCTime] = mapped_column(index=True)


class QuestionLog(Base):
    """A question asked and how it was answered, for feedback and the unanswered-questions list."""

    __tablename__ = "question_log"
    __table_args__ = (
        Index("ix_question_log_answered_created_at", "answered", "created_at"),
        CheckConstraint(_one_of("feedback", FEEDBACK_VALUES), name="feedback"),
    )

    id: Mapped[BigIntPK]
    user_id: Mapped[TelegramId] = mapped_column(ForeignKey("users.id"))
    plan: Mapped[PlanSlug | None]
    question: Mapped[str] = mapped_column(Text)
    answered: Mapped[bool]
    coverage: Mapped[float | None] = mapped_column(Float)
    entry_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    suggestions: Mapped[list[str]] = mapped_column(JSON, default=list)
    feedback: Mapped[str | None] = mapped_column(String(8))
    feedback_at: Mapped[UTCTime | None]
    created_at: Mapped[UTCTime]


class AuditEntry(Base):
    """Who changed what and when; `detail` holds ids and codes, never message content."""

    __tablename__ = "audit_log"

    id: Mapped[BigIntPK]
    at: Mapped[UTCTime] = mapped_column(index=True)
    actor_id: Mapped[TelegramId | None]
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str | None] = mapped_column(String(200))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class StatusRecord(Base):
    """One version of a unit's status on one item of a plan (a deadline occurrence or a duty).

    A correction is a new row with the next `version`; the highest version counts. The unique
    constraint (plan, unit_id, item, version) is also the index that finds the latest version
    per (plan, unit, item), and what makes two concurrent submissions of one version impossible.
    `receipt` is derived from the local date and the id ("BC-20261123-000042"). `submitted_by`
    None means the command line (a report the standing office took by phone).
    """

    __tablename__ = "statuses"
    __table_args__ = (
        UniqueConstraint("plan", "unit_id", "item", "version"),
        Index("ix_statuses_created_at", "created_at"),
        CheckConstraint(_one_of("state", STATUS_STATES), name="state"),
        CheckConstraint(_one_of("item_kind", ITEM_KINDS), name="item_kind"),
        CheckConstraint(_one_of("via", STATUS_VIA), name="via"),
        CheckConstraint("version >= 1", name="version"),
    )

    id: Mapped[BigIntPK]
    plan: Mapped[PlanSlug]
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    item: Mapped[str] = mapped_column(String(100))
    item_kind: Mapped[str] = mapped_column(String(16))
    year: Mapped[int | None]
    state: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(String(NOTE_MAX))
    version: Mapped[int]
    receipt: Mapped[str] = mapped_column(String(40), unique=True)
    submitted_by: Mapped[TelegramId | None]
    via: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[UTCTime]

    unit: Mapped[UnitRecord] = relationship()


class ReportDraft(Base):
    """A status report being composed in the chat (item, state, note), one per user.

    Kept in the database so a restart in the middle of the conversation loses nothing.
    """

    __tablename__ = "report_drafts"
    __table_args__ = (CheckConstraint(_one_of("state", STATUS_STATES), name="state"),)

    user_id: Mapped[TelegramId] = mapped_column(
        ForeignKey("users.id"), primary_key=True, autoincrement=False)
    plan: Mapped[PlanSlug]
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    item: Mapped[str | None] = mapped_column(String(100))
    state: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(String(NOTE_MAX))
    updated_at: Mapped[UTCTime]


DEFAULT_LEAD_DAYS = (14, 7, 3, 1)  # days before the due date of the upcoming reminders
DELIVERY_KINDS = ("reminder", "catch_up", "digest", "announcement")
DELIVERY_STATES = ("claimed", "sent", "failed")


def _default_lead_days() -> list[int]:
    return list(DEFAULT_LEAD_DAYS)


class Subscription(Base):
    """A contact's deadline reminders for one unit of one plan, with their settings.

    A subscription ends (row deleted) when its user stops being the unit's contact; ids are
    never reused, so the delivery keys made of them stay unique. `paused` stops the reminders
    after the user blocked the bot, until `subscribe` or `resume_user`; `muted` is the user's own
    choice, `muted_items` holds deadline ids the user does not want reminders for.
    """

    __tablename__ = "subscriptions"
    # AUTOINCREMENT: an id is never given again after a delete, so delivery keys stay unique.
    __table_args__ = (UniqueConstraint("user_id", "plan", "unit_id"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[TelegramId] = mapped_column(ForeignKey("users.id"))
    plan: Mapped[PlanSlug]
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    lead_days: Mapped[list[int]] = mapped_column(JSON, default=_default_lead_days)
    muted: Mapped[bool] = mapped_column(default=False)
    muted_items: Mapped[list[str]] = mapped_column(JSON, default=list)
    paused: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[UTCTime]
    updated_at: Mapped[UTCTime]


class Delivery(Base):
    """One message the bot must send once, claimed by its unique `key` before sending.

    Keys: a reminder's "<subscription>:<occurrence>:<offset>", "catchup:<subscription>:<date>",
    "digest:<user>:<YYYY-Www>", "announce:<announcement>:<user>". A reminder collapsed into a
    catch-up message has the catch-up's key in `batch_key` and follows that row's state.
    `last_error` is a short code ("forbidden", "network"…), never message text; the text is
    rendered again from the key when a delivery is retried. No foreign keys: this is a log.
    """

    __tablename__ = "deliveries"
    __table_args__ = (
        Index("ix_deliveries_state_next_attempt_at", "state", "next_attempt_at"),
        CheckConstraint(_one_of("kind", DELIVERY_KINDS), name="kind"),
        CheckConstraint(_one_of("state", DELIVERY_STATES), name="state"),
    )

    id: Mapped[BigIntPK]
    key: Mapped[str] = mapped_column(String(200), unique=True)
    user_id: Mapped[TelegramId]
    subscription_id: Mapped[int | None]
    kind: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16))
    batch_key: Mapped[str | None] = mapped_column(String(200), index=True)
    claimed_by: Mapped[str] = mapped_column(String(100))  # the process token
    claimed_at: Mapped[UTCTime]
    sent_at: Mapped[UTCTime | None]
    attempts: Mapped[int] = mapped_column(default=1)
    next_attempt_at: Mapped[UTCTime | None]
    last_error: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[UTCTime] = mapped_column(index=True)


ANNOUNCEMENT_STATES = ("draft", "sending", "sent", "cancelled")


class Announcement(Base):
    """A short announcement of the standing office to every contact of a plan (/thongbao).

    A draft until its author confirms it (once: a conditional UPDATE); each recipient's message
    then goes through the delivery log ("announce:<id>:<user>").
    """

    __tablename__ = "announcements"
    __table_args__ = (CheckConstraint(_one_of("state", ANNOUNCEMENT_STATES), name="state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    created_by: Mapped[TelegramId]
    state: Mapped[str] = mapped_column(String(16))
    sent_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[UTCTime]
    confirmed_at: Mapped[UTCTime | None]
    finished_at: Mapped[UTCTime | None]
