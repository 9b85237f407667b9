"""The KB's analysed texts kept on disk between runs, so that `python -m bot ask` starts fast.

Folding and expanding every text of the KB (`SearchIndex.syllables_of`) was most of a one-shot
`ask`'s start-up. What it produces depends only on the KB's files (the glossary's abbreviations,
the texts) and on this package's code, so the table is stored under a key hashing both (with
the Python version, which `marshal` depends on) and used only when the key matches.

Safe to trust because: the file lives in the user's own cache directory (`$XDG_CACHE_HOME` or
`~/.cache`, then `bmnn-bot/`), which only the user (who can edit the KB and the code anyway)
writes; it is read with `marshal` (plain strings and tuples, no code run) and checked to hold
only those; it holds the KB's own texts, never a question. Never required: a missing, stale,
unreadable or malformed file is ignored and the table rebuilt; a cache directory that cannot
be written (read-only home) is no error. Written atomically (a temporary file renamed over the
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
from pathlib import Path

from knowledge.answers import Assistant
from knowledge.loader import KnowledgeBase

__all__ = ["cache_file", "cached_assistant", "fingerprint", "read_table", "write_table"]

# Raised when the stored layout changes, so that old files are not read as new ones.
FORMAT = 1
_CODE = Path(__file__).resolve().parent

Table = dict[str, tuple[str, ...]]


def cache_file(root: Path) -> Path:
    """Where the table of the KB under `root` is kept: one file per KB directory."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    place = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:16]
    return Path(base) / "bmnn-bot" / f"syllables-{place}.marshal"


def fingerprint(root: Path) -> str:
    """A hash of every file under `root` and every Python file of this package (names and
    bytes), of the Python version and of `FORMAT`: any change to any of them changes it."""
    digest = hashlib.sha256(f"{FORMAT}\0{sys.version}\0{marshal.version}\0".encode())
    for base, pattern in ((root, "*"), (_CODE, "*.py")):
        for path in sorted(p for p in base.rglob(pattern) if p.is_file()):
            digest.update(f"{path.relative_to(base).as_posix()}\0".encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def read_table(path: Path, key: str) -> Table | None:
    """The table stored in `path` under `key`, or None when there is none usable."""
    try:
        stored = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if not (isinstance(stored, tuple) and len(stored) == 2 and stored[0] == key
            and isinstance(stored[1], dict)):
        return None
    table: Table = stored[1]
    # Only strings and tuples of strings (`marshal` makes exact types), checked in C.
    sylls = table.values()
    if not ({*map(type, table)} <= {str} and {*map(type, sylls)} <= {tuple}
            and {*map(type, itertools.chain.from_iterable(sylls))} <= {str}):
        return None
    return table


def write_table(path: Path, key: str, table: Table) -> bool:
    """Store `table` under `key` in `path` atomically; False when it could not be written."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    except OSError:
        return False
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(marshal.dumps((key, table)))
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        return False
    return True


def cached_assistant(kb: KnowledgeBase, root: Path) -> Assistant:
    """The assistant over `kb` (loaded from `root`), built with the stored table when it is
    current, which is then stored again if the build met texts it lacked."""
    try:
        key, path = fingerprint(root), cache_file(root)
    except (OSError, RuntimeError):  # RuntimeError: no home directory to be found
        return Assistant(kb)
    table = read_table(path, key)
    known = len(table) if table is not None else -1
    assistant = Assistant(kb, syllables=table)
    if len(assistant.kb_syllables) != known:
        write_table(path, key, assistant.kb_syllables)
    return assistant
