"""Why the database cannot be used, told as a reason code and what it concerns, not a traceback.

The entry points (the command line, `run`, the console) wrap their database work in
`diagnosed(url)`: an error the operator can act on — another process holding SQLite's write
lock past the wait, a corrupt, truncated or foreign file, a full disk, a file or directory that
cannot be written, a PostgreSQL server that does not answer or refuses, a `DATABASE_URL` of no
known kind or without its driver — comes out as `DatabaseUnavailable(reason, target)`, which
they turn into one Vietnamese line (`bot.messages.DATABASE_FAULTS`) and an exit code. Anything
else (a bug) is left alone, traceback and all.

Nothing here imports SQLAlchemy at import time: `python -m bot` imports this module for every
command, and `ask` needs no database.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["CONFIGURATION_REASONS", "REASONS", "DatabaseUnavailable", "diagnose", "diagnosed"]

REASONS = (
    "bad_url",       # DATABASE_URL cannot be parsed, or names a kind of database SQLAlchemy lacks
    "no_driver",     # the URL's driver package is not installed (psycopg for PostgreSQL)
    "locked",        # SQLite: another process kept the write lock past the wait
    "not_database",  # SQLite: the file is not a SQLite database at all
    "truncated",     # SQLite: the file is shorter than its own header says
    "corrupt",       # SQLite: "database disk image is malformed"
    "full",          # "database or disk is full"
    "unwritable",    # the file or its directory cannot be created, opened or written
    "unreachable",   # PostgreSQL: nothing answers at that address (refused, timed out, no host)
    "rejected",      # PostgreSQL: the server answered and refused (login, database name…)
)
# Reasons that are a bad setting rather than a database in trouble (exit 2, not 3).
CONFIGURATION_REASONS = frozenset({"bad_url", "no_driver"})

# libpq's words for a server that does not answer, as the detail codes of "unreachable".
_UNREACHABLE_WORDS = (
    ("refused", "connection refused"),
    ("timeout", "timeout expired"),
    ("unknown_host", "could not translate host name"),
    ("unknown_host", "name or service not known"),
)

_SQLITE_MAGIC = b"SQLite format 3\x00"
_SQLITE_HEADER = 100  # bytes


class DatabaseUnavailable(Exception):
    """The database cannot be used; `reason` is one of `REASONS`, `target` the file or server.

    `detail` is, for "unreachable", a code ("refused", "timeout", "unknown_host") or else the
    driver's words; for "rejected" the server's words; for "no_driver" the missing module.
    """

    def __init__(self, reason: str, target: str, detail: str = "") -> None:
        super().__init__(reason, target, detail)
        self.reason = reason
        self.target = target
        self.detail = detail

    @property
    def configuration(self) -> bool:
        """Whether the fix is a setting (`DATABASE_URL`), not the database itself."""
        return self.reason in CONFIGURATION_REASONS


@contextmanager
def diagnosed(url: str) -> Iterator[None]:
    """Run the block; a database error it raises comes out as `DatabaseUnavailable`."""
    try:
        yield
    except DatabaseUnavailable:
        raise
    except Exception as exc:
        fault = diagnose(exc, url)
        if fault is None:
            raise
        raise fault from exc


def diagnose(exc: BaseException, url: str) -> DatabaseUnavailable | None:
    """The fault behind `exc`, raised while using the database of `url`; None when not one."""
    from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError

    if isinstance(exc, ArgumentError):  # unparsable, or an unknown dialect (NoSuchModuleError)
        return DatabaseUnavailable("bad_url", _scheme(url))
    if isinstance(exc, ModuleNotFoundError) and _is_driver(exc.name or "", url):
        return DatabaseUnavailable("no_driver", _scheme(url), exc.name or "")
    path = _sqlite_path(url)
    if isinstance(exc, OSError) and path is not None and _is_folder_of(exc.filename, path):
        return DatabaseUnavailable("unwritable", path)  # its directory could not be made
    if isinstance(exc, sqlite3.Error) and path is not None:  # raised by the driver directly
        return _sqlite_fault(exc, path)                      # (the engine's BEGIN IMMEDIATE)
    if not isinstance(exc, DBAPIError):
        return None
    original = exc.orig
    if isinstance(original, sqlite3.Error) and path is not None:
        return _sqlite_fault(original, path)
    if isinstance(exc, OperationalError) and type(original).__module__.startswith("psycopg"):
        return _postgres_fault(original, url)
    return None


def _sqlite_fault(error: sqlite3.Error, path: str) -> DatabaseUnavailable | None:
    code = getattr(error, "sqlite_errorcode", 0) & 0xFF  # the primary code, without extensions
    if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return DatabaseUnavailable("locked", path)
    if code == sqlite3.SQLITE_FULL:
        return DatabaseUnavailable("full", path)
    if code in (sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT):
        return DatabaseUnavailable(_damage(Path(path)), path)
    if code in (sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM,
                sqlite3.SQLITE_IOERR):
        return DatabaseUnavailable("unwritable", path)
    return None


def _damage(path: Path) -> str:
    """"truncated" when the header promises more pages than the file holds; else what it is."""
    try:
        size = path.stat().st_size
        with path.open("rb") as file:
            header = file.read(_SQLITE_HEADER)
    except OSError:
        return "corrupt"
    if not header.startswith(_SQLITE_MAGIC):
        return "not_database"
    if len(header) < _SQLITE_HEADER:
        return "truncated"
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    return "truncated" if size < page_size * pages else "corrupt"


def _postgres_fault(error: BaseException | None, url: str) -> DatabaseUnavailable:
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    target = f"{parsed.host or 'localhost'}:{parsed.port or 5432}/{parsed.database or ''}"
    message = str(error)
    # psycopg says "connection failed: connection to server at …, port … failed: <why>"; the
    # server's own refusals start with "FATAL:".
    why = message.rsplit(" failed: ", 1)[-1].strip()
    if "FATAL:" in why:
        return DatabaseUnavailable("rejected", target, " ".join(why.split("FATAL:", 1)[1].split()))
    lowered = why.lower()
    for code, words in _UNREACHABLE_WORDS:
        if words in lowered:
            return DatabaseUnavailable("unreachable", target, code)
    return DatabaseUnavailable("unreachable", target, " ".join(why.split()))


def _is_driver(module: str, url: str) -> bool:
    """Whether `module` is the database driver `url` asks for (psycopg for postgresql+psycopg)."""
    from sqlalchemy.engine import make_url

    try:
        driver = make_url(url).get_driver_name()
    except Exception:  # an unparsable URL has no driver to miss
        return False
    return module.split(".")[0].lower() == driver.lower()


def _is_folder_of(filename: object, path: str) -> bool:
    if not isinstance(filename, str):
        return False
    return Path(filename) in Path(path).expanduser().parents


def _sqlite_path(url: str) -> str | None:
    """The file of a SQLite URL as written in it; None for other databases and memory."""
    if not url.startswith("sqlite"):
        return None
    from sqlalchemy.engine import make_url

    try:
        database = make_url(url).database
    except Exception:  # unparsable: reported as bad_url before this matters
        return None
    return database if database and database != ":memory:" else None


def _scheme(url: str) -> str:
    """The kind of database a URL names ("notaurl"), never the rest (it may hold a password)."""
    scheme, found, _ = url.partition("://")
    return scheme if found and scheme.isprintable() and len(scheme) <= 40 else "?"
