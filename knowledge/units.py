"""The unit registry: canonical units, their aliases and the groups plans assign duties to.

A contact of "Sở Y tế" must get the duties the plans give to "các sở, ban, ngành", and a contact
of "UBND phường Đông Kinh" those of "UBND các xã, phường". So every unit knows its groups
(transitively), and a name that is not registered but plainly classifies ("Sở …", "UBND xã …")
is accepted into its group.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from knowledge.model import Group, Unit
from knowledge.text import Abbreviations, syllables

__all__ = ["PlanWording", "ResolvedUnit", "UnitRegistry", "UnknownUnit"]


class UnknownUnit(LookupError):
    """A unit name that is neither registered, close to a registered one, nor classifiable."""

    def __init__(self, name: str, suggestions: list[str]) -> None:
        super().__init__(name)
        self.name = name
        self.suggestions = suggestions


@dataclass(frozen=True, slots=True)
class ResolvedUnit:
    """A unit as a user named it: its registry id (if any) and every group it belongs to."""

    name: str
    id: str | None
    memberships: frozenset[str]  # its own id (if any) plus all ancestor groups


@dataclass(frozen=True, slots=True)
class PlanWording:
    """How one plan names its bodies: "tỉnh" or "thành phố", with or without "đặc khu".

    The registry keeps one canonical name per unit ("Công an tỉnh"); a city's plan reads
    "Công an thành phố", and a province without special zones has no "đặc khu" to list.
    """

    level: str = "tỉnh"
    special_zones: bool = True

    def apply(self, name: str) -> str:
        if self.level == "thành phố":
            name = _PROVINCE_WORD.sub(lambda m: _CITY_WORDS[m[0]], name)
        if not self.special_zones:
            name = _SPECIAL_ZONE.sub("", name)
        return name


_CITY_WORDS = {"tỉnh": "thành phố", "Tỉnh ủy": "Thành ủy", "Tỉnh đoàn": "Thành đoàn",
               "tỉnh ủy": "thành ủy", "Tỉnh": "Thành phố"}
_PROVINCE_WORD = re.compile(r"\b(?:Tỉnh ủy|tỉnh ủy|Tỉnh đoàn|tỉnh|Tỉnh)\b")
_SPECIAL_ZONE = re.compile(r"(?:,\s*| và )đặc khu\b")


class UnitRegistry:
    """Look units up by name, alias or abbreviation; know their groups."""

    def __init__(
        self, units: Iterable[Unit], groups: Iterable[Group], abbreviations: Abbreviations
    ) -> None:
        self._abbr = abbreviations
        self.units = {u.id: u for u in units}
        self.groups = {g.id: g for g in groups}
        self._by_key: dict[str, str] = {}
        records: list[Unit | Group] = [*self.units.values(), *self.groups.values()]
        for record in records:
            for name in (record.name, *record.aliases):
                self._by_key.setdefault(self.key(name), record.id)
        self._keys = list(self._by_key)
        # Close matches offered for an unknown name: units only, a group is not a unit to choose.
        self._unit_keys = [k for k, uid in self._by_key.items() if uid in self.units]
        # Short forms people type that the registry does not list ("STTTT", "Sở XD", "CA TP"),
        # made from the names: found in questions, not offered as suggestions.
        self._short: dict[str, str] = {}
        for record in self.units.values():
            for name in (record.name, *record.aliases):
                for short in short_forms(name):
                    key = self.key(short)
                    if key not in self._by_key:
                        self._short.setdefault(key, record.id)
        # Longest alias first, so "Sở Khoa học và Công nghệ" wins over "Sở".
        # Each with the spaces around it that make it a whole-word match (built once, not per question).
        # A three-letter acronym without a vowel counts too ("stc", "snv"): no syllable is spelt so.
        mention = {**self._short, **self._by_key}
        self._mention_ids = mention
        self._mention_keys = [(f" {k} ", k) for k in sorted(
            (k for k in mention if len(k) >= 4 or _ACRONYM.fullmatch(k)), key=len, reverse=True)]
        self._prefixes = sorted(
            ((self.key(p), g.id) for g in self.groups.values() for p in g.prefixes),
            key=lambda pair: len(pair[0]),
            reverse=True,
        )

    def key(self, name: str) -> str:
        """The matching form of a unit name: folded syllables, abbreviations expanded."""
        return " ".join(syllables(self._abbr.expand(name)))

    def name_of(self, unit_id: str) -> str:
        record = self.units.get(unit_id) or self.groups[unit_id]
        return record.name

    def exact(self, name: str) -> str | None:
        """The id of a unit or group registered under exactly this name or alias."""
        return self._by_key.get(self.key(name))

    def ancestors(self, unit_id: str) -> frozenset[str]:
        """All groups `unit_id` belongs to, directly or through other groups."""
        seen: set[str] = set()
        todo = list(self._parents(unit_id))
        while todo:
            gid = todo.pop()
            if gid not in seen:
                seen.add(gid)
                todo.extend(self._parents(gid))
        return frozenset(seen)

    def _parents(self, unit_id: str) -> tuple[str, ...]:
        record = self.units.get(unit_id) or self.groups.get(unit_id)
        return record.groups if record else ()

    def classify(self, name: str) -> str | None:
        """The group a plainly classifying name belongs to ("Sở Y tế Lạng Sơn" → sở, ban, ngành)."""
        key = self.key(name)
        for prefix, gid in self._prefixes:
            if key == prefix or key.startswith(prefix + " "):
                return gid
        return None

    def resolve(self, name: str) -> ResolvedUnit:
        """Resolve a user-typed unit name; raise `UnknownUnit` with close matches otherwise."""
        key = self.key(name)
        if not key:
            raise UnknownUnit(name, [])
        uid = self._by_key.get(key)
        if uid is None:
            match = process.extractOne(key, self._keys, scorer=fuzz.ratio, score_cutoff=88)
            # "UBND phường Sa Pa" is close to "UBND phường" but is a commune of that group, not it.
            if match and not (self._by_key[match[0]] in self.groups and self.classify(name)):
                uid = self._by_key[match[0]]
        if uid is not None:
            return ResolvedUnit(self.name_of(uid), uid, frozenset({uid}) | self.ancestors(uid))
        gid = self.classify(name)
        if gid is not None:
            return ResolvedUnit(name.strip(), None, frozenset({gid}) | self.ancestors(gid))
        raise UnknownUnit(name, self.suggest(name))

    def suggest(self, name: str, limit: int = 3, *, groups: bool = False) -> list[str]:
        """Up to `limit` registered unit names close to `name`; groups' names only with `groups`
        (a KB entry may name a group, a person asked for their unit may not choose one)."""
        out: list[str] = []
        for key, _score, _ in process.extract(
            self.key(name), self._keys if groups else self._unit_keys, scorer=fuzz.WRatio,
            limit=limit * 4,
        ):
            label = self.name_of(self._by_key[key])
            if label not in out:
                out.append(label)
            if len(out) == limit:
                break
        return out

    def mentioned(self, query_key: str) -> list[str]:
        """Ids of units/groups named in a question given in its `key` form."""
        return list(dict.fromkeys(uid for uid, _ in self.mentions(query_key)))

    def mentions(self, query_key: str) -> list[tuple[str, str]]:
        """(id, the words naming it) for each unit/group a question (in `key` form) names,
        in the order of the text; the longest name wins where names overlap."""
        found: list[tuple[int, str, str]] = []
        padded = f" {query_key} "
        for spaced, key in self._mention_keys:
            at = padded.find(spaced)
            if at == -1:
                continue
            found.append((at, self._mention_ids[key], key))
            padded = padded.replace(spaced, " " + "|" * (len(spaced) - 2) + " ")
        return [(uid, key) for _, uid, key in sorted(found)]

    def exists_on(self, unit_id: str, day: dt.date | None) -> bool:
        """Whether a unit existed on `day` (groups always do)."""
        unit = self.units.get(unit_id)
        return unit is None or unit.exists_on(day)

    def successor_on(self, unit_id: str, day: dt.date | None) -> str:
        """The unit doing `unit_id`'s work on `day`: itself, or its (main) successor after a
        merger ("Sở Giao thông vận tải" → "Sở Xây dựng" after 28/02/2025)."""
        seen = {unit_id}
        while not self.exists_on(unit_id, day):
            unit = self.units[unit_id]
            if not unit.successors or unit.successors[0] in seen:
                break
            unit_id = unit.successors[0]
            seen.add(unit_id)
        return unit_id

    def resolved(self, unit_id: str) -> ResolvedUnit:
        """A registered unit or group as a `ResolvedUnit`."""
        return ResolvedUnit(self.name_of(unit_id), unit_id,
                            frozenset({unit_id}) | self.ancestors(unit_id))


# (y counts as a consonant: "syt")
_ACRONYM = re.compile(r"[b-df-hj-np-tv-z]{3}")
_SMALL_WORDS = frozenset({"và", "va", "-", "&"})


def short_forms(name: str) -> list[str]:
    """Initials people write for a department: "Sở Thông tin và Truyền thông" → "Sở TTTT", "STTTT";
    "Sở Xây dựng" → "Sở XD", "SXD". Only for names of at least two words after "Sở"."""
    words = [w for w in name.replace(",", " ").replace("-", " ").split() if w.lower() not in _SMALL_WORDS]
    if len(words) < 3 or words[0].lower() != "sở":
        return []
    initials = "".join(w[0].upper() for w in words[1:])
    return [f"Sở {initials}", f"S{initials}"]
