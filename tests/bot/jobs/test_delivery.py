"""The delivery engine on the in-process Bot API and a temporary SQLite file, with a fixed clock:
each due reminder once, nothing after "hoàn thành", Forbidden pauses, retries with backoff,
flood control, catch-up after downtime, the yearly rollover, a commune getting its group's
deadline, and the repeating job."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from telegram import Bot
from telegram.error import NetworkError, TimedOut
from telegram.ext import ApplicationBuilder

from bot.core import Core
from bot.db.engine import make_engine, make_session_factory, upgrade_database
from bot.db.models import AuditEntry, Delivery, Subscription, User
from bot.jobs import delivery
from bot.jobs.delivery import DeliveryReport, backoff, deliver_due, parse_reminder_key, schedule_delivery
from bot.services import contacts, statuses, subscriptions, units, users
from bot.settings import Settings
from bot.telegram.transport import LOCAL_TOKEN, LocalBotApi

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
PLAN = "lao-cai"
YEARLY = "lc-dl-bao-cao-hang-nam"  # every sở and every commune, 30/10 each year
FINANCE, COMMUNE, OTHER = 501, 502, 503


def local(year: int, month: int, day: int, hour: int = 8, minute: int = 0) -> dt.datetime:
    """A local wall-clock time as the aware UTC datetime the clock gives."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=TZ).astimezone(dt.UTC)


SUBSCRIBED = local(2026, 10, 1, 9)
DUE_14 = local(2026, 10, 16)  # 14 days before 30/10/2026, 08:00


@dataclass
class Clock:
    now: dt.datetime = SUBSCRIBED

    def __call__(self) -> dt.datetime:
        return self.now

    def set(self, moment: dt.datetime) -> None:
        self.now = moment

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


class Killed(BaseException):
    """A stand-in for the process being killed: not an error the engine may handle."""


class ScriptedApi(LocalBotApi):
    """LocalBotApi whose `sendMessage` answers can be scripted: an exception to raise, a Bot API
    error to answer, "kill" (the message reaches Telegram, then the process dies), or "hang"."""

    def __init__(self, script: list[Any] | None = None, delay: float = 0.0) -> None:
        super().__init__()
        self.script = list(script or [])
        self.delay = delay
        self.hanging = asyncio.Event()
        self.in_flight = self.most_in_flight = 0

    async def do_request(self, url: str, method: str, request_data=None, *args: Any,
                         **kwargs: Any) -> tuple[int, bytes]:
        if url.endswith("/sendMessage"):
            if self.delay:
                self.in_flight += 1
                self.most_in_flight = max(self.most_in_flight, self.in_flight)
                await asyncio.sleep(self.delay)
                self.in_flight -= 1
            action = self.script.pop(0) if self.script else None
            if isinstance(action, BaseException):
                raise action
            if isinstance(action, tuple):  # (status, payload)
                return action[0], json.dumps(action[1]).encode()
            if action == "hang":
                self.hanging.set()
                await asyncio.Event().wait()
            if action == "kill":
                await super().do_request(url, method, request_data, *args, **kwargs)
                raise Killed
        return await super().do_request(url, method, request_data, *args, **kwargs)


def flood(seconds: int) -> tuple[int, dict[str, Any]]:
    return 429, {"ok": False, "error_code": 429, "description": f"Too Many Requests: retry after {seconds}",
                 "parameters": {"retry_after": seconds}}


@dataclass
class World:
    """One bot process: its core (clock, database), its Bot API peer and its bot."""

    core: Core
    clock: Clock
    api: ScriptedApi
    bot: Bot
    process: str = "host:1:aaaaaa"
    waited: list[float] = field(default_factory=list)

    async def sleep(self, seconds: float) -> None:
        self.waited.append(seconds)

    async def tick(self, **kwargs: Any) -> DeliveryReport:
        return await deliver_due(self.core, self.bot, process=self.process, sleep=self.sleep, **kwargs)

    def texts(self, user_id: int | None = None) -> list[str]:
        return [c.text for c in self.api.sent(user_id)]

    def rows(self, model: type = Delivery) -> list[Any]:
        with self.core.sessions.begin() as session:
            return list(session.scalars(select(model)))

    def delivery(self, key: str) -> Delivery:
        with self.core.sessions.begin() as session:
            return session.scalars(select(Delivery).where(Delivery.key == key)).one()


