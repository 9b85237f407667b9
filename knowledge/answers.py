"""Answer a question from the knowledge base: route, rank, decide, and compose a cited reply.

`Assistant.find_answers` is the one entry point the CLI, the console and the Telegram handlers
share. It returns an `Answer` whose Markdown is rendered to Telegram HTML or plain text by
`knowledge.render`.
"""

from __future__ import annotations

import datetime as dt
import functools
import heapq
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz, process

from knowledge import texts
from knowledge.index import Analysis, SearchIndex
from knowledge.loader import DEFAULT_ROOT, KnowledgeBase, load_knowledge
from knowledge.model import (
    Change,
    Contact,
    Deadline,
    Document,
    Duty,
    Entry,
    FaqEntry,
    Provision,
)
from knowledge.units import ResolvedUnit

__all__ = ["Answer", "Assistant", "Source", "UnknownPlan"]

# Below this share of the question's content found in the best entry, the assistant declines.
MIN_COVERAGE = 0.28
# A second entry is shown in full when it scores at least this share of the best one.
SECOND_ENTRY_RATIO = 0.85
# A declined question gets near-miss suggestions only from this coverage up.
SUGGEST_ON_DECLINE = 0.2
# How many of the best raw BM25 matches are boosted and re-ranked (60 ranks the dev and regression
# sets exactly as 150 did, in three quarters of the time).
RANK_DEPTH = 60
# A duties listing shows at most this many duties of each kind (the rest are counted).
MAX_LISTED_DUTIES = 12
# How many recent (question, plan, day) answers are kept.
ANSWER_CACHE_SIZE = 2048
# A question at least this alike (rapidfuzz ratio, 0–100) to an entry's title is boosted by how
# far above it is.
TITLE_LIKENESS = 70
# Suggestions must score at least this share of the best entry.
SUGGESTION_RATIO = 0.35

_DEADLINE_CUE = re.compile(
    r"\b(truoc ngay nao|han chot|han nop|han cuoi|han gui|han bao cao|ngay nao|khi nao|bao gio|"
    r"luc nao|deadline|thoi han nop|thoi han gui|thoi han bao cao|thoi han hoan thanh|"
    r"thoi gian hoan thanh|han hoan thanh|nop truoc|gui truoc|truoc ngay|con bao nhieu ngay)\b"
)
_CONTACT_CUE = re.compile(
    r"\b(lien he|lien lac|so dien thoai|dien thoai|sdt|hotline|goi cho ai|hoi ai|can bo dau moi|"
    r"dau moi|bao cao ai|bao ai|phan anh)\b"
)
_DUTIES_CUE = re.compile(
    r"\b(nhiem vu|trach nhiem|lam gi|phai lam|duoc giao|phan cong|viec gi|cong viec|giao gi)\b"
)
_ARTICLE_CUE = re.compile(r"\bdieu (\d+)\b")
_LAW_2018_CUE = re.compile(r"\b(2018|29 2018|luat cu|qh14)\b")
_LAW_2025_CUE = re.compile(r"\b(2025|117|luat moi|qh15)\b")


class UnknownPlan(ValueError):
    """A plan slug that is not in the knowledge base."""


@dataclass(frozen=True, slots=True)
class Source:
    doc: str
    ref: str


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
    extra: dict = field(default_factory=dict)

    @property
    def markdown(self) -> str:
        return "\n\n".join(self.blocks)


@dataclass
class _Ranked:
    entry: Entry
    score: float


