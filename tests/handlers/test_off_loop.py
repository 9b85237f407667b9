"""Database work runs on the database threads: the event loop goes on while a statement waits."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import event

from bot.services import questions
from bot.settings import Settings
from bot.telegram.app import build_application
from bot.telegram.serve import open_core
from bot.telegram.transport import LOCAL_TOKEN, LocalBotApi
from knowledge.loader import DEFAULT_ROOT
from tests.handlers.conftest import ALICE, BOB, Clock

# Only a bound so that a broken build fails instead of hanging; nothing is timed.
NEVER = 60.0


@pytest.fixture
async def running(database_url: str, assistant) -> AsyncIterator[tuple[Any, LocalBotApi]]:
    """The application started as `run` starts it (updates through its queue and processor)."""
    core = open_core(Settings(database_url=database_url), DEFAULT_ROOT, now=Clock(), assistant=assistant)
    api = LocalBotApi()
    application = build_application(core, request=api, token=LOCAL_TOKEN, rate_limit=False, updater=False)
    async with application:
        await application.start()
        try:
            yield application, api
        finally:
            await application.stop()
    core.sessions.kw["bind"].dispose()


async def _until(condition, what: str) -> None:
    deadline = asyncio.get_running_loop().time() + NEVER
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, f"never happened: {what}"
        await asyncio.sleep(0.01)


async def _post(application: Any, api: LocalBotApi, user, text: str) -> None:
    await application.update_queue.put(api.to_update(api.text_update(user, text), application.bot))


def _slow_for(user_id: int, monkeypatch: pytest.MonkeyPatch) -> tuple[threading.Event, threading.Event]:
    """Make logging `user_id`'s question wait on a database thread until released."""
    entered, release = threading.Event(), threading.Event()
    real = questions.log_question

    def slow(db, asker: int, *args, **kwargs):
        if asker == user_id:
            entered.set()
            assert release.wait(NEVER), "never released"
        return real(db, asker, *args, **kwargs)

    monkeypatch.setattr(questions, "log_question", slow)
    return entered, release


async def test_every_transaction_of_an_update_runs_off_the_event_loop(running) -> None:
    application, api = running
    loop_thread = threading.get_ident()
    threads: list[int] = []
    event.listen(application.bot_data["core"].sessions.kw["bind"], "begin",
                 lambda _connection: threads.append(threading.get_ident()))
    await _post(application, api, ALICE, "/start")
    await _post(application, api, ALICE, "Hạn gửi kế hoạch triển khai của sở?")
    await _until(lambda: len(api.sent(ALICE.id)) >= 2, "both replies")
    assert threads and loop_thread not in threads


async def test_the_event_loop_runs_while_a_database_call_is_slow(running, monkeypatch) -> None:
    application, api = running
    entered, release = _slow_for(ALICE.id, monkeypatch)
    await _post(application, api, ALICE, "Hạn gửi kế hoạch triển khai của sở?")
    await asyncio.to_thread(entered.wait, NEVER)
    # This coroutine runs on the event loop: it gets here only because the loop is not held by
    # Alice's statement (were it run on the loop, it would wait for a release that never comes).
    await asyncio.sleep(0)
    assert not api.sent(ALICE.id)
    release.set()
    await _until(lambda: api.sent(ALICE.id), "Alice's answer once released")


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_another_chat_is_answered_while_a_database_call_is_slow(running, monkeypatch) -> None:
    """PostgreSQL has a thread per pooled connection (SQLite one, where writes queue anyway)."""
    application, api = running
    entered, release = _slow_for(ALICE.id, monkeypatch)
    await _post(application, api, ALICE, "Hạn gửi kế hoạch triển khai của sở?")
    await asyncio.to_thread(entered.wait, NEVER)
    await _post(application, api, BOB, "/start")
    await _until(lambda: api.sent(BOB.id), "Bob's welcome while Alice's question waits")
    assert not api.sent(ALICE.id)
    release.set()
    await _until(lambda: api.sent(ALICE.id), "Alice's answer once released")
