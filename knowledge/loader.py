"""Load and validate the Markdown knowledge base into typed, immutable records.

Validation collects every problem as `file:line: message` instead of stopping at the first, so a
reviewer fixes a file in one pass (`python -m bot kb check`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from knowledge.model import (
    Change,
    Citation,
    Contact,
    Deadline,
    Document,
    DueRule,
    Duty,
    Entry,
    Fact,
    FaqEntry,
    Group,
    Holiday,
    HolidayYear,
    Provision,
    Term,
    Unit,
)
from knowledge.render import dropped_words, raw_markup
from knowledge.text import Abbreviations, fold, nfc
from knowledge.units import PlanWording, UnitRegistry

__all__ = [
    "DEFAULT_ROOT",
    "KnowledgeBase",
    "KnowledgeError",
    "Problem",
    "check_knowledge",
    "load_knowledge",
]

DEFAULT_ROOT = Path(__file__).resolve().parent / "content"

DOC_KINDS = frozenset(
    {"plan", "law", "decree", "circular", "ordinance", "directive", "decision", "guidance",
     "resolution", "letter", "faq", "glossary", "units"}
)
STATUSES = frozenset({"in_force", "replaced", "expired", "unknown"})
DOC_KEYS = frozenset(
    {"id", "kind", "title", "short", "number", "issuer", "signed", "signer", "effective", "ended",
     "status", "replaced_by", "replaces", "plan", "province", "implements", "aliases", "source",
     "note", "guides", "as_of", "level", "special_zones"}
)
DOC_REQUIRED = ("id", "kind", "title", "source")
LIST_KEYS = frozenset({"replaces", "aliases", "keywords", "units", "cites", "phones", "groups",
                       "prefixes", "guides", "successors"})
LEVELS = frozenset({"tỉnh", "thành phố"})
VERIFIED = frozenset({"clause", "article"})

COMMON = frozenset({"type", "title", "ref", "keywords"})
ENTRY_KEYS: dict[str, frozenset[str]] = {
    "duty": COMMON | {"units"},
    "fact": COMMON | {"units"},
    "deadline": COMMON | {"units", "due", "due_text", "from", "duty"},
    "provision": COMMON | {"article", "clause", "point", "units", "verified"},
    "contact": COMMON | {"units", "phones"},
    "faq": COMMON | {"question", "cites", "units"},
    "change": COMMON | {"cites"},
    "term": frozenset({"type", "term", "expansion", "expand", "case", "keywords", "title"}),
    "unit": frozenset({"type", "name", "aliases", "groups", "since", "until", "successors"}),
    "group": frozenset({"type", "name", "aliases", "groups", "prefixes"}),
}
ENTRY_REQUIRED: dict[str, tuple[str, ...]] = {
    "duty": ("title", "units"),
    "fact": ("title",),
    "deadline": ("title", "units", "due"),
    "provision": ("title", "article"),
    "contact": ("title", "units"),
    "faq": ("title", "question", "cites"),
    "change": ("title", "cites"),
    "term": ("term", "expansion"),
    "unit": ("name",),
    "group": ("name",),
}
# Which entry types each kind of document may hold.
TYPES_BY_KIND: dict[str, frozenset[str]] = {
    "plan": frozenset({"duty", "deadline", "fact", "contact"}),
    "faq": frozenset({"faq"}),
    "glossary": frozenset({"term"}),
    "units": frozenset({"unit", "group"}),
}
LEGAL_DOC_TYPES = frozenset({"provision", "fact", "change", "contact"})

# Public holidays: one file per year, kept apart from the documents answers are built from.
HOLIDAYS_KIND = "holidays"
HOLIDAY_DOC_KEYS = frozenset({"id", "kind", "title", "year", "source", "note"})
HOLIDAY_KEYS = frozenset({"type", "title", "start", "end", "weekdays", "ref"})
HOLIDAY_REQUIRED = ("title", "start", "weekdays", "ref")
HOLIDAY_MAX_DAYS = 14  # a longer break is a typo in a date
WEEKDAYS = ("thu hai", "thu ba", "thu tu", "thu nam", "thu sau", "thu bay", "chu nhat")  # folded

_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_ATTR = re.compile(r"^([a-z_]+)\s*:\s*(.*)$")
_DUE = re.compile(r"^(?:(\d{4})-(\d{2})-(\d{2})|month:(\d{4})-(\d{2})|yearly:(\d{2})-(\d{2}))$")
_ARTICLE = re.compile(r"điều\s+(\d+)", re.IGNORECASE)
_STALE_LAW = re.compile(r"29/2018/qh14[^.;]{0,60}(dang co hieu luc|con hieu luc|hien hanh)")


@dataclass(frozen=True, slots=True)
class Problem:
    """One validation problem, printed as `file:line: message`."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class KnowledgeError(Exception):
    """The knowledge base is invalid; `problems` lists why."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the knowledge base:\n"
                         + "\n".join(map(str, problems[:20])))
        self.problems = problems


@dataclass(frozen=True)
class KnowledgeBase:
    """Everything the assistant knows, immutable once loaded."""

    documents: Mapping[str, Document]
    entries: tuple[Entry, ...]
    registry: UnitRegistry
    abbreviations: Abbreviations
    by_id: Mapping[str, Entry] = field(default_factory=dict)
    holiday_years: tuple[HolidayYear, ...] = ()  # the yearly lists of public holidays

    def days_off(self) -> frozenset[dt.date]:
        """Every public holiday day off the KB lists (weekends are not listed)."""
        return frozenset(day for year in self.holiday_years for h in year.holidays for day in h.days)

    @property
    def plans(self) -> list[str]:
        """Plan slugs in the KB, sorted."""
        return sorted(d.plan for d in self.documents.values() if d.kind == "plan" and d.plan)

    def plan_document(self, slug: str) -> Document | None:
        return next((d for d in self.documents.values() if d.plan == slug), None)

    def plan_date(self, slug: str | None) -> dt.date | None:
        """The day a plan speaks of (signed, else `as_of`): which units exist for it."""
        doc = self.plan_document(slug) if slug else None
        return doc.dated if doc else None

    def wording(self, slug: str | None) -> PlanWording:
        """How the plan names the province's bodies (tỉnh / thành phố, đặc khu or not)."""
        doc = self.plan_document(slug) if slug else None
        if doc is None:
            return PlanWording()
        return PlanWording(level=doc.level or "tỉnh",
                           special_zones=doc.special_zones is not False)

    def unit_name(self, unit_id: str, plan: str | None) -> str:
        """A registry unit's or group's name in the plan's own words."""
        return self.wording(plan).apply(self.registry.name_of(unit_id))

    def units_for(self, plan: str | None) -> frozenset[str]:
        """The registry units that exist on the plan's date (all of them without a date)."""
        day = self.plan_date(plan)
        return frozenset(uid for uid in self.registry.units if self.registry.exists_on(uid, day))

    def deadlines(self) -> list[Deadline]:
        return [e for e in self.entries if isinstance(e, Deadline)]


