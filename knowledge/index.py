"""An inverted index over KB entries with BM25 scoring on syllables and syllable bigrams.

Written here rather than taken from a library: the KB is a few hundred short entries, the
analysis (diacritic folding, abbreviation expansion, bigrams, typo correction against the index
vocabulary) is the part that matters, and a dict of postings answers a question in well under a
millisecond (see `python -m bench`, which also measures bm25s on the same entries).
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import cast

from rapidfuzz import fuzz, process

from knowledge.loader import KnowledgeBase
from knowledge.model import Contact, Entry, FaqEntry, Provision, Term
from knowledge.text import STOPWORDS, syllables, terms

__all__ = ["Analysis", "IndexTables", "Postings", "SearchIndex"]

K1 = 1.2
B = 0.75
# How much each field of an entry counts, as a term-frequency multiplier.
TITLE_WEIGHT = 2.0
KEYWORD_WEIGHT = 1.5
BODY_WEIGHT = 1.0
CONTEXT_WEIGHT = 0.5
# Score common terms over every entry until at least this many candidates are found.
MIN_CANDIDATES = 50
# Before common terms are added, only this many of the best candidates are kept.
MAX_CANDIDATES = 1000


@dataclass(frozen=True, slots=True)
class Analysis:
    """A question analysed for search: its key form, syllables and weighted terms."""

    key: str  # folded, abbreviations expanded, syllables joined by spaces
    syllables: tuple[str, ...]
    terms: tuple[str, ...]


# For each term, the entries having it (their positions) and its frequency in each: two parallel
# tuples, which is also how they are stored between runs (`knowledge.startup_cache`).
Postings = dict[str, tuple[tuple[int, ...], tuple[float, ...]]]


@dataclass(frozen=True, slots=True)
class IndexTables:
    """What indexing computes from the entries' texts: each term's postings, each entry's length."""

    postings: Postings
    lengths: tuple[float, ...]


