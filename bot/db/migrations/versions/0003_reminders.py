"""Reminder subscriptions and the delivery log (exactly-once sending by unique key).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23

Written by hand to match `bot/db/models.py` exactly (tests/bot/db/test_db.py compares the two), with
the constraint names of `bot.db.NAMING_CONVENTION`.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _utc() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def _big_pk() -> sa.types.TypeEngine[int]:
    # 64-bit on PostgreSQL; INTEGER on SQLite, where only that type auto-increments.
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "subscriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("plan", sa.String(40), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("lead_days", sa.JSON(), nullable=False),
        sa.Column("muted", sa.Boolean(), nullable=False),
        sa.Column("muted_items", sa.JSON(), nullable=False),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("updated_at", _utc(), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_subscriptions_unit_id_units")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_subscriptions_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subscriptions")),
        sa.UniqueConstraint("user_id", "plan", "unit_id",
                            name=op.f("uq_subscriptions_user_id_plan_unit_id")),
        sqlite_autoincrement=True,  # ids never reused: delivery keys are made of them
    )

    op.create_table(
        "deliveries",
        sa.Column("id", _big_pk(), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("subscription_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("batch_key", sa.String(200), nullable=True),
        sa.Column("claimed_by", sa.String(100), nullable=False),
        sa.Column("claimed_at", _utc(), nullable=False),
        sa.Column("sent_at", _utc(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", _utc(), nullable=True),
        sa.Column("last_error", sa.String(64), nullable=True),
        sa.Column("created_at", _utc(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('reminder', 'catch_up', 'digest', 'announcement')",
            name=op.f("ck_deliveries_kind"),
        ),
        sa.CheckConstraint(
            "state IN ('claimed', 'sent', 'failed')", name=op.f("ck_deliveries_state")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deliveries")),
        sa.UniqueConstraint("key", name=op.f("uq_deliveries_key")),
    )
    op.create_index("ix_deliveries_state_next_attempt_at", "deliveries",
                    ["state", "next_attempt_at"])
    op.create_index("ix_deliveries_batch_key", "deliveries", ["batch_key"])
    op.create_index("ix_deliveries_created_at", "deliveries", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_deliveries_created_at", table_name="deliveries")
    op.drop_index("ix_deliveries_batch_key", table_name="deliveries")
    op.drop_index("ix_deliveries_state_next_attempt_at", table_name="deliveries")
    op.drop_table("deliveries")
    op.drop_table("subscriptions")
