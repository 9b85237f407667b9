"""What an answer says before its entries: what the question takes for granted that is not so.

A question may state a wrong date, a fine the law does not set, a unit merged away, or a task
the plan gives another unit. The best entry answers what is asked; the note corrects the premise
first, so the reader does not take the entry as confirming it.
"""

from __future__ import annotations

import datetime as dt
import re

from knowledge import premise, texts
from knowledge.compose import Composer
from knowledge.model import Contact, Deadline, Duty, Entry
from knowledge.question import DEADLINE_CUE
from knowledge.ranking import Ranked, states_sanction
from knowledge.reading import Asked
from knowledge.reply import fmt
from knowledge.text import fold

__all__ = ["premise_notes", "renamed_notes"]

# Questions about a document's own date ("KH 109 ban hành ngày nào"), not a deadline.
_DOCUMENT_DATE = re.compile(r"\b(ban hanh|ky ngay|ngay ky|hieu luc|thong qua|ky ban hanh)\b")
_PHONE_CUE = re.compile(r"\b(so dien thoai|dien thoai|sdt|hotline|so may|goi so)\b")
# A fine said to be set by the law on state secrets itself ("theo Luật 117 … bị phạt …").
_FINE_UNDER_THE_LAW = re.compile(r"\b(luat 117|luat 29|luat bao ve bi mat|luat moi|luat cu|luat bmnn)\b")
_NO_FINE_SAID = re.compile(r"\bkhong quy dinh muc phat\b")


def renamed_notes(composer: Composer, asked: Asked, plan: str | None) -> list[str]:
    """"Sở GTVT" asked of a plan written after the 2025 mergers: say who does its work now."""
    kb = composer.kb
    notes = []
    for old, new in asked.renamed:
        until = kb.registry.units[old].until
        notes.append(texts.UNIT_NOW_IS.format(
            old=kb.unit_name(old, plan), new=kb.unit_name(new, plan),
            since=fmt(until + dt.timedelta(days=1)) if until else "?"))
    return notes


def premise_notes(composer: Composer, asked: Asked, shown: list[Entry], ranked: list[Ranked],
                  plan: str | None) -> list[str]:
    """What the question takes for granted that the sources do not say, said first."""
    notes: list[str] = []
    key = asked.key
    doc = composer.kb.plan_document(plan) if plan else None
    if asked.penalty and (not any(states_sanction(e) for e in shown) or (
            _FINE_UNDER_THE_LAW.search(key) and not _NO_FINE_SAID.search(fold(shown[0].body)))):
        # "theo Luật 117 … bị phạt bao nhiêu": the premise is corrected before the sanction.
        notes.append(texts.NO_FINE_IN_LAW)
    if doc is None:
        return notes
    notes.extend(renamed_notes(composer, asked, plan))
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
    bodies = [(e, composer.lens.view(e, plan, asked.named_plans).body) for e in shown]
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
            for e in composer.index.entries if e.plan == plan):
        notes.append(texts.PLAN_GIVES_NO_PHONE.format(plan=doc.short))
    return notes
