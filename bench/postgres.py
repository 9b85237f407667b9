"""The benchmarks' PostgreSQL: the server (`BENCH_DATABASE_URL`, else `TEST_DATABASE_URL`, else
the local one the tests use) and a fresh schema of its own per run, dropped afterwards."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url

__all__ = ["database_url", "fresh_schema", "postgres_reachable"]

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def database_url() -> URL:
    return make_url(os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
                    or DEFAULT_POSTGRES_URL)


def postgres_reachable() -> str | None:
    """None when the server answers, else why not (the benchmark is then skipped)."""
    url = database_url()
    if url.get_backend_name() != "postgresql":
        return f"{url.render_as_string(hide_password=True)} is not PostgreSQL"
    engine = create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:  # any failure to connect means "not reachable"
        return f"PostgreSQL not reachable at {url.render_as_string(hide_password=True)}: {exc}"
    finally:
        engine.dispose()
    return None


@contextmanager
def fresh_schema() -> Iterator[str]:
    """The URL of a new schema with a unique name, dropped afterwards whatever happens."""
    base = database_url()
    schema = f"bench_{uuid.uuid4().hex[:16]}"
    admin = create_engine(base)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            yield base.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
                hide_password=False)
        finally:
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    finally:
        admin.dispose()