# --- raw parsing ---------------------------------------------------------------------------


@dataclass
class _Attrs:
    values: dict[str, str] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)


@dataclass
class _RawEntry:
    id: str
    line: int
    attrs: _Attrs
    body: str


@dataclass
class _RawFile:
    path: str
    front: _Attrs
    front_line: int
    entries: list[_RawEntry]


def _parse_attr_lines(
    lines: list[tuple[int, str]], path: str, problems: list[Problem]
) -> _Attrs:
    attrs = _Attrs()
    for lineno, text in lines:
        match = _ATTR.match(text.strip())
        if not match:
            problems.append(Problem(path, lineno, f"expected 'key: value', got {text.strip()!r}"))
            continue
        key, value = match[1], nfc(match[2].strip())
        if key in attrs.values:
            problems.append(Problem(path, lineno, f"duplicate key {key!r}"))
            continue
        attrs.values[key] = value
        attrs.lines[key] = lineno
    return attrs


def _parse_file(path: Path, label: str, problems: list[Problem]) -> _RawFile | None:
    try:
        text = nfc(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(label, 1, f"cannot read file: {exc}"))
        return None
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        problems.append(Problem(label, 1, "missing front matter (the file must start with '---')"))
        return None
    try:
        close = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        problems.append(Problem(label, 1, "front matter is not closed with '---'"))
        return None
    front = _parse_attr_lines(
        [(i + 1, lines[i]) for i in range(1, close) if lines[i].strip()], label, problems
    )
    entries: list[_RawEntry] = []
    i = close + 1
    while i < len(lines):
        line = lines[i]
        if not line.startswith("## "):
            i += 1
            continue
        entry_id, start = line[3:].strip(), i + 1
        i += 1
        attr_lines = []
        while i < len(lines) and lines[i].strip() and not lines[i].startswith("## "):
            attr_lines.append((i + 1, lines[i]))
            i += 1
        body_lines = []
        while i < len(lines) and not lines[i].startswith("## "):
            body_lines.append(lines[i])
            i += 1
        entries.append(
            _RawEntry(entry_id, start, _parse_attr_lines(attr_lines, label, problems),
                      "\n".join(body_lines).strip())
        )
    return _RawFile(label, front, 1, entries)


