"""Where a legal document stands on a given day, so that no answer shows an old text as current.

A document's `status` in the KB is what was verified; `unknown` means nobody could confirm whether
it was replaced. A decree that details a law that has since been replaced is the usual case
(Nghị định 26/2020/NĐ-CP after Luật 29/2018/QH14 gave way to Luật 117/2025/QH15): it is shown
with a caveat, never as plainly in force. Before a law takes effect it is "not yet in force",
and the law it replaces is still the one that applies. A text known only from the press, with no
verified first day (Nghị định 63/2026/NĐ-CP), is "unconfirmed" even though the law it details is in
force.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum

from knowledge import texts
from knowledge.model import Document

__all__ = ["DocumentStatus", "Standing", "describe", "status_on"]


class Standing(Enum):
    """The cases an answer words differently."""

    IN_FORCE = "in_force"
    NOT_YET = "not_yet"  # signed, takes effect later
    ENDED = "ended"  # replaced or expired
    GUIDES_ENDED = "guides_ended"  # unknown status, and the law it details has been replaced
    UNCONFIRMED = "unconfirmed"  # unknown status, nothing else known


@dataclass(frozen=True, slots=True)
class DocumentStatus:
    """A document's standing on `day`, with what the wording needs."""

    doc: Document
    day: dt.date
    standing: Standing
    successor: Document | None = None  # what replaced it (ENDED) or the guided law's successor
    guided: Document | None = None  # GUIDES_ENDED: the replaced law it details
    predecessor: Document | None = None  # NOT_YET: the document that still applies until then
    newer_guides: tuple[Document, ...] = ()  # GUIDES_ENDED: decrees known to guide the new law

    @property
    def in_force(self) -> bool:
        return self.standing is Standing.IN_FORCE


def status_on(doc: Document, day: dt.date, documents: Mapping[str, Document]) -> DocumentStatus:
    """Where `doc` stands on `day`, from its dates, its status and the laws it guides."""
    if doc.effective and day < doc.effective:
        predecessor = next((documents[d] for d in doc.replaces if d in documents), None)
        return DocumentStatus(doc, day, Standing.NOT_YET, predecessor=predecessor)
    if doc.ended and day > doc.ended:
        return DocumentStatus(doc, day, Standing.ENDED,
                              successor=documents.get(doc.replaced_by or ""))
    if doc.status in ("replaced", "expired") and not doc.ended:
        return DocumentStatus(doc, day, Standing.ENDED,
                              successor=documents.get(doc.replaced_by or ""))
    if doc.status in (None, "in_force") or not doc.is_legal:
        return DocumentStatus(doc, day, Standing.IN_FORCE)
    if doc.status in ("replaced", "expired"):  # ended later than `day`: still in force then
        return DocumentStatus(doc, day, Standing.IN_FORCE)
    # status unknown: it stood while the law it details stood; after that nobody confirmed it.
    for law_id in doc.guides:
        law = documents.get(law_id)
        if law is None:
            continue
        law_status = status_on(law, day, documents)
        if law_status.standing is Standing.ENDED:
            successor = law_status.successor
            newer = tuple(
                d for d in documents.values()
                if successor is not None and successor.id in d.guides
                and status_on(d, day, documents).standing is not Standing.NOT_YET
            )
            return DocumentStatus(doc, day, Standing.GUIDES_ENDED, successor=successor,
                                  guided=law, newer_guides=newer)
        if law_status.in_force and doc.effective:
            # Only a verified first day lets an unconfirmed text count as standing with its law.
            return DocumentStatus(doc, day, Standing.IN_FORCE)
    return DocumentStatus(doc, day, Standing.UNCONFIRMED)


def describe(status: DocumentStatus, *, alongside_current: bool = False) -> str:
    """One sentence for an answer; `alongside_current` when a current text is cited with it."""
    doc = status.doc
    if status.standing is Standing.IN_FORCE:
        since = _fmt(doc.effective) if doc.effective else None
        return (texts.STATUS_IN_FORCE.format(doc=doc.short, since=since) if since
                else texts.STATUS_IN_FORCE_UNDATED.format(doc=doc.short))
    if status.standing is Standing.NOT_YET:
        text = texts.STATUS_NOT_YET.format(doc=doc.short, since=_fmt(doc.effective))
        if status.predecessor is not None:
            text += " " + texts.STATUS_UNTIL_THEN.format(predecessor=status.predecessor.short)
        return text
    if status.standing is Standing.ENDED:
        ended = _fmt(doc.ended) if doc.ended else None
        successor = status.successor
        if successor is None:
            return (texts.STATUS_ENDED.format(doc=doc.short, ended=ended) if ended
                    else texts.STATUS_ENDED_UNDATED.format(doc=doc.short))
        template = texts.STATUS_ALSO_REPLACED if alongside_current else texts.STATUS_REPLACED
        return template.format(doc=doc.short, ended=ended or "?", successor=successor.short,
                               since=_fmt(successor.effective) if successor.effective else "?")
    if status.standing is Standing.GUIDES_ENDED:
        assert status.guided is not None
        newer = ", ".join(d.short for d in status.newer_guides)
        return texts.STATUS_GUIDES_ENDED.format(
            doc=doc.short, law=status.guided.short,
            successor=status.successor.short if status.successor else "văn bản mới",
            ended=_fmt(status.guided.ended) if status.guided.ended else "?",
        ) + (" " + texts.STATUS_NEWER_GUIDES.format(newer=newer) if newer else "")
    return texts.STATUS_UNCONFIRMED.format(doc=doc.short)


def _fmt(day: dt.date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else "?"