class Assistant:
    """Answers questions from one loaded knowledge base."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.index = SearchIndex(kb)
        self._position = {e.id: i for i, e in enumerate(self.index.entries)}
        self._plan_keys = self._build_plan_keys()
        self._doc_keys = self._build_doc_keys()
        self._title_keys = [
            [" ".join(self.index.syllables_of(t)) for t in self._titles(e)] for e in self.index.entries
        ]
        self._cached_answer = functools.lru_cache(maxsize=ANSWER_CACHE_SIZE)(self._find_answers)
        self._by_plan: dict[str | None, set[int]] = {}
        for i, e in enumerate(self.index.entries):
            self._by_plan.setdefault(e.plan, set()).add(i)
        # What a question in a plan may be answered from: the plan's own entries and the shared.
        shared = self._by_plan.get(None, set())
        self._allowed = {plan: self._by_plan.get(plan, set()) | shared for plan in kb.plans}

    @staticmethod
    def _titles(entry: Entry) -> list[str]:
        if isinstance(entry, FaqEntry):
            return [entry.title, entry.question]
        return [entry.title]

    @classmethod
    def from_directory(cls, root: Path = DEFAULT_ROOT) -> Assistant:
        return cls(load_knowledge(root))

    # --- context detection ---------------------------------------------------------------

    def _build_plan_keys(self) -> list[tuple[str, str]]:
        keys = []
        for doc in self.kb.documents.values():
            if doc.kind != "plan" or not doc.plan:
                continue
            names = [*doc.aliases]
            if doc.province:
                names.append(doc.province)
            for name in names:
                key = " ".join(self.index.syllables_of(name))
                if key:
                    keys.append((key, doc.plan))
        return sorted(keys, key=lambda kv: len(kv[0]), reverse=True)

    def _build_doc_keys(self) -> list[tuple[str, str]]:
        keys = []
        for doc in self.kb.documents.values():
            if doc.kind == "plan":
                continue
            for name in (doc.number, doc.short, *doc.aliases):
                if name:
                    key = " ".join(self.index.syllables_of(name))
                    if len(key) >= 4:
                        keys.append((f" {key} ", doc.id))  # spaced: whole-word matches
        return sorted(keys, key=lambda kv: len(kv[0]), reverse=True)

    def detect_plan(self, key: str) -> tuple[str, str] | None:
        """The plan a question names ("… của Lào Cai", "KH 109") and the words naming it."""
        padded = f" {key} "
        for name, slug in self._plan_keys:
            if f" {name} " in padded:
                return slug, name
        return None

    def _mentioned_docs(self, key: str) -> set[str]:
        padded = f" {key} "
        return {doc_id for spaced, doc_id in self._doc_keys if spaced in padded}

    def _context_words(self, plan: str | None) -> set[str]:
        """Syllables that only name the plan's province or the plan itself: context, not content."""
        words = {"ke", "hoach", "tinh", "thanh", "pho"}
        doc = self.kb.plan_document(plan) if plan else None
        if doc and doc.province:
            words.update(self.index.syllables_of(doc.province))
        return words

    # --- ranking -------------------------------------------------------------------------

    def _rank(self, analysis: Analysis, plan: str | None, today: dt.date,
              units: list[str]) -> list[_Ranked]:
        """Entries by score, boosted by what the question names (`units`: the units it names)."""
        allowed = self._allowed[plan] if plan is not None else None
        scores = self.index.score(analysis.terms, allowed)
        key = analysis.key
        unit_scope = set()
        for uid in units:
            unit_scope |= {uid} | self.kb.registry.ancestors(uid)
        # "Khi nào…" asks for a plan's date only when a plan or unit is in view; otherwise it
        # is as likely to ask in what circumstances the law requires something.
        deadline_cue = bool(_DEADLINE_CUE.search(key)) and (plan is not None or bool(units))
        contact_cue = bool(_CONTACT_CUE.search(key))
        articles = {int(m) for m in _ARTICLE_CUE.findall(key)}
        docs = self._mentioned_docs(key)
        law_2018 = bool(_LAW_2018_CUE.search(key))
        law_2025 = bool(_LAW_2025_CUE.search(key))
        ranked = []
        # Boosts and title likeness only matter among the best raw matches.
        best = heapq.nlargest(RANK_DEPTH, scores.items(), key=lambda kv: kv[1])
        likeness = self._title_likeness(key, [idx for idx, _ in best])
        for idx, score in best:
            entry = self.index.entries[idx]
            doc = self.kb.documents[entry.doc_id]
            # A question worded like an entry's title (or FAQ question) is about that entry.
            score *= 1 + likeness.get(idx, 0.0) / 60
            if plan is None and entry.plan is not None:
                # Without a plan in view, one province's plan is a weaker answer than the law.
                score *= 0.8
            elif plan is not None and entry.plan == plan:
                # With a plan in view, its own text beats the documents it merely cites.
                score *= 1.25
            if deadline_cue and isinstance(entry, Deadline):
                score *= 1.6
            if contact_cue and isinstance(entry, Contact):
                score *= 2.0
            if articles and isinstance(entry, Provision):
                score *= 2.5 if entry.article in articles else 0.8
            if entry.doc_id in docs:
                score *= 1.8
            if doc.is_legal or isinstance(entry, Change):
                named = (law_2018 and entry.doc_id == "luat-29-2018") or (
                    law_2025 and entry.doc_id == "luat-117-2025"
                )
                if named:
                    score *= 1.5
                elif doc.is_legal and not doc.in_force_on(today):
                    score *= 0.85
            if units and entry.units:
                if set(units) & set(entry.units):
                    score *= 1.8
                elif unit_scope & set(entry.units):
                    score *= 1.15
                elif isinstance(entry, Duty | Deadline | Contact):
                    score *= 0.6
            ranked.append(_Ranked(entry, score))
        ranked.sort(key=lambda r: (-r.score, r.entry.id))
        return ranked

    def _title_likeness(self, key: str, candidates: list[int]) -> dict[int, float]:
        """How far above 70 % the question's likeness to each candidate's titles is (if it is).

        One rapidfuzz call over every title of every candidate instead of one per title; titles
        below the cut-off do not count, so they are not even scored in full.
        """
        owners = [idx for idx in candidates for _ in self._title_keys[idx]]
        titles = [t for idx in candidates for t in self._title_keys[idx]]
        out: dict[int, float] = {}
        for _title, likeness, i in process.extract(key, titles, scorer=fuzz.ratio,
                                                   score_cutoff=TITLE_LIKENESS, limit=None):
            out[owners[i]] = max(out.get(owners[i], 0.0), likeness - TITLE_LIKENESS)
        return out

    # --- public API ----------------------------------------------------------------------

    def find_answers(
        self, question: str, plan: str | None = None, today: dt.date | None = None
    ) -> Answer:
        """Answer `question`, in the context of `plan` (a slug) when given or named in it.

        The same question in the same plan on the same day always gets the same answer, so the
        most recent answers are cached: suggestion buttons, and the questions a whole province
        asks after the same meeting, come back as the very same text.
        """
        today = today or dt.date.today()
        if plan is not None and plan not in self.kb.plans:
            raise UnknownPlan(plan)
        question = question.strip()
        if not question:
            return Answer(False, (texts.EMPTY_QUESTION,))
        return self._cached_answer(question, plan, today)

    def clear_answer_cache(self) -> None:
        self._cached_answer.cache_clear()

    def _find_answers(self, question: str, plan: str | None, today: dt.date) -> Answer:
        analysis = self.index.analyse(question)
        if plan is None:
            detected = self.detect_plan(analysis.key)
            if detected:
                plan = detected[0]
                # The words naming the plan select it; they are not what is asked about.
                analysis = self.index.analyse(_remove_phrase(analysis.key, detected[1]))
        units = self.kb.registry.mentioned(analysis.key)
        ranked = self._rank(analysis, plan, today, units)
        if not ranked:
            return self._decline(plan, [])
        coverage_of = self.index.coverage_of(analysis, self._context_words(plan))
        ranked = self._rerank_by_coverage(ranked, coverage_of)
        best = ranked[0]
        coverage = coverage_of(self._position[best.entry.id])
        if coverage < MIN_COVERAGE:
            return self._decline(plan, ranked, coverage)

        if units and _DUTIES_CUE.search(analysis.key):
            listing = self._duties_answer(units[0], plan or best.entry.plan, ranked, today)
            if listing is not None:
                return listing

        shown = [best.entry]
        if len(ranked) > 1:
            second = ranked[1]
            if second.score >= SECOND_ENTRY_RATIO * best.score and self._compatible(best, second):
                shown.append(second.entry)
        # The law in force on the day of the question comes before the replaced one.
        shown.sort(key=lambda e: self._replaced_on(e, today))
        return self._compose(shown, ranked, plan, today, coverage)

    def _rerank_by_coverage(
        self, ranked: list[_Ranked], coverage: Callable[[int], float], depth: int = 10
    ) -> list[_Ranked]:
        """Among the best few, prefer entries that contain more of what was asked."""
        head = [
            _Ranked(r.entry, r.score * (0.6 + 0.8 * coverage(self._position[r.entry.id])))
            for r in ranked[:depth]
        ]
        head.sort(key=lambda r: (-r.score, r.entry.id))
        return head + ranked[depth:]

    @staticmethod
    def _compatible(best: _Ranked, other: _Ranked) -> bool:
        return best.entry.plan == other.entry.plan or other.entry.plan is None

    # --- composing -----------------------------------------------------------------------

    def _compose(
        self, shown: list[Entry], ranked: list[_Ranked], plan: str | None, today: dt.date,
        coverage: float,
    ) -> Answer:
        parts, sources = [], []
        for entry in shown:
            blocks, entry_sources = self.entry_blocks(entry, today)
            parts.extend(blocks)
            sources.extend(entry_sources)
        parts.append(texts.LEGAL_NOTE)
        shown_ids = {e.id for e in shown}
        suggestions = self._suggestions(ranked, shown_ids)
        return Answer(
            True, tuple(parts), tuple(dict.fromkeys(sources)), tuple(suggestions),
            tuple(e.id for e in shown), plan or shown[0].plan, {"coverage": round(coverage, 3)},
        )

    def _suggestions(self, ranked: list[_Ranked], exclude: set[str], limit: int = 3) -> list[str]:
        if not ranked:
            return []
        top = ranked[0].score
        out: list[str] = []
        for r in ranked:
            if r.entry.id in exclude:
                continue
            if r.score < SUGGESTION_RATIO * top or len(out) == limit:
                break
            title = r.entry.question if isinstance(r.entry, FaqEntry) else r.entry.title
            if title not in out:
                out.append(title)
        return out

    def render_entry(self, entry: Entry, today: dt.date) -> tuple[str, list[Source]]:
        """One entry as Markdown: title, the fact, dates, source line, law version."""
        blocks, sources = self.entry_blocks(entry, today)
        return "\n\n".join(blocks), sources

    def entry_blocks(self, entry: Entry, today: dt.date) -> tuple[list[str], list[Source]]:
        """`render_entry` as separate blocks: title, the fact, dates, source line, law version."""
        doc = self.kb.documents[entry.doc_id]
        lines = [f"**{entry.title}**"]
        if entry.plan and doc.kind == "plan":
            lines[0] += f" — {doc.short}"
        lines.append(entry.body)
        if isinstance(entry, Deadline):
            lines.append(self.deadline_status(entry, today))
        if isinstance(entry, Contact) and entry.phones:
            lines.append(texts.PHONES.format(phones=", ".join(entry.phones)))
        sources = self.sources_of(entry)
        lines.append(texts.SOURCE_LINE.format(
            sources="; ".join(self.cite(s) for s in sources)))
        note = self.law_status_note(entry, today)
        if note:
            lines.append(note)
        return lines, sources

    def sources_of(self, entry: Entry) -> list[Source]:
        doc = self.kb.documents[entry.doc_id]
        if isinstance(entry, Provision):
            return [Source(doc.short, entry.citation_ref)]
        if isinstance(entry, FaqEntry | Change):
            out = []
            for cite in entry.cites:
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

    def _replaced_on(self, entry: Entry, today: dt.date) -> bool:
        doc = self.kb.documents[entry.doc_id]
        return doc.is_legal and not doc.in_force_on(today)

    def law_status_note(self, entry: Entry, today: dt.date) -> str | None:
        """Which law version an answer states, and whether it is still in force today.

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
        current = [d for d in legal if d.in_force_on(today)]
        notes = []
        if current:
            notes.append(texts.LAW_IN_FORCE.format(
                doc=", ".join(d.short for d in current),
                since=", ".join(_fmt(d.effective) if d.effective else "?" for d in current)))
        for doc in legal:
            if doc in current:
                continue
            successor = self.kb.documents.get(doc.replaced_by or "")
            template = texts.LAW_ALSO_REPLACED if current else texts.LAW_REPLACED
            if successor:
                notes.append(template.format(doc=doc.short, successor=successor.short,
                                             ended=_fmt(doc.ended) if doc.ended else "?"))
            else:
                notes.append(texts.LAW_NOT_IN_FORCE.format(doc=doc.short))
        return " ".join(notes) or None

    def deadline_status(self, deadline: Deadline, today: dt.date) -> str:
        """'Hạn: 15/01/2026 — đã qua 312 ngày' style line relative to `today`."""
        rule = deadline.due
        if rule.kind == "yearly":
            due = rule.occurrence(today.year)
            if due < today:
                due = rule.occurrence(today.year + 1)
            return texts.DUE_YEARLY.format(day=f"{rule.day:02d}/{rule.month:02d}", next=_fmt(due),
                                           relative=_relative(due, today))
        due = rule.occurrence(today.year)
        label = texts.DUE_MONTH.format(month=f"{rule.month:02d}/{rule.year}", date=_fmt(due)) \
            if rule.kind == "month" else _fmt(due)
        return texts.DUE_ONCE.format(due=label, relative=_relative(due, today))

    def _duties_answer(
        self, unit_id: str, plan: str | None, ranked: list[_Ranked], today: dt.date
    ) -> Answer | None:
        """'Nhiệm vụ của <unit>': every duty of that unit in the plan, then its groups' duties."""
        if plan is None:
            return None
        registry = self.kb.registry
        unit = ResolvedUnit(registry.name_of(unit_id), unit_id,
                            frozenset({unit_id}) | registry.ancestors(unit_id))
        answer = self.unit_duties(unit, plan, today, ranked)
        return answer if answer.entry_ids else None

    def unit_duties(
        self, unit: ResolvedUnit, plan: str, today: dt.date, ranked: list[_Ranked] | None = None
    ) -> Answer:
        """Every duty and deadline of `unit` in `plan`: its own first, then those of its groups.

        A unit known only through its group (an admin-added commune, "Sở Y tế …") has no duties
        of its own, so its groups' duties are the answer.
        """
        if plan not in self.kb.plans:
            raise UnknownPlan(plan)
        entries = [
            e for i in sorted(self._by_plan.get(plan, ()))
            if isinstance(e := self.index.entries[i], Duty | Deadline)
        ]
        own = [e for e in entries if unit.id is not None and unit.id in e.units]
        own_ids = {e.id for e in own}
        groups = unit.memberships - {unit.id}
        shared = [e for e in entries if e.id not in own_ids and groups & set(e.units)]
        doc = self.kb.plan_document(plan)
        assert doc is not None
        parts = [texts.DUTIES_HEADER.format(unit=unit.name, plan=doc.short)]
        sources: list[Source] = []

        def listing(duties: list[Duty | Deadline], full: bool) -> None:
            """One line per duty (the unit's own in full, its groups' by title), then the rest counted."""
            for e in duties[:MAX_LISTED_DUTIES]:
                if full:
                    line = f"- **{e.title}** ({e.ref}): {_one_paragraph(e.body)}"
                else:
                    line = f"- {e.title} ({e.ref})"
                if isinstance(e, Deadline):
                    line += " " + self.deadline_status(e, today)
                parts.append(line)
                sources.append(Source(doc.short, e.ref or ""))
            if len(duties) > MAX_LISTED_DUTIES:
                parts.append(texts.MORE_DUTIES.format(count=len(duties) - MAX_LISTED_DUTIES))

        listing(own, full=True)
        if shared:
            parts.append(texts.GROUP_DUTIES_HEADER if own else texts.GROUP_DUTIES_ONLY)
            listing(shared, full=False)
        if not own and not shared:
            parts.append(texts.NO_DUTIES)
        else:
            refs = ", ".join(dict.fromkeys(s.ref for s in sources[: 2 * MAX_LISTED_DUTIES]))
            parts.append(texts.SOURCE_LINE.format(sources=f"{doc.short}, {refs}"))
        parts.append(texts.LEGAL_NOTE)
        listed = own[:MAX_LISTED_DUTIES] + shared[:MAX_LISTED_DUTIES]
        return Answer(True, tuple(parts), tuple(dict.fromkeys(sources)),
                      tuple(self._suggestions(ranked or [], own_ids)), tuple(e.id for e in listed), plan)

    def _decline(
        self, plan: str | None, ranked: list[_Ranked], coverage: float = 0.0
    ) -> Answer:
        # Near misses are worth offering only when the question is at least partly in the KB.
        suggestions = [
            (r.entry.question if isinstance(r.entry, FaqEntry) else r.entry.title) for r in ranked[:3]
        ] if coverage >= SUGGEST_ON_DECLINE else []
        parts = [texts.NOT_FOUND]
        if suggestions:
            parts.append(texts.MAYBE_YOU_MEANT + "\n\n" + "\n".join(f"- {s}" for s in suggestions))
        parts.append(self.office_contact(plan))
        return Answer(False, tuple(parts), (), tuple(suggestions), (), plan,
                      {"coverage": round(coverage, 3)})

    def office_contact(self, plan: str | None) -> str:
        """How to reach the standing office, with phone numbers when the plan gives them."""
        if plan:
            for e in self.index.entries:
                if isinstance(e, Contact) and e.plan == plan and e.phones:
                    return texts.OFFICE_CONTACT_PHONES.format(phones=", ".join(e.phones),
                                                              plan=self.kb.plan_document(plan).short)
        return texts.OFFICE_CONTACT


def _remove_phrase(key: str, phrase: str) -> str:
    return f" {key} ".replace(f" {phrase} ", " ").strip()


def _fmt(day: dt.date) -> str:
    return f"{day:%d/%m/%Y}"


def _relative(due: dt.date, today: dt.date) -> str:
    days = (due - today).days
    if days > 0:
        return texts.DAYS_LEFT.format(days=days)
    if days == 0:
        return texts.DUE_TODAY
    return texts.DAYS_PAST.format(days=-days)


def _one_paragraph(body: str) -> str:
    return " ".join(line.strip() for line in body.splitlines() if line.strip())