def add_contact(core: Core, user_id: int, unit_name: str, plan: str = PLAN,
                at: dt.datetime = SUBSCRIBED) -> int:
    """The user becomes the approved contact of the unit and is subscribed; the subscription id."""
    registry = core.kb.registry
    with core.sessions.begin() as session:
        users.touch_user(session, user_id, f"Cán bộ {user_id}", None, at)
        record = units.find_or_add_unit(session, unit_name, plan, registry, "admin", None, at)
        contact = contacts.request_contact(session, user_id, plan, record.id, at)
        contacts.decide_contact(session, contact.id, True, None, at)
        return subscriptions.subscribe(session, user_id, plan, record.id, at).id


def report_done(core: Core, unit_name: str, item: str, at: dt.datetime, state: str = "hoan_thanh") -> None:
    with core.sessions.begin() as session:
        record = units.find_or_add_unit(session, unit_name, PLAN, core.kb.registry, "admin", None, at)
        statuses.submit_status(session, core.kb, plan=PLAN, unit_id=record.id, item_key=item, state=state,
                               note=None, actor_id=None, admin=True, now=at, via="cli",
                               today=at.astimezone(TZ).date(), tz=TZ)


def make_core(url: str, clock: Clock, assistant, working_days_only: bool = False) -> Core:
    """What `bot.telegram.serve.open_core` builds: a migrated database with the KB's units, and the clock.
    Every day is a working day unless asked (the engine's guarantees do not depend on the
    calendar; `test_working_days_*` turn the rule on)."""
    engine = make_engine(url)
    upgrade_database(engine)
    sessions = make_session_factory(engine)
    with sessions.begin() as session:
        units.sync_kb_units(session, assistant.kb.registry, clock())
    return Core(Settings(database_url=url, working_days_only=working_days_only), assistant, sessions,
                clock)


@pytest.fixture
def db_url(database_url) -> str:
    """Every delivery test runs on SQLite and on PostgreSQL."""
    return database_url


@pytest.fixture
async def world(db_url, assistant) -> Iterator[World]:
    clock = Clock()
    core = make_core(db_url, clock, assistant)
    api = ScriptedApi()
    bot = Bot(token=LOCAL_TOKEN, request=api)
    async with bot:
        yield World(core, clock, api, bot)
    core.sessions.kw["bind"].dispose()


@pytest.fixture
def contacts_of_units(world) -> dict[int, int]:
    """User FINANCE: Sở Tài chính; COMMUNE: Phường Cốc Lếu (a commune, in its group by name)."""
    return {FINANCE: add_contact(world.core, FINANCE, "Sở Tài chính"),
            COMMUNE: add_contact(world.core, COMMUNE, "Phường Cốc Lếu")}


async def test_one_tick_sends_each_due_reminder_once(world, contacts_of_units):
    world.clock.set(DUE_14)
    report = await world.tick()
    assert (report.sent, report.caught_up, report.failed, report.paused) == (2, 0, 0, 0)
    assert sorted(c.chat_id for c in world.api.sent()) == [FINANCE, COMMUNE]  # sent at once
    for user_id in (FINANCE, COMMUNE):
        (text,) = world.texts(user_id)
        assert "30/10/2026" in text and "còn 14 ngày" in text and f"{YEARLY}@2026" in text
    sub = contacts_of_units[FINANCE]
    row = world.delivery(f"{sub}:{YEARLY}@2026:14")
    assert (row.state, row.kind, row.user_id, row.subscription_id, row.claimed_by, row.attempts) == (
        "sent", "reminder", FINANCE, sub, world.process, 1)
    assert row.sent_at == DUE_14

    # The same minute again, and later that day: nothing more.
    assert await world.tick() == DeliveryReport()
    world.clock.advance(hours=5)
    assert await world.tick() == DeliveryReport()
    assert len(world.api.sent()) == 2


