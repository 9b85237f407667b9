"""Rank the entries for a question: BM25, boosted by what the question names, re-ranked by coverage.

The raw BM25 score knows only words. What the question names besides (a plan, a unit, a law's
year, an article, a document, "khi nào", "số điện thoại") says which kind of entry it wants; each
such cue is one factor in `BOOSTS`, applied in order to the best raw matches. Coverage (how much
of what was asked an entry contains) then decides among the best few, and is what the router
compares with its thresholds to answer or decline.
"""

from __future__ import annotations

import datetime as dt
import functools
import heapq
import re
from collections.abc import Callable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from knowledge.index import Analysis, SearchIndex
from knowledge.lens import PlanLens
from knowledge.loader import KnowledgeBase
from knowledge.model import Change, Contact, Deadline, Document, Duty, Entry, FaqEntry, Provision
from knowledge.question import CONTACT_CUE, DEADLINE_CUE
from knowledge.reading import Asked, context_words
from knowledge.status import DocumentStatus
from knowledge.text import fold

__all__ = ["BOOSTS", "Ranked", "Ranker", "compatible", "sanctions_first", "states_sanction"]

# How many of the best raw BM25 matches are boosted and re-ranked (60 ranks the dev and regression
# sets exactly as 150 did, in three quarters of the time).
RANK_DEPTH = 60
# A question at least this alike (rapidfuzz ratio, 0–100) to an entry's title is boosted by how
# far above it is.
TITLE_LIKENESS = 70
# How far down the matches a penalty question looks for an entry stating a sanction.
PENALTY_DEPTH = 8
# How many of the best matches coverage re-ranks.
COVERAGE_DEPTH = 10

_SANCTION = re.compile(r"\b(phat tien|phat tu|muc phat|xu phat|truy cuu trach nhiem hinh su|ky luat)\b")
# The first document type a question names is what it asks about.
_HEAD_NOUN = re.compile(r"\b(ke hoach|chi thi|ct|luat|nghi dinh|thong tu|quyet dinh|nghi quyet|van ban)\b")
_ARTICLE_CUE = re.compile(r"\bdieu (\d+)\b")
_LAW_2018_CUE = re.compile(r"\b(2018|29 2018|luat cu|qh14|quoc hoi 14)\b")
_LAW_2025_CUE = re.compile(r"\b(2025|117|luat moi|qh15|quoc hoi 15)\b")


@dataclass
class Ranked:
    entry: Entry
    score: float


def states_sanction(entry: Entry) -> bool:
    """Whether an entry itself states a sanction (so a penalty question needs no caveat)."""
    return _SANCTION.search(fold(entry.body)) is not None


def sanctions_first(ranked: list[Ranked]) -> list[Ranked]:
    """"… bị phạt bao nhiêu?" asks for the sanction: among the closest matches, the entries that
    state one come before those that only describe the act."""
    head, tail = ranked[:PENALTY_DEPTH], ranked[PENALTY_DEPTH:]
    stating = [r for r in head if states_sanction(r.entry)]
    if not stating:
        return ranked
    return [*stating, *(r for r in head if not states_sanction(r.entry)), *tail]


def compatible(best: Ranked, other: Ranked) -> bool:
    """Whether `other` may be shown beside `best`: the same plan's, or shared."""
    return best.entry.plan == other.entry.plan or other.entry.plan is None


def rerank_by_coverage(ranked: list[Ranked], coverage: Callable[[Entry], float],
                       depth: int = COVERAGE_DEPTH) -> list[Ranked]:
    """Among the best few, prefer entries that contain more of what was asked."""
    head = [
        Ranked(r.entry, r.score * (0.6 + 0.8 * coverage(r.entry)))
        for r in ranked[:depth]
    ]
    head.sort(key=lambda r: (-r.score, r.entry.id))
    return head + ranked[depth:]


@dataclass(frozen=True)
class Cues:
    """What a question names besides its words, read once per question for every boost."""

    plan: str | None  # the plan in view
    named_plans: frozenset[str]  # plans the question itself names
    units: frozenset[str]  # the units it is about
    unit_scope: frozenset[str]  # those units and their groups
    deadline: bool  # it asks "by when" with a plan or unit in view
    contact: bool  # it asks whom to contact
    articles: frozenset[int]  # article numbers it names ("Điều 10")
    docs: frozenset[str]  # documents it names (not plans)
    law_2018: bool  # it names the 2018 law
    law_2025: bool  # it names the 2025 law
    plan_asked: bool  # its head noun is "kế hoạch"
    in_force: Callable[[Document], bool]  # whether a legal document is in force on the day


