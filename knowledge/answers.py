"""Answer a question from the knowledge base: route, rank, decide, and compose a cited reply.

`Assistant.find_answers` is the one entry point the CLI, the console and the Telegram handlers
share. It returns an `Answer` whose Markdown is rendered to Telegram HTML or plain text by
`knowledge.render`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import heapq
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from rapidfuzz import fuzz, process

from knowledge import premise, scope, texts
from knowledge.index import Analysis, SearchIndex
from knowledge.lens import PlanLens
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
from knowledge.question import (
    CONFIRM_WORDS,
    CONTACT_CUE,
    DEADLINE_CUE,
    DUTIES_CUE,
    OWN_UNIT,
    OWN_UNIT_WORDS,
    PENALTY_CUE,
    SELF_INTRO,
    beyond_listing,
    focus,
)
from knowledge.status import DocumentStatus, describe, status_on
from knowledge.text import STOPWORDS, fold
from knowledge.units import ResolvedUnit

__all__ = ["Answer", "Assistant", "Part", "Source", "UnknownPlan"]

# Below this share of the question's content found in the best entry, the assistant declines.
MIN_COVERAGE = 0.24
# The same for a question stating a date with a plan in view ("… trước 5/11 đúng không?").
MIN_CLAIM_COVERAGE = 0.15
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
# How far down the matches a penalty question looks for an entry stating a sanction.
PENALTY_DEPTH = 8

_SUBMIT = re.compile(r"\b(nop|gui len|gui ve|bao cao len)\b")
# Questions about a document's own date ("KH 109 ban hành ngày nào"), not a deadline.
_DOCUMENT_DATE = re.compile(r"\b(ban hanh|ky ngay|ngay ky|hieu luc|thong qua|ky ban hanh)\b")
# A line break inside a Markdown list item ("  \n"; the renderer drops the indent after it).
_LINE_BREAK = "  \n  "
_PHONE_CUE = re.compile(r"\b(so dien thoai|dien thoai|sdt|hotline|so may|goi so)\b")
_SANCTION = re.compile(r"\b(phat tien|phat tu|muc phat|xu phat|truy cuu trach nhiem hinh su|ky luat)\b")
# A self-introduction naming the asker's unit is at most this many syllables long.
_INTRO_MAX = 16
# Words every plan's description shares: alone they do not name a plan.
_GENERIC_PLAN_WORDS = frozenset("ke hoach bao ve bi mat nha nuoc tinh thanh pho".split())
# The first document type a question names is what it asks about.
_HEAD_NOUN = re.compile(r"\b(ke hoach|chi thi|ct|luat|nghi dinh|thong tu|quyet dinh|nghi quyet|van ban)\b")
_ARTICLE_CUE = re.compile(r"\bdieu (\d+)\b")
_LAW_2018_CUE = re.compile(r"\b(2018|29 2018|luat cu|qh14|quoc hoi 14)\b")
_LAW_2025_CUE = re.compile(r"\b(2025|117|luat moi|qh15|quoc hoi 15)\b")
# A fine said to be set by the law on state secrets itself ("theo Luật 117 … bị phạt …").
_FINE_UNDER_THE_LAW = re.compile(r"\b(luat 117|luat 29|luat bao ve bi mat|luat moi|luat cu|luat bmnn)\b")
_NO_FINE_SAID = re.compile(r"\bkhong quy dinh muc phat\b")


class UnknownPlan(ValueError):
    """A plan slug that is not in the knowledge base."""


@dataclass(frozen=True, slots=True)
class Source:
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
    extra: dict = field(default_factory=dict)
    # The answer's parts in rank order, the first being the answer to the question (SPEC `blocks`).
    parts: tuple[Part, ...] = ()

    @property
    def markdown(self) -> str:
        return "\n\n".join(self.blocks)


@dataclass
class _Ranked:
    entry: Entry
    score: float


@dataclass(frozen=True)
class _Asked:
    """A question as read: its analysis (chatter and unit words set aside) and its context."""

    analysis: Analysis
    plan: str | None
    target: ResolvedUnit | None  # the unit the question is about
    own_unit: bool  # it speaks of the asker's own unit
    boost_units: list[str]  # unit/group ids whose entries rank higher
    named_plans: frozenset[str]  # plans the question itself names
    ignore: frozenset[str]  # syllables that are context, not content
    wants_listing: bool  # nothing asked beyond "duties" or "deadlines"
    foreign: str | None  # another domain it is about (out of scope)
    question: str
    confirm: bool
    key: str
    unit_words: frozenset[str]  # syllables of the names of the units it names
    claims: tuple[premise.DateClaim, ...]  # the dates it states
    mentioned: bool  # it names a unit
    renamed: tuple[tuple[str, str], ...]  # (unit named, its successor on the plan's date)
    penalty: bool  # it asks what sanction the law sets
    topic: Analysis | None = None  # what is asked with the units it names set aside, if it differs


def _states_sanction(entry: Entry) -> bool:
    """Whether an entry itself states a sanction (so a penalty question needs no caveat)."""
    return _SANCTION.search(fold(entry.body)) is not None


def _sanctions_first(ranked: list[_Ranked]) -> list[_Ranked]:
    """"… bị phạt bao nhiêu?" asks for the sanction: among the closest matches, the entries that
    state one come before those that only describe the act."""
    head, tail = ranked[:PENALTY_DEPTH], ranked[PENALTY_DEPTH:]
    stating = [r for r in head if _states_sanction(r.entry)]
    if not stating:
        return ranked
    return [*stating, *(r for r in head if not _states_sanction(r.entry)), *tail]


class Assistant:
    """Answers questions from one loaded knowledge base."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self._statuses: dict[tuple[str, dt.date], DocumentStatus] = {}
        self.index = SearchIndex(kb)
        self._position = {e.id: i for i, e in enumerate(self.index.entries)}
        self._plan_keys = self._build_plan_keys()
        self._plan_descriptions = self._build_plan_descriptions()
        self._doc_keys = self._build_doc_keys()
        self._title_keys = [
            [" ".join(self.index.syllables_of(t)) for t in self._titles(e)] for e in self.index.entries
        ]
        self._cached_answer = functools.lru_cache(maxsize=ANSWER_CACHE_SIZE)(self._find_answers)
        self.lens = PlanLens(kb)
        # The few shared entries that speak of plans are read for every plan now (~60 ms), not
        # by the first questions that meet them.
        for entry in self.index.entries:
            if entry.plan is None and self.lens.names_plans(entry):
                for plan in kb.plans:
                    if self.lens.view(entry, plan, frozenset()).removed:
                        self._lensed_terms(entry, plan, frozenset())
        self._by_plan: dict[str | None, set[int]] = {}
        for i, e in enumerate(self.index.entries):
            self._by_plan.setdefault(e.plan, set()).add(i)
        # What a question in a plan may be answered from: the plan's own entries and the shared.
        shared = self._by_plan.get(None, set())
        self._allowed = {plan: self._by_plan.get(plan, set()) | shared for plan in kb.plans}
        # What answers "… bị phạt bao nhiêu?" when the act asked about has no entry of its own.
        self._sanctions_overview = next(
            (e for e in kb.entries if isinstance(e, FaqEntry) and _states_sanction(e)), None)

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

    def _build_plan_descriptions(self) -> dict[str, list[str]]:
        """Each plan's aliases without its province ("kế hoạch thực hiện chỉ thị 32"): they name
        the plan only when it is the plan in view, as several plans share them."""
        out: dict[str, list[str]] = {}
        for doc in self.kb.documents.values():
            if doc.kind != "plan" or not doc.plan or not doc.province:
                continue
            province = f" {' '.join(self.index.syllables_of(doc.province))} "
            names = set()
            for alias in doc.aliases:
                key = f" {' '.join(self.index.syllables_of(alias))} "
                if province in key:
                    rest = " ".join(key.replace(province, " ").split())
                    specific = set(rest.split()) - _GENERIC_PLAN_WORDS
                    if rest.startswith("ke hoach ") and len(rest.split()) >= 4 and specific:
                        names.add(rest)
            out[doc.plan] = sorted(names, key=len, reverse=True)
        return out

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
        words = {"tinh", "thanh", "pho"}
        doc = self.kb.plan_document(plan) if plan else None
        if doc and doc.province:
            words.update(self.index.syllables_of(doc.province))
        return words

    # --- ranking -------------------------------------------------------------------------

    def _rank(self, analysis: Analysis, plan: str | None, today: dt.date,
              units: list[str], named_plans: frozenset[str] = frozenset()) -> list[_Ranked]:
        """Entries by score, boosted by what the question names (`units`: the units it is about).

        With a plan in view, a shared entry counts for what it says once the other provinces'
        sentences are set aside (`knowledge.lens`): one that is mostly about them ranks lower,
        one that is only about them not at all.
        """
        allowed = self._allowed[plan] if plan is not None else None
        scores = self.index.score(analysis.terms, allowed)
        key = analysis.key
        unit_scope = set()
        for uid in units:
            unit_scope |= {uid} | self.kb.registry.ancestors(uid)
        # "Khi nào…" asks for a plan's date only when a plan or unit is in view; otherwise it
        # is as likely to ask in what circumstances the law requires something.
        deadline_cue = bool(DEADLINE_CUE.search(key)) and (plan is not None or bool(units))
        contact_cue = bool(CONTACT_CUE.search(key))
        articles = {int(m) for m in _ARTICLE_CUE.findall(key)}
        docs = self._mentioned_docs(key)
        law_2018 = bool(_LAW_2018_CUE.search(key))
        law_2025 = bool(_LAW_2025_CUE.search(key))
        head = _HEAD_NOUN.search(key)
        plan_asked = head is not None and head[0] == "ke hoach"
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
                # With a plan in view, its own text beats the documents it merely cites; a
                # question that names the plan ("KH 298 do ai ký") asks about the plan itself.
                score *= 1.6 if plan in named_plans else 1.25
            if plan_asked and plan is not None:
                # "KH thực hiện CT32 … do ai ký": the head noun says the plan is asked about.
                score *= 1.3 if entry.plan == plan else 0.85
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
                elif doc.is_legal and not self.status(doc, today).in_force:
                    score *= 0.85
            if units and entry.units:
                if set(units) & set(entry.units):
                    score *= 1.8
                elif unit_scope & set(entry.units):
                    score *= 1.15
                elif isinstance(entry, Duty | Deadline | Contact):
                    score *= 0.6
            if plan is not None and entry.plan is None:
                removed = self.lens.view(entry, plan, named_plans).removed
                if removed >= 0.95:
                    continue
                score *= 1 - 0.7 * removed
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
        self, question: str, plan: str | None = None, today: dt.date | None = None,
        unit: ResolvedUnit | None = None,
    ) -> Answer:
        """Answer `question` asked in `plan` (a slug) by a contact of `unit`, when known.

        `unit` is what "đơn vị tôi", "sở mình", "bên em" mean; a unit the question names comes
        first. The same question in the same plan for the same unit on the same day always
        gets the same answer, so the most recent answers are cached: suggestion buttons, and
        the questions a whole province asks after the same meeting, come back as the very same
        text.
        """
        today = today or dt.date.today()
        if plan is not None and plan not in self.kb.plans:
            raise UnknownPlan(plan)
        question = question.strip()
        if not question:
            return Answer(False, (texts.EMPTY_QUESTION,))
        return self._cached_answer(question, plan, today, unit)

    def clear_answer_cache(self) -> None:
        self._cached_answer.cache_clear()

    def _find_answers(self, question: str, plan: str | None, today: dt.date,
                      unit: ResolvedUnit | None) -> Answer:
        asked = self._read(question, plan, unit)
        plan = asked.plan
        if asked.foreign:
            return self._decline(plan, [], 0.0, reason=f"scope:{asked.foreign}")
        analysis = asked.analysis
        target = asked.target
        listing = self._listing(asked, today)
        if listing is not None:
            return listing
        if asked.own_unit and target is None and asked.wants_listing:
            return self._which_unit(plan)
        if not any(len(s) >= 2 and s not in STOPWORDS for s in analysis.syllables):
            return self._decline(plan, [])  # "x", "?", "a": nothing asked
        ranked = self._rank(asked.topic or analysis, plan, today, asked.boost_units, asked.named_plans)
        if not ranked:
            return self._decline(plan, [])
        cover = self._coverage(asked)
        ranked = self._rerank_by_coverage(ranked, cover)
        if asked.penalty:
            ranked = _sanctions_first(ranked)
        best = ranked[0]
        coverage = cover(best.entry)
        if asked.penalty and coverage < MIN_COVERAGE:
            # "… bị phạt bao nhiêu?": the law sets no fine, which is the answer even when the
            # act asked about is not in the KB.
            return self._penalty_answer(asked, ranked, coverage, today)
        # A yes/no check of a stated date is worded with the claim, which the right entry (if
        # the claim is wrong) does not contain: a lower bar, the answer then corrects the claim.
        if coverage < (MIN_CLAIM_COVERAGE if asked.claims and plan else MIN_COVERAGE):
            declined = self._decline(plan, ranked, coverage)
            if asked.confirm and plan:
                # "KH 286 đặt chỉ tiêu … đúng không?": what is not found is not in the plan.
                doc = self.kb.plan_document(plan)
                assert doc is not None
                note = texts.PLAN_LACKS_IT.format(plan=doc.short)
                declined = replace(declined, blocks=(note, *declined.blocks))
            return declined

        shown = [best.entry]
        if len(ranked) > 1:
            second = ranked[1]
            if second.score >= SECOND_ENTRY_RATIO * best.score and self._compatible(best, second):
                shown.append(second.entry)
        # The law in force on the day of the question comes before the replaced one.
        shown.sort(key=lambda e: self._replaced_on(e, today))
        notes = self._premise_notes(asked, shown, ranked, plan)
        return self._compose(shown, ranked, plan, today, coverage, asked.named_plans, notes)

    def _read(self, question: str, plan: str | None, unit: ResolvedUnit | None) -> _Asked:
        """What a question asks, in which plan, about which unit (see `knowledge.question`)."""
        full = self.index.analyse(question)
        asked = focus(full.key)
        key = asked.key
        named_plans: set[str] = set()
        detected = self.detect_plan(full.key)
        if detected is None and plan is not None:
            # "KH thực hiện CT32 của tỉnh": the plan in view, described without its province.
            padded = f" {key} "
            for name in self._plan_descriptions.get(plan, ()):
                if f" {name} " in padded:
                    detected = (plan, name)
                    break
        if detected:
            named_plans.add(detected[0])
            # A plan the question names is the plan it asks about (its entries are labelled).
            plan = detected[0]
            # "KH 298 do ai ký": the words naming the plan go, "kế hoạch" stays (what is asked about).
            key = _replace_phrase(key, detected[1], "ke hoach" if "ke hoach" in detected[1] else "")
        registry = self.kb.registry
        own = asked.own_unit
        # "đơn vị tôi", "đặc khu tôi", "bọn mình" say who asks; the rest may name other units.
        key = " ".join(OWN_UNIT.sub(" ", key).split())
        mentions = registry.mentions(key)
        preamble = asked.preamble
        if mentions and SELF_INTRO.match(key):
            # "mình là chuyên viên văn phòng sở VHTTDL, KH 109 có …": the introduction ends with
            # the unit it names.
            end = _end_of(key, mentions[0][1])
            if end is not None and len(key[:end].split()) <= _INTRO_MAX:
                preamble, key = f"{preamble} {key[:end]}".strip(), key[end:].strip()
                mentions = registry.mentions(key)
        # A department merged away before the plan was written is asked about as its successor
        # ("Sở GTVT" in a 2025 plan is Sở Xây dựng), and the answer says so.
        day = self.kb.plan_date(plan)
        renamed: list[tuple[str, str]] = []
        if day is not None:
            current = []
            for uid, alias in mentions:
                successor = registry.successor_on(uid, day)
                if successor != uid and (uid, successor) not in renamed:
                    renamed.append((uid, successor))
                current.append((successor, alias))
            mentions = current
        intro = registry.mentions(preamble) if preamble else []
        if unit is None and intro:
            # "em là cán bộ UBND xã …, cho em hỏi …": the asker said who they are.
            unit = registry.resolved(intro[0][0])
        target: ResolvedUnit | None
        if own and unit is not None:
            target = unit
        elif mentions:
            target = registry.resolved(mentions[0][0])
            if unit is not None and unit.id is None and target.id in unit.memberships:
                target = unit  # "UBND xã" named by a commune's own contact: that commune
        else:
            target = unit if own else None
        # Units are matched by their registered name ("Sở TC" → "sở tài chính"); the words for
        # "us" select the unit and are not what is asked about.
        unit_words: set[str] = set()
        for uid, alias in mentions:
            name = registry.key(registry.name_of(uid))
            key = _replace_phrase(key, alias, name)
            unit_words.update(name.split())
        key = " ".join(key.split())
        # Another domain is judged without the unit names ("Sở Giao thông vận tải" is a unit, not
        # a question about traffic).
        named_units = [m for m in mentions if m[0] in registry.units]
        foreign = scope.foreign_topic(_remove_units(full.key, named_units))
        analysis = self.index.analyse(key) if key else self.index.analyse(full.key)
        boost: list[str] = []
        soft = target or unit
        if soft is not None:
            boost.extend(soft.memberships if soft.id is None else [soft.id])
        boost.extend(uid for uid, _ in mentions if uid not in boost)
        content = [s for s in beyond_listing(analysis.key) if s not in STOPWORDS
                   and s not in self._context_words(plan) and s not in unit_words]
        # "trưởng phòng thuộc UBND phường có được cho phép sao chụp …": a group it names says
        # whose entries rank higher (the boost); the group's long name ("ủy ban nhân dân các xã,
        # phường, đặc khu") would only match every entry addressed to the group, whatever the
        # entry is about. A single unit's name ("Chủ tịch UBND tỉnh") is part of what is asked.
        topic = None
        groups = [(uid, registry.key(registry.name_of(uid))) for uid, _ in mentions
                  if uid not in registry.units]
        if groups and len(content) >= 2:
            bare = _remove_units(key, groups)
            if bare and bare != key:
                topic = self.index.analyse(bare)
        ignore = set(OWN_UNIT_WORDS) | CONFIRM_WORDS
        claims = premise.dates_in(question)
        for claim in claims:  # a stated date is the premise, checked apart, not the topic
            ignore.update(str(n) for n in (claim.day, claim.month, claim.year) if n is not None)
        return _Asked(
            analysis=analysis, plan=plan, target=target, own_unit=own, boost_units=boost,
            named_plans=frozenset(named_plans), ignore=frozenset(ignore),
            wants_listing=len(content) <= 1,
            foreign=foreign, question=question,
            confirm=asked.confirm, key=analysis.key, unit_words=frozenset(unit_words),
            claims=tuple(claims), mentioned=bool(mentions), renamed=tuple(renamed),
            penalty=bool(PENALTY_CUE.search(full.key)) and scope.is_core(full.key),
            topic=topic,
        )

    def _listing(self, asked: _Asked, today: dt.date) -> Answer | None:
        """"Đơn vị tôi có nhiệm vụ gì?", "hạn chót của đơn vị tôi": the unit's whole list."""
        target, plan, key = asked.target, asked.plan, asked.key
        if target is None or plan is None or not asked.wants_listing:
            return None
        if CONTACT_CUE.search(key):
            return None
        # Duties listings show their deadlines too; "what must be sent (by when)" is the deadlines.
        if asked.claims or _SUBMIT.search(key):
            answer = self.unit_deadlines(target, plan, today)
        elif DUTIES_CUE.search(key):
            answer = self.unit_duties(target, plan, today)
        elif DEADLINE_CUE.search(key):
            answer = self.unit_deadlines(target, plan, today)
        else:
            return None
        if not answer.entry_ids:
            return None
        notes = self._renamed_notes(asked, plan)
        return dataclasses.replace(answer, blocks=(*notes, *answer.blocks)) if notes else answer

    def _renamed_notes(self, asked: _Asked, plan: str | None) -> list[str]:
        """"Sở GTVT" asked of a plan written after the 2025 mergers: say who does its work now."""
        notes = []
        for old, new in asked.renamed:
            until = self.kb.registry.units[old].until
            notes.append(texts.UNIT_NOW_IS.format(
                old=self.kb.unit_name(old, plan), new=self.kb.unit_name(new, plan),
                since=_fmt(until + dt.timedelta(days=1)) if until else "?"))
        return notes

    def _which_unit(self, plan: str | None) -> Answer:
        """"Đơn vị tôi …" from someone whose unit is not known: say how to make it known."""
        return Answer(False, (texts.WHICH_UNIT, self.office_contact(plan)), plan=plan,
                      extra={"coverage": None, "needs_unit": True})

    def _penalty_answer(self, asked: _Asked, ranked: list[_Ranked], coverage: float,
                        today: dt.date) -> Answer:
        """The law on state secrets sets no fine: the sanctions other texts set are the answer
        (the nearest entry stating one, else the overview); without any, that is said plainly."""
        sanction = next((r.entry for r in ranked if _states_sanction(r.entry)), self._sanctions_overview)
        if sanction is not None:
            return self._compose([sanction], ranked, asked.plan, today, coverage, asked.named_plans,
                                 self._premise_notes(asked, [sanction], ranked, asked.plan))
        parts = (texts.NO_FINE_IN_LAW, self.office_contact(asked.plan), texts.LEGAL_NOTE)
        return Answer(True, parts, (), tuple(self._suggestions(ranked, set())), (), asked.plan,
                      {"coverage": round(coverage, 3)},
                      (Part("no-fine-in-law", texts.NO_FINE_TITLE, texts.NO_FINE_IN_LAW),))

    def _premise_notes(self, asked: _Asked, shown: list[Entry], ranked: list[_Ranked],
                       plan: str | None) -> list[str]:
        """What the question takes for granted that the sources do not say, said first."""
        notes: list[str] = []
        key = asked.key
        doc = self.kb.plan_document(plan) if plan else None
        if asked.penalty and (not any(_states_sanction(e) for e in shown) or (
                _FINE_UNDER_THE_LAW.search(key) and not _NO_FINE_SAID.search(fold(shown[0].body)))):
            # "theo Luật 117 … bị phạt bao nhiêu": the premise is corrected before the sanction.
            notes.append(texts.NO_FINE_IN_LAW)
        if doc is None:
            return notes
        notes.extend(self._renamed_notes(asked, plan))
        best = shown[0]
        if asked.confirm and plan in asked.named_plans and best.plan != plan:
            # "KH 109 có giao … không?" answered from elsewhere: the plan does not say it.
            notes.append(texts.PLAN_LACKS_IT.format(plan=doc.short))
        elif (asked.confirm and asked.mentioned and asked.target is not None
              and best.plan == plan and isinstance(best, Duty | Deadline) and best.units
              and not asked.target.memberships & set(best.units)):
            # "KH 298 giao Sở Tư pháp … đúng không?" when the task is another unit's.
            notes.append(texts.PLAN_NOT_ASSIGNED.format(plan=doc.short, unit=asked.target.name))
        # The dates the answer's entries state (as this plan reads them) and the plan's deadlines
        # among the best matches.
        own = [r.entry for r in ranked[:8] if r.entry.plan == plan and isinstance(r.entry, Deadline)]
        claims = asked.claims
        bodies = [(e, self.lens.view(e, plan, asked.named_plans).body) for e in shown]
        bodies += [(e, "") for e in own]
        missing = [c for c in claims if not premise.supported(c, bodies)]
        if missing:
            notes.append(texts.PLAN_SETS_NO_DATE.format(
                plan=doc.short, date=", ".join(c.label() for c in missing)))
        elif DEADLINE_CUE.search(key) and not claims and isinstance(best, Duty) \
                and not _DOCUMENT_DATE.search(key) and not any(
                isinstance(e, Deadline) or premise.dates_in(body) for e, body in bodies[:len(shown)]):
            notes.append(texts.PLAN_SETS_NO_DEADLINE.format(plan=doc.short))
        if _PHONE_CUE.search(key) and not any(
                isinstance(e, Contact) and e.plan == plan and e.phones
                for e in self.index.entries if e.plan == plan):
            notes.append(texts.PLAN_GIVES_NO_PHONE.format(plan=doc.short))
        return notes

    def _coverage(self, asked: _Asked) -> Callable[[Entry], float]:
        """How much of what was asked an entry contains (0–1), as the plan in view reads it.

        The names of the units the question is about may or may not be in the entry (a duty of
        "các sở" answers "Sở Y tế …"), so the better of the two readings counts.
        """
        ignore = self._context_words(asked.plan) | asked.ignore
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

    @functools.lru_cache(maxsize=4096)  # noqa: B019 - one Assistant per process, entries are few
    def _lensed_terms(self, entry: Entry, plan: str, named: frozenset[str]) -> set[str]:
        return self.index.terms_of(entry, self.lens.view(entry, plan, named).body)

    def _rerank_by_coverage(
        self, ranked: list[_Ranked], coverage: Callable[[Entry], float], depth: int = 10
    ) -> list[_Ranked]:
        """Among the best few, prefer entries that contain more of what was asked."""
        head = [
            _Ranked(r.entry, r.score * (0.6 + 0.8 * coverage(r.entry)))
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
        coverage: float, named: frozenset[str] = frozenset(), notes: Sequence[str] = (),
    ) -> Answer:
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
        suggestions = self._suggestions(ranked, shown_ids)
        return Answer(
            True, tuple(blocks), tuple(dict.fromkeys(sources)), tuple(suggestions),
            tuple(e.id for e in shown), plan or shown[0].plan, {"coverage": round(coverage, 3)},
            tuple(parts),
        )

    def title_of(self, entry: Entry) -> str:
        """An entry's title as an answer shows it (a plan's entries name their plan)."""
        doc = self.kb.documents[entry.doc_id]
        if entry.plan and doc.kind == "plan":
            return f"{entry.title} — {doc.short}"
        return entry.title

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

    def render_entry(self, entry: Entry, today: dt.date,
                     plan: str | None = None) -> tuple[str, list[Source]]:
        """One entry as Markdown: title, the fact, dates, source line, law version."""
        blocks, sources = self.entry_blocks(entry, today, plan)
        return "\n\n".join(blocks), sources

    def entry_blocks(self, entry: Entry, today: dt.date, plan: str | None = None,
                     named: frozenset[str] = frozenset()) -> tuple[list[str], list[Source]]:
        """`render_entry` as separate blocks: title, the fact, dates, source line, law version.

        With `plan` in view, a shared entry leaves out what it says of other plans (`named`:
        plans the question itself names, which stay).
        """
        view = self.lens.view(entry, plan, named)
        lines = [f"**{self.title_of(entry)}**", view.body]
        if isinstance(entry, Deadline):
            lines.append(self.deadline_status(entry, today))
        if isinstance(entry, Contact):
            # The phones the text does not already give next to a name (each number said once).
            unsaid = [p for p in entry.phones if _digits(p) not in _digits(view.body)]
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

    def _replaced_on(self, entry: Entry, today: dt.date) -> bool:
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
                since=", ".join(_fmt(s.doc.effective) for s in dated if s.doc.effective)))
        notes.extend(describe(s) for s in current if not s.doc.effective)
        notes.extend(describe(s, alongside_current=bool(current)) for s in statuses if not s.in_force)
        return " ".join(notes) or None

    def deadline_status(self, deadline: Deadline, today: dt.date) -> str:
        """'Hạn: 15/01/2026 — đã qua 312 ngày' style line relative to `today`."""
        rule = deadline.due
        if rule.kind == "yearly":
            due = _next_due(deadline, today)
            return texts.DUE_YEARLY.format(day=f"{rule.day:02d}/{rule.month:02d}", next=_fmt(due),
                                           relative=_relative(due, today))
        due = rule.occurrence(today.year)
        label = texts.DUE_MONTH.format(month=f"{rule.month:02d}/{rule.year}", date=_fmt(due)) \
            if rule.kind == "month" else _fmt(due)
        return texts.DUE_ONCE.format(due=label, relative=_relative(due, today))

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
                if isinstance(e, Deadline):  # on a line of its own within the bullet
                    line += _LINE_BREAK + self.deadline_status(e, today)
                parts.append(line)
                sources.append(Source(doc.short, e.ref or ""))
            if len(duties) > MAX_LISTED_DUTIES:
                parts.append(texts.MORE_DUTIES.format(count=len(duties) - MAX_LISTED_DUTIES))

        listing(own, full=True)
        if shared:
            parts.append(texts.GROUP_DUTIES_HEADER if own else texts.GROUP_DUTIES_ONLY)
            # A unit with no duties of its own reads its groups' in full: they are its duties.
            listing(shared, full=not own)
        if not own and not shared:
            parts.append(texts.NO_DUTIES)
        else:
            refs = ", ".join(dict.fromkeys(s.ref for s in sources[: 2 * MAX_LISTED_DUTIES]))
            parts.append(texts.SOURCE_LINE.format(sources=f"{doc.short}, {refs}"))
        listed = own[:MAX_LISTED_DUTIES] + shared[:MAX_LISTED_DUTIES]
        part = Part(f"unit-duties:{unit.id or unit.name}",
                    _plain_title(parts[0]), "\n\n".join(parts), tuple(dict.fromkeys(sources)))
        parts.append(texts.LEGAL_NOTE)
        return Answer(True, tuple(parts), tuple(dict.fromkeys(sources)),
                      tuple(self._suggestions(ranked or [], own_ids)), tuple(e.id for e in listed), plan,
                      {"coverage": None}, (part,))

    def unit_deadlines(self, unit: ResolvedUnit, plan: str, today: dt.date) -> Answer:
        """Every deadline of `unit` in `plan` (its own and its groups'), the soonest first.

        Yearly deadlines count by their next occurrence; one-off deadlines already past follow
        the upcoming ones, the most recent first.
        """
        if plan not in self.kb.plans:
            raise UnknownPlan(plan)
        doc = self.kb.plan_document(plan)
        assert doc is not None
        deadlines = [
            e for i in sorted(self._by_plan.get(plan, ()))
            if isinstance(e := self.index.entries[i], Deadline) and unit.memberships & set(e.units)
        ]

        due = {d.id: _next_due(d, today) for d in deadlines}
        upcoming = sorted((d for d in deadlines if due[d.id] >= today), key=lambda d: (due[d.id], d.id))
        past = sorted((d for d in deadlines if due[d.id] < today), key=lambda d: (due[d.id], d.id),
                      reverse=True)
        parts = [texts.DEADLINES_HEADER.format(unit=unit.name, plan=doc.short)]
        sources: list[Source] = []
        for heading, group in ((texts.DEADLINES_UPCOMING, upcoming), (texts.DEADLINES_PAST, past)):
            if not group:
                continue
            parts.append(heading)
            for d in group:
                whose = "" if unit.id in d.units else texts.DEADLINE_OF_GROUP
                parts.append(f"- **{d.title}** ({d.ref}){whose}: {self.deadline_status(d, today)}")
                sources.append(Source(doc.short, d.ref or ""))
        if not deadlines:
            parts.append(texts.NO_DEADLINES)
        else:
            refs = ", ".join(dict.fromkeys(s.ref for s in sources))
            parts.append(texts.SOURCE_LINE.format(sources=f"{doc.short}, {refs}"))
        part = Part(f"unit-deadlines:{unit.id or unit.name}", _plain_title(parts[0]),
                    "\n\n".join(parts), tuple(dict.fromkeys(sources)))
        parts.append(texts.LEGAL_NOTE)
        listed = upcoming + past
        return Answer(True, tuple(parts), tuple(dict.fromkeys(sources)), (),
                      tuple(d.id for d in listed), plan, {"coverage": None}, (part,))

    def _decline(
        self, plan: str | None, ranked: list[_Ranked], coverage: float = 0.0,
        reason: str | None = None,
    ) -> Answer:
        # Near misses are worth offering only when the question is at least partly in the KB.
        suggestions = [
            (r.entry.question if isinstance(r.entry, FaqEntry) else r.entry.title) for r in ranked[:3]
        ] if coverage >= SUGGEST_ON_DECLINE else []
        parts = [texts.NOT_FOUND]
        if suggestions:
            parts.append(texts.MAYBE_YOU_MEANT + "\n\n" + "\n".join(f"- {s}" for s in suggestions))
        parts.append(self.office_contact(plan))
        extra: dict = {"coverage": round(coverage, 3)}
        if reason:
            extra["declined"] = reason
        return Answer(False, tuple(parts), (), tuple(suggestions), (), plan, extra)

    def contact_entries(self, plan: str | None) -> list[Contact]:
        """The standing office's contact entries of `plan` (of every plan when None), each person
        and phone once: an entry whose phones an earlier one of its plan gives is left out (a
        plan listing its two officers, then each officer again)."""
        out: list[Contact] = []
        said: dict[str, set[str]] = {}
        for entry in self.kb.entries:
            if not isinstance(entry, Contact) or (plan is not None and entry.plan != plan):
                continue
            phones = {_digits(p) for p in entry.phones}
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
        entries = [self.index.entries[e] for e in self._by_plan.get(plan, ())]
        department = fold(texts.OFFICE_DEPARTMENT)
        if any(department in fold(e.body) for e in entries if isinstance(e, Contact)):
            office = f"{office}, {texts.OFFICE_DEPARTMENT}"
        for entry in entries:
            if isinstance(entry, Contact) and entry.phones:
                return texts.OFFICE_CONTACT_PHONES.format(
                    phones=", ".join(entry.phones), plan=doc.short, office=office)
        return texts.OFFICE_CONTACT.format(office=office)


