"""The KB's analysed texts and index counts kept on disk between runs: `python -m bot ask` starts fast.

Folding and expanding every text of the KB (`SearchIndex.syllables_of`), then counting the
index's terms, was most of a one-shot `ask`'s start-up. What they produce depends only on the
KB's files (the glossary's abbreviations, the texts) and on this package's code, so it is stored
under a key hashing both (with the Python version, which `marshal` depends on) and used only
when the key matches.

Safe to trust because: the file lives in the user's own cache directory (`$XDG_CACHE_HOME` or
`~/.cache`, then `bmnn-bot/`, the file private to the user), which only the user (who can edit
the KB and the code anyway) writes; it is read with `marshal` (plain strings, numbers and
tuples, no code run) and checked to hold only those, entry positions in range; it holds the
KB's own texts, never a question. Never required: a missing, stale, unreadable or malformed file
is ignored and everything rebuilt; a cache directory that cannot be written (read-only home) is
no error. Written atomically (a temporary file renamed over the
old one), so a crash leaves either the old file or the new one. This is the only module of
`knowledge` that touches files outside the KB.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import marshal
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from knowledge.answers import Assistant
from knowledge.index import IndexTables
from knowledge.loader import KnowledgeBase

__all__ = ["Prepared", "cache_file", "cached_assistant", "fingerprint", "read_prepared", "write_prepared"]

# Increased when the stored layout changes, so that old files are not read as new ones.
FORMAT = 1
_CODE = Path(__file__).resolve().parent

Table = dict[str, tuple[str, ...]]


def cache_file(root: Path) -> Path:
    """Where what was prepared for the KB under `root` is kept: one file per KB directory."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    place = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:16]
    return Path(base) / "bmnn-bot" / f"prepared-{place}.marshal"


def fingerprint(root: Path) -> str:
    """A hash of every file under `root` and every Python file of this package (names and
    bytes), of the Python version and of `FORMAT`: any change to any of them changes it."""
    digest = hashlib.sha256(f"{FORMAT}\0{sys.version}\0{marshal.version}\0".encode())
    for base, pattern in ((root, "*"), (_CODE, "*.py")):
        for path in sorted(p for p in base.rglob(pattern) if p.is_file()):
            digest.update(f"{path.relative_to(base).as_posix()}\0".encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class Prepared:
    """What building an assistant computed from the KB's texts and can be given the next time."""

    syllables: Table
    tables: IndexTables


def read_prepared(path: Path, key: str, entries: int) -> Prepared | None:
    """What `path` holds under `key` for a KB of `entries` entries, or None when nothing usable."""
    try:
        stored = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if not (type(stored) is tuple and len(stored) == 4 and stored[0] == key):
        return None
    _key, table, postings, lengths = stored
    if not (type(table) is dict and type(postings) is dict and type(lengths) is tuple
            and len(lengths) == entries and _only(lengths, float, int)):
        return None
    # Only strings and tuples of strings; each term's entries (in range) and frequencies, as many.
    # `marshal` makes exact types, so they are checked by type, in C.
    sylls, columns = table.values(), postings.values()
    if not (_only(table, str) and _only(sylls, tuple) and _only(_chain(sylls), str)
            and _only(postings, str) and _only(columns, tuple)
            and all(len(c) == 2 and type(c[0]) is tuple and type(c[1]) is tuple
                    and len(c[0]) == len(c[1]) for c in columns)):
        return None
    where, frequencies = [c[0] for c in columns], [c[1] for c in columns]
    if not (_only(_chain(frequencies), float, int) and _only(_chain(where), int)):
        return None
    positions = itertools.chain.from_iterable(cast(list[tuple[int, ...]], where))
    if not all(0 <= position < entries for position in positions):
        return None
    return Prepared(table, IndexTables(postings, lengths))


def _only(values: Iterable[object], *kinds: type) -> bool:
    return {*map(type, values)} <= set(kinds)


def _chain(groups: Iterable[Iterable[object]]) -> Iterator[object]:
    return itertools.chain.from_iterable(groups)


def write_prepared(path: Path, key: str, prepared: Prepared) -> bool:
    """Store `prepared` under `key` in `path` atomically; False when it could not be written."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    except OSError:
        return False
    data = (key, prepared.syllables, prepared.tables.postings, prepared.tables.lengths)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(marshal.dumps(data))
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        return False
    return True


def cached_assistant(kb: KnowledgeBase, root: Path) -> Assistant:
    """The assistant over `kb` (loaded from `root`), built from what is stored when it is
    current; what the build computed is stored when it was not (or met texts it lacked)."""
    try:
        key, path = fingerprint(root), cache_file(root)
    except (OSError, RuntimeError):  # RuntimeError: no home directory to be found
        return Assistant(kb)
    prepared = read_prepared(path, key, len(kb.entries))
    if prepared is None:
        assistant = Assistant(kb)
    else:
        known = len(prepared.syllables)  # the assistant adds to this very table
        assistant = Assistant(kb, syllables=prepared.syllables, tables=prepared.tables)
        if len(assistant.kb_syllables) == known:
            return assistant
    write_prepared(path, key, Prepared(assistant.kb_syllables, assistant.index.tables))
    return assistant