def _plan_boost(c: Cues, entry: Entry, doc: Document) -> float:
    if c.plan is None and entry.plan is not None:
        # Without a plan in view, one province's plan is a weaker answer than the law.
        return 0.8
    if c.plan is not None and entry.plan == c.plan:
        # With a plan in view, its own text beats the documents it merely cites; a question that
        # names the plan ("KH 298 do ai ký") asks about the plan itself.
        return 1.6 if c.plan in c.named_plans else 1.25
    return 1.0


def _head_noun_boost(c: Cues, entry: Entry, doc: Document) -> float:
    # "KH thực hiện CT32 … do ai ký": the head noun says the plan is asked about.
    if c.plan_asked and c.plan is not None:
        return 1.3 if entry.plan == c.plan else 0.85
    return 1.0


def _deadline_boost(c: Cues, entry: Entry, doc: Document) -> float:
    return 1.6 if c.deadline and isinstance(entry, Deadline) else 1.0


def _contact_boost(c: Cues, entry: Entry, doc: Document) -> float:
    return 2.0 if c.contact and isinstance(entry, Contact) else 1.0


def _article_boost(c: Cues, entry: Entry, doc: Document) -> float:
    if c.articles and isinstance(entry, Provision):
        return 2.5 if entry.article in c.articles else 0.8
    return 1.0


def _document_boost(c: Cues, entry: Entry, doc: Document) -> float:
    return 1.8 if entry.doc_id in c.docs else 1.0


def _law_version_boost(c: Cues, entry: Entry, doc: Document) -> float:
    """The law the question names by year ranks higher; otherwise a replaced law ranks lower."""
    if not (doc.is_legal or isinstance(entry, Change)):
        return 1.0
    if (c.law_2018 and entry.doc_id == "luat-29-2018") or (c.law_2025 and entry.doc_id == "luat-117-2025"):
        return 1.5
    if doc.is_legal and not c.in_force(doc):
        return 0.85
    return 1.0


def _unit_boost(c: Cues, entry: Entry, doc: Document) -> float:
    """An entry addressed to the unit asked about ranks higher, to its groups a little; a task
    of other units lower."""
    if not (c.units and entry.units):
        return 1.0
    if c.units & set(entry.units):
        return 1.8
    if c.unit_scope & set(entry.units):
        return 1.15
    if isinstance(entry, Duty | Deadline | Contact):
        return 0.6
    return 1.0


# Applied in this order (the products are compared byte for byte with earlier rankings).
BOOSTS: tuple[Callable[[Cues, Entry, Document], float], ...] = (
    _plan_boost, _head_noun_boost, _deadline_boost, _contact_boost, _article_boost,
    _document_boost, _law_version_boost, _unit_boost,
)