def _split_list(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(";") if part.strip())


def _yes_no(value: str | None, where: tuple[str, int], problems: list[Problem]) -> bool | None:
    if value is None:
        return None
    if value not in ("yes", "no"):
        problems.append(Problem(*where, f"expected 'yes' or 'no', not {value!r}"))
        return None
    return value == "yes"


def _date(value: str, where: tuple[str, int], problems: list[Problem]) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        problems.append(Problem(*where, f"bad date {value!r} (expected YYYY-MM-DD)"))
        return None


def _due(value: str, where: tuple[str, int], problems: list[Problem]) -> DueRule | None:
    match = _DUE.match(value)
    try:
        if match and match[1]:
            date = dt.date(int(match[1]), int(match[2]), int(match[3]))
            return DueRule("date", date.year, date.month, date.day)
        if match and match[4]:
            year, month = int(match[4]), int(match[5])
            last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
            return DueRule("month", year, month, last)
        if match and match[6]:
            month, day = int(match[6]), int(match[7])
            dt.date(2024, month, day)  # validates day/month (2024 is a leap year)
            return DueRule("yearly", None, month, day)
    except ValueError:
        pass
    problems.append(
        Problem(*where, f"bad due {value!r} (expected YYYY-MM-DD, month:YYYY-MM or yearly:MM-DD)")
    )
    return None


# --- building typed records ----------------------------------------------------------------


def _iter_files(root: Path) -> Iterator[Path]:
    yield from sorted(root.rglob("*.md"))


def read_knowledge(root: Path = DEFAULT_ROOT) -> tuple[KnowledgeBase | None, list[Problem]]:
    """Parse and validate the KB under `root`; return it (None if unusable) and its problems."""
    problems: list[Problem] = []
    root = Path(root)
    if not root.is_dir():
        return None, [Problem(str(root), 1, "knowledge directory not found")]
    raw_files = []
    for path in _iter_files(root):
        label = _label(path, root)
        raw = _parse_file(path, label, problems)
        if raw is not None:
            raw_files.append(raw)
    if not raw_files:
        problems.append(Problem(str(root), 1, "no knowledge files found"))
        return None, problems

    _check_entry_ids(raw_files, problems)
    holiday_files = [raw for raw in raw_files if raw.front.values.get("kind") == HOLIDAYS_KIND]
    raw_files = [raw for raw in raw_files if raw.front.values.get("kind") != HOLIDAYS_KIND]
    holiday_years = _build_holidays(holiday_files, problems)
    documents = _build_documents(raw_files, problems)
    terms = [t for raw in raw_files for t in _build_terms(raw, documents, problems)]
    abbreviations = Abbreviations.from_pairs(
        (t.term, t.expansion, t.exact_case) for t in terms if t.expand
    )
    units, groups = _build_units(raw_files, documents, problems)
    registry = UnitRegistry(units, groups, abbreviations)
    _check_unit_graph(units, groups, registry, problems)

    entries: list[Entry] = list(terms)
    for raw in raw_files:
        doc = documents.get(raw.front.values.get("id", ""))
        if doc is None or doc.kind in ("glossary", "units"):
            continue
        entries.extend(_build_entries(raw, doc, registry, problems))
    _check_citations(entries, documents, problems)
    _check_duty_links(entries, problems)
    problems = list(dict.fromkeys(problems))
    kb = KnowledgeBase(
        documents=documents,
        entries=tuple(entries),
        registry=registry,
        abbreviations=abbreviations,
        by_id={e.id: e for e in entries},
        holiday_years=holiday_years,
    )
    return kb, problems


def _label(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path.relative_to(root.parent)) if root.parent in path.parents else str(path)


def _build_documents(raw_files: list[_RawFile], problems: list[Problem]) -> dict[str, Document]:
    """Each file's front matter as a `Document`, checked, then the links between documents."""
    documents: dict[str, Document] = {}
    for raw in raw_files:
        doc = _document_of(raw, documents, problems)
        if doc is not None:
            _check_document(doc, _front_at(raw), raw.front.values.keys(), problems)
            documents[doc.id] = doc
    for doc in documents.values():
        for ref in (doc.replaced_by, *doc.replaces, *doc.guides):
            if ref and ref not in documents:
                problems.append(Problem(doc.file, 1,
                                        f"unknown document {ref!r} in replaced_by/replaces/guides"))
    return documents