class SearchIndex:
    """BM25 over the searchable entries of a knowledge base."""

    def __init__(self, kb: KnowledgeBase, entries: Iterable[Entry] | None = None,
                 syllables: dict[str, tuple[str, ...]] | None = None,
                 tables: IndexTables | None = None) -> None:
        """Index `entries` (all of the KB's by default).

        Folding and expanding every field, then counting terms, was most of `python -m bot
        ask`'s start-up; what an earlier index of the same KB and code computed can be given
        instead (see `knowledge.startup_cache`): `syllables`, a table of texts already analysed,
        and `tables` (of all the KB's entries). Texts met while the assistant is built are added
        to the table, each analysed once even when many entries share it (a unit's name, a
        document's short name), until `stop_learning`.
        """
        self.kb = kb
        self.entries: list[Entry] = list(entries if entries is not None else kb.entries)
        self._syllables: dict[str, tuple[str, ...]] = {} if syllables is None else syllables
        self._learning = True
        self.tables = tables if tables is not None else self._count_terms()
        self.postings, self.lengths = self.tables.postings, self.tables.lengths
        n = max(len(self.entries), 1)
        self.avg_length = (sum(self.lengths) / n) or 1.0
        self.idf = {
            t: math.log(1 + (n - len(p[0]) + 0.5) / (len(p[0]) + 0.5)) for t, p in self.postings.items()
        }
        # BM25's saturated, length-normalised term frequencies, computed for a term the first
        # time a question has it (`weights`): most of the vocabulary is never asked about.
        self._weights: dict[str, dict[int, float]] = {}
        # Terms in more entries than this only add to candidates found through rarer terms.
        self.common_df = max(64, int(0.03 * n))
        self.max_idf = math.log(1 + (n + 0.5) / 0.5)
        self.vocabulary = sorted(t for t in self.postings if "_" not in t and not t.isdigit())
        self._correct = lru_cache(maxsize=4096)(self._correct_uncached)

    def _count_terms(self) -> IndexTables:
        """Each entry's terms, counted in its fields (times the field's weight)."""
        postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        lengths: list[float] = []
        for idx, entry in enumerate(self.entries):
            # A term's frequency is its count times its field's weight: the weights are halves,
            # so the product is exactly the sum the term's occurrences would add one by one.
            counts: dict[str, float] = {}
            for text, weight in self._fields(entry):
                for term, n in Counter(terms(self.syllables_of(text))).items():
                    counts[term] = counts.get(term, 0) + n * weight
            for term, tf in counts.items():
                postings[term].append((idx, tf))
            lengths.append(sum(counts.values()))
        # zip(*…) turns the (entry, frequency) pairs into the two tuples, in C.
        columns = {term: cast(tuple[tuple[int, ...], tuple[float, ...]], tuple(zip(*plist, strict=True)))
                   for term, plist in postings.items()}
        return IndexTables(columns, tuple(lengths))

    def weights(self, term: str) -> dict[int, float]:
        """BM25's term-frequency part of `term` in each entry having it (empty when none has)."""
        found = self._weights.get(term)
        if found is None:
            columns = self.postings.get(term)
            if columns is None:
                return {}
            found = self._weights[term] = {
                idx: tf * (K1 + 1) / (tf + K1 * (1 - B + B * self.lengths[idx] / self.avg_length))
                for idx, tf in zip(*columns, strict=True)
            }
        return found

    def syllables_of(self, text: str) -> tuple[str, ...]:
        """The syllables of `text` folded with the KB's abbreviations expanded."""
        found = self._syllables.get(text)
        if found is None:
            found = tuple(syllables(self.kb.abbreviations.expand(text)))
            if self._learning:
                self._syllables[text] = found
        return found

    def stop_learning(self) -> dict[str, tuple[str, ...]]:
        """Stop adding texts to the table of analysed texts (questions are never added) and
        return it: the KB's own texts, to be kept for the next start."""
        self._learning = False
        return self._syllables

    def terms_of(self, entry: Entry, body: str) -> set[str]:
        """The index terms of `entry` with `body` in place of its own (a plan's reading of it)."""
        out: set[str] = set()
        for text, _weight in self._fields(entry, body):
            out.update(terms(self.syllables_of(text)))
        return out

    def _fields(self, entry: Entry, body: str | None = None) -> list[tuple[str, float]]:
        doc = self.kb.documents[entry.doc_id]
        fields = [(entry.title, TITLE_WEIGHT), (entry.body if body is None else body, BODY_WEIGHT)]
        fields.extend((k, KEYWORD_WEIGHT) for k in entry.keywords)
        fields.extend((self.kb.registry.name_of(u), BODY_WEIGHT) for u in entry.units)
        if isinstance(entry, FaqEntry):
            fields.append((entry.question, TITLE_WEIGHT))
        if isinstance(entry, Term):
            fields.append((f"{entry.term} {entry.term} {entry.expansion}", TITLE_WEIGHT))
        if isinstance(entry, Provision):
            fields.append((entry.citation_ref, BODY_WEIGHT))
        if isinstance(entry, Contact):
            fields.append(("liên hệ số điện thoại", CONTEXT_WEIGHT))
        if doc.kind != "plan":
            fields.append((doc.short, CONTEXT_WEIGHT))
        return fields

    def _correct_uncached(self, syllable: str) -> str | None:
        """The indexed syllable closest to an unknown one (a typo), or None."""
        if len(syllable) < 4 or syllable.isdigit():
            return None
        cutoff = 80 if len(syllable) >= 5 else 75
        match = process.extractOne(syllable, self.vocabulary, scorer=fuzz.ratio, score_cutoff=cutoff)
        return match[0] if match else None

    def analyse(self, text: str) -> Analysis:
        """Fold, expand abbreviations, split into syllables and correct typos against the KB."""
        sylls = self.syllables_of(text)
        corrected = []
        for s in sylls:
            if s in self.postings or s in STOPWORDS or s.isdigit():
                corrected.append(s)
                continue
            corrected.append(self._correct(s) or s)
        return Analysis(" ".join(sylls), tuple(corrected), tuple(terms(corrected)))

    def score(self, query_terms: Iterable[str], allowed: set[int] | None = None) -> dict[int, float]:
        """BM25 score of the entries matching the query (restricted to `allowed`).

        Terms are taken rarest first. Rare terms (and common ones until there are enough
        candidates) are accumulated over their whole posting list; the remaining common terms
        ("bí mật", "nhà nước", in nearly every entry) only add to the candidates already found.
        That keeps a question fast on a KB a hundred times larger with the same ranking at the
        top: an entry that shares only the commonest words with a question never wins anyway.
        """
        counts = Counter(t for t in query_terms if t in self.postings)
        scores: dict[int, float] = defaultdict(float)
        pruned = False
        for term in sorted(counts, key=lambda t: len(self.postings[t][0])):
            factor = counts[term] * self.idf[term]
            postings = self.weights(term)
            if len(postings) <= self.common_df or len(scores) < MIN_CANDIDATES:
                if allowed is None:
                    for idx, weight in postings.items():
                        scores[idx] += factor * weight
                else:
                    for idx, weight in postings.items():
                        if idx in allowed:
                            scores[idx] += factor * weight
            else:
                if not pruned and len(scores) > MAX_CANDIDATES:
                    scores = defaultdict(float, heapq.nlargest(
                        MAX_CANDIDATES, scores.items(), key=lambda kv: kv[1]))
                pruned = True
                # Only the candidates that have the term (a set intersection, in C); each gets
                # one addition, so the order they are visited in changes nothing.
                for idx in scores.keys() & postings.keys():
                    scores[idx] += factor * postings[idx]
        return scores

    def coverage_of(self, analysis: Analysis, ignore: set[str]) -> Callable[..., float]:
        """For one question, the share of its content an entry (by index) contains, from 0 to 1.

        The mean of two idf-weighted shares: of the question's content syllables, and of its
        syllable bigrams (word order matters: "quyết định" is not "định … quyết"). Unknown
        syllables count at the highest idf, so a question about things the KB has never heard
        of ("giá vàng SJC") has low coverage and is declined. The question's terms are looked up
        once, then each entry costs only membership tests. Given `terms` (an entry's terms as a
        plan reads it, see `knowledge.lens`), the share is of those terms instead.
        """
        unigrams = [s for s in analysis.syllables if s not in STOPWORDS and s not in ignore]
        sylls = [s for s in analysis.syllables if s not in ignore]
        bigrams = [f"{a}_{b}" for a, b in itertools.pairwise(sylls)
                   if not (a in STOPWORDS and b in STOPWORDS)]
        words, words_total = self._weighted(unigrams)
        pairs, pairs_total = self._weighted(bigrams)
        if not pairs:  # no bigram to match: the syllables count twice
            pairs, pairs_total = words, words_total

        def share(weighted: list[tuple[str, float, dict[int, float]]], total: float, idx: int,
                  terms: set[str] | None) -> float:
            if not weighted:
                return 0.0
            if terms is None:
                return sum(idf for _, idf, postings in weighted if idx in postings) / total
            return sum(idf for term, idf, _ in weighted if term in terms) / total

        def coverage(idx: int, terms: set[str] | None = None) -> float:
            return (share(words, words_total, idx, terms) + share(pairs, pairs_total, idx, terms)) / 2

        return coverage

    def _weighted(
        self, query_terms: list[str]
    ) -> tuple[list[tuple[str, float, dict[int, float]]], float]:
        """Each distinct term with its idf (unknown terms: the highest) and postings; the idf total."""
        out, total = [], 0.0
        for term in dict.fromkeys(query_terms):
            idf = self.idf.get(term, self.max_idf)
            total += idf
            out.append((term, idf, self.weights(term)))
        return out, total
