"""Compose answers from entries: each entry's blocks and sources, the law's status, suggestions.

Every answer the assistant gives is built here or in `knowledge.listings` from the same pieces
(an entry's title, its text as the plan in view reads it, its deadline, its source line, where
its law stands today), so an entry reads the same whichever question shows it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from knowledge import texts
from knowledge.index import SearchIndex
from knowledge.lens import PlanLens
from knowledge.loader import KnowledgeBase
from knowledge.model import Change, Contact, Deadline, Document, Entry, FaqEntry, Provision
from knowledge.ranking import Ranked
from knowledge.reply import Answer, Part, Source, fmt, relative
from knowledge.status import DocumentStatus, describe, status_on
from knowledge.text import fold

__all__ = ["Composer", "digits", "next_due", "suggestion_title"]

# Suggestions must score at least this share of the best entry.
SUGGESTION_RATIO = 0.35
# A declined question gets near-miss suggestions only from this coverage up.
SUGGEST_ON_DECLINE = 0.2


def digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def next_due(deadline: Deadline, today: dt.date) -> dt.date:
    """A deadline's due date as of `today`: a yearly one's next occurrence, else its one date."""
    due = deadline.due.occurrence(today.year)
    if deadline.due.kind == "yearly" and due < today:
        due = deadline.due.occurrence(today.year + 1)
    return due


def suggestion_title(entry: Entry) -> str:
    """What a suggestion button says for an entry: a FAQ's question, else the title."""
    return entry.question if isinstance(entry, FaqEntry) else entry.title