_At = Callable[[str], tuple[str, int]]


def _front_at(raw: _RawFile) -> _At:
    """Where a front-matter key of `raw` is written (line 1 when it is not)."""
    def at(key: str) -> tuple[str, int]:
        return (raw.path, raw.front.lines.get(key, 1))
    return at


def _document_of(raw: _RawFile, documents: Mapping[str, Document],
                 problems: list[Problem]) -> Document | None:
    """The document a file's front matter describes, or None when it has no usable new id."""
    values, path, at = raw.front.values, raw.path, _front_at(raw)
    for key in values:
        if key not in DOC_KEYS:
            problems.append(Problem(*at(key), f"unknown front-matter key {key!r}"))
    missing = [k for k in DOC_REQUIRED if not values.get(k)]
    kind = values.get("kind", "")
    if kind not in ("units", "glossary", "faq") and not values.get("short"):
        missing.append("short")
    if missing:
        problems.append(Problem(path, 1, f"front matter lacks {', '.join(missing)}"))
    doc_id = values.get("id", "")
    if not doc_id:
        return None
    if not _ID.match(doc_id):
        problems.append(Problem(*at("id"), f"bad document id {doc_id!r} (use kebab-case)"))
    if doc_id in documents:
        problems.append(Problem(*at("id"), f"duplicate document id {doc_id!r} "
                                f"(also in {documents[doc_id].file})"))
        return None
    if kind not in DOC_KINDS:
        problems.append(Problem(*at("kind"), f"unknown document kind {kind!r}"))
    status = values.get("status")
    if status is not None and status not in STATUSES:
        problems.append(Problem(*at("status"), f"unknown status {status!r}"))
    dates = {}
    for key in ("signed", "effective", "ended", "as_of"):
        if values.get(key):
            dates[key] = _date(values[key], at(key), problems)
    return Document(
        id=doc_id,
        kind=kind,
        title=values.get("title", doc_id),
        short=values.get("short") or values.get("title", doc_id),
        file=path,
        number=values.get("number") or None,
        issuer=values.get("issuer") or None,
        signed=dates.get("signed"),
        signer=values.get("signer") or None,
        effective=dates.get("effective"),
        ended=dates.get("ended"),
        status=status,
        replaced_by=values.get("replaced_by") or None,
        replaces=_split_list(values.get("replaces", "")),
        plan=values.get("plan") or None,
        province=values.get("province") or None,
        implements=values.get("implements") or None,
        aliases=_split_list(values.get("aliases", "")),
        source=values.get("source") or None,
        note=values.get("note") or None,
        guides=_split_list(values.get("guides", "")),
        as_of=dates.get("as_of"),
        level=values.get("level") or None,
        special_zones=_yes_no(values.get("special_zones"), at("special_zones"), problems),
    )


def _check_document(doc: Document, at: _At, present: Collection[str], problems: list[Problem]) -> None:
    if doc.kind == "plan":
        if not doc.plan:
            problems.append(Problem(doc.file, 1, "a plan needs 'plan: <slug>'"))
        elif not _ID.match(doc.plan):
            problems.append(Problem(*at("plan"), f"bad plan slug {doc.plan!r}"))
        if doc.level is not None and doc.level not in LEVELS:
            problems.append(Problem(*at("level"), f"level is 'tỉnh' or 'thành phố', not {doc.level!r}"))
    elif doc.plan:
        problems.append(Problem(*at("plan"), "only plans carry 'plan'"))
    for key in ("as_of", "level", "special_zones"):
        if doc.kind != "plan" and key in present:
            problems.append(Problem(*at(key), f"only plans carry {key!r}"))
    if doc.guides and doc.kind not in ("decree", "circular"):
        problems.append(Problem(*at("guides"), "only decrees and circulars carry 'guides'"))
    if doc.is_legal:
        if not doc.number:
            problems.append(Problem(doc.file, 1, "a legal document needs its 'number' (its version)"))
        if not doc.status:
            problems.append(Problem(doc.file, 1, "a legal document needs its 'status'"))
    if doc.status in ("replaced", "expired") and not doc.ended:
        problems.append(Problem(*at("status"), f"status {doc.status} needs the 'ended' date"))
    if doc.status == "replaced" and not doc.replaced_by:
        problems.append(Problem(*at("status"), "status replaced needs 'replaced_by'"))
    if doc.ended and doc.status == "in_force" and doc.ended < dt.date.today():
        problems.append(Problem(*at("status"), f"in_force but ended on {doc.ended:%d/%m/%Y}"))
    if doc.effective and doc.ended and doc.ended < doc.effective:
        problems.append(Problem(*at("ended"), "ended before it took effect"))


