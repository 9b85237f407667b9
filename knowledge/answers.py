"""Answer a question from the knowledge base: read it, route it, rank, decide, and compose.

`Assistant.find_answers` is the one entry point the CLI, the console and the Telegram handlers
share. It returns an `Answer` whose Markdown is rendered to Telegram HTML or plain text by
`knowledge.render`.

This module is the router: it decides what kind of answer a question gets — out of scope, a
unit's whole list (`knowledge.listings`), "which unit are you?", the sanction for a penalty
question, a decline, or the best entries — and leaves the reading (`knowledge.reading`), the
ranking (`knowledge.ranking`) and the wording (`knowledge.compose`, `knowledge.notes`) to the
modules named for them.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import replace

from knowledge import listings, texts
from knowledge.compose import Composer
from knowledge.index import IndexTables, SearchIndex
from knowledge.lens import PlanLens
from knowledge.loader import KnowledgeBase
from knowledge.model import Contact, Deadline, Document, Entry, FaqEntry
from knowledge.notes import premise_notes, renamed_notes
from knowledge.question import CONTACT_CUE, DEADLINE_CUE, DUTIES_CUE
from knowledge.ranking import (
    Ranked,
    Ranker,
    compatible,
    rerank_by_coverage,
    sanctions_first,
    states_sanction,
)
from knowledge.reading import Asked, Reader
from knowledge.reply import Answer, Part, Source, UnknownPlan
from knowledge.status import DocumentStatus
from knowledge.text import STOPWORDS
from knowledge.units import ResolvedUnit

__all__ = ["Answer", "Assistant", "Part", "Source", "UnknownPlan"]

# Below this share of the question's content found in the best entry, the assistant declines.
MIN_COVERAGE = 0.24
# The same for a question stating a date with a plan in view ("… trước 5/11 đúng không?").
MIN_CLAIM_COVERAGE = 0.15
# A second entry is shown in full when it scores at least this share of the best one.
SECOND_ENTRY_RATIO = 0.85
# How many recent (question, plan, day) answers are kept.
ANSWER_CACHE_SIZE = 2048

_SUBMIT = re.compile(r"\b(nop|gui len|gui ve|bao cao len)\b")


class Assistant:
    """Answers questions from one loaded knowledge base."""

    def __init__(self, kb: KnowledgeBase, syllables: dict[str, tuple[str, ...]] | None = None,
                 tables: IndexTables | None = None) -> None:
        """Build the index, the plan lens, the reader, ranker and composer over `kb`.

        `syllables` and `tables`: the KB's texts already analysed and the index's term counts
        (`kb_syllables` and `index.tables` of an assistant built from the same KB and code, kept
        on disk by `knowledge.startup_cache`); without them every text is analysed here.
        """
        self.kb = kb
        self.index = SearchIndex(kb, syllables=syllables, tables=tables)
        self.lens = PlanLens(kb)
        by_plan: dict[str | None, set[int]] = {}
        for i, e in enumerate(self.index.entries):
            by_plan.setdefault(e.plan, set()).add(i)
        self.reader = Reader(kb, self.index)
        self.composer = Composer(kb, self.index, self.lens, by_plan)
        self.ranker = Ranker(kb, self.index, self.lens, by_plan, self.composer.status)
        self._cached_answer = functools.lru_cache(maxsize=ANSWER_CACHE_SIZE)(self._find_answers)
        # What answers "… bị phạt bao nhiêu?" when the act asked about has no entry of its own.
        self._sanctions_overview = next(
            (e for e in kb.entries if isinstance(e, FaqEntry) and states_sanction(e)), None)
        # Every text of the KB the parts above analysed; questions are not added to it.
        self.kb_syllables = self.index.stop_learning()

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

    def detect_plan(self, key: str) -> tuple[str, str] | None:
        """The plan a question names ("… của Lào Cai", "KH 109") and the words naming it."""
        return self.reader.detect_plan(key)

    def unit_duties(self, unit: ResolvedUnit, plan: str, today: dt.date,
                    ranked: list[Ranked] | None = None) -> Answer:
        """Every duty and deadline of `unit` in `plan` (see `knowledge.listings`)."""
        return listings.unit_duties(self.composer, unit, plan, today, ranked)

    def unit_deadlines(self, unit: ResolvedUnit, plan: str, today: dt.date) -> Answer:
        """Every deadline of `unit` in `plan`, the soonest first (see `knowledge.listings`)."""
        return listings.unit_deadlines(self.composer, unit, plan, today)

    def render_entry(self, entry: Entry, today: dt.date,
                     plan: str | None = None) -> tuple[str, list[Source]]:
        """One entry as Markdown: title, the fact, dates, source line, law version."""
        blocks, sources = self.composer.entry_blocks(entry, today, plan)
        return "\n\n".join(blocks), sources

    def entry_blocks(self, entry: Entry, today: dt.date, plan: str | None = None,
                     named: frozenset[str] = frozenset()) -> tuple[list[str], list[Source]]:
        """`render_entry` as separate blocks (see `Composer.entry_blocks`)."""
        return self.composer.entry_blocks(entry, today, plan, named)

    def title_of(self, entry: Entry) -> str:
        return self.composer.title_of(entry)

    def sources_of(self, entry: Entry,
                   leave_out: frozenset[tuple[str, str]] = frozenset()) -> list[Source]:
        return self.composer.sources_of(entry, leave_out)

    @staticmethod
    def cite(source: Source) -> str:
        return Composer.cite(source)

    def status(self, doc: Document, today: dt.date) -> DocumentStatus:
        """Where `doc` stands on `today` (memoised)."""
        return self.composer.status(doc, today)

    def law_status_note(self, entry: Entry, today: dt.date) -> str | None:
        return self.composer.law_status_note(entry, today)

    def deadline_status(self, deadline: Deadline, today: dt.date) -> str:
        return self.composer.deadline_status(deadline, today)

    def contact_entries(self, plan: str | None) -> list[Contact]:
        return self.composer.contact_entries(plan)

    def office_contact(self, plan: str | None) -> str:
        return self.composer.office_contact(plan)

    # --- routing -------------------------------------------------------------------------

    def _find_answers(self, question: str, plan: str | None, today: dt.date,
                      unit: ResolvedUnit | None) -> Answer:
        """Which kind of answer the question gets, in the order the kinds are tried."""
        asked = self.reader.read(question, plan, unit)
        plan = asked.plan
        composer = self.composer
        if asked.foreign:
            return composer.decline(plan, [], 0.0, reason=f"scope:{asked.foreign}")
        listing = self._listing(asked, today)
        if listing is not None:
            return listing
        if asked.own_unit and asked.target is None and asked.wants_listing:
            return composer.which_unit(plan)
        if not any(len(s) >= 2 and s not in STOPWORDS for s in asked.analysis.syllables):
            return composer.decline(plan, [])  # "x", "?", "a": nothing asked
        ranked = self.ranker.rank(asked.topic or asked.analysis, plan, today, asked.boost_units,
                                  asked.named_plans)
        if not ranked:
            return composer.decline(plan, [])
        cover = self.ranker.coverage(asked)
        ranked = rerank_by_coverage(ranked, cover)
        if asked.penalty:
            ranked = sanctions_first(ranked)
        coverage = cover(ranked[0].entry)
        if asked.penalty and coverage < MIN_COVERAGE:
            # "… bị phạt bao nhiêu?": the law sets no fine, which is the answer even when the
            # act asked about is not in the KB.
            return self._penalty_answer(asked, ranked, coverage, today)
        # A yes/no check of a stated date is worded with the claim, which the right entry (if
        # the claim is wrong) does not contain: a lower bar, the answer then corrects the claim.
        if coverage < (MIN_CLAIM_COVERAGE if asked.claims and plan else MIN_COVERAGE):
            return self._decline_low_coverage(asked, ranked, coverage)
        shown = self._shown(ranked, today)
        notes = premise_notes(composer, asked, shown, ranked, plan)
        return composer.compose(shown, ranked, plan, today, coverage, asked.named_plans, notes)

    def _shown(self, ranked: list[Ranked], today: dt.date) -> list[Entry]:
        """The best entry, and the second when it scores nearly as well and may stand beside it;
        the law in force on the day of the question before the replaced one."""
        best = ranked[0]
        shown = [best.entry]
        if len(ranked) > 1:
            second = ranked[1]
            if second.score >= SECOND_ENTRY_RATIO * best.score and compatible(best, second):
                shown.append(second.entry)
        shown.sort(key=lambda e: self.composer.replaced_on(e, today))
        return shown

    def _decline_low_coverage(self, asked: Asked, ranked: list[Ranked], coverage: float) -> Answer:
        """Too little of the question is in the best entry: decline, with near misses."""
        plan = asked.plan
        declined = self.composer.decline(plan, ranked, coverage)
        if asked.confirm and plan:
            # "KH 286 đặt chỉ tiêu … đúng không?": what is not found is not in the plan.
            doc = self.kb.plan_document(plan)
            assert doc is not None
            note = texts.PLAN_LACKS_IT.format(plan=doc.short)
            declined = replace(declined, blocks=(note, *declined.blocks))
        return declined

    def _listing(self, asked: Asked, today: dt.date) -> Answer | None:
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
        notes = renamed_notes(self.composer, asked, plan)
        return replace(answer, blocks=(*notes, *answer.blocks)) if notes else answer

    def _penalty_answer(self, asked: Asked, ranked: list[Ranked], coverage: float,
                        today: dt.date) -> Answer:
        """The law on state secrets sets no fine: the sanctions other texts set are the answer
        (the nearest entry stating one, else the overview); without any, that is said plainly."""
        composer = self.composer
        sanction = next((r.entry for r in ranked if states_sanction(r.entry)), self._sanctions_overview)
        if sanction is not None:
            return composer.compose([sanction], ranked, asked.plan, today, coverage, asked.named_plans,
                                    premise_notes(composer, asked, [sanction], ranked, asked.plan))
        parts = (texts.NO_FINE_IN_LAW, composer.office_contact(asked.plan), texts.LEGAL_NOTE)
        return Answer(True, parts, (), tuple(composer.suggestions(ranked, set())), (), asked.plan,
                      {"coverage": round(coverage, 3)},
                      (Part("no-fine-in-law", texts.NO_FINE_TITLE, texts.NO_FINE_IN_LAW),))
