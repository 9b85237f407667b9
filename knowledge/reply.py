"""What the assistant replies: an `Answer`, its `Part`s and their `Source`s.

Kept apart from the code that builds answers so that routing, ranking and composing (and the
handlers and CLI that show an answer) share one small vocabulary without importing each other.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from knowledge import texts

__all__ = ["Answer", "Part", "Source", "UnknownPlan", "fmt", "relative"]


class UnknownPlan(ValueError):
    """A plan slug that is not in the knowledge base."""


@dataclass(frozen=True, slots=True)
class Source:
    """Where an answer's statement stands: a document's short name and the place in it."""

    doc: str
    ref: str


@dataclass(frozen=True, slots=True)
class Part:
    """One part of an answer as the SPEC's `blocks` list it: the entry, its title, its Markdown."""

    entry: str
    title: str
    markdown: str
    sources: tuple[Source, ...] = ()


@dataclass(frozen=True)
class Answer:
    """What the assistant replies: Markdown text, its sources, and follow-up suggestions."""

    answered: bool
    # Markdown blocks, each complete in itself, shown one after the other (a blank line between).
    # Kept apart so each renders (and is cached) on its own: an entry's body reads the same in
    # every answer that shows it.
    blocks: tuple[str, ...]
    sources: tuple[Source, ...] = ()
    suggestions: tuple[str, ...] = ()
    entry_ids: tuple[str, ...] = ()
    plan: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    # The answer's parts in rank order, the first being the answer to the question (SPEC `blocks`).
    parts: tuple[Part, ...] = ()

    @property
    def markdown(self) -> str:
        return "\n\n".join(self.blocks)


def fmt(day: dt.date) -> str:
    """A date as answers write it (15/01/2026)."""
    return f"{day:%d/%m/%Y}"


def relative(due: dt.date, today: dt.date) -> str:
    """How far `due` is from `today`: days left, today, or days past."""
    days = (due - today).days
    if days > 0:
        return texts.DAYS_LEFT.format(days=days)
    if days == 0:
        return texts.DUE_TODAY
    return texts.DAYS_PAST.format(days=-days)
