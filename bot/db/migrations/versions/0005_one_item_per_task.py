"""A duty and the deadline that dates it are one report item: reports stored on the duty's id move
to the deadline's item.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07

Until this revision a unit could report on "xây dựng kế hoạch" (a duty) and on "hạn gửi kế
hoạch" (its deadline) as two items. The knowledge base now links the two (`duty:` on the
deadline), and a report names the deadline's item. Reports (and drafts) stored under one of the
duty ids below are moved to the deadline occurrence that was current when they were made (the
rule of `scheduler.items.find_item` for a bare id), and each (plan, unit, item) is numbered again in
the order the reports were made, so the latest report stays the current one and every earlier
one stays in the history. The links are written out here as they were when the revision was
made: a migration must not change with later edits of the knowledge base.

Downgrade leaves the data as it is: the merged reports stay on the deadline's item, which the
earlier code reads as well.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# duty id → the deadlines dating it: (deadline id, one-off due date or None, yearly (month, day)
# or None, first year of a yearly deadline).
_LINKS: dict[str, tuple[tuple[str, dt.date | None, tuple[int, int] | None, int], ...]] = {
    "hp-iii1-ca-kien-toan-bcd": (("hp-han-kien-toan-bcd", dt.date(2025, 12, 31), None, 0),),
    "hp-iii4-snv-ban-giao-tai-lieu": (("hp-han-ban-giao-tai-lieu", dt.date(2026, 6, 30), None, 0),),
    "hp-iii5-stc-huong-dan-mua-sam": (("hp-han-huong-dan-mua-sam", dt.date(2025, 12, 31), None, 0),),
    "hp-iv1-trien-khai-bao-cao": (("hp-han-bao-cao-hang-nam", None, (11, 5), 2026),),
    "ls-ii6-kiem-dinh-thiet-bi": (("ls-dl-kiem-tra-thiet-bi", dt.date(2026, 10, 31), None, 0),),
    "ls-iii6-ke-hoach": (("ls-dl-gui-ke-hoach", dt.date(2026, 1, 15), None, 0),),
    "ls-iv1-cong-an-theo-doi": (("ls-dl-bao-cao-hang-nam", None, (12, 15), 2026),),
    "lc-iv1-ke-hoach-bao-cao": (("lc-dl-gui-ke-hoach", dt.date(2026, 2, 27), None, 0),
                                ("lc-dl-bao-cao-hang-nam", None, (10, 30), 2026)),
}
_GRACE = dt.timedelta(days=30)
_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
_PARK = 1_000_000  # versions are parked above this while a (plan, unit, item) is renumbered


def _current(duty: str, day: dt.date) -> tuple[str, int | None]:
    """(item key, year) of the deadline occurrence current on `day` for a linked duty."""
    candidates: list[tuple[dt.date, str, int | None]] = []
    for deadline, due, yearly, first in _LINKS[duty]:
        if due is not None:
            candidates.append((due, deadline, None))
            continue
        assert yearly is not None
        month, day_of_month = yearly
        for year in range(first, max(first, day.year + 1) + 1):
            candidates.append((dt.date(year, month, day_of_month), f"{deadline}@{year}", year))
    past = [c for c in candidates if c[0] <= day]
    recent = max(past, default=None)
    ahead = [c for c in candidates if c[0] > day]
    if recent is not None and (day - recent[0] <= _GRACE or not ahead):
        return recent[1], recent[2]
    _due, key, next_year = min(ahead)
    return key, next_year


def _local_day(value: dt.datetime) -> dt.date:
    if value.tzinfo is None:  # SQLite gives the stored UTC time back without its zone
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(_ZONE).date()


def upgrade() -> None:
    bind = op.get_bind()
    statuses = sa.table("statuses", sa.column("id", sa.BigInteger()), sa.column("plan", sa.String()),
                        sa.column("unit_id", sa.Integer()), sa.column("item", sa.String()),
                        sa.column("item_kind", sa.String()), sa.column("year", sa.Integer()),
                        sa.column("version", sa.Integer()),
                        sa.column("created_at", sa.DateTime(timezone=True)))
    drafts = sa.table("report_drafts", sa.column("user_id", sa.BigInteger()),
                      sa.column("item", sa.String()),
                      sa.column("updated_at", sa.DateTime(timezone=True)))
    duties = list(_LINKS)
    moved = bind.execute(sa.select(statuses.c.id, statuses.c.plan, statuses.c.unit_id, statuses.c.item,
                                   statuses.c.created_at)
                         .where(statuses.c.item.in_(duties))).all()
    touched: set[tuple[str, int, str]] = set()
    for row in moved:
        key, year = _current(row.item, _local_day(row.created_at))
        bind.execute(sa.update(statuses).where(statuses.c.id == row.id).values(
            item=key, item_kind="deadline", year=year, version=_PARK + row.id))
        touched.add((row.plan, row.unit_id, key))
    for plan, unit_id, key in sorted(touched):
        same = (statuses.c.plan == plan) & (statuses.c.unit_id == unit_id) & (statuses.c.item == key)
        bind.execute(sa.update(statuses).where(same).values(version=_PARK + statuses.c.id))
        ordered: Sequence[int] = bind.execute(sa.select(statuses.c.id).where(same)
                               .order_by(statuses.c.created_at, statuses.c.id)).scalars().all()
        for version, status_id in enumerate(ordered, 1):
            bind.execute(sa.update(statuses).where(statuses.c.id == status_id).values(version=version))
    for draft in bind.execute(sa.select(drafts.c.user_id, drafts.c.item, drafts.c.updated_at)
                              .where(drafts.c.item.in_(duties))).all():
        key, _year = _current(draft.item, _local_day(draft.updated_at))
        bind.execute(sa.update(drafts).where(drafts.c.user_id == draft.user_id).values(item=key))


def downgrade() -> None:
    """Nothing to undo in the schema; merged reports stay on the deadline's item."""