def _remove_units(key: str, mentions: list[tuple[str, str]]) -> str:
    for _, alias in mentions:
        key = _replace_phrase(key, alias, "")
    return " ".join(key.split())


def _next_due(deadline: Deadline, today: dt.date) -> dt.date:
    """A deadline's due date as of `today`: a yearly one's next occurrence, else its one date."""
    due = deadline.due.occurrence(today.year)
    if deadline.due.kind == "yearly" and due < today:
        due = deadline.due.occurrence(today.year + 1)
    return due


def _plain_title(markdown: str) -> str:
    return markdown.replace("**", "").rstrip(":").strip()


def _end_of(key: str, phrase: str) -> int | None:
    """Where the first whole-word occurrence of `phrase` in `key` ends, if it occurs."""
    at = f" {key} ".find(f" {phrase} ")
    return None if at == -1 else at + len(phrase)


def _replace_phrase(key: str, phrase: str, by: str) -> str:
    return " ".join(f" {key} ".replace(f" {phrase} ", f" {by} ").split())


def _fmt(day: dt.date) -> str:
    return f"{day:%d/%m/%Y}"


def _relative(due: dt.date, today: dt.date) -> str:
    return texts.relative_due(due, today)


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _one_paragraph(body: str) -> str:
    return " ".join(line.strip() for line in body.splitlines() if line.strip())