def _check_entry_ids(raw_files: list[_RawFile], problems: list[Problem]) -> None:
    seen: dict[str, str] = {}
    for raw in raw_files:
        for entry in raw.entries:
            where = f"{raw.path}:{entry.line - 1}"
            if not _ID.match(entry.id):
                problems.append(Problem(raw.path, entry.line - 1,
                                        f"bad entry id {entry.id!r} (use kebab-case)"))
            if entry.id in seen:
                problems.append(Problem(raw.path, entry.line - 1,
                                        f"duplicate entry id {entry.id!r} (also at {seen[entry.id]})"))
            else:
                seen[entry.id] = where


def _entry_type(raw: _RawEntry, doc: Document, path: str, problems: list[Problem]) -> str | None:
    etype = raw.attrs.values.get("type", "")
    where = (path, raw.attrs.lines.get("type", raw.line))
    if etype not in ENTRY_KEYS:
        problems.append(Problem(*where, f"entry {raw.id!r}: unknown or missing type {etype!r}"))
        return None
    allowed = TYPES_BY_KIND.get(doc.kind, LEGAL_DOC_TYPES)
    if etype not in allowed:
        problems.append(Problem(*where, f"entry {raw.id!r}: type {etype!r} does not belong in a "
                                        f"{doc.kind} document"))
        return None
    for key in raw.attrs.values:
        if key not in ENTRY_KEYS[etype]:
            problems.append(Problem(path, raw.attrs.lines[key],
                                    f"entry {raw.id!r}: unknown key {key!r} for type {etype}"))
    missing = [k for k in ENTRY_REQUIRED[etype] if not raw.attrs.values.get(k)]
    if missing:
        problems.append(Problem(path, raw.line, f"entry {raw.id!r}: missing {', '.join(missing)}"))
        return None
    return etype


def _build_terms(raw: _RawFile, documents: dict[str, Document],
                 problems: list[Problem]) -> list[Term]:
    doc = documents.get(raw.front.values.get("id", ""))
    if doc is None or doc.kind != "glossary":
        return []
    out = []
    for entry in raw.entries:
        if _entry_type(entry, doc, raw.path, problems) != "term":
            continue
        v = entry.attrs.values
        term, expansion = v["term"], v["expansion"]
        out.append(Term(
            id=entry.id, type="term", doc_id=doc.id, plan=None,
            title=v.get("title") or f"{term} là viết tắt của gì",
            body=entry.body or f"**{term}** là viết tắt của *{expansion}*.",
            file=raw.path, line=entry.line, keywords=_split_list(v.get("keywords", "")),
            term=term, expansion=expansion, expand=v.get("expand", "yes") != "no",
            exact_case=v.get("case") == "exact",
        ))
    return out


def _build_units(raw_files: list[_RawFile], documents: dict[str, Document],
                 problems: list[Problem]) -> tuple[list[Unit], list[Group]]:
    units: list[Unit] = []
    groups: list[Group] = []
    for raw in raw_files:
        doc = documents.get(raw.front.values.get("id", ""))
        if doc is None or doc.kind != "units":
            continue
        for entry in raw.entries:
            etype = _entry_type(entry, doc, raw.path, problems)
            v = entry.attrs.values
            name, aliases = v.get("name", ""), _split_list(v.get("aliases", ""))
            member_of = _split_list(v.get("groups", ""))
            if etype == "unit":
                where = (raw.path, entry.line)
                since = _date(v["since"], where, problems) if v.get("since") else None
                until = _date(v["until"], where, problems) if v.get("until") else None
                successors = _split_list(v.get("successors", ""))
                if until is not None and not successors:
                    problems.append(Problem(*where, f"{entry.id}: 'until' needs its 'successors'"))
                if successors and until is None:
                    problems.append(Problem(*where, f"{entry.id}: 'successors' needs 'until'"))
                if since and until and until < since:
                    problems.append(Problem(*where, f"{entry.id}: 'until' before 'since'"))
                units.append(Unit(entry.id, name, aliases, member_of, raw.path, entry.line,
                                  since=since, until=until, successors=successors))
            elif etype == "group":
                groups.append(Group(entry.id, name, aliases, member_of, _split_list(v.get("prefixes", "")),
                                    raw.path, entry.line))
    return units, groups