async def test_nothing_before_the_send_time_nor_in_quiet_hours(world, contacts_of_units):
    world.clock.set(local(2026, 10, 16, 7, 59))
    assert await world.tick() == DeliveryReport()
    world.clock.set(local(2026, 10, 23, 21, 30))  # the 7-day reminder is due, but it is night
    world.api.script = []
    # 16/10 was never sent (the bot was down); 23/10 is quiet: nothing at all.
    assert await world.tick() == DeliveryReport()
    assert world.api.sent() == []


async def test_a_commune_gets_its_groups_deadline(world, contacts_of_units):
    world.clock.set(DUE_14)
    await world.tick()
    (text,) = world.texts(COMMUNE)
    assert "Báo cáo" in text or "báo cáo" in text
    assert f"/baocao {YEARLY}@2026" in text


async def test_nothing_after_the_unit_reports_done(world, contacts_of_units):
    world.clock.set(DUE_14)
    await world.tick()
    report_done(world.core, "Sở Tài chính", f"{YEARLY}@2026", local(2026, 10, 20, 10))
    for day in (23, 27, 29, 30, 31):
        world.clock.set(local(2026, 10, day, 8, 1))
        await world.tick()
    for day in (7, 14, 21, 28):
        world.clock.set(local(2026, 11, day, 8, 1))
        await world.tick()
    assert len(world.texts(FINANCE)) == 1  # the 14-day reminder only
    # The commune did not report: 14, 7, 3, 1 days, due day, four overdue notices — nine in all.
    commune = world.texts(COMMUNE)
    assert len(commune) == 9
    assert "đã qua hạn 22 ngày" in commune[-1]


async def test_a_forbidden_user_is_paused_and_not_retried(world, contacts_of_units):
    world.api.blocked.add(FINANCE)
    world.clock.set(DUE_14)
    report = await world.tick()
    assert (report.sent, report.paused, report.failed) == (1, 1, 0)
    sub = contacts_of_units[FINANCE]
    row = world.delivery(f"{sub}:{YEARLY}@2026:14")
    assert (row.state, row.last_error, row.next_attempt_at) == ("failed", "forbidden", None)
    with world.core.sessions.begin() as session:
        assert session.get(Subscription, sub).paused
        assert not session.get(User, FINANCE).active
        assert [a.target for a in session.scalars(select(AuditEntry).where(
            AuditEntry.action == "user_inactive"))] == [str(FINANCE)]
    calls = len(world.api.calls)
    for hours in (1, 24 * 7):
        world.clock.advance(hours=hours)
        await world.tick()
    assert [c for c in world.api.calls[calls:] if c.chat_id == FINANCE] == []
    # Back (resumed): reminders come again, from the next one on.
    with world.core.sessions.begin() as session:
        users.touch_user(session, FINANCE, "Cán bộ", None, world.clock.now)
        subscriptions.resume_user(session, FINANCE, world.clock.now)
    world.api.blocked.clear()
    world.clock.set(local(2026, 10, 27, 8))
    await world.tick()
    assert "còn 3 ngày" in world.texts(FINANCE)[-1]


