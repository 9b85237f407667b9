"""Typed, immutable records of the knowledge base (see FORMAT.md for the file format)."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

__all__ = [
    "LEGAL_KINDS",
    "Change",
    "Citation",
    "Contact",
    "Deadline",
    "Document",
    "DueRule",
    "Duty",
    "Entry",
    "Fact",
    "FaqEntry",
    "Group",
    "Holiday",
    "HolidayYear",
    "Provision",
    "Term",
    "Unit",
]

# Kinds of document that state law (and so carry a version and a status).
LEGAL_KINDS = frozenset({"law", "decree", "circular", "ordinance"})


@dataclass(frozen=True, slots=True)
class Document:
    """One source document: a plan, a law, a decree, the FAQ, the glossary…"""

    id: str
    kind: str
    title: str
    short: str
    file: str
    number: str | None = None
    issuer: str | None = None
    signed: dt.date | None = None
    signer: str | None = None
    effective: dt.date | None = None
    ended: dt.date | None = None
    status: str | None = None
    replaced_by: str | None = None
    replaces: tuple[str, ...] = ()
    plan: str | None = None
    province: str | None = None
    implements: str | None = None
    aliases: tuple[str, ...] = ()
    source: str | None = None
    note: str | None = None
    guides: tuple[str, ...] = ()  # laws a decree or circular details (doc ids)
    as_of: dt.date | None = None  # plans whose signing date is blank: the date the text allows
    level: str | None = None  # plans: "tỉnh" or "thành phố", how the plan names its bodies
    special_zones: bool | None = None  # plans: whether the province has đặc khu

    @property
    def dated(self) -> dt.date | None:
        """The day a plan speaks of: signed, else the earliest day its text allows."""
        return self.signed or self.as_of

    @property
    def is_legal(self) -> bool:
        return self.kind in LEGAL_KINDS


@dataclass(frozen=True, slots=True)
class DueRule:
    """When a deadline falls: one date, the end of a month, or a day every year."""

    kind: str  # "date" | "month" | "yearly"
    year: int | None
    month: int
    day: int

    def occurrence(self, year: int) -> dt.date:
        """The due date in `year` (yearly rules) or the single due date (others)."""
        if self.kind == "yearly":
            day = min(self.day, calendar.monthrange(year, self.month)[1])
            return dt.date(year, self.month, day)
        assert self.year is not None
        return dt.date(self.year, self.month, self.day)

    @property
    def recurrence(self) -> str | None:
        return "yearly" if self.kind == "yearly" else None


@dataclass(frozen=True, slots=True)
class Citation:
    """A reference from an FAQ or change entry to a document: `luat-117-2025 Điều 5 khoản 2`."""

    doc_id: str
    ref: str


@dataclass(frozen=True, slots=True)
class Entry:
    """Fields every searchable entry has."""

    id: str
    type: str
    doc_id: str
    plan: str | None
    title: str
    body: str
    file: str
    line: int
    ref: str | None = None
    keywords: tuple[str, ...] = ()
    units: tuple[str, ...] = ()  # canonical unit/group ids


@dataclass(frozen=True, slots=True)
class Duty(Entry):
    """A task a plan assigns to units."""


@dataclass(frozen=True, slots=True)
class Fact(Entry):
    """Any other statement from a document (purpose, target, composition, signer…)."""


@dataclass(frozen=True, slots=True)
class Deadline(Entry):
    """A structured deadline of a plan."""

    due: DueRule = DueRule("date", 2000, 1, 1)
    due_text: str | None = None
    first_year: int | None = None
    duty: str | None = None  # the duty entry this deadline dates (same task: one report item)


@dataclass(frozen=True, slots=True)
class Provision(Entry):
    """One article / clause / point of a law, decree or circular, paraphrased."""

    article: int = 0
    clause: int | None = None
    point: str | None = None
    verified: str = "clause"  # "clause": the clause text was read; "article": only the article

    @property
    def citation_ref(self) -> str:
        parts = []
        if self.point:
            parts.append(f"điểm {self.point}")
        if self.clause is not None:
            parts.append(f"khoản {self.clause}")
        parts.append(f"Điều {self.article}")
        return " ".join(parts)


@dataclass(frozen=True, slots=True)
class Contact(Entry):
    """A contact point with phone numbers as the source writes them."""

    phones: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FaqEntry(Entry):
    """A practical question answered from cited provisions and plans."""

    question: str = ""
    cites: tuple[Citation, ...] = ()


@dataclass(frozen=True, slots=True)
class Change(Entry):
    """What changed between the 2018 and the 2025 law."""

    cites: tuple[Citation, ...] = ()


@dataclass(frozen=True, slots=True)
class Term(Entry):
    """An abbreviation or term of the glossary."""

    term: str = ""
    expansion: str = ""
    expand: bool = True
    exact_case: bool = False


@dataclass(frozen=True, slots=True)
class Unit:
    """A canonical unit (Công an tỉnh, Sở Tài chính…) with its aliases and groups."""

    id: str
    name: str
    aliases: tuple[str, ...]
    groups: tuple[str, ...]
    file: str
    line: int
    since: dt.date | None = None  # created by a reorganisation on this day
    until: dt.date | None = None  # last day it existed (merged or dissolved)
    successors: tuple[str, ...] = ()  # unit ids that took over its work, the main one first

    def exists_on(self, day: dt.date | None) -> bool:
        """Whether the unit existed on `day` (a plan's date); every unit does when it is unknown."""
        if day is None:
            return True
        return (self.since is None or self.since <= day) and (self.until is None or day <= self.until)


@dataclass(frozen=True, slots=True)
class Group:
    """A group of units as plans name them ("các sở, ban, ngành")."""

    id: str
    name: str
    aliases: tuple[str, ...]
    groups: tuple[str, ...]
    prefixes: tuple[str, ...]
    file: str
    line: int


@dataclass(frozen=True, slots=True)
class Holiday:
    """Days off of one public holiday as announced (Tết: the whole announced break)."""

    id: str
    title: str
    start: dt.date
    end: dt.date  # last day off (= start for a single day)
    ref: str  # where the days off were announced or laid down
    file: str
    line: int

    @property
    def days(self) -> tuple[dt.date, ...]:
        return tuple(self.start + dt.timedelta(days=i) for i in range((self.end - self.start).days + 1))


@dataclass(frozen=True, slots=True)
class HolidayYear:
    """One year's list of public holidays (a `holidays` file: see FORMAT.md)."""

    id: str
    year: int
    title: str
    source: str
    file: str
    holidays: tuple[Holiday, ...]
    note: str | None = None
