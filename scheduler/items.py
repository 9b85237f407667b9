"""The items a unit reports on: deadline occurrences and duties of a plan; and its tasks.

A status is given for one *item*: a one-off deadline, one year's occurrence of a yearly deadline
(key "id@YYYY", as `scheduler.occurrences.DeadlineOccurrence.key`), or a duty (an ongoing task,
no due date). A duty that a deadline dates (the deadline's `duty` in the KB: "xây dựng kế hoạch"
and "hạn gửi kế hoạch") is not an item of its own: the two are one task, reported on as the
deadline's item, and the duty's id names that item too. Pure functions of the knowledge base and
the date: no database, no clock.

Which occurrences of a yearly deadline are items: those due from one year before `today` to one
year after, from the deadline's first year on — the one just past (late reports still count for
it) and the next one.

Who reports on what: a unit reports on the entries that name it, and on those that name one of
its groups — unless another unit leads the entry (its title starts "Công an tỉnh: …" naming the
first unit listed): then the groups named only work with that unit ("phối hợp"), and it is that
unit's task, not theirs. `unit_tasks` lists a unit's tasks for /nhiemvu: its own first, then its
groups' from the nearest group to the broadest, then those it supports.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from knowledge.loader import KnowledgeBase
from knowledge.model import Deadline, Duty
from knowledge.units import ResolvedUnit, UnitRegistry
from scheduler.occurrences import occurrences

__all__ = [
    "CURRENT_GRACE",
    "WINDOW",
    "Item",
    "Task",
    "assignment",
    "find_item",
    "lead",
    "plan_items",
    "reports_on",
    "signed_dates",
    "unit_items",
    "unit_tasks",
]

# Yearly occurrences shown: due within this distance of today, either way.
WINDOW = dt.timedelta(days=366)
# A bare yearly id means the occurrence due most recently while it is at most this late.
CURRENT_GRACE = dt.timedelta(days=30)

OWN, GROUP, SUPPORT = "own", "group", "support"


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


@dataclass(frozen=True, slots=True)
class Task:
    """One task of a unit as /nhiemvu lists it: a duty (or a deadline no duty is linked to), the
    deadlines that date it, and why it is the unit's: `how` is "own" (it names the unit),
    "group" (it names `via`, a group of the unit) or "support" (another unit leads it; the unit
    works with it through `via`)."""

    entry: Duty | Deadline
    deadlines: tuple[Deadline, ...]
    how: str
    via: str | None


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


def _dated_by(kb: KnowledgeBase, plan: str) -> dict[str, list[Deadline]]:
    """Duty id → the deadlines of `plan` that date it, in KB order."""
    out: dict[str, list[Deadline]] = {}
    for entry in _plan_entries(kb, plan):
        if isinstance(entry, Deadline) and entry.duty is not None:
            out.setdefault(entry.duty, []).append(entry)
    return out


def lead(entry: Deadline | Duty, registry: UnitRegistry) -> str | None:
    """The unit leading `entry`, when its title starts with the first unit listed ("Công an
    tỉnh: chủ trì …"), that unit being a unit and not a group; else None."""
    return _lead(registry, entry)


@lru_cache(maxsize=4096)
def _lead(registry: UnitRegistry, entry: Deadline | Duty) -> str | None:
    # Cached: the status table asks it for every unit × item.
    if not entry.units or entry.units[0] not in registry.units:
        return None
    prefix, colon, _rest = entry.title.partition(":")
    return entry.units[0] if colon and registry.exact(prefix) == entry.units[0] else None


def _nearness(unit: ResolvedUnit, registry: UnitRegistry) -> dict[str, int]:
    """Each group of the unit → how many of its other groups lie below it (0: the nearest)."""
    groups = unit.memberships - {unit.id}
    return {g: sum(g in registry.ancestors(m) for m in groups) for g in groups}


def assignment(units: Iterable[str], title_entry: Deadline | Duty, unit: ResolvedUnit,
               registry: UnitRegistry) -> tuple[str, str | None] | None:
    """Why an entry naming `units` is the unit's: ("own", None), ("group", nearest group named),
    ("support", nearest group named) when another unit leads `title_entry`; None when it is not.
    """
    named = set(units)
    if unit.id is not None and unit.id in named:
        return OWN, None
    nearness = _nearness(unit, registry)
    groups = sorted((g for g in named if g in nearness), key=lambda g: (nearness[g], g))
    if not groups:
        return None
    leader = lead(title_entry, registry)
    return (SUPPORT if leader is not None and leader != unit.id else GROUP), groups[0]


def _reports_on(entry: Deadline | Duty, unit: ResolvedUnit, registry: UnitRegistry) -> bool:
    if unit.id is not None and unit.id in entry.units:
        return True
    if unit.memberships.isdisjoint(entry.units):
        return False
    leader = _lead(registry, entry)
    return leader is None or leader == unit.id


def plan_items(kb: KnowledgeBase, plan: str, today: dt.date,
               signed: dict[str, dt.date | None]) -> list[Item]:
    """Every item of `plan`, in the order a contact reads them.

    Deadlines first: the overdue ones, most recently due first, then the upcoming ones, soonest
    first; then the duties no deadline dates, in KB order. One-off deadlines are all kept (a
    past one stays, as overdue); yearly ones give their occurrences due within a year of `today`
    either way. `signed` is ``{plan: date signed}`` as in `scheduler.occurrences`.
    """
    dated = _dated_by(kb, plan)
    deadlines: list[Item] = []
    duties: list[Item] = []
    for entry in _plan_entries(kb, plan):
        if isinstance(entry, Duty):
            if entry.id not in dated:
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
    """The items of `plan` the unit reports on (see the module): the deadlines in `plan_items`
    order, then the duties in `unit_tasks` order (its own first)."""
    items = [i for i in plan_items(kb, plan, today, signed) if _reports_on(i.entry, unit, kb.registry)]
    order = {task.entry.id: n for n, task in enumerate(unit_tasks(kb, plan, unit))}
    duties = sorted((i for i in items if i.kind == "duty"), key=lambda i: order.get(i.key, len(order)))
    return [*(i for i in items if i.kind == "deadline"), *duties]


def reports_on(kb: KnowledgeBase, item: Item, unit: ResolvedUnit) -> bool:
    """Whether the unit reports on `item` (see the module)."""
    return _reports_on(item.entry, unit, kb.registry)


def unit_tasks(kb: KnowledgeBase, plan: str, unit: ResolvedUnit) -> list[Task]:
    """The unit's tasks in `plan`: its own, then its groups' from the nearest group to the
    broadest, then those another unit leads with it; each in KB order. A duty comes with the
    deadlines that date it (and counts as the unit's through them too); a deadline dating a
    duty is not listed apart."""
    registry = kb.registry
    dated = _dated_by(kb, plan)
    nearness = _nearness(unit, registry)
    found: list[tuple[tuple[int, int], int, Task]] = []
    for position, entry in enumerate(_plan_entries(kb, plan)):
        if isinstance(entry, Deadline) and entry.duty is not None and entry.duty in kb.by_id:
            continue
        deadlines = tuple(dated.get(entry.id, ())) if isinstance(entry, Duty) else (entry,)
        named = [*entry.units, *(u for d in deadlines for u in d.units)]
        why = assignment(named, entry, unit, registry)
        if why is None:
            continue
        how, via = why
        rank = {OWN: 0, GROUP: 1, SUPPORT: 2}[how]
        found.append(((rank, nearness.get(via, 0) if via else 0), position, Task(entry, deadlines, how, via)))
    return [task for _rank, _position, task in sorted(found, key=lambda f: (f[0], f[1]))]


def _current(items: list[Item], today: dt.date) -> Item:
    """Of several occurrences, the current one: the last due on or before today if at most
    `CURRENT_GRACE` late, otherwise the next one due, otherwise the last one."""
    past = [i for i in items if i.due is not None and i.due <= today]
    recent = max(past, key=lambda i: i.due or today, default=None)
    if recent is not None and recent.due is not None and today - recent.due <= CURRENT_GRACE:
        return recent
    ahead = [i for i in items if i.due is not None and i.due > today]
    if ahead:
        return min(ahead, key=lambda i: i.due or today)
    assert recent is not None
    return recent


def find_item(kb: KnowledgeBase, plan: str, key: str, today: dt.date,
              signed: dict[str, dt.date | None]) -> Item | None:
    """The item of `plan` named by `key`, or None.

    Accepted keys: a one-off deadline id; a duty id; "id@YYYY" for a yearly deadline's
    occurrence in YYYY (from its first year to next year: no reports for years further ahead);
    and a bare yearly id, meaning the *current* occurrence: the one due most recently if that
    was at most 30 days ago (late reports still count for it), otherwise the next one. The id
    of a duty that deadlines date names their item (of several, the current one, by the same
    rule). Ids are matched in lower case, surrounding spaces ignored.
    """
    deadline_id, at, year_text = key.strip().lower().partition("@")
    entry = kb.by_id.get(deadline_id)
    if not isinstance(entry, Deadline | Duty) or entry.plan != plan:
        return None
    if isinstance(entry, Duty):
        if at:
            return None
        dated = _dated_by(kb, plan).get(entry.id)
        if not dated:
            return Item(entry.id, "duty", entry, None)
        found = [find_item(kb, plan, d.id, today, signed) for d in dated]
        return _current([i for i in found if i is not None], today)
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