async def test_network_errors_are_retried_with_backoff(world, contacts_of_units):
    # The scripted answers go to the requests in order: one sender, so FINANCE's come first.
    world.api.script = [TimedOut(), NetworkError("connection reset")]
    world.clock.set(DUE_14)
    report = await world.tick(concurrency=1)
    assert (report.sent, report.failed) == (0, 2)
    sub = contacts_of_units[FINANCE]
    key = f"{sub}:{YEARLY}@2026:14"
    row = world.delivery(key)
    assert (row.state, row.last_error, row.attempts, row.next_attempt_at) == (
        "failed", "TimedOut", 1, DUE_14 + dt.timedelta(minutes=1))
    world.clock.advance(seconds=30)
    assert await world.tick(concurrency=1) == DeliveryReport()  # not yet
    world.clock.advance(seconds=30)
    world.api.script = [TimedOut()]
    report = await world.tick(concurrency=1)
    assert (report.sent, report.failed) == (1, 1)
    row = world.delivery(key)
    assert (row.state, row.attempts, row.next_attempt_at) == (
        "failed", 2, world.clock.now + dt.timedelta(minutes=2))
    world.clock.advance(minutes=2)
    report = await world.tick(concurrency=1)
    assert report.sent == 1
    assert world.delivery(key).state == "sent" and world.delivery(key).attempts == 3
    assert len(world.texts(FINANCE)) == 1 and len(world.texts(COMMUNE)) == 1


def test_backoff_doubles_up_to_an_hour():
    assert [backoff(n) for n in range(1, 10)] == [dt.timedelta(minutes=m)
                                                  for m in (1, 2, 4, 8, 16, 32, 60, 60, 60)]


async def test_a_message_failing_every_time_is_given_up_after_max_attempts(world, contacts_of_units):
    world.clock.set(DUE_14)
    sub = contacts_of_units[FINANCE]
    key = f"{sub}:{YEARLY}@2026:14"
    for _attempt in range(delivery.MAX_ATTEMPTS):
        world.api.script = [TimedOut()] * 2
        await world.tick()
        row = world.delivery(key)
        if row.next_attempt_at is None:
            break
        world.clock.set(row.next_attempt_at)
    row = world.delivery(key)
    assert (row.state, row.attempts, row.next_attempt_at) == ("failed", delivery.MAX_ATTEMPTS, None)
    world.clock.advance(hours=2)
    assert (await world.tick()).sent == 0
    assert world.texts(FINANCE) == []


# PTB 22 warns inside `RetryAfter` itself unless PTB_TIMEDELTA is set; both forms are read.
ptb_timedelta = pytest.mark.parametrize("timedelta_env", ["", "1"])
quiet_ptb = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


@quiet_ptb
@ptb_timedelta
async def test_flood_control_waits_and_retries_once_in_the_tick(world, contacts_of_units, monkeypatch,
                                                                timedelta_env):
    monkeypatch.setenv("PTB_TIMEDELTA", timedelta_env)
    world.api.script = [flood(3)]
    world.clock.set(DUE_14)
    report = await world.tick()
    assert (report.sent, report.failed) == (2, 0)
    assert world.waited == [3.0]
    assert len(world.texts(FINANCE)) == 1


@quiet_ptb
@ptb_timedelta
async def test_flood_control_twice_is_retried_later(world, contacts_of_units, monkeypatch, timedelta_env):
    monkeypatch.setenv("PTB_TIMEDELTA", timedelta_env)
    world.api.script = [flood(3), flood(90)]
    world.clock.set(DUE_14)
    report = await world.tick(concurrency=1)
    assert (report.sent, report.failed) == (1, 1)
    row = world.delivery(f"{contacts_of_units[FINANCE]}:{YEARLY}@2026:14")
    assert (row.state, row.last_error, row.next_attempt_at) == (
        "failed", "retry_after", DUE_14 + dt.timedelta(seconds=90))
    world.clock.advance(seconds=90)
    assert (await world.tick(concurrency=1)).sent == 1


async def test_a_refused_message_is_not_retried(world, contacts_of_units):
    world.api.unsupported.add("sendMessage")
    world.clock.set(DUE_14)
    report = await world.tick()
    assert (report.sent, report.failed) == (0, 2)
    row = world.delivery(f"{contacts_of_units[FINANCE]}:{YEARLY}@2026:14")
    assert (row.state, row.last_error, row.next_attempt_at) == ("failed", "bad_request", None)
    world.api.unsupported.clear()
    world.clock.advance(hours=1)
    assert await world.tick() == DeliveryReport()