def _build_holidays(raw_files: list[_RawFile], problems: list[Problem]) -> tuple[HolidayYear, ...]:
    """The yearly holiday lists: dates parse, each in the file's year, the weekdays as published
    match the dates, no day listed twice and no year twice."""
    years: dict[int, HolidayYear] = {}
    for raw in raw_files:
        front, path = raw.front, raw.path
        for key in front.values:
            if key not in HOLIDAY_DOC_KEYS:
                problems.append(Problem(path, front.lines[key], f"unknown front-matter key {key!r}"))
        missing = [k for k in ("id", "title", "year", "source") if not front.values.get(k)]
        if missing:
            problems.append(Problem(path, 1, f"front matter lacks {', '.join(missing)}"))
            continue
        year_text = front.values["year"]
        if not (year_text.isascii() and year_text.isdigit() and len(year_text) == 4):
            problems.append(Problem(path, front.lines["year"], f"bad year {year_text!r}"))
            continue
        year = int(year_text)
        if year in years:
            problems.append(Problem(path, front.lines["year"],
                                    f"holidays of {year} are also listed in {years[year].file}"))
            continue
        holidays = tuple(_holidays_of(raw, year, problems))
        years[year] = HolidayYear(id=front.values["id"], year=year, title=front.values["title"],
                                  source=front.values["source"], file=path, holidays=holidays,
                                  note=front.values.get("note") or None)
    return tuple(years[y] for y in sorted(years))


def _holidays_of(raw: _RawFile, year: int, problems: list[Problem]) -> Iterator[Holiday]:
    seen: dict[dt.date, str] = {}
    for entry in raw.entries:
        v, lines = entry.attrs.values, entry.attrs.lines

        def at(key: str, lines: dict[str, int] = lines, entry: _RawEntry = entry) -> tuple[str, int]:
            return (raw.path, lines.get(key, entry.line))

        if v.get("type") != "holiday":
            problems.append(Problem(*at("type"), f"entry {entry.id!r}: a holidays file holds "
                                                 f"'type: holiday' entries, not {v.get('type')!r}"))
            continue
        unknown = [k for k in v if k not in HOLIDAY_KEYS]
        for key in unknown:
            problems.append(Problem(*at(key), f"entry {entry.id!r}: unknown key {key!r} for type holiday"))
        missing = [k for k in HOLIDAY_REQUIRED if not v.get(k)]
        if missing:
            problems.append(Problem(raw.path, entry.line,
                                    f"entry {entry.id!r}: missing {', '.join(missing)}"))
            continue
        start = _date(v["start"], at("start"), problems)
        end = _date(v["end"], at("end"), problems) if v.get("end") else start
        if start is None or end is None or unknown:
            continue
        if start.year != year or end.year != year:
            problems.append(Problem(*at("start"), f"entry {entry.id!r}: not in {year}, the file's year"))
            continue
        if not 0 <= (end - start).days < HOLIDAY_MAX_DAYS:
            problems.append(Problem(*at("end"), f"entry {entry.id!r}: 'end' must be on or after "
                                                f"'start' and within {HOLIDAY_MAX_DAYS} days"))
            continue
        stated = [fold(w) for w in _split_list(v["weekdays"])]
        expected = [WEEKDAYS[d.weekday()] for d in ((start,) if start == end else (start, end))]
        if stated != expected:
            problems.append(Problem(*at("weekdays"), f"entry {entry.id!r}: weekdays {v['weekdays']!r} "
                                    f"do not match the dates ({'; '.join(expected)})"))
            continue
        holiday = Holiday(id=entry.id, title=v["title"], start=start, end=end, ref=v["ref"],
                          file=raw.path, line=entry.line)
        twice = [d for d in holiday.days if d in seen]
        if twice:
            problems.append(Problem(raw.path, entry.line, f"entry {entry.id!r}: {twice[0]:%d/%m/%Y} "
                                                          f"is also listed in {seen[twice[0]]!r}"))
            continue
        seen.update(dict.fromkeys(holiday.days, entry.id))
        yield holiday


