"""Read a question: which plan it is asked in, which unit it is about, and what it asks.

The words that name a plan, a unit or the asker ("KH 109", "Sở TC", "đơn vị tôi") are context,
not content: they choose where to look and whose entries rank higher, and are set aside from
what is searched for, so they neither match every entry of a plan nor dilute coverage.
"""

from __future__ import annotations

from dataclasses import dataclass

from knowledge import premise, scope
from knowledge.index import Analysis, SearchIndex
from knowledge.loader import KnowledgeBase
from knowledge.question import (
    CONFIRM_WORDS,
    OWN_UNIT,
    OWN_UNIT_WORDS,
    PENALTY_CUE,
    SELF_INTRO,
    beyond_listing,
    focus,
)
from knowledge.text import STOPWORDS
from knowledge.units import ResolvedUnit, UnitRegistry

__all__ = ["Asked", "Reader", "context_words"]

# A self-introduction naming the asker's unit is at most this many syllables long.
_INTRO_MAX = 16
# Words every plan's description shares: alone they do not name a plan.
_GENERIC_PLAN_WORDS = frozenset("ke hoach bao ve bi mat nha nuoc tinh thanh pho".split())


@dataclass(frozen=True)
class Asked:
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


def context_words(kb: KnowledgeBase, index: SearchIndex, plan: str | None) -> set[str]:
    """Syllables that only name the plan's province or the plan itself: context, not content."""
    words = {"tinh", "thanh", "pho"}
    doc = kb.plan_document(plan) if plan else None
    if doc and doc.province:
        words.update(index.syllables_of(doc.province))
    return words


def remove_phrases(key: str, mentions: list[tuple[str, str]]) -> str:
    """`key` without the phrases (the second of each pair) that name units."""
    for _, alias in mentions:
        key = replace_phrase(key, alias, "")
    return " ".join(key.split())


def replace_phrase(key: str, phrase: str, by: str) -> str:
    """`key` with every whole-word `phrase` replaced by `by`."""
    return " ".join(f" {key} ".replace(f" {phrase} ", f" {by} ").split())


def _end_of(key: str, phrase: str) -> int | None:
    """Where the first whole-word occurrence of `phrase` in `key` ends, if it occurs."""
    at = f" {key} ".find(f" {phrase} ")
    return None if at == -1 else at + len(phrase)