async def test_catch_up_after_downtime(world, contacts_of_units):
    # Down from before 16/10 until 30/10 09:00: today's reminder (the due day) on its own, the
    # four earlier ones (14, 7, 3, 1 days before) in one message.
    world.clock.set(local(2026, 10, 30, 9))
    report = await world.tick()
    assert (report.sent, report.caught_up) == (2, 2)
    today, catch_up = world.texts(FINANCE)
    assert "Hôm nay là hạn" in today
    assert "chưa gửi được" in catch_up and catch_up.count(f"[{YEARLY}@2026]") == 1
    sub = contacts_of_units[FINANCE]
    row = world.delivery(f"catchup:{sub}:2026-10-30")
    assert (row.kind, row.state, row.subscription_id) == ("catch_up", "sent", sub)
    with world.core.sessions.begin() as session:
        collapsed = session.scalars(select(Delivery).where(Delivery.batch_key == row.key)).all()
        assert sorted(d.key for d in collapsed) == sorted(f"{sub}:{YEARLY}@2026:{o}" for o in (14, 7, 3, 1))
        assert {d.state for d in collapsed} == {"sent"}
    assert await world.tick() == DeliveryReport()
    world.clock.set(local(2026, 10, 31, 8))
    report = await world.tick()
    assert (report.sent, report.caught_up) == (2, 0)  # the first overdue notice, nothing repeated


async def test_catch_up_shows_the_reported_state(world, contacts_of_units):
    report_done(world.core, "Sở Tài chính", f"{YEARLY}@2026", local(2026, 10, 2), state="dang_thuc_hien")
    world.clock.set(local(2026, 10, 28, 10))
    await world.tick()
    (catch_up,) = world.texts(FINANCE)
    assert "đang thực hiện" in catch_up


async def test_yearly_rollover(world, contacts_of_units):
    report_done(world.core, "Sở Tài chính", f"{YEARLY}@2026", local(2026, 10, 20))
    world.clock.set(local(2027, 10, 16))
    await world.tick()
    (text,) = world.texts(FINANCE)  # done for 2026 says nothing about 2027
    assert "30/10/2027" in text and f"{YEARLY}@2027" in text
    sub = contacts_of_units[FINANCE]
    assert world.delivery(f"{sub}:{YEARLY}@2027:14").state == "sent"


async def test_a_retry_no_longer_wanted_is_cancelled(world, contacts_of_units):
    world.api.script = [TimedOut()]  # FINANCE's request: the first with one sender
    world.clock.set(DUE_14)
    await world.tick(concurrency=1)
    report_done(world.core, "Sở Tài chính", f"{YEARLY}@2026", DUE_14 + dt.timedelta(seconds=10))
    world.clock.advance(minutes=1)
    report = await world.tick()
    assert (report.sent, report.skipped) == (0, 1)
    row = world.delivery(f"{contacts_of_units[FINANCE]}:{YEARLY}@2026:14")
    assert (row.state, row.last_error, row.next_attempt_at) == ("failed", "cancelled", None)
    assert world.texts(FINANCE) == []


async def test_muted_and_ended_subscriptions_get_nothing(world, contacts_of_units):
    with world.core.sessions.begin() as session:
        subscriptions.set_muted(session, contacts_of_units[FINANCE], FINANCE, True, SUBSCRIBED)
        subscriptions.unsubscribe_user(session, COMMUNE)
    world.clock.set(DUE_14)
    assert await world.tick() == DeliveryReport()


