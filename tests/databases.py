"""The databases the tests run on: a SQLite file always, PostgreSQL as well when it is reachable.

PostgreSQL is `TEST_DATABASE_URL`, else the server every development and CI machine provides
(127.0.0.1:5432, database `test`, trust authentication). Each test gets a schema of its own, with
a random name, dropped afterwards, so tests and concurrent runs never see each other's rows.
Locally an unreachable server skips the PostgreSQL variants; with `CI=true` it fails them, so
CI can never pass without having run them.
"""

from __future__ import annotations

import functools
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import URL, make_url

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
BACKENDS = ("sqlite", "postgresql")


def postgres_required() -> bool:
    """CI must run the PostgreSQL variants: it sets `CI=true`."""
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


@functools.cache
def postgres_base_url() -> URL | None:
    """The PostgreSQL server's URL when a connection succeeds, else None (tried once per run)."""
    url = make_url(os.environ.get("TEST_DATABASE_URL") or DEFAULT_POSTGRES_URL)
    if url.get_backend_name() != "postgresql":
        return None
    engine = create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception:  # any failure to connect means "not reachable" here
        return None
    finally:
        engine.dispose()
    return url


def require_postgres() -> URL:
    """The server's URL; skips the test when unreachable, fails it under CI."""
    url = postgres_base_url()
    if url is None:
        target = os.environ.get("TEST_DATABASE_URL") or DEFAULT_POSTGRES_URL
        message = f"PostgreSQL is not reachable at {make_url(target).render_as_string(hide_password=True)}"
        if postgres_required():
            pytest.fail(f"{message} (CI=true requires the PostgreSQL run)", pytrace=False)
        pytest.skip(message)
    return url


@contextmanager
def postgres_schema_url() -> Iterator[str]:
    """A URL whose connections work in a new, empty schema of their own; the schema is dropped after."""
    base = require_postgres()
    schema = f"t_{uuid.uuid4().hex[:16]}"
    admin = create_engine(base)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        # The schema's name as the application name too, so its connections can be found.
        url = base.update_query_dict({"options": f"-csearch_path={schema}", "application_name": schema})
        try:
            yield url.render_as_string(hide_password=False)
        finally:
            with admin.begin() as connection:
                # A connection a failed test left open (in a transaction, holding locks) would
                # make the DROP wait forever: end it first. Its client still sees it open, so
                # the leak is reported all the same (ResourceWarning, an error under pytest).
                connection.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                        "WHERE application_name = :schema AND pid <> pg_backend_pid()"),
                                   {"schema": schema})
                connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    finally:
        admin.dispose()


@contextmanager
def database_url_for(backend: str, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database of `backend` ("sqlite" or "postgresql") for one test."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'bmnn.sqlite3'}"
    elif backend == "postgresql":
        with postgres_schema_url() as url:
            yield url
    else:
        raise ValueError(f"unknown backend {backend!r}")


@dataclass(frozen=True)
class Database:
    """A test's database by URL, for tests that hand the URL to the CLI and look inside after.

    `exists()` is the backend-neutral "has anything created it yet": the file for SQLite; for
    PostgreSQL, whose empty schema exists from the start, any table in it.
    """

    url: str

    @property
    def backend(self) -> str:
        return make_url(self.url).get_backend_name()

    def exists(self) -> bool:
        if self.backend == "sqlite":
            return Path(make_url(self.url).database or "").exists()
        engine = create_engine(self.url)
        try:
            with engine.connect() as connection:
                return bool(inspect(connection).get_table_names())
        finally:
            engine.dispose()

    def __str__(self) -> str:
        """As the command line shows it (`db upgrade` names the database it migrated)."""
        return make_url(self.url).render_as_string(hide_password=True)
