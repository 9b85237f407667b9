"""Deadline occurrences: the concrete due dates of the KB's deadlines, for a unit, in a window.

Pure functions of the deadlines, the unit registry and the window: no clock, no database, so the
CLI, the reminders and the tests all see the same dates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from knowledge.model import Deadline
from knowledge.units import ResolvedUnit

__all__ = ["DeadlineOccurrence", "around", "occurrences"]

# A yearly deadline with no 'from' year starts in this year at the latest.
DEFAULT_FIRST_YEAR = 2026


@dataclass(frozen=True, slots=True)
class DeadlineOccurrence:
    """One due date of a deadline (a yearly deadline has one per year)."""

    deadline: Deadline
    due: dt.date

    @property
    def key(self) -> str:
        """Stable id of the occurrence: the deadline id, plus the year for yearly deadlines."""
        if self.deadline.due.kind == "yearly":
            return f"{self.deadline.id}@{self.due.year}"
        return self.deadline.id


def _first_year(deadline: Deadline, signed: dt.date | None) -> int:
    if deadline.first_year:
        return deadline.first_year
    return signed.year if signed else DEFAULT_FIRST_YEAR


def occurrences(
    deadlines: Iterable[Deadline],
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    unit: ResolvedUnit | None = None,
    plan: str | None = None,
    signed: dict[str, dt.date | None] | None = None,
) -> list[DeadlineOccurrence]:
    """Occurrences due in [start, end], soonest first, for `unit` (direct or via its groups).

    Without `start`, one-off deadlines are all included (past ones stay visible) and yearly ones
    from their first year; without `end`, yearly deadlines yield one occurrence: the first on or
    after `start` (or the first year).
    """
    signed = signed or {}
    out: list[DeadlineOccurrence] = []
    for deadline in deadlines:
        if plan is not None and deadline.plan != plan:
            continue
        if unit is not None and not (unit.memberships & set(deadline.units)):
            continue
        rule = deadline.due
        if rule.kind != "yearly":
            due = rule.occurrence(0)
            if (start is None or due >= start) and (end is None or due <= end):
                out.append(DeadlineOccurrence(deadline, due))
            continue
        year = max(_first_year(deadline, signed.get(deadline.plan or "")), start.year if start else 0)
        while True:
            due = rule.occurrence(year)
            year += 1
            if start is not None and due < start:
                continue
            if end is not None and due > end:
                break
            out.append(DeadlineOccurrence(deadline, due))
            if end is None:
                break
    out.sort(key=lambda o: (o.due, o.deadline.id))
    return out


def around(
    deadlines: Iterable[Deadline],
    today: dt.date,
    *,
    unit: ResolvedUnit | None = None,
    plan: str | None = None,
    signed: dict[str, dt.date | None] | None = None,
    past_days: int = 365,
    ahead_days: int = 365,
) -> tuple[list[DeadlineOccurrence], list[DeadlineOccurrence]]:
    """(overdue, upcoming): occurrences due in the last `past_days` (most recent first) and from
    today on within `ahead_days` (soonest first)."""
    start = today - dt.timedelta(days=past_days)
    end = today + dt.timedelta(days=ahead_days)
    found = occurrences(deadlines, start=start, end=end, unit=unit, plan=plan, signed=signed)
    overdue = [o for o in found if o.due < today]
    overdue.reverse()
    return overdue, [o for o in found if o.due >= today]