def _check_unit_graph(units: list[Unit], groups: list[Group], registry: UnitRegistry,
                      problems: list[Problem]) -> None:
    group_ids = {g.id for g in groups}
    unit_ids = {u.id for u in units}
    for unit in units:
        for successor in unit.successors:
            if successor not in unit_ids or successor == unit.id:
                problems.append(Problem(unit.file, unit.line,
                                        f"{unit.id}: unknown successor {successor!r}"))
    records: list[Unit | Group] = [*units, *groups]
    for record in records:
        for gid in record.groups:
            if gid not in group_ids:
                problems.append(Problem(record.file, record.line, f"{record.id}: unknown group {gid!r}"))
        if record.id in registry.ancestors(record.id):
            problems.append(Problem(record.file, record.line, f"{record.id}: group cycle"))
    seen: dict[str, str] = {}
    for record in records:
        for name in (record.name, *record.aliases):
            key = registry.key(name)
            if key in seen and seen[key] != record.id:
                problems.append(Problem(record.file, record.line,
                                        f"{record.id}: alias {name!r} also names {seen[key]}"))
            seen.setdefault(key, record.id)


# The fields every entry type has (those of `Entry`), as read from one raw entry.
_Common = dict[str, Any]


def _build_entries(raw: _RawFile, doc: Document, registry: UnitRegistry,
                   problems: list[Problem]) -> Iterator[Entry]:
    """The entries of one document's file, each as its type's record; a broken one is reported
    and left out."""
    for entry in raw.entries:
        etype = _entry_type(entry, doc, raw.path, problems)
        if etype is None:
            continue
        v, lines = entry.attrs.values, entry.attrs.lines

        def at(key: str, lines: dict[str, int] = lines, entry: _RawEntry = entry) -> tuple[str, int]:
            return (raw.path, lines.get(key, entry.line))

        if not entry.body:
            problems.append(Problem(raw.path, entry.line, f"entry {entry.id!r}: empty body"))
            continue
        if doc.kind == "plan" and not v.get("ref"):
            problems.append(Problem(raw.path, entry.line,
                                    f"entry {entry.id!r}: no citation ('ref: mục …' is required in plans)"))
        if _STALE_LAW.search(fold(entry.body)) and dt.date.today() > dt.date(2026, 2, 28):
            problems.append(Problem(raw.path, entry.line,
                                    f"entry {entry.id!r}: states Luật 29/2018/QH14 as in force"))
        common: _Common = dict(
            id=entry.id, type=etype, doc_id=doc.id, plan=doc.plan, title=v["title"],
            body=entry.body, file=raw.path, line=entry.line, ref=v.get("ref") or None,
            keywords=_split_list(v.get("keywords", "")),
            units=_unit_ids(entry.id, v.get("units", ""), at, registry, problems),
        )
        built = _typed_entry(common, v, at, problems)
        if built is not None:
            yield built


def _unit_ids(entry_id: str, names: str, at: _At, registry: UnitRegistry,
              problems: list[Problem]) -> tuple[str, ...]:
    """The registry ids of the units an entry names, each once; an unknown name is reported."""
    unit_ids: list[str] = []
    for name in _split_list(names):
        uid = registry.exact(name)
        if uid is None:
            hint = ", ".join(registry.suggest(name, groups=True))
            problems.append(Problem(*at("units"), f"entry {entry_id!r}: unknown unit {name!r}"
                                    + (f" (close: {hint})" if hint else "")))
        elif uid not in unit_ids:
            unit_ids.append(uid)
    return tuple(unit_ids)


def _typed_entry(common: _Common, v: dict[str, str], at: _At,
                 problems: list[Problem]) -> Entry | None:
    """The record of the entry's type, from the common fields and the type's own attributes."""
    etype = common["type"]
    if etype == "duty":
        return Duty(**common)
    if etype == "fact":
        return Fact(**common)
    if etype == "contact":
        return Contact(**common, phones=_split_list(v.get("phones", "")))
    if etype == "deadline":
        return _deadline(common, v, at, problems)
    if etype == "provision":
        return _provision(common, v, at, problems)
    if etype in ("faq", "change"):
        cites = []
        for text in _split_list(v["cites"]):
            doc_id, _, ref = text.partition(" ")
            cites.append(Citation(doc_id, ref.strip()))
        if etype == "faq":
            return FaqEntry(**common, question=v["question"], cites=tuple(cites))
        return Change(**common, cites=tuple(cites))
    return None


