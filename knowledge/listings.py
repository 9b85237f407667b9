"""A unit's whole list in a plan: every duty ("đơn vị tôi có nhiệm vụ gì?") or every deadline.

A listing is not a search: it shows all the plan gives the unit and its groups, in the plan's
order (duties) or by date (deadlines), each with the same deadline line an entry answer has.
"""

from __future__ import annotations

import datetime as dt

from knowledge import texts
from knowledge.compose import Composer, next_due
from knowledge.model import Deadline, Document, Duty
from knowledge.ranking import Ranked
from knowledge.reply import Answer, Part, Source, UnknownPlan
from knowledge.units import ResolvedUnit

__all__ = ["unit_deadlines", "unit_duties"]

# A duties listing shows at most this many duties of each kind (the rest are counted).
MAX_LISTED_DUTIES = 12
# A line break inside a Markdown list item ("  \n"; the renderer drops the indent after it).
_LINE_BREAK = "  \n  "


def _plan_document(composer: Composer, plan: str) -> Document:
    if plan not in composer.kb.plans:
        raise UnknownPlan(plan)
    doc = composer.kb.plan_document(plan)
    assert doc is not None
    return doc


def unit_duties(composer: Composer, unit: ResolvedUnit, plan: str, today: dt.date,
                ranked: list[Ranked] | None = None) -> Answer:
    """Every duty and deadline of `unit` in `plan`: its own first, then those of its groups.

    A unit known only through its group (an admin-added commune, "Sở Y tế …") has no duties
    of its own, so its groups' duties are the answer.
    """
    doc = _plan_document(composer, plan)
    entries = [e for e in composer.plan_entries(plan) if isinstance(e, Duty | Deadline)]
    own = [e for e in entries if unit.id is not None and unit.id in e.units]
    own_ids = {e.id for e in own}
    groups = unit.memberships - {unit.id}
    shared = [e for e in entries if e.id not in own_ids and groups & set(e.units)]
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
                line += _LINE_BREAK + composer.deadline_status(e, today)
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
                  tuple(composer.suggestions(ranked or [], own_ids)), tuple(e.id for e in listed),
                  plan, {"coverage": None}, (part,))


def unit_deadlines(composer: Composer, unit: ResolvedUnit, plan: str, today: dt.date) -> Answer:
    """Every deadline of `unit` in `plan` (its own and its groups'), the soonest first.

    Yearly deadlines count by their next occurrence; one-off deadlines already past follow
    the upcoming ones, the most recent first.
    """
    doc = _plan_document(composer, plan)
    deadlines = [e for e in composer.plan_entries(plan)
                 if isinstance(e, Deadline) and unit.memberships & set(e.units)]
    due = {d.id: next_due(d, today) for d in deadlines}
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
            parts.append(f"- **{d.title}** ({d.ref}){whose}: {composer.deadline_status(d, today)}")
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


def _plain_title(markdown: str) -> str:
    return markdown.replace("**", "").rstrip(":").strip()


def _one_paragraph(body: str) -> str:
    return " ".join(line.strip() for line in body.splitlines() if line.strip())