class Composer:
    """Builds the Markdown of answers from one knowledge base's entries."""

    def __init__(self, kb: KnowledgeBase, index: SearchIndex, lens: PlanLens,
                 by_plan: dict[str | None, set[int]]) -> None:
        self.kb, self.index, self.lens, self.by_plan = kb, index, lens, by_plan
        self._statuses: dict[tuple[str, dt.date], DocumentStatus] = {}

    def plan_entries(self, plan: str | None) -> list[Entry]:
        """The entries of `plan` in index order."""
        return [self.index.entries[i] for i in sorted(self.by_plan.get(plan, ()))]

    def compose(
        self, shown: list[Entry], ranked: list[Ranked], plan: str | None, today: dt.date,
        coverage: float, named: frozenset[str] = frozenset(), notes: Sequence[str] = (),
    ) -> Answer:
        """The answer showing `shown` (notes first), with suggestions from the rest of `ranked`."""
        blocks: list[str] = []
        parts: list[Part] = []
        sources: list[Source] = []
        for i, entry in enumerate(shown):
            entry_blocks, entry_sources = self.entry_blocks(entry, today, plan, named)
            if i == 0 and notes:
                # The correction of a wrong premise comes before anything else.
                entry_blocks = [*notes, *entry_blocks]
            blocks.extend(entry_blocks)
            sources.extend(entry_sources)
            parts.append(Part(entry.id, self.title_of(entry), "\n\n".join(entry_blocks),
                              tuple(entry_sources)))
        blocks.append(texts.LEGAL_NOTE)
        shown_ids = {e.id for e in shown}
        suggestions = self.suggestions(ranked, shown_ids)
        return Answer(
            True, tuple(blocks), tuple(dict.fromkeys(sources)), tuple(suggestions),
            tuple(e.id for e in shown), plan or shown[0].plan, {"coverage": round(coverage, 3)},
            tuple(parts),
        )

    def decline(
        self, plan: str | None, ranked: list[Ranked], coverage: float = 0.0,
        reason: str | None = None,
    ) -> Answer:
        """Not found: near misses when the question is partly in the KB, and whom to ask."""
        suggestions = [
            suggestion_title(r.entry) for r in ranked[:3]
        ] if coverage >= SUGGEST_ON_DECLINE else []
        parts = [texts.NOT_FOUND]
        if suggestions:
            parts.append(texts.MAYBE_YOU_MEANT + "\n\n" + "\n".join(f"- {s}" for s in suggestions))
        parts.append(self.office_contact(plan))
        extra: dict[str, Any] = {"coverage": round(coverage, 3)}
        if reason:
            extra["declined"] = reason
        return Answer(False, tuple(parts), (), tuple(suggestions), (), plan, extra)

    def which_unit(self, plan: str | None) -> Answer:
        """"Đơn vị tôi …" from someone whose unit is not known: say how to make it known."""
        return Answer(False, (texts.WHICH_UNIT, self.office_contact(plan)), plan=plan,
                      extra={"coverage": None, "needs_unit": True})

    def title_of(self, entry: Entry) -> str:
        """An entry's title as an answer shows it (a plan's entries name their plan)."""
        doc = self.kb.documents[entry.doc_id]
        if entry.plan and doc.kind == "plan":
            return f"{entry.title} — {doc.short}"
        return entry.title

    def suggestions(self, ranked: list[Ranked], exclude: set[str], limit: int = 3) -> list[str]:
        """Titles of the next best entries (not `exclude`d), close enough to the best to offer."""
        if not ranked:
            return []
        top = ranked[0].score
        out: list[str] = []
        for r in ranked:
            if r.entry.id in exclude:
                continue
            if r.score < SUGGESTION_RATIO * top or len(out) == limit:
                break
            title = suggestion_title(r.entry)
            if title not in out:
                out.append(title)
        return out

    def entry_blocks(self, entry: Entry, today: dt.date, plan: str | None = None,
                     named: frozenset[str] = frozenset()) -> tuple[list[str], list[Source]]:
        """An entry as separate blocks: title, the fact, dates, source line, law version.

        With `plan` in view, a shared entry leaves out what it says of other plans (`named`:
        plans the question itself names, which stay).
        """
        view = self.lens.view(entry, plan, named)
        lines = [f"**{self.title_of(entry)}**", view.body]
        if isinstance(entry, Deadline):
            lines.append(self.deadline_status(entry, today))
        if isinstance(entry, Contact):
            # The phones the text does not already give next to a name (each number said once).
            unsaid = [p for p in entry.phones if digits(p) not in digits(view.body)]
            if unsaid:
                lines.append(texts.PHONES.format(phones=", ".join(unsaid)))
        sources = self.sources_of(entry, view.dropped_cites)
        lines.append(texts.SOURCE_LINE.format(
            sources="; ".join(self.cite(s) for s in sources)))
        note = self.law_status_note(entry, today)
        if note:
            lines.append(note)
        return lines, sources

    def sources_of(self, entry: Entry,
                   leave_out: frozenset[tuple[str, str]] = frozenset()) -> list[Source]:
        """What an entry cites (a FAQ or change entry) or where it stands (any other)."""
        doc = self.kb.documents[entry.doc_id]
        if isinstance(entry, Provision):
            return [Source(doc.short, entry.citation_ref)]
        if isinstance(entry, FaqEntry | Change):
            out = []
            for cite in entry.cites:
                if (cite.doc_id, cite.ref) in leave_out:
                    continue
                target = self.kb.documents.get(cite.doc_id)
                out.append(Source(target.short if target else cite.doc_id, cite.ref))
            return out
        return [Source(doc.short, entry.ref or doc.title)]

    @staticmethod
    def cite(source: Source) -> str:
        if re.match(r"(?i)(điều|khoản|điểm)\b", source.ref):
            return f"{source.ref} {source.doc}"
        if source.ref.startswith("("):
            return f"{source.doc} {source.ref}"
        return f"{source.doc}, {source.ref}"

    def status(self, doc: Document, today: dt.date) -> DocumentStatus:
        """Where `doc` stands on `today` (memoised: ranking asks it of every legal entry)."""
        key = (doc.id, today)
        found = self._statuses.get(key)
        if found is None:
            if len(self._statuses) > 10_000:
                self._statuses.clear()
            found = self._statuses[key] = status_on(doc, today, self.kb.documents)
        return found

    def replaced_on(self, entry: Entry, today: dt.date) -> bool:
        """Whether the entry's document is a legal text no longer in force on `today`."""
        doc = self.kb.documents[entry.doc_id]
        return doc.is_legal and not self.status(doc, today).in_force

    def law_status_note(self, entry: Entry, today: dt.date) -> str | None:
        """Which legal texts an answer states, and where each stands today (knowledge/status.py).

        A change entry compares the two laws by nature, so it gets no note of its own.
        """
        if isinstance(entry, Change):
            return None
        docs: list[Document] = []
        if isinstance(entry, FaqEntry):
            docs = [self.kb.documents[c.doc_id] for c in entry.cites if c.doc_id in self.kb.documents]
        else:
            docs = [self.kb.documents[entry.doc_id]]
        legal = list(dict.fromkeys(d for d in docs if d.is_legal))
        statuses = [self.status(d, today) for d in legal]
        current = [s for s in statuses if s.in_force]
        notes = []
        dated = [s for s in current if s.doc.effective]
        if dated:
            notes.append(texts.STATUS_IN_FORCE.format(
                doc=", ".join(s.doc.short for s in dated),
                since=", ".join(fmt(s.doc.effective) for s in dated if s.doc.effective)))
        notes.extend(describe(s) for s in current if not s.doc.effective)
        notes.extend(describe(s, alongside_current=bool(current)) for s in statuses if not s.in_force)
        return " ".join(notes) or None

    def deadline_status(self, deadline: Deadline, today: dt.date) -> str:
        """'Hạn: 15/01/2026 — đã qua 312 ngày' style line relative to `today`."""
        rule = deadline.due
        if rule.kind == "yearly":
            due = next_due(deadline, today)
            return texts.DUE_YEARLY.format(day=f"{rule.day:02d}/{rule.month:02d}", next=fmt(due),
                                           relative=relative(due, today))
        due = rule.occurrence(today.year)
        label = texts.DUE_MONTH.format(month=f"{rule.month:02d}/{rule.year}", date=fmt(due)) \
            if rule.kind == "month" else fmt(due)
        return texts.DUE_ONCE.format(due=label, relative=relative(due, today))

    def contact_entries(self, plan: str | None) -> list[Contact]:
        """The standing office's contact entries of `plan` (of every plan when None), each person
        and phone once: an entry whose phones an earlier one of its plan gives is left out (a
        plan listing its two officers, then each officer again)."""
        out: list[Contact] = []
        said: dict[str, set[str]] = {}
        for entry in self.kb.entries:
            if not isinstance(entry, Contact) or (plan is not None and entry.plan != plan):
                continue
            phones = {digits(p) for p in entry.phones}
            known = said.setdefault(entry.plan or "", set())
            if phones and phones <= known:
                continue
            known |= phones
            out.append(entry)
        return out

    def office_contact(self, plan: str | None) -> str:
        """How to reach the standing office, with phone numbers when the plan gives them, in the
        plan's own words ("Công an thành phố" for a city's plan)."""
        doc = self.kb.plan_document(plan) if plan else None
        office = self.kb.wording(plan).apply(texts.OFFICE_PROVINCE)
        if doc is None:
            return texts.OFFICE_CONTACT.format(office=office)
        entries = [self.index.entries[e] for e in self.by_plan.get(plan, ())]
        department = fold(texts.OFFICE_DEPARTMENT)
        if any(department in fold(e.body) for e in entries if isinstance(e, Contact)):
            office = f"{office}, {texts.OFFICE_DEPARTMENT}"
        for entry in entries:
            if isinstance(entry, Contact) and entry.phones:
                return texts.OFFICE_CONTACT_PHONES.format(
                    phones=", ".join(entry.phones), plan=doc.short, office=office)
        return texts.OFFICE_CONTACT.format(office=office)
