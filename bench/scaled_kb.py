"""Knowledge bases many times larger than the real one, for the answering benchmark's 100× rows.

Two kinds, so that the bench does not flatter the search:

- `copied_kb`: every entry repeated with a distinguishing word. Each copy has the same terms as
  its original, so the index's postings are long but few: the cheap case.
- `varied_kb`: every added entry differs. Each is made from an original entry of the same type
  (deterministically, from a seed) by renaming the provinces and units it names, changing the
  numbers (document numbers, years, days), swapping in sentences of another entry of the same
  type and plan, reordering its clauses and picking a subset of its keywords. The text stays
  Vietnamese prose of the same register, the vocabulary spreads as in a real, larger KB, and no
  two entries have the same title and body.

Both keep the documents, registry and abbreviations of the real KB; entry ids get a suffix.
"""

from __future__ import annotations

import dataclasses
import random
import re
from collections import defaultdict

from knowledge.loader import KnowledgeBase
from knowledge.model import Entry, FaqEntry

__all__ = ["PROVINCES", "copied_kb", "varied_kb"]

# Provinces and cities after the 2025 reorganisation: names the varied entries are moved to.
PROVINCES = (
    "Tuyên Quang", "Cao Bằng", "Lai Châu", "Lào Cai", "Thái Nguyên", "Điện Biên", "Lạng Sơn",
    "Sơn La", "Phú Thọ", "Bắc Ninh", "Quảng Ninh", "Hà Nội", "Hải Phòng", "Hưng Yên", "Ninh Bình",
    "Thanh Hóa", "Nghệ An", "Hà Tĩnh", "Quảng Trị", "Huế", "Đà Nẵng", "Quảng Ngãi", "Gia Lai",
    "Đắk Lắk", "Khánh Hòa", "Lâm Đồng", "Đồng Nai", "Tây Ninh", "Hồ Chí Minh", "Đồng Tháp",
    "An Giang", "Vĩnh Long", "Cần Thơ", "Cà Mau",
)
_SENTENCE_END = re.compile(r"(?<=[.;:])\s+(?=[A-ZĐÀ-Ỹ*\"(])")
_CLAUSE = re.compile(r",\s+")
_NUMBER = re.compile(r"\d+")


def copied_kb(kb: KnowledgeBase, factor: int) -> KnowledgeBase:
    """`factor` times the entries: each copied with a distinguishing word ("bản sao 7 mục7")."""
    entries = list(kb.entries)
    for i in range(1, factor):
        entries.extend(
            dataclasses.replace(e, id=f"{e.id}-x{i}", body=f"{e.body} bản sao {i} mục{i}")
            for e in kb.entries
        )
    return _with_entries(kb, entries)


def varied_kb(kb: KnowledgeBase, factor: int, seed: int = 2026) -> KnowledgeBase:
    """`factor` times the entries, every added one different from all others (see the module)."""
    rng = random.Random(seed)
    variant = _Variant(kb)
    entries = list(kb.entries)
    seen = {(e.title, e.body) for e in entries}
    for i in range(1, factor):
        for entry in kb.entries:
            made = variant.make(entry, i, rng)
            while (made.title, made.body) in seen:  # rare: an entry with nothing to vary
                made = dataclasses.replace(made, body=f"{made.body} (Phụ lục {rng.randint(2, 99)}.)")
            seen.add((made.title, made.body))
            entries.append(made)
    return _with_entries(kb, entries)


def _with_entries(kb: KnowledgeBase, entries: list[Entry]) -> KnowledgeBase:
    return dataclasses.replace(kb, entries=tuple(entries), by_id={e.id: e for e in entries})


class _Variant:
    """What the varied entries are made from: the names to rename, the sentences to borrow."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.units = sorted({u.name for u in kb.registry.units.values()}, key=len, reverse=True)
        self.provinces = sorted(PROVINCES, key=len, reverse=True)
        names = "|".join(re.escape(n) for n in [*self.units, *self.provinces])
        self.names = re.compile(rf"(?<!\w)({names})(?!\w)")
        self.sentences: dict[tuple[str, str | None], list[str]] = defaultdict(list)
        for entry in kb.entries:
            self.sentences[(entry.type, entry.plan)].extend(_sentences(entry.body))

    def make(self, entry: Entry, copy: int, rng: random.Random) -> Entry:
        renames: dict[str, str] = {}

        def rename(match: re.Match[str]) -> str:
            name = match[0]
            if name not in renames:
                pool = self.provinces if name in PROVINCES else self.units
                renames[name] = rng.choice(pool)
            return renames[name]

        def vary(text: str) -> str:
            text = self.names.sub(rename, text)
            return _NUMBER.sub(lambda m: _other_number(m[0], rng), text)

        sentences = _sentences(entry.body)
        pool = self.sentences[(entry.type, entry.plan)]
        if pool and (len(sentences) < 2 or rng.random() < 0.6):
            borrowed = rng.choice(pool)
            if len(sentences) > 1:
                sentences[rng.randrange(1, len(sentences))] = borrowed
            else:
                sentences.append(borrowed)
        sentences = [_reorder_clauses(s, rng) for s in sentences]
        keywords = tuple(vary(k) for k in entry.keywords if rng.random() < 0.7)
        changes: dict[str, object] = {
            "id": f"{entry.id}-v{copy}", "title": vary(entry.title),
            "body": vary(" ".join(sentences)), "keywords": keywords,
        }
        if isinstance(entry, FaqEntry):
            changes["question"] = vary(entry.question)
        return dataclasses.replace(entry, **changes)  # type: ignore[arg-type]


def _sentences(body: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(" ".join(body.split())) if s]


def _reorder_clauses(sentence: str, rng: random.Random) -> str:
    """The sentence's comma-separated clauses after the first, in another order (half the time)."""
    clauses = _CLAUSE.split(sentence)
    if len(clauses) < 3 or rng.random() < 0.5:
        return sentence
    head, rest = clauses[0], clauses[1:]
    end = rest[-1][-1] if rest[-1][-1:] in ".;:" else ""
    rest = [c.rstrip(".;:") if end else c for c in rest]
    rng.shuffle(rest)
    return ", ".join([head, *rest]) + end


def _other_number(number: str, rng: random.Random) -> str:
    """Another number of the same kind: a year stays a recent year, a month a month, a day a day."""
    value = int(number)
    if 1990 <= value <= 2035:
        return str(rng.randint(2018, 2030))
    if value <= 12:
        return str(rng.randint(1, 12)).zfill(len(number))
    if value <= 31:
        return str(rng.randint(1, 28)).zfill(len(number))
    return str(rng.randint(10, 999))