class Reader:
    """Reads questions against one knowledge base's plans and unit registry."""

    def __init__(self, kb: KnowledgeBase, index: SearchIndex) -> None:
        self.kb, self.index = kb, index
        self._plan_keys = self._build_plan_keys()
        self._plan_descriptions = self._build_plan_descriptions()

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

    def detect_plan(self, key: str) -> tuple[str, str] | None:
        """The plan a question names ("… của Lào Cai", "KH 109") and the words naming it."""
        padded = f" {key} "
        for name, slug in self._plan_keys:
            if f" {name} " in padded:
                return slug, name
        return None

    def _named_plan(self, full_key: str, key: str, plan: str | None) -> tuple[str, str] | None:
        """The plan the question names: by province or alias, or, for the plan in view, by its
        description alone ("KH thực hiện CT32 của tỉnh")."""
        detected = self.detect_plan(full_key)
        if detected is None and plan is not None:
            padded = f" {key} "
            for name in self._plan_descriptions.get(plan, ()):
                if f" {name} " in padded:
                    return plan, name
        return detected

    def read(self, question: str, plan: str | None, unit: ResolvedUnit | None) -> Asked:
        """What a question asks, in which plan, about which unit (see `knowledge.question`)."""
        full = self.index.analyse(question)
        asked = focus(full.key)
        key = asked.key
        named_plans: set[str] = set()
        detected = self._named_plan(full.key, key, plan)
        if detected:
            named_plans.add(detected[0])
            # A plan the question names is the plan it asks about (its entries are labelled).
            plan = detected[0]
            # "KH 298 do ai ký": the words naming the plan go, "kế hoạch" stays (what is asked about).
            key = replace_phrase(key, detected[1], "ke hoach" if "ke hoach" in detected[1] else "")
        registry = self.kb.registry
        # "đơn vị tôi", "đặc khu tôi", "bọn mình" say who asks; the rest may name other units.
        key = " ".join(OWN_UNIT.sub(" ", key).split())
        preamble, key, mentions = _split_introduction(registry, asked.preamble, key)
        mentions, renamed = self._successors(mentions, plan)
        intro = registry.mentions(preamble) if preamble else []
        if unit is None and intro:
            # "em là cán bộ UBND xã …, cho em hỏi …": the asker said who they are.
            unit = registry.resolved(intro[0][0])
        target = _target(registry, asked.own_unit, unit, mentions)
        # Units are matched by their registered name ("Sở TC" → "sở tài chính"); the words for
        # "us" select the unit and are not what is asked about.
        unit_words: set[str] = set()
        for uid, alias in mentions:
            name = registry.key(registry.name_of(uid))
            key = replace_phrase(key, alias, name)
            unit_words.update(name.split())
        key = " ".join(key.split())
        # Another domain is judged without the unit names ("Sở Giao thông vận tải" is a unit, not
        # a question about traffic).
        named_units = [m for m in mentions if m[0] in registry.units]
        foreign = scope.foreign_topic(remove_phrases(full.key, named_units))
        analysis = self.index.analyse(key) if key else self.index.analyse(full.key)
        boost: list[str] = []
        soft = target or unit
        if soft is not None:
            boost.extend(soft.memberships if soft.id is None else [soft.id])
        boost.extend(uid for uid, _ in mentions if uid not in boost)
        content = [s for s in beyond_listing(analysis.key) if s not in STOPWORDS
                   and s not in context_words(self.kb, self.index, plan) and s not in unit_words]
        ignore = set(OWN_UNIT_WORDS) | CONFIRM_WORDS
        claims = premise.dates_in(question)
        for claim in claims:  # a stated date is the premise, checked apart, not the topic
            ignore.update(str(n) for n in (claim.day, claim.month, claim.year) if n is not None)
        return Asked(
            analysis=analysis, plan=plan, target=target, own_unit=asked.own_unit, boost_units=boost,
            named_plans=frozenset(named_plans), ignore=frozenset(ignore),
            wants_listing=len(content) <= 1,
            foreign=foreign, question=question,
            confirm=asked.confirm, key=analysis.key, unit_words=frozenset(unit_words),
            claims=tuple(claims), mentioned=bool(mentions), renamed=tuple(renamed),
            penalty=bool(PENALTY_CUE.search(full.key)) and scope.is_core(full.key),
            topic=self._topic(registry, key, mentions, content),
        )

    def _successors(self, mentions: list[tuple[str, str]], plan: str | None
                    ) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        """A department merged away before the plan was written is asked about as its successor
        ("Sở GTVT" in a 2025 plan is Sở Xây dựng), and the answer says so: the mentions as of
        the plan's date, and the (old, new) pairs renamed."""
        registry = self.kb.registry
        day = self.kb.plan_date(plan)
        renamed: list[tuple[str, str]] = []
        if day is None:
            return mentions, renamed
        current = []
        for uid, alias in mentions:
            successor = registry.successor_on(uid, day)
            if successor != uid and (uid, successor) not in renamed:
                renamed.append((uid, successor))
            current.append((successor, alias))
        return current, renamed

    def _topic(self, registry: UnitRegistry, key: str, mentions: list[tuple[str, str]],
               content: list[str]) -> Analysis | None:
        """"trưởng phòng thuộc UBND phường có được cho phép sao chụp …": a group it names says
        whose entries rank higher (the boost); the group's long name ("ủy ban nhân dân các xã,
        phường, đặc khu") would only match every entry addressed to the group, whatever the
        entry is about. A single unit's name ("Chủ tịch UBND tỉnh") is part of what is asked."""
        groups = [(uid, registry.key(registry.name_of(uid))) for uid, _ in mentions
                  if uid not in registry.units]
        if groups and len(content) >= 2:
            bare = remove_phrases(key, groups)
            if bare and bare != key:
                return self.index.analyse(bare)
        return None


def _split_introduction(registry: UnitRegistry, preamble: str, key: str
                        ) -> tuple[str, str, list[tuple[str, str]]]:
    """"mình là chuyên viên văn phòng sở VHTTDL, KH 109 có …": the introduction ends with the
    unit it names, and joins the preamble. Returns the preamble, the rest, and the units the
    rest names."""
    mentions = registry.mentions(key)
    if mentions and SELF_INTRO.match(key):
        end = _end_of(key, mentions[0][1])
        if end is not None and len(key[:end].split()) <= _INTRO_MAX:
            preamble, key = f"{preamble} {key[:end]}".strip(), key[end:].strip()
            mentions = registry.mentions(key)
    return preamble, key, mentions


def _target(registry: UnitRegistry, own: bool, unit: ResolvedUnit | None,
            mentions: list[tuple[str, str]]) -> ResolvedUnit | None:
    """The unit a question is about: the asker's own when it says so, else the first it names."""
    if own and unit is not None:
        return unit
    if mentions:
        target = registry.resolved(mentions[0][0])
        if unit is not None and unit.id is None and target.id in unit.memberships:
            return unit  # "UBND xã" named by a commune's own contact: that commune
        return target
    return unit if own else None
