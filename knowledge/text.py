"""Vietnamese text handling: Unicode normalisation, diacritic folding, abbreviations, tokens.

Users type with and without diacritics, in NFC or NFD, with abbreviations ("BMNN", "UBND",
"KH&CN") and typos. Everything that is matched goes through `fold` first; the accented form is
kept separately for display. Abbreviations are expanded on the folded text so that "BMNN" and
"bí mật nhà nước" index to the same syllables.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

__all__ = [
    "STOPWORDS",
    "Abbreviations",
    "fold",
    "nfc",
    "syllables",
    "terms",
]

_WORD = re.compile(r"[0-9a-z]+")
_SPACES = re.compile(r"\s+")

# Function words that carry no topic on their own. They are dropped from single-syllable terms
# only; bigrams keep them ("bao lâu", "trước ngày") because phrases do carry meaning.
STOPWORDS = frozenset(
    (
        "a ah anh cac cai cho cua da day den di duoc em gi giup ha hay khi khong la lam lai minh "
        "mot nao nay neu nhe nho nhu nhung o oi phai ra roi se the theo thi trong va ve vay voi xin "
        "cung nhieu"
    ).split()
)


def nfc(text: str) -> str:
    """Return `text` in Unicode NFC, the form used for display and storage."""
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Fold case, diacritics (đ → d) and compatibility forms, normalise spaces: the form used
    for matching. Compatibility decomposition makes full-width letters ("Ｂí ＭẬＴ", typed from
    some East Asian keyboards) and ligatures match their plain forms.

    >>> fold("Bí mật NHÀ NƯỚC  Đồng Nai")
    'bi mat nha nuoc dong nai'
    >>> fold("Ｂí ＭẬＴ")
    'bi mat'
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = decomposed.translate(_FOLD_TABLE)
    return _SPACES.sub(" ", unicodedata.normalize("NFC", stripped)).strip()


class _FoldTable(dict[int, int | None]):
    """The `str.translate` table of `fold`: combining marks (category Mn) removed, đ and ð → d,
    every other code point kept.

    Filled in as code points are met, so that folding runs in C once a code point has been seen:
    building the search index folds every entry, and a per-character Python test made that most
    of `python -m bot ask`'s start-up. At most `LIMIT` code points are kept (texts can hold any of
    the million), the rest are judged each time.
    """

    LIMIT = 8192

    def __missing__(self, code: int) -> int | None:
        value = None if unicodedata.category(chr(code)) == "Mn" else code
        if len(self) < self.LIMIT:
            self[code] = value
        return value


_FOLD_TABLE = _FoldTable({ord("đ"): ord("d"), ord("ð"): ord("d")})


@dataclass(frozen=True)
class Abbreviations:
    """Abbreviation → expansion table applied to folded text.

    `anycase` entries are expanded whatever the case the user typed ("bmnn", "BMNN");
    `exactcase` entries only when typed in capitals, because their folded form is also a
    common Vietnamese word ("CA" = công an, but "cả"/"ca" are words; "AI" but "ai" = who).
    """

    anycase: Mapping[str, str] = field(default_factory=dict)
    exactcase: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[str, str, bool]]) -> Abbreviations:
        """Build from (term, expansion, exact_case) triples, e.g. from the glossary."""
        anycase: dict[str, str] = {}
        exactcase: dict[str, str] = {}
        for term, expansion, exact in pairs:
            if exact:
                exactcase[nfc(term)] = fold(expansion)
            else:
                anycase[_key(term)] = fold(expansion)
        return cls(anycase, exactcase)

    def expand(self, text: str) -> str:
        """Return the folded form of `text` with abbreviations replaced by their expansions."""
        # "CT32", "KH109", "NĐ26": a document type written against its number is the type and
        # the number ("CT 32"), in capitals so that case-sensitive abbreviations expand.
        text = _DOC_TYPE_NUMBER.sub(lambda m: f"{m[1].upper()} {m[2]}", text)
        if self.exactcase:
            text = _EXACT_TOKEN.sub(lambda m: " " + self.exactcase.get(m[0], m[0]) + " ", nfc(text))
        folded = fold(text)
        if not self.anycase:
            return folded
        # "KH&CN", "Đ.BQH" …: join the pieces of an abbreviation written with & or dots.
        if "&" in folded:
            folded = _AMPERSAND.sub("&", folded)
        # Every token looked up, by a list comprehension over the split text rather than a
        # callback per match: the index expands every entry at start-up (`python -m bot ask`).
        parts = _ANY_TOKEN.split(folded)
        anycase = self.anycase
        parts[1::2] = [anycase.get(token.replace("&", ""), token) for token in parts[1::2]]
        return _SPACES.sub(" ", "".join(parts)).strip()


_DOC_TYPE_NUMBER = re.compile(r"\b(ct|kh|qđ|qd|nđ|nd|nq|tt)(\d{1,4})\b", re.IGNORECASE)
_EXACT_TOKEN = re.compile(r"\b[A-ZĐ][A-Z0-9Đ]+\b")
_ANY_TOKEN = re.compile(r"([0-9a-z&]+)")  # one group: `split` keeps the tokens at odd places
_AMPERSAND = re.compile(r"(?<=[a-z0-9])\s*&\s*(?=[a-z0-9])")


def _key(term: str) -> str:
    return fold(term).replace("&", "").replace(" ", "")


def syllables(folded: str) -> list[str]:
    """Split folded text into syllables (ASCII letters/digits); "01" and "1" are the same."""
    return [(word.lstrip("0") or "0") if word.isdigit() else word for word in _WORD.findall(folded)]


def terms(sylls: Sequence[str]) -> list[str]:
    """Index terms: content syllables plus every adjacent syllable bigram ("bi_mat")."""
    out = [s for s in sylls if s not in STOPWORDS]
    out.extend(map("_".join, itertools.pairwise(sylls)))
    return out
