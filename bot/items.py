"""The items a unit reports on: deadline occurrences and duties of a plan.

A status is given for one *item*: a one-off deadline, one year's occurrence of a yearly deadline
(key "id@YYYY", as `scheduler.occurrences.DeadlineOccurrence.key`), or a duty (an ongoing task,
no due date). Pure functions of the knowledge base and the date: no database, no clock.

Which occurrences of a yearly deadline are items: those due from one year before `today` to one
year after, from the deadline's first year on — the one just past (late reports still count for
it) and the next one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from knowledge.loader import KnowledgeBase
from knowledge.model import Deadline, Duty
from knowledge.units import ResolvedUnit
from scheduler.occurrences import occurrences

__all__ = ["CURRENT_GRACE", "WINDOW", "Item", "find_item", "plan_items", "signed_dates", "unit_items"]

# Yearly occurrences shown: due within this distance of today, either way.
WINDOW = dt.timedelta(days=366)
# A bare yearly id means the occurrence due most recently while it is at most this late.
CURRENT_GRACE = dt.timedelta(days=30)


@dataclass(frozen=True, slots=True)
class Item:
    """One thing a unit reports on: a deadline occurrence or a duty."""

    key: str  # occurrence key ("id" or "id@YYYY") for deadlines, the duty id for duties
    kind: str  # "deadline" | "duty"
    entry: Deadline | Duty
    due: dt.date | None  # deadlines only

    @property
    def title(self) -> str:
        return self.entry.title

    @property
    def ref(self) -> str | None:
        return self.entry.ref

    @property
    def plan(self) -> str | None:
        return self.entry.plan

    @property
    def units(self) -> tuple[str, ...]:
        """The unit and group ids the entry names."""
        return self.entry.units

    @property
    def year(self) -> int | None:
        """The occurrence year of a yearly deadline, else None."""
        if isinstance(self.entry, Deadline) and self.entry.due.kind == "yearly" and self.due:
            return self.due.year
        return None


def signed_dates(kb: KnowledgeBase) -> dict[str, dt.date | None]:
    """``{plan: date signed}`` from the plan documents, the `signed` argument of the functions here."""
    return {d.plan: d.signed for d in kb.documents.values() if d.plan}


def _deadline_item(deadline: Deadline, due: dt.date) -> Item:
    key = f"{deadline.id}@{due.year}" if deadline.due.kind == "yearly" else deadline.id
    return Item(key, "deadline", deadline, due)


def _first_year(deadline: Deadline, signed: dict[str, dt.date | None]) -> int:
    # Without a window, `occurrences` yields a yearly deadline's first occurrence only.
    return occurrences([deadline], signed=signed)[0].due.year


def _plan_entries(kb: KnowledgeBase, plan: str) -> Iterable[Deadline | Duty]:
    return (e for e in kb.entries if e.plan == plan and isinstance(e, Deadline | Duty))


def plan_items(kb: KnowledgeBase, plan: str, today: dt.date,
               signed: dict[str, dt.date | None]) -> list[Item]:
    """Every item of `plan`, in the order a contact reads them.

    Deadlines first: the overdue ones, most recently due first, then the upcoming ones, soonest
    first; then the duties in KB order. One-off deadlines are all kept (a past one stays, as
    overdue); yearly ones give their occurrences due within a year of `today` either way.
    `signed` is ``{plan: date signed}`` as in `scheduler.occurrences`.
    """
    deadlines: list[Item] = []
    duties: list[Item] = []
    for entry in _plan_entries(kb, plan):
        if isinstance(entry, Duty):
            duties.append(Item(entry.id, "duty", entry, None))
        elif entry.due.kind == "yearly":
            found = occurrences([entry], start=today - WINDOW, end=today + WINDOW, signed=signed)
            deadlines.extend(_deadline_item(entry, o.due) for o in found)
        else:
            deadlines.append(_deadline_item(entry, entry.due.occurrence(0)))
    overdue = sorted((i for i in deadlines if i.due and i.due < today),
                     key=lambda i: (-i.due.toordinal() if i.due else 0, i.key))
    upcoming = sorted((i for i in deadlines if i.due and i.due >= today), key=lambda i: (i.due, i.key))
    return [*overdue, *upcoming, *duties]


def unit_items(kb: KnowledgeBase, plan: str, unit: ResolvedUnit, today: dt.date,
               signed: dict[str, dt.date | None]) -> list[Item]:
    """The items of `plan` that name the unit or one of its groups, in `plan_items` order."""
    return [i for i in plan_items(kb, plan, today, signed) if not unit.memberships.isdisjoint(i.units)]


def find_item(kb: KnowledgeBase, plan: str, key: str, today: dt.date,
              signed: dict[str, dt.date | None]) -> Item | None:
    """The item of `plan` named by `key`, or None.

    Accepted keys: a one-off deadline id; a duty id; "id@YYYY" for a yearly deadline's
    occurrence in YYYY (from its first year to next year: no reports for years further ahead);
    and a bare yearly id, meaning the *current* occurrence: the one due most recently if that
    was at most 30 days ago (late reports still count for it), otherwise the next one. Ids are
    matched in lower case, surrounding spaces ignored.
    """
    deadline_id, at, year_text = key.strip().lower().partition("@")
    entry = kb.by_id.get(deadline_id)
    if not isinstance(entry, Deadline | Duty) or entry.plan != plan:
        return None
    if isinstance(entry, Duty):
        return None if at else Item(entry.id, "duty", entry, None)
    rule = entry.due
    if rule.kind != "yearly":
        return None if at else _deadline_item(entry, rule.occurrence(0))
    first = _first_year(entry, signed)
    if at:
        if not (len(year_text) == 4 and year_text.isascii() and year_text.isdigit()):
            return None
        year = int(year_text)
        if not first <= year <= today.year + 1:
            return None
        return _deadline_item(entry, rule.occurrence(year))
    # The current occurrence: last one due on or before today, if not more than 30 days late.
    year = today.year if rule.occurrence(today.year) <= today else today.year - 1
    if year >= first and today - rule.occurrence(year) <= CURRENT_GRACE:
        return _deadline_item(entry, rule.occurrence(year))
    return _deadline_item(entry, rule.occurrence(max(year + 1, first)))