def test_parse_reminder_key(kb):
    reminder = parse_reminder_key(f"12:{YEARLY}@2027:-8", kb, TZ)
    assert reminder is not None
    assert (reminder.subscription_id, reminder.occurrence.key, reminder.occurrence.due, reminder.offset,
            reminder.kind) == (12, f"{YEARLY}@2027", dt.date(2027, 10, 30), -8, "overdue")
    assert reminder.key == f"12:{YEARLY}@2027:-8"
    assert reminder.send_at == dt.datetime(2027, 11, 7, 8, 0, tzinfo=TZ)
    one_off = parse_reminder_key("3:ls-dl-gui-ke-hoach:0", kb, TZ)
    assert one_off is not None and one_off.kind == "due_today"
    assert one_off.occurrence.due == dt.date(2026, 1, 15)
    for bad in ("x", "1:2", "a:ls-dl-gui-ke-hoach:0", "1:nope:0", f"1:{YEARLY}:0",
                "1:ls-dl-gui-ke-hoach@2026:0", "1:ls-dl-gui-ke-hoach:x", "catchup:1:2026-10-30"):
        assert parse_reminder_key(bad, kb, TZ) is None, bad


async def test_schedule_delivery_adds_one_named_job_that_delivers(world, contacts_of_units):
    application = ApplicationBuilder().token(LOCAL_TOKEN).request(world.api).updater(None).build()
    job = schedule_delivery(application, world.core, interval=60, process="host:2:bbbbbb")
    assert schedule_delivery(application, world.core) is job
    assert [j.name for j in application.job_queue.jobs()] == ["deliver_reminders"]
    world.clock.set(DUE_14)
    async with application:
        await job.run(application)
    assert sorted(c.chat_id for c in world.api.sent()) == [FINANCE, COMMUNE]
    assert world.delivery(f"{contacts_of_units[FINANCE]}:{YEARLY}@2026:14").claimed_by == "host:2:bbbbbb"


def test_process_token_names_host_and_pid():
    token = delivery.process_token()
    assert token.startswith(f"{socket.gethostname()}:{os.getpid()}:") and len(token) <= 100
    assert delivery.process_token() != token


async def test_a_message_that_cannot_be_rendered_does_not_stop_the_others(world, contacts_of_units,
                                                                          monkeypatch):
    real = delivery.reminder_text

    def broken(reminder, kb, today):
        if reminder.subscription_id == contacts_of_units[FINANCE]:
            raise ValueError("a broken KB entry")
        return real(reminder, kb, today)

    monkeypatch.setattr(delivery, "reminder_text", broken)
    world.clock.set(DUE_14)
    report = await world.tick()
    assert (report.sent, report.failed) == (1, 1)
    assert world.texts(FINANCE) == [] and len(world.texts(COMMUNE)) == 1


PLAN_DUE = "lc-dl-gui-ke-hoach"  # every sở of Lào Cai, due Friday 27/02/2026


@pytest.fixture
async def working_world(db_url, assistant) -> Iterator[World]:
    """A process whose reminders keep to working days (the deployment's default)."""
    clock = Clock(local(2026, 2, 1, 9))
    core = make_core(db_url, clock, assistant, working_days_only=True)
    api = ScriptedApi()
    bot = Bot(token=LOCAL_TOKEN, request=api)
    async with bot:
        yield World(core, clock, api, bot)
    core.sessions.kw["bind"].dispose()


async def test_working_days_a_reminder_falling_in_tet_is_sent_once_the_working_day_before(working_world):
    world = working_world
    sub = add_contact(world.core, FINANCE, "Sở Tài chính", at=world.clock())
    sent_on = {}
    for day in range(12, 28):  # every day from 12/02 to 27/02, through the Tết break 14–22/02
        world.clock.set(local(2026, 2, day, 8, 1))
        mark = len(world.api.calls)
        await world.tick()
        for call in world.api.sent(FINANCE, since=mark):
            if "27/02/2026" in call.text:
                sent_on[day] = call.text
    # 14 days before (13/02) and 7 days before (20/02, Tết) both go on Friday 13/02: one message.
    assert sorted(sent_on) == [13, 24, 26, 27]
    assert "còn 14 ngày" in sent_on[13] and "còn 3 ngày" in sent_on[24]
    assert world.delivery(f"{sub}:{PLAN_DUE}:7").sent_at == local(2026, 2, 13, 8, 1)
    assert f"{sub}:{PLAN_DUE}:14" not in {row.key for row in world.rows()}


