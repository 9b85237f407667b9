"""The delivery guarantee across restarts and processes: a process killed mid-dispatch loses
nothing and repeats only the message in flight (after `stale_after`); two processes on one
database send each reminder exactly once overall (a SQLite file, and a PostgreSQL schema: `database_url`)."""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
from collections import Counter

import pytest
from sqlalchemy import select
from telegram import Bot

from bot.db.engine import make_engine
from bot.db.models import Delivery
from bot.jobs.delivery import DeliveryReport
from bot.services import deliveries
from bot.telegram.transport import LOCAL_TOKEN
from tests.bot.jobs.test_delivery import (
    DUE_14,
    YEARLY,
    Clock,
    Killed,
    ScriptedApi,
    World,
    add_contact,
    local,
    make_core,
)

USERS = list(range(1001, 1013))  # twelve contacts, one reminder each due at 08:00
STALE = dt.timedelta(minutes=10)


@pytest.fixture
def db_url(database_url) -> str:
    """Both backends: a SQLite file the two processes share, a PostgreSQL schema they share."""
    return database_url


def _subscribe_all(core) -> dict[int, int]:
    """Each user the contact of its own department (so each gets its own reminder)."""
    names = [f"Sở Thử Nghiệm {i}" for i in range(len(USERS))]
    return {user_id: add_contact(core, user_id, name) for user_id, name in zip(USERS, names, strict=True)}


async def _world(url: str, assistant, process: str, clock: Clock, api: ScriptedApi) -> World:
    core = make_core(url, clock, assistant)
    bot = Bot(token=LOCAL_TOKEN, request=api)
    await bot.initialize()
    return World(core, clock, api, bot, process=process)


async def _close(world: World) -> None:
    await world.bot.shutdown()
    world.core.sessions.kw["bind"].dispose()


def _sent_to(*apis: ScriptedApi) -> Counter[int]:
    return Counter(c.chat_id for api in apis for c in api.sent())


def _states(world: World) -> Counter[str]:
    with world.core.sessions.begin() as session:
        return Counter(session.scalars(select(Delivery.state)))


async def test_killed_after_sending_before_marking_only_the_message_in_flight_is_repeated(db_url, assistant):
    # One message in flight at a time (DELIVERY_CONCURRENCY=1): the simulated death below stops
    # only its own sender; with several senders see test_delivery_kill.py (a real kill -9).
    clock = Clock()
    first = await _world(db_url, assistant, "host:1:first", clock, ScriptedApi(script=[None] * 4 + ["kill"]))
    subs = _subscribe_all(first.core)
    clock.set(DUE_14)
    with pytest.raises(Killed):
        await first.tick(stale_after=STALE, concurrency=1)
    assert sum(_sent_to(first.api).values()) == 5  # four marked, the fifth reached Telegram, unmarked
    in_flight = first.api.sent()[-1].chat_id
    await _close(first)

    # Restarted a minute later, as a new process: the rest is sent, the one in flight is not yet.
    clock.advance(minutes=1)
    second = await _world(db_url, assistant, "host:2:second", clock, ScriptedApi())
    report = await second.tick(stale_after=STALE)
    assert (report.sent, report.failed) == (len(USERS) - 5, 0)
    assert set(_sent_to(second.api)) == set(USERS) - set(_sent_to(first.api))
    assert _states(second) == Counter(sent=len(USERS) - 1, claimed=1)

    # Not before `stale_after`; then taken over and sent again — the only duplicate.
    clock.advance(minutes=8)
    assert await second.tick(stale_after=STALE) == DeliveryReport()
    clock.advance(minutes=2)
    report = await second.tick(stale_after=STALE)
    assert report.sent == 1
    overall = _sent_to(first.api, second.api)
    assert set(overall) == set(USERS)  # nothing lost
    assert {u: n for u, n in overall.items() if n > 1} == {in_flight: 2}  # one duplicate only
    row = second.delivery(f"{subs[in_flight]}:{YEARLY}@2026:14")
    assert (row.state, row.claimed_by, row.attempts) == ("sent", "host:2:second", 2)
    assert await second.tick(stale_after=STALE) == DeliveryReport()
    await _close(second)


async def test_cancelled_mid_send_the_message_is_sent_later_and_nothing_is_lost(db_url, assistant):
    clock = Clock()
    api = ScriptedApi(script=[None, None, "hang"])
    first = await _world(db_url, assistant, "host:1:first", clock, api)
    _subscribe_all(first.core)
    clock.set(DUE_14)
    task = asyncio.create_task(first.tick(stale_after=STALE))
    await asyncio.wait_for(api.hanging.wait(), 10)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await _close(first)

    clock.advance(minutes=11)
    second = await _world(db_url, assistant, "host:2:second", clock, ScriptedApi())
    report = await second.tick(stale_after=STALE)
    # The rest (the first process's other senders may have sent some after the hang), and the one
    # that hung, taken over.
    before = sum(_sent_to(first.api).values())
    assert before >= 2 and report.sent == len(USERS) - before
    overall = _sent_to(first.api, second.api)
    assert set(overall) == set(USERS) and set(overall.values()) == {1}  # the hung one never arrived
    assert _states(second) == Counter(sent=len(USERS))
    await _close(second)


def _run_engines(url: str, assistant, clock: Clock) -> tuple[list[ScriptedApi], list[DeliveryReport]]:
    """Two engines (own database engine, session factory, bot and process token) run at once in
    two threads, each with its own event loop."""
    apis = [ScriptedApi(delay=0.002) for _ in range(2)]
    reports: list[DeliveryReport] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    async def run(index: int) -> None:
        world = await _world(url, assistant, f"host:{index}:proc{index}", clock, apis[index])
        try:
            barrier.wait()
            reports.append(await world.tick())
            reports.append(await world.tick())  # and once more: nothing left
        finally:
            await _close(world)

    def thread(index: int) -> None:
        try:
            asyncio.run(run(index))
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=thread, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    return apis, reports


def _check_exactly_once(url: str, assistant, clock: Clock) -> None:
    apis, reports = _run_engines(url, assistant, clock)
    overall = _sent_to(*apis)
    assert overall == Counter({u: 1 for u in USERS})  # every key sent exactly once overall
    assert sum(r.sent for r in reports) == len(USERS)
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(select(Delivery.key, Delivery.state)).all()
    finally:
        engine.dispose()
    assert len(rows) == len(USERS) and {state for _key, state in rows} == {"sent"}


def test_two_processes_on_one_database_send_each_reminder_once(db_url, assistant):
    clock = Clock()
    setup = make_core(db_url, clock, assistant)
    _subscribe_all(setup)
    setup.sessions.kw["bind"].dispose()
    clock.set(DUE_14)
    _check_exactly_once(db_url, assistant, clock)


def test_two_processes_retrying_on_one_database_take_each_row_once(db_url, assistant):
    clock = Clock()
    setup = make_core(db_url, clock, assistant)
    subs = _subscribe_all(setup)
    with setup.sessions.begin() as session:  # every reminder claimed by a process that then died
        for user_id, sub in subs.items():
            deliveries.claim(session, f"{sub}:{YEARLY}@2026:14", user_id=user_id, kind="reminder",
                             subscription_id=sub, process="host:0:dead", now=DUE_14)
    setup.sessions.kw["bind"].dispose()
    clock.set(DUE_14 + dt.timedelta(minutes=11))
    _check_exactly_once(db_url, assistant, clock)


def test_local_helper_is_local_time():
    assert local(2026, 10, 16) == dt.datetime(2026, 10, 16, 1, 0, tzinfo=dt.UTC)
