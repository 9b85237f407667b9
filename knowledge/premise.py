"""Dates a question states, and whether the sources it is answered from set them.

"Phải nộp báo cáo năm trước 5/11 đúng không?" asked of a plan that sets no such date must be
told so before anything else; confirming by quoting a nearby entry (or another province's
plan) is the worst answer the assistant can give. This module reads the dates a question states
and compares them with deadlines and with the dates written in an entry's text.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass

from knowledge.model import Deadline, Entry
from knowledge.text import fold

__all__ = ["DateClaim", "dates_in", "supported"]

_FULL = re.compile(r"(?<![\d/])(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})(?![\d/])")
_WORDS = re.compile(r"\bngay (\d{1,2}) thang (\d{1,2})(?: nam (\d{4}))?\b")
_MONTH = re.compile(r"\bthang (\d{1,2})\s*(?:/|nam|-)\s*(\d{4})\b")
_DAY_MONTH = re.compile(r"(?<![\d/])(\d{1,2})\s*/\s*(\d{1,2})(?![\d/])")


@dataclass(frozen=True, slots=True)
class DateClaim:
    """A date as a text states it: a day (year optional) or a whole month."""

    day: int | None
    month: int
    year: int | None

    def label(self) -> str:
        if self.day is None:
            return f"tháng {self.month:02d}/{self.year}"
        if self.year is None:
            return f"{self.day:02d}/{self.month:02d}"
        return f"{self.day:02d}/{self.month:02d}/{self.year}"

    def matches(self, other: DateClaim) -> bool:
        """Whether two stated dates can be the same day (a missing year or day matches any)."""
        if self.month != other.month:
            return False
        if self.year is not None and other.year is not None and self.year != other.year:
            return False
        if self.day is None or other.day is None:
            return True
        return self.day == other.day

    def matches_deadline(self, deadline: Deadline) -> bool:
        rule = deadline.due
        if rule.kind == "yearly":
            return self.month == rule.month and self.day in (None, rule.day)
        if rule.kind == "month":
            last = calendar.monthrange(rule.year or 2000, rule.month)[1]
            return (self.month, self.year or rule.year) == (rule.month, rule.year) and \
                self.day in (None, last)
        return self.matches(DateClaim(rule.day, rule.month, rule.year))


def dates_in(text: str) -> list[DateClaim]:
    """Every date a text states (dd/mm/yyyy, dd/mm, "ngày d tháng m năm y", "tháng m/yyyy")."""
    folded = fold(text)
    out: list[DateClaim] = []
    taken: list[tuple[int, int]] = []

    def add(claim: DateClaim, span: tuple[int, int]) -> None:
        if any(a < span[1] and span[0] < b for a, b in taken):
            return
        if not 1 <= claim.month <= 12 or (claim.day is not None and not 1 <= claim.day <= 31):
            return
        taken.append(span)
        out.append(claim)

    for m in _FULL.finditer(folded):
        add(DateClaim(int(m[1]), int(m[2]), int(m[3])), m.span())
    for m in _WORDS.finditer(folded):
        add(DateClaim(int(m[1]), int(m[2]), int(m[3]) if m[3] else None), m.span())
    for m in _MONTH.finditer(folded):
        add(DateClaim(None, int(m[1]), int(m[2])), m.span())
    for m in _DAY_MONTH.finditer(folded):
        add(DateClaim(int(m[1]), int(m[2]), None), m.span())
    return out


def supported(claim: DateClaim, entries: Iterable[tuple[Entry, str]]) -> bool:
    """Whether one of `entries` (each with its text as read) sets or states the claimed date."""
    for entry, body in entries:
        if isinstance(entry, Deadline) and claim.matches_deadline(entry):
            return True
        if any(claim.matches(d) for d in dates_in(body)):
            return True
    return False