class Ranker:
    """Ranks one knowledge base's entries for a question, and measures their coverage of it."""

    def __init__(self, kb: KnowledgeBase, index: SearchIndex, lens: PlanLens,
                 by_plan: dict[str | None, set[int]],
                 status: Callable[[Document, dt.date], DocumentStatus]) -> None:
        self.kb, self.index, self.lens, self._status = kb, index, lens, status
        self._position = {e.id: i for i, e in enumerate(index.entries)}
        self._doc_keys = self._build_doc_keys()
        self._title_keys = [
            [" ".join(index.syllables_of(t)) for t in _titles(e)] for e in index.entries
        ]
        # The few shared entries that speak of plans are read for every plan now (~60 ms), not
        # by the first questions that meet them.
        for entry in index.entries:
            if entry.plan is None and lens.names_plans(entry):
                for plan in kb.plans:
                    if lens.view(entry, plan, frozenset()).removed:
                        self._lensed_terms(entry, plan, frozenset())
        # What a question in a plan may be answered from: the plan's own entries and the shared.
        shared = by_plan.get(None, set())
        self._allowed = {plan: by_plan.get(plan, set()) | shared for plan in kb.plans}

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

    def _mentioned_docs(self, key: str) -> set[str]:
        padded = f" {key} "
        return {doc_id for spaced, doc_id in self._doc_keys if spaced in padded}

    def cues(self, key: str, plan: str | None, today: dt.date, units: list[str],
             named_plans: frozenset[str]) -> Cues:
        """What the question (its key form) names, for the boosts."""
        unit_scope: set[str] = set()
        for uid in units:
            unit_scope |= {uid} | self.kb.registry.ancestors(uid)
        head = _HEAD_NOUN.search(key)
        return Cues(
            plan=plan, named_plans=named_plans, units=frozenset(units),
            unit_scope=frozenset(unit_scope),
            # "Khi nào…" asks for a plan's date only when a plan or unit is in view; otherwise it
            # is as likely to ask in what circumstances the law requires something.
            deadline=bool(DEADLINE_CUE.search(key)) and (plan is not None or bool(units)),
            contact=bool(CONTACT_CUE.search(key)),
            articles=frozenset(int(m) for m in _ARTICLE_CUE.findall(key)),
            docs=frozenset(self._mentioned_docs(key)),
            law_2018=bool(_LAW_2018_CUE.search(key)),
            law_2025=bool(_LAW_2025_CUE.search(key)),
            plan_asked=head is not None and head[0] == "ke hoach",
            in_force=lambda doc: self._status(doc, today).in_force,
        )

    def rank(self, analysis: Analysis, plan: str | None, today: dt.date,
             units: list[str], named_plans: frozenset[str] = frozenset()) -> list[Ranked]:
        """Entries by score, boosted by what the question names (`units`: the units it is about).

        With a plan in view, a shared entry counts for what it says once the other provinces'
        sentences are set aside (`knowledge.lens`): one that is mostly about them ranks lower,
        one that is only about them not at all.
        """
        allowed = self._allowed[plan] if plan is not None else None
        scores = self.index.score(analysis.terms, allowed)
        cues = self.cues(analysis.key, plan, today, units, named_plans)
        ranked = []
        # Boosts and title likeness only matter among the best raw matches.
        best = heapq.nlargest(RANK_DEPTH, scores.items(), key=lambda kv: kv[1])
        likeness = self._title_likeness(analysis.key, [idx for idx, _ in best])
        for idx, score in best:
            entry = self.index.entries[idx]
            doc = self.kb.documents[entry.doc_id]
            # A question worded like an entry's title (or FAQ question) is about that entry.
            score *= 1 + likeness.get(idx, 0.0) / 60
            for boost in BOOSTS:
                score *= boost(cues, entry, doc)
            if plan is not None and entry.plan is None:
                removed = self.lens.view(entry, plan, named_plans).removed
                if removed >= 0.95:
                    continue
                score *= 1 - 0.7 * removed
            ranked.append(Ranked(entry, score))
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

    def coverage(self, asked: Asked) -> Callable[[Entry], float]:
        """How much of what was asked an entry contains (0–1), as the plan in view reads it.

        The names of the units the question is about may or may not be in the entry (a duty of
        "các sở" answers "Sở Y tế …"), so the better of the two readings counts.
        """
        ignore = context_words(self.kb, self.index, asked.plan) | asked.ignore
        with_units = self.index.coverage_of(asked.analysis, ignore)
        without_units = self.index.coverage_of(asked.analysis, ignore | asked.unit_words)
        plan, named = asked.plan, asked.named_plans

        def cover(entry: Entry) -> float:
            idx = self._position[entry.id]
            terms = None
            if plan is not None and entry.plan is None and self.lens.view(entry, plan, named).removed:
                terms = self._lensed_terms(entry, plan, named)
            return max(with_units(idx, terms), without_units(idx, terms))

        return cover

    @functools.lru_cache(maxsize=4096)  # noqa: B019 - one Ranker per process, entries are few
    def _lensed_terms(self, entry: Entry, plan: str, named: frozenset[str]) -> set[str]:
        return self.index.terms_of(entry, self.lens.view(entry, plan, named).body)


def _titles(entry: Entry) -> list[str]:
    if isinstance(entry, FaqEntry):
        return [entry.title, entry.question]
    return [entry.title]
