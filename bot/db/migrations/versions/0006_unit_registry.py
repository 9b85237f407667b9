"""A unit registry the standing office can keep, and registrations confirmed before filing.

Units get the group an admin filed them under and a retirement date (removed units are kept
for their history); users get their last name; a contact may have an approved unit and a
pending request at once; `unit_drafts` hold choices waiting for "Xác nhận".

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07

Written by hand to match `bot/db/models.py` exactly (tests/bot/db/test_db.py compares the two).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_APPROVED = sa.text("state = 'approved'")
_PENDING = sa.text("state = 'pending'")
_CURRENT = sa.text("state IN ('pending', 'approved')")


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("last_name", sa.String(200), nullable=False, server_default=""))
    with op.batch_alter_table("units") as batch:
        batch.add_column(sa.Column("group_id", sa.String(80), nullable=True))
        batch.add_column(sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("retired_by", sa.BigInteger(), nullable=True))

    op.drop_index("uq_contacts_current_user", table_name="contacts")
    op.create_index("uq_contacts_approved_user", "contacts", ["user_id"], unique=True,
                    sqlite_where=_APPROVED, postgresql_where=_APPROVED)
    op.create_index("uq_contacts_pending_user", "contacts", ["user_id"], unique=True,
                    sqlite_where=_PENDING, postgresql_where=_PENDING)

    op.create_table(
        "unit_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("plan", sa.String(40), nullable=True),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(200), nullable=True),
        sa.Column("group_id", sa.String(80), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("action IN ('request', 'add', 'add_similar', 'rename', 'remove')",
                           name=op.f("ck_unit_drafts_action")),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_unit_drafts_unit_id_units")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_unit_drafts_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit_drafts")),
        sa.UniqueConstraint("user_id", name=op.f("uq_unit_drafts_user_id")),
        sqlite_autoincrement=True,  # ids never given again: an old button finds no draft
    )


def downgrade() -> None:
    op.drop_table("unit_drafts")
    # One current contact per user again: a request still waiting beside an approved unit ends.
    op.execute(sa.text(
        "UPDATE contacts SET state = 'replaced' WHERE state = 'pending' AND user_id IN "
        "(SELECT user_id FROM contacts WHERE state = 'approved')"))
    op.drop_index("uq_contacts_pending_user", table_name="contacts")
    op.drop_index("uq_contacts_approved_user", table_name="contacts")
    op.create_index("uq_contacts_current_user", "contacts", ["user_id"], unique=True,
                    sqlite_where=_CURRENT, postgresql_where=_CURRENT)
    # Dropped in place (ALTER TABLE … DROP COLUMN, SQLite 3.35+), not by batch mode: batch mode
    # copies the table and drops the old one, and on SQLite that drop deletes the rows other
    # tables' foreign keys point at (contacts → units, everything → users): refused once any exist.
    for column in ("retired_by", "retired_at", "group_id"):
        op.drop_column("units", column)
    op.drop_column("users", "last_name")
