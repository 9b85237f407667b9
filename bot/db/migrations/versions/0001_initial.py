"""Initial schema: users, units, invites, contacts, processed updates, question log, audit log.

Revision ID: 0001
Revises:
Create Date: 2026-11-23

Written by hand to match `bot/db/models.py` exactly (tests/bot/db/test_db.py compares the two), with
the constraint names of `bot.db.NAMING_CONVENTION`.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _utc() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def _big_pk() -> sa.types.TypeEngine[int]:
    # 64-bit on PostgreSQL; INTEGER on SQLite, where only that type auto-increments.
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("first_name", sa.String(200), nullable=False),
        sa.Column("username", sa.String(64), nullable=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("plan", sa.String(40), nullable=True),
        sa.Column("step", sa.String(64), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("last_seen_at", _utc(), nullable=True),
        sa.CheckConstraint("role IN ('user', 'admin')", name=op.f("ck_users_role")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
    )

    op.create_table(
        "units",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("plan", sa.String(40), nullable=True),
        sa.Column("kb_id", sa.String(80), nullable=True),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column("created_at", _utc(), nullable=False),
        sa.CheckConstraint(
            "source IN ('kb', 'admin', 'csv', 'request')", name=op.f("ck_units_source")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_units")),
        sa.UniqueConstraint("key", "plan", name=op.f("uq_units_key_plan")),
    )
    op.create_index(
        "uq_units_key_any_plan", "units", ["key"], unique=True,
        sqlite_where=sa.text('"plan" IS NULL'), postgresql_where=sa.text('"plan" IS NULL'),
    )

    op.create_table(
        "invites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("plan", sa.String(40), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("expires_at", _utc(), nullable=False),
        sa.Column("used_by", sa.BigInteger(), nullable=True),
        sa.Column("used_at", _utc(), nullable=True),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_invites_unit_id_units")),
        sa.ForeignKeyConstraint(["used_by"], ["users.id"], name=op.f("fk_invites_used_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invites")),
        sa.UniqueConstraint("code", name=op.f("uq_invites_code")),
    )

    op.create_table(
        "contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("plan", sa.String(40), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("via", sa.String(16), nullable=False),
        sa.Column("invite_id", sa.Integer(), nullable=True),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("decided_at", _utc(), nullable=True),
        sa.Column("decided_by", sa.BigInteger(), nullable=True),
        sa.CheckConstraint(
            "state IN ('pending', 'approved', 'rejected', 'replaced')",
            name=op.f("ck_contacts_state"),
        ),
        sa.CheckConstraint("via IN ('request', 'invite')", name=op.f("ck_contacts_via")),
        sa.ForeignKeyConstraint(
            ["invite_id"], ["invites.id"], name=op.f("fk_contacts_invite_id_invites")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_contacts_unit_id_units")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_contacts_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contacts")),
    )
    op.create_index("ix_contacts_user_id", "contacts", ["user_id"])
    op.create_index("ix_contacts_state_created_at", "contacts", ["state", "created_at"])
    op.create_index("ix_contacts_plan_state", "contacts", ["plan", "state"])
    op.create_index(
        "uq_contacts_current_user", "contacts", ["user_id"], unique=True,
        sqlite_where=sa.text("state IN ('pending', 'approved')"),
        postgresql_where=sa.text("state IN ('pending', 'approved')"),
    )

    op.create_table(
        "processed_updates",
        sa.Column("update_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("processed_at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("update_id", name=op.f("pk_processed_updates")),
    )
    op.create_index("ix_processed_updates_processed_at", "processed_updates", ["processed_at"])

    op.create_table(
        "question_log",
        sa.Column("id", _big_pk(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("plan", sa.String(40), nullable=True),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("answered", sa.Boolean(), nullable=False),
        sa.Column("coverage", sa.Float(), nullable=True),
        sa.Column("entry_ids", sa.JSON(), nullable=False),
        sa.Column("suggestions", sa.JSON(), nullable=False),
        sa.Column("feedback", sa.String(8), nullable=True),
        sa.Column("feedback_at", _utc(), nullable=True),
        sa.Column("created_at", _utc(), nullable=False),
        sa.CheckConstraint("feedback IN ('up', 'down')", name=op.f("ck_question_log_feedback")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_question_log_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_question_log")),
    )
    op.create_index(
        "ix_question_log_answered_created_at", "question_log", ["answered", "created_at"]
    )

    op.create_table(
        "audit_log",
        sa.Column("id", _big_pk(), nullable=False),
        sa.Column("at", _utc(), nullable=False),
        sa.Column("actor_id", sa.BigInteger(), nullable=True),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("target", sa.String(200), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])


def downgrade() -> None:
    op.drop_table("audit_log")
    op.drop_table("question_log")
    op.drop_table("processed_updates")
    op.drop_table("contacts")
    op.drop_table("invites")
    op.drop_table("units")
    op.drop_table("users")
