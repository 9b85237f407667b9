"""Status reports (versioned, with receipts) and the chat's report drafts.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23

Written by hand to match `bot/db/models.py` exactly (tests/bot/db/test_db.py compares the two), with
the constraint names of `bot.db.NAMING_CONVENTION`.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STATES = "'chua_thuc_hien', 'dang_thuc_hien', 'hoan_thanh', 'vuong_mac'"


def _utc() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def _big_pk() -> sa.types.TypeEngine[int]:
    # 64-bit on PostgreSQL; INTEGER on SQLite, where only that type auto-increments.
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "statuses",
        sa.Column("id", _big_pk(), nullable=False),
        sa.Column("plan", sa.String(40), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("item", sa.String(100), nullable=False),
        sa.Column("item_kind", sa.String(16), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("note", sa.String(500), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("receipt", sa.String(40), nullable=False),
        sa.Column("submitted_by", sa.BigInteger(), nullable=True),
        sa.Column("via", sa.String(8), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
        sa.CheckConstraint(f"state IN ({_STATES})", name=op.f("ck_statuses_state")),
        sa.CheckConstraint("item_kind IN ('deadline', 'duty')", name=op.f("ck_statuses_item_kind")),
        sa.CheckConstraint("via IN ('chat', 'cli')", name=op.f("ck_statuses_via")),
        sa.CheckConstraint("version >= 1", name=op.f("ck_statuses_version")),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_statuses_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statuses")),
        sa.UniqueConstraint("plan", "unit_id", "item", "version",
                            name=op.f("uq_statuses_plan_unit_id_item_version")),
        sa.UniqueConstraint("receipt", name=op.f("uq_statuses_receipt")),
    )
    op.create_index("ix_statuses_created_at", "statuses", ["created_at"])

    op.create_table(
        "report_drafts",
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("plan", sa.String(40), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("item", sa.String(100), nullable=True),
        sa.Column("state", sa.String(16), nullable=True),
        sa.Column("note", sa.String(500), nullable=True),
        sa.Column("updated_at", _utc(), nullable=False),
        sa.CheckConstraint(f"state IN ({_STATES})", name=op.f("ck_report_drafts_state")),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_report_drafts_unit_id_units")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_report_drafts_user_id_users")
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_report_drafts")),
    )


def downgrade() -> None:
    op.drop_table("report_drafts")
    op.drop_index("ix_statuses_created_at", table_name="statuses")
    op.drop_table("statuses")