def _deadline(common: _Common, v: dict[str, str], at: _At,
              problems: list[Problem]) -> Deadline | None:
    due = _due(v["due"], at("due"), problems)
    first = v.get("from")
    if first and not first.isdigit():
        problems.append(Problem(*at("from"), f"entry {common['id']!r}: 'from' must be a year"))
        first = None
    if due is None:
        return None
    return Deadline(**common, due=due, due_text=v.get("due_text") or None,
                    first_year=int(first) if first else None, duty=v.get("duty") or None)


def _provision(common: _Common, v: dict[str, str], at: _At,
               problems: list[Problem]) -> Provision | None:
    entry_id = common["id"]
    article, clause, verified = v["article"], v.get("clause"), v.get("verified", "clause")
    if not article.isdigit() or (clause and not clause.isdigit()):
        problems.append(Problem(*at("article"), f"entry {entry_id!r}: article and clause "
                                                "must be numbers"))
        return None
    if verified not in VERIFIED:
        problems.append(Problem(*at("verified"), f"entry {entry_id!r}: verified is 'clause' "
                                                 f"or 'article', not {verified!r}"))
        return None
    if verified == "article" and (clause or v.get("point")):
        problems.append(Problem(*at("verified"), f"entry {entry_id!r}: verified only at "
                                "article level, so it cannot cite a clause or point"))
        return None
    return Provision(**common, article=int(article), clause=int(clause) if clause else None,
                     point=v.get("point") or None, verified=verified)


def _check_citations(entries: list[Entry], documents: Mapping[str, Document],
                     problems: list[Problem]) -> None:
    articles: dict[str, set[int]] = {}
    for e in entries:
        if isinstance(e, Provision):
            articles.setdefault(e.doc_id, set()).add(e.article)
    for e in entries:
        if not isinstance(e, FaqEntry | Change):
            continue
        for cite in e.cites:
            target = documents.get(cite.doc_id)
            if target is None:
                problems.append(Problem(e.file, e.line, f"entry {e.id!r}: cites unknown document "
                                                        f"{cite.doc_id!r}"))
                continue
            if not cite.ref:
                problems.append(Problem(e.file, e.line, f"entry {e.id!r}: citation of {cite.doc_id} "
                                                        "has no reference (article or section)"))
                continue
            match = _ARTICLE.search(cite.ref)
            if target.is_legal and match and int(match[1]) not in articles.get(cite.doc_id, set()):
                problems.append(Problem(e.file, e.line, f"entry {e.id!r}: cites {cite.doc_id} "
                                        f"Điều {match[1]}, which has no provision entry in the KB"))


def _check_duty_links(entries: list[Entry], problems: list[Problem]) -> None:
    """A deadline's `duty` names a duty of the same plan that shares at least one of its units."""
    by_id = {e.id: e for e in entries}
    for e in entries:
        if not isinstance(e, Deadline) or e.duty is None:
            continue
        duty = by_id.get(e.duty)
        if not isinstance(duty, Duty) or duty.plan != e.plan:
            problems.append(Problem(e.file, e.line, f"entry {e.id!r}: 'duty' {e.duty!r} is not a duty "
                                                    "of the same plan"))
        elif set(duty.units).isdisjoint(e.units):
            problems.append(Problem(e.file, e.line, f"entry {e.id!r}: 'duty' {e.duty!r} names none "
                                                    "of the deadline's units"))


def check_knowledge(root: Path = DEFAULT_ROOT) -> list[Problem]:
    """Every problem of the KB under `root` (empty when valid), including text the renderer
    would not show (checked here rather than at every start: rendering every entry takes time)."""
    kb, problems = read_knowledge(root)
    if kb is not None:
        problems.extend(_check_rendering(kb.entries))
    return problems


def _check_rendering(entries: Iterable[Entry]) -> Iterator[Problem]:
    """Raw HTML, entities, or words that rendering drops: a reader would silently miss them."""
    for entry in entries:
        for label, text in (("title", entry.title), ("body", entry.body)):
            markup = raw_markup(text)
            if markup:
                yield Problem(entry.file, entry.line, f"entry {entry.id!r}: raw markup in the "
                              f"{label} ({', '.join(markup[:3])}); write Markdown only")
                continue
            lost = dropped_words(text)
            if lost:
                yield Problem(entry.file, entry.line, f"entry {entry.id!r}: rendering the {label} "
                              f"drops {', '.join(lost[:5])}")


def load_knowledge(root: Path = DEFAULT_ROOT) -> KnowledgeBase:
    """Load the KB under `root`; raise `KnowledgeError` when it is not valid."""
    kb, problems = read_knowledge(root)
    if problems or kb is None:
        raise KnowledgeError(problems)
    return kb
