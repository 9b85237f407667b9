"""Shared entries seen from one plan: what they say of other provinces' plans is set aside.

The FAQ and the documents' entries are shared by every plan, and some compare the plans
("Kế hoạch Lào Cai yêu cầu … trước 30/10; Hải Phòng trước 5/11 …"). A contact of Lạng Sơn asked
about reports must read Lạng Sơn's rule and the law, not the other provinces' dates. So, with a
plan in view, a shared entry's sentences that name another plan are left out, and so are its
citations of other plans; how much was left out tells the ranking how far the entry is about
other provinces.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from knowledge.loader import KnowledgeBase
from knowledge.model import Change, Entry, FaqEntry
from knowledge.text import fold

__all__ = ["Lensed", "PlanLens"]

_ITEM = re.compile(r"\s*(?:[-*+]|\d+[.)])\s")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
# A sentence this short ("Có.", "Không được.") is a reply to the question, not a statement.
_SHORT_REPLY = 14


@dataclass(frozen=True, slots=True)
class Lensed:
    """An entry's body as one plan reads it, and the share of the body left out (0–1)."""

    body: str
    removed: float
    dropped_cites: frozenset[tuple[str, str]]  # (doc id, ref) of the citations left out


class PlanLens:
    """Filters shared entries for a plan in view."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        names: dict[str, list[str]] = {}
        for doc in kb.documents.values():
            if doc.kind == "plan" and doc.plan:
                found = names.setdefault(doc.plan, [fold(doc.plan)])
                if doc.province:
                    found.append(fold(doc.province))
        self._names = {plan: re.compile(r"\b(?:" + "|".join(map(re.escape, ns)) + r")\b")
                       for plan, ns in names.items()}
        self.view = functools.lru_cache(maxsize=4096)(self._view)
        # Most shared entries name no plan at all: found once here, they cost nothing per question.
        self._naming: dict[str, frozenset[str]] = {}
        for entry in kb.entries:
            if entry.plan is None:
                refs = " ".join(c.ref for c in getattr(entry, "cites", ()))
                documents = self.kb.documents
                cited = {cited_plan for c in getattr(entry, "cites", ())
                         if c.doc_id in documents and (cited_plan := documents[c.doc_id].plan)}
                self._naming[entry.id] = frozenset(self.plans_named(f"{entry.body} {refs}") | cited)

    def names_plans(self, entry: Entry) -> bool:
        """Whether a shared entry names any plan (in its text or its citations)."""
        return bool(self._naming.get(entry.id))

    def plans_named(self, text: str) -> set[str]:
        """The plans a text names (by province or slug)."""
        folded = fold(text)
        return {plan for plan, pattern in self._names.items() if pattern.search(folded)}

    def _view(self, entry: Entry, plan: str | None, named: frozenset[str]) -> Lensed:
        """`entry` as read with `plan` in view; plans in `named` (the question names them) stay."""
        if plan is None or entry.plan is not None:
            return Lensed(entry.body, 0.0, frozenset())
        others = set(self._names) - {plan} - named
        if not self._naming.get(entry.id, frozenset(self._names)) & others:
            return Lensed(entry.body, 0.0, frozenset())
        pieces = _pieces(entry.body)
        kept_paragraphs = []
        total = kept = 0
        for paragraph in pieces:
            kept_items = []
            for sentences in paragraph:
                good = []
                for sentence in sentences:
                    total += len(sentence)
                    if self.plans_named(sentence) & others:
                        continue
                    kept += len(sentence)
                    good.append(_balanced(sentence))
                if good:
                    kept_items.append(" ".join(good))
            if kept_items:
                kept_paragraphs.append("\n".join(kept_items))
        dropped: set[tuple[str, str]] = set()
        if isinstance(entry, FaqEntry | Change):
            for cite in entry.cites:
                doc = self.kb.documents.get(cite.doc_id)
                # A citation of another plan, or one whose reference names it ("theo Kế hoạch Lào Cai").
                if (doc is not None and doc.plan in others) or self.plans_named(cite.ref) & others:
                    dropped.add((cite.doc_id, cite.ref))
        if kept == total:
            return Lensed(entry.body, 0.0, frozenset(dropped))
        return Lensed("\n\n".join(kept_paragraphs), 1 - kept / max(total, 1), frozenset(dropped))


def _pieces(body: str) -> list[list[list[str]]]:
    """Paragraphs → list items (or the paragraph as one item) → sentences."""
    out = []
    for paragraph in re.split(r"\n\s*\n", body.strip()):
        items: list[str] = []
        for line in paragraph.split("\n"):
            if not items or _ITEM.match(line):
                items.append(line.rstrip())
            else:
                items[-1] += " " + line.strip()
        out.append([_sentences(item) for item in items])
    return out


def _sentences(item: str) -> list[str]:
    """Split at sentence ends; a piece starting in lower case continues the previous one, and a
    one-word reply ("Có.", "Không.") goes with the sentence it introduces."""
    out: list[str] = []
    for piece in _SENTENCE_END.split(item):
        first = next((ch for ch in piece if ch.isalpha()), "")
        if out and (not (first.isupper() or piece.startswith(("(", "**", "-", "*")))
                    or len(out[-1]) <= _SHORT_REPLY):
            out[-1] += " " + piece
        else:
            out.append(piece)
    return out


def _balanced(sentence: str) -> str:
    """A sentence whose bold markers were cut by the split loses them rather than showing '**'."""
    return sentence.replace("**", "") if sentence.count("**") % 2 else sentence