async def test_working_days_a_moved_reminder_missed_in_downtime_is_caught_up_once(working_world):
    world = working_world
    sub = add_contact(world.core, FINANCE, "Sở Tài chính", at=world.clock())
    world.clock.set(local(2026, 2, 23, 9))  # down from 12/02 (before the moved day) to after Tết
    report = await world.tick()
    assert (report.sent, report.caught_up) == (0, 1)
    (catch_up,) = [t for t in world.texts(FINANCE) if f"[{PLAN_DUE}]" in t]
    assert "chưa gửi được" in catch_up
    assert world.delivery(f"{sub}:{PLAN_DUE}:7").batch_key == f"catchup:{sub}:2026-02-23"
    for day in (23, 24):
        world.clock.set(local(2026, 2, day, 10))
        await world.tick()
    assert [t for t in world.texts(FINANCE) if "27/02/2026" in t and "còn 3 ngày" in t]
    assert len([t for t in world.texts(FINANCE) if PLAN_DUE in t]) == 2  # catch-up + 3 days before


async def test_working_days_a_yearly_deadline_on_saturday_30_10_2027_reminds_on_friday(working_world):
    world = working_world
    add_contact(world.core, FINANCE, "Sở Tài chính", at=world.clock())
    report_done(world.core, "Sở Tài chính", f"{YEARLY}@2026", local(2026, 10, 20))
    world.clock.set(local(2027, 10, 28, 8, 1))  # the 3-day reminder (and a catch-up of earlier ones)
    await world.tick()
    sent = {}
    for day in (29, 30, 31):
        world.clock.set(local(2027, 10, day, 8, 1))
        mark = len(world.api.calls)
        await world.tick()
        sent[day] = [c.text for c in world.api.sent(FINANCE, since=mark)]
    # The 1-day reminder (Friday) and the due-day one (Saturday) are one message on Friday.
    ((friday,), saturday, sunday) = (sent[29], sent[30], sent[31])
    assert "30/10/2027" in friday and "còn 1 ngày" in friday
    assert saturday == [] and sunday == []


async def test_reminders_go_out_several_at_once_and_each_once(world):
    users = list(range(600, 640))
    subs = {user_id: add_contact(world.core, user_id, f"Sở Thử Nghiệm {user_id}") for user_id in users}
    world.api.delay = 0.01
    world.clock.set(DUE_14)
    report = await world.tick(concurrency=8)
    assert (report.sent, report.failed) == (len(users), 0)
    assert sorted(c.chat_id for c in world.api.sent()) == users  # each once, none lost
    assert 1 < world.api.most_in_flight <= 8
    assert {row.key: row.state for row in world.rows()} == {
        f"{sub}:{YEARLY}@2026:14": "sent" for sub in subs.values()}
    assert await world.tick(concurrency=8) == DeliveryReport()


async def test_retried_messages_go_out_several_at_once_and_each_once(world):
    users = list(range(700, 724))
    subs = {user_id: add_contact(world.core, user_id, f"Sở Thử Nghiệm {user_id}") for user_id in users}
    world.clock.set(DUE_14)
    world.api.script = [TimedOut()] * len(users)  # every first attempt fails
    assert (await world.tick(concurrency=8)).failed == len(users)
    world.api.delay = 0.01
    world.clock.advance(minutes=1)
    report = await world.tick(concurrency=8)
    assert (report.sent, report.failed) == (len(users), 0)
    assert sorted(c.chat_id for c in world.api.sent()) == users
    assert 1 < world.api.most_in_flight <= 8
    assert {world.delivery(f"{sub}:{YEARLY}@2026:14").attempts for sub in subs.values()} == {2}
