"""The delivery engine: every minute, send the reminders that are due, each once.

One tick (`deliver_due`) is: load what planning needs (`load_tick`, one transaction), plan
(`scheduler.planning.plan_reminders`), send today's reminders (`send_reminder`) and each
subscription's missed reminders of earlier days as one catch-up message (`send_catch_up`), then
retry what failed earlier or was left half-done by a dead process (`retry_reclaimed`).
`schedule_delivery` runs the tick on PTB's JobQueue (APScheduler underneath: one scheduler per
process; `RUN_JOBS` keeps it to the one process designated to run the jobs).

The pace
--------
`concurrency` senders (`DELIVERY_CONCURRENCY`, default 8) each claim, send and mark one message
after another, so several messages are in flight and the pace is that of the bot's rate limiter
(`bot.pace`: at most 30 in any second, one per second per chat), not one per round trip. The
messages go out in turns — every user's first, then every user's second… — so two messages to
one chat do not hold the senders back (a user's messages still go in their order). The claims and
marks run in worker threads: a commit on the event loop would delay the other senders' requests
past the moment the limiter released them, and bunch them up on Telegram's side.

The delivery guarantee
----------------------
Every message has a unique key in the delivery log (`bot.services.deliveries`): a reminder
"<subscription>:<occurrence>:<offset>", a catch-up "catchup:<subscription>:<YYYY-MM-DD>" (with
the keys of the reminders it collapses). The key is claimed — inserted and *committed* — before
the message is sent, and marked sent or failed afterwards, each in its own short transaction;
nothing is ever sent while a transaction is open. Hence:

- **Once in normal operation**, with any number of processes on one database: of two processes
  claiming one key, one inserts it and sends; the other skips it. Planning never returns a key
  already in the log.
- **A crash repeats only the messages in flight**: when the process is killed after claiming
  and before marking, the row stays "claimed"; after `stale_after` (10 minutes) another tick —
  of any process — takes it over and sends it again. If the first send had reached Telegram,
  the user gets that message twice. At most one message per sender is between its send and its
  mark, so a crash repeats at most `concurrency` messages (in practice about the pace × the time
  from send to mark: 3 to 4 at 29/s and 100 ms), at most one with `concurrency=1`; no other
  message is ever repeated.
- **A message is never lost**: a key is claimed only by a process about to send it, a claim
  whose process dies is taken over, and a failed send is retried with backoff (network errors,
  flood control) until `MAX_ATTEMPTS`. What is deliberately not sent: messages to a user who
  blocked the bot (Forbidden: the user's subscriptions are paused), messages Telegram refuses
  (BadRequest), and retries that are no longer wanted (the unit reported the item done, the
  subscription was muted, paused or ended) — all recorded as "failed" with a short code.
- Downtime: today's missed reminders are still sent individually; earlier days' are collapsed
  into one catch-up message per subscription (see `scheduler.planning`).
- Working days (`Core.working_days`): a reminder due on a weekend or day off is planned for the
  working day before, under the same key — so it is sent once, on that day or, when that day was
  missed, in the next catch-up; never again on its original day.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import itertools
import logging
import os
import secrets
import socket
from collections.abc import Awaitable, Callable, Collection, Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar

from sqlalchemy.orm import Session
from telegram import Bot
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.ext import Job

from bot.core import App, Context, Core
from bot.pace import retry_after_seconds
from bot.services import deliveries, statuses, subscriptions
from bot.services.subscriptions import ActiveSubscriptions
from knowledge.loader import KnowledgeBase
from knowledge.model import Deadline
from scheduler.occurrences import DeadlineOccurrence
from scheduler.planning import (
    Reminder,
    ReminderPlan,
    SubscriptionView,
    catch_up_text,
    collector_paused,
    make_reminder,
    plan_reminders,
    reminder_text,
)
from scheduler.workdays import ALL_DAYS, WorkingDays

__all__ = [
    "JOB_NAME",
    "LOOKBACK",
    "MAX_ATTEMPTS",
    "DeliveryReport",
    "Tick",
    "backoff",
    "catch_up_key",
    "deliver_due",
    "load_tick",
    "parse_reminder_key",
    "process_token",
    "retry_reclaimed",
    "schedule_delivery",
    "send_catch_up",
    "send_reminder",
]

logger = logging.getLogger(__name__)

JOB_NAME = "deliver_reminders"
LOOKBACK = dt.timedelta(days=35)  # keys older than planning's catch-up window are not needed
MAX_ATTEMPTS = deliveries.MAX_ATTEMPTS  # sends of one message before it is given up
BACKOFF_CAP = dt.timedelta(hours=1)
MAX_WAIT = 60.0  # seconds of flood control waited within a tick; longer waits are retried later
MAX_TEXT = 4096  # Telegram's limit on a message
RECLAIM_BATCH = 100
KINDS = ("reminder", "catch_up")

Sleep = Callable[[float], Awaitable[object]]
T = TypeVar("T")
SendJob = Callable[[], Awaitable[None]]  # one message's claim–send–mark, ready to run


@dataclass
class DeliveryReport:
    """What one tick did."""

    sent: int = 0  # reminders sent individually (new and retried)
    caught_up: int = 0  # catch-up messages sent
    failed: int = 0  # sends that failed (retried later with backoff, or given up)
    paused: int = 0  # users who blocked the bot: their subscriptions are paused
    skipped: int = 0  # claimed by another process first, or no longer wanted when retried


@dataclass
class Tick:
    """What one tick works from, loaded in one transaction."""

    now: dt.datetime  # aware UTC
    today: dt.date  # local
    active: ActiveSubscriptions
    done: set[tuple[int, str]]
    plan: ReminderPlan
    views: dict[int, SubscriptionView] = field(default_factory=dict)
    paused_users: set[int] = field(default_factory=set)  # blocked the bot during this tick


@dataclass(frozen=True)
class _Reclaimed:
    """A message taken over by `retry_reclaimed`, read before its transaction closes."""

    key: str
    kind: str
    user_id: int
    subscription_id: int | None
    attempts: int
    collapsed: list[str]


def backoff(attempts: int) -> dt.timedelta:
    """Wait before the next attempt after `attempts` failed ones: 1, 2, 4, 8 … minutes, at most 1 h."""
    return min(dt.timedelta(minutes=2 ** max(attempts - 1, 0)), BACKOFF_CAP)


def catch_up_key(subscription_id: int, today: dt.date) -> str:
    return f"catchup:{subscription_id}:{today.isoformat()}"


def process_token() -> str:
    """Names this process in the delivery log: "host:pid:random"."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"[-100:]


def parse_reminder_key(key: str, kb: KnowledgeBase, tz: dt.tzinfo,
                       days: WorkingDays = ALL_DAYS) -> Reminder | None:
    """The reminder a key "<subscription>:<occurrence>:<offset>" stands for (sent on its working
    day, see `scheduler.workdays`); None if the key is malformed or its deadline is no longer in
    the KB."""
    parts = key.split(":")
    if len(parts) != 3:
        return None
    sid, occurrence_key, offset_text = parts
    try:
        subscription_id, offset = int(sid), int(offset_text)
    except ValueError:
        return None
    deadline_id, at, year = occurrence_key.partition("@")
    deadline = kb.by_id.get(deadline_id)
    if not isinstance(deadline, Deadline):
        return None
    if deadline.due.kind == "yearly":
        if not (at and year.isdigit()):
            return None
        due = deadline.due.occurrence(int(year))
    elif at:
        return None
    else:
        due = deadline.due.occurrence(0)
    return make_reminder(subscription_id, DeadlineOccurrence(deadline, due), offset, tz, days)


def load_tick(core: Core) -> Tick:
    """Step 1 (one transaction) and 2 (pure): the active subscriptions, the occurrences done, the
    keys already in the log; then the plan.

    The cyclic garbage collector is paused meanwhile: reading 100,000 subscriptions allocates
    hundreds of thousands of objects without cycles, and the collections they would set off,
    each walking every live object, cost more than the reading."""
    now = core.now()
    tz = core.settings.tz
    with collector_paused(), core.sessions.begin() as session:
        active = subscriptions.active_subscriptions(session, core.kb.registry)
        done = subscriptions.done_occurrences(session)
        delivered = deliveries.delivered_keys(session, now - LOOKBACK, kinds=("reminder",))
    plan = plan_reminders(core.kb.deadlines(), active.views, now=now, tz=tz, done=done,
                          delivered=delivered, signed=core.signed, days=core.working_days)
    return Tick(now, now.astimezone(tz).date(), active, done, plan,
                views={view.id: view for view in active.views})


async def _send(bot: Bot, user_id: int, text: str, sleep: Sleep) -> None:
    """Send plain text; on flood control wait as asked (up to `MAX_WAIT`) and try once more."""
    try:
        await bot.send_message(chat_id=user_id, text=text)
    except RetryAfter as exc:
        wait = retry_after_seconds(exc)
        if wait > MAX_WAIT:
            raise
        await sleep(wait)
        await bot.send_message(chat_id=user_id, text=text)


def _render(key: str, render: Callable[..., str], *args: object) -> str | None:
    """The text of a message, or None (logged) when it cannot be rendered: one broken message
    must not stop every tick before the messages after it."""
    try:
        return render(*args)
    except Exception:
        logger.exception("Message %s could not be rendered", key)
        return None


def _fit(text: str) -> str:
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


async def _deliver(core: Core, bot: Bot, tick: Tick, *, key: str, user_id: int, text: str,
                   attempts: int, sleep: Sleep) -> str:
    """Send a claimed message and mark it; "sent", "paused" or "failed". No transaction is open
    while sending. Exceptions that are not errors (cancellation, a killed process) propagate and
    leave the row claimed, for `reclaim`."""
    try:
        await _send(bot, user_id, _fit(text), sleep)
    except Forbidden:
        await _in_thread(_mark_blocked, core, key, user_id)
        tick.paused_users.add(user_id)
        return "paused"
    except BadRequest as exc:  # Telegram refuses this message: sending it again changes nothing
        logger.warning("Reminder %s refused by Telegram: %s", key, exc.message)
        await _in_thread(_mark_failed, core, key, "bad_request", None)
        return "failed"
    except RetryAfter as exc:
        delay = dt.timedelta(seconds=retry_after_seconds(exc))
        return await _failed(core, key, "retry_after", attempts, max(delay, backoff(attempts)))
    except TelegramError as exc:  # NetworkError, TimedOut and the rest: try again later
        logger.warning("Reminder %s not sent (attempt %s): %s", key, attempts, type(exc).__name__)
        return await _failed(core, key, type(exc).__name__, attempts, backoff(attempts))
    except Exception:
        logger.exception("Reminder %s not sent (attempt %s)", key, attempts)
        return await _failed(core, key, "error", attempts, backoff(attempts))
    await _in_thread(_mark_sent, core, key)
    return "sent"


async def _in_thread(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run one short transaction of the claim–send–mark path in a worker thread: a commit (an
    fsync on SQLite, a round trip on PostgreSQL) must not hold up the event loop, where the other
    senders' requests, released by the rate limiter at their moment, wait to be written.

    Cancelled meanwhile, it still waits for the transaction to end before it stops: a message
    sent is marked before the tick is gone, as when the marking ran on the loop."""
    future = asyncio.ensure_future(asyncio.to_thread(function, *args, **kwargs))
    try:
        return await asyncio.shield(future)
    except asyncio.CancelledError:
        while not future.done():
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait([future])
        raise


def _claim(core: Core, key: str, *, user_id: int, subscription_id: int, process: str) -> bool:
    with core.sessions.begin() as session:
        return deliveries.claim(session, key, user_id=user_id, kind="reminder",
                                subscription_id=subscription_id, process=process, now=core.now())


def _mark_sent(core: Core, key: str) -> None:
    with core.sessions.begin() as session:
        deliveries.mark_sent(session, key, core.now())


def _mark_failed(core: Core, key: str, code: str, retry_at: dt.datetime | None) -> None:
    with core.sessions.begin() as session:
        deliveries.mark_failed(session, key, code, core.now(), retry_at)


def _mark_blocked(core: Core, key: str, user_id: int) -> None:
    with core.sessions.begin() as session:
        core.user_blocked(session, user_id)
        deliveries.mark_failed(session, key, "forbidden", core.now(), None)


async def _failed(core: Core, key: str, code: str, attempts: int, delay: dt.timedelta) -> str:
    retry_at = core.now() + delay if attempts < MAX_ATTEMPTS else None
    if retry_at is None:
        logger.warning("Reminder %s given up after %s attempts (%s)", key, attempts, code)
    await _in_thread(_mark_failed, core, key, code, retry_at)
    return "failed"


def _count(report: DeliveryReport, outcome: str, sent_field: str) -> None:
    if outcome == "sent":
        setattr(report, sent_field, getattr(report, sent_field) + 1)
    elif outcome == "paused":
        report.paused += 1
    else:
        report.failed += 1


async def send_reminder(core: Core, bot: Bot, tick: Tick, reminder: Reminder, *, process: str,
                        report: DeliveryReport, sleep: Sleep = asyncio.sleep) -> None:
    """Step 3: one of today's reminders — claim its key (committed), send, mark."""
    user_id = tick.active.user_of[reminder.subscription_id]
    if user_id in tick.paused_users:
        return  # not claimed: the user's subscriptions are paused now
    text = _render(reminder.key, reminder_text, reminder, core.kb, tick.today)
    if text is None:
        report.failed += 1
        return
    won = await _in_thread(_claim, core, reminder.key, user_id=user_id,
                                  subscription_id=reminder.subscription_id, process=process)
    if not won:
        report.skipped += 1
        return
    outcome = await _deliver(core, bot, tick, key=reminder.key, user_id=user_id, text=text,
                             attempts=1, sleep=sleep)
    _count(report, outcome, "sent")


def _states(session: Session, view: SubscriptionView) -> dict[str, str]:
    """Occurrence key → the unit's latest reported state, for the catch-up lines."""
    latest = statuses.latest_for_unit(session, view.plan, view.unit_id)
    return {item: record.state for item, record in latest.items()}


async def send_catch_up(core: Core, bot: Bot, tick: Tick, subscription_id: int,
                        stale: list[Reminder], *, process: str, report: DeliveryReport,
                        sleep: Sleep = asyncio.sleep) -> None:
    """Step 4: a subscription's missed reminders of earlier days in one message — the catch-up
    key and every collapsed reminder key claimed at once (committed), then send, mark."""
    user_id = tick.active.user_of[subscription_id]
    if user_id in tick.paused_users:
        return
    key = catch_up_key(subscription_id, tick.today)

    def claim_all() -> tuple[list[str], dict[str, str]]:
        with core.sessions.begin() as session:
            claimed = deliveries.claim_many(session, key, [r.key for r in stale], user_id=user_id,
                                            subscription_id=subscription_id, process=process,
                                            now=core.now())
            return claimed, _states(session, tick.views[subscription_id]) if claimed else {}

    claimed, states = await _in_thread(claim_all)
    if not claimed:
        report.skipped += 1
        return
    wanted = set(claimed)
    text = _render(key, catch_up_text, [r for r in stale if r.key in wanted], core.kb, tick.today,
                   states)
    if text is None:
        await _in_thread(_mark_failed, core, key, "render_error", None)
        report.failed += 1
        return
    outcome = await _deliver(core, bot, tick, key=key, user_id=user_id, text=text, attempts=1,
                             sleep=sleep)
    _count(report, outcome, "caught_up")


def _still_wanted(reminder: Reminder | None, tick: Tick, user_id: int) -> bool:
    """A retried reminder is sent only if its subscription is still active for the same user, the
    deadline not muted, and the unit has not reported the occurrence done meanwhile."""
    if reminder is None:
        return False
    view = tick.views.get(reminder.subscription_id)
    return (view is not None and not view.muted
            and tick.active.user_of.get(view.id) == user_id and user_id not in tick.paused_users
            and reminder.occurrence.deadline.id not in view.muted_items
            and (view.unit_id, reminder.occurrence.key) not in tick.done)


def _render_again(core: Core, tick: Tick, key: str, kind: str, user_id: int, collapsed: list[str],
                  states: dict[str, str]) -> tuple[str | None, str]:
    """(text, "") of a reclaimed message rendered again from its key (a catch-up: from the keys
    it collapsed), or (None, why): "cancelled" when no longer wanted, "render_error"."""
    tz = core.settings.tz
    if kind == "catch_up":
        reminders = [parse_reminder_key(k, core.kb, tz, core.working_days) for k in collapsed]
        wanted = [r for r in reminders if r is not None and _still_wanted(r, tick, user_id)]
        if not wanted:
            return None, "cancelled"
        text = _render(key, catch_up_text, wanted, core.kb, tick.today, states)
    else:
        reminder = parse_reminder_key(key, core.kb, tz, core.working_days)
        if not _still_wanted(reminder, tick, user_id):
            return None, "cancelled"
        text = _render(key, reminder_text, reminder, core.kb, tick.today)
    return (text, "") if text is not None else (None, "render_error")


async def _retry_one(core: Core, bot: Bot, tick: Tick, job: _Reclaimed, states: dict[str, str], *,
                     report: DeliveryReport, sleep: Sleep) -> None:
    """One reclaimed message: rendered again from its key, sent and marked — or marked failed
    ("cancelled", "render_error") without sending."""
    text, code = _render_again(core, tick, job.key, job.kind, job.user_id, job.collapsed, states)
    if text is None:
        await _in_thread(_mark_failed, core, job.key, code, None)
        if code == "cancelled":
            report.skipped += 1
        else:
            report.failed += 1
        return
    outcome = await _deliver(core, bot, tick, key=job.key, user_id=job.user_id, text=text,
                             attempts=job.attempts, sleep=sleep)
    _count(report, outcome, "caught_up" if job.kind == "catch_up" else "sent")


async def retry_reclaimed(core: Core, bot: Bot, tick: Tick, *, process: str, report: DeliveryReport,
                          stale_after: dt.timedelta = deliveries.DEFAULT_STALE_AFTER,
                          kinds: Collection[str] = KINDS, sleep: Sleep = asyncio.sleep,
                          concurrency: int = 1) -> None:
    """Step 5: take over failed messages due for another attempt and claims left by a dead
    process (`deliveries.reclaim`), render each again from its key, send, mark — `concurrency`
    at once. One that is no longer wanted is marked failed ("cancelled") instead."""
    def take() -> tuple[list[_Reclaimed], dict[int | None, dict[str, str]]]:
        with core.sessions.begin() as session:
            rows = deliveries.reclaim(session, process, core.now(), stale_after, RECLAIM_BATCH,
                                      kinds=kinds)
            jobs = [_Reclaimed(row.key, row.kind, row.user_id, row.subscription_id, row.attempts,
                               deliveries.batch_keys(session, row.key) if row.kind == "catch_up" else [])
                    for row in rows]
            return jobs, {job.subscription_id: _states(session, tick.views[job.subscription_id])
                          for job in jobs
                          if job.kind == "catch_up" and job.subscription_id in tick.views}

    while True:
        jobs, states = await _in_thread(take)
        await _run_concurrently(_in_turns([
            (job.user_id, partial(_retry_one, core, bot, tick, job,
                                  states.get(job.subscription_id, {}), report=report, sleep=sleep))
            for job in jobs]), concurrency)
        if len(jobs) < RECLAIM_BATCH:
            return


def _in_turns(jobs: list[tuple[int, SendJob]]) -> list[SendJob]:
    """The jobs reordered in turns — every user's first message, then every user's second… — so
    that two messages to one chat are far apart and do not hold the senders back (one message
    per second per chat). A user's messages still go one after the other, in their order."""
    by_user: dict[int, list[SendJob]] = {}
    for user_id, job in jobs:
        by_user.setdefault(user_id, []).append(job)
    for user_id, user_jobs in by_user.items():
        if len(user_jobs) > 1:
            lock = asyncio.Lock()  # fair: taken in the order the senders reach it
            by_user[user_id] = [partial(_holding, lock, job) for job in user_jobs]
    return [job for turn in itertools.zip_longest(*by_user.values()) for job in turn if job is not None]


async def _holding(lock: asyncio.Lock, job: SendJob) -> None:
    async with lock:
        await job()


async def _run_concurrently(jobs: Iterable[SendJob], concurrency: int) -> None:
    """Run the jobs in order, at most `concurrency` at a time. The first exception or a
    cancellation stops them all: a message claimed and not yet marked stays claimed and is taken
    over later by `retry_reclaimed`, as when the process dies."""
    pending = iter(jobs)

    async def sender() -> None:
        for job in pending:  # shared: each job is taken by one sender
            await job()

    senders = [asyncio.ensure_future(sender()) for _ in range(max(1, concurrency))]
    try:
        await asyncio.gather(*senders)
    finally:
        for task in senders:
            task.cancel()
        await asyncio.gather(*senders, return_exceptions=True)


async def deliver_due(core: Core, bot: Bot, *, process: str,
                      stale_after: dt.timedelta = deliveries.DEFAULT_STALE_AFTER,
                      sleep: Sleep = asyncio.sleep, concurrency: int | None = None) -> DeliveryReport:
    """One tick: send what is due now, once across processes and restarts (see the module
    docstring), and return what was done.

    `bot` sends the messages (the application's bot: its rate limiter, `bot.pace`, sets the pace);
    `concurrency` messages are in flight at once (default: the `DELIVERY_CONCURRENCY` setting), so
    the pace is the limiter's, not one message per round trip; `process` names this process in
    the delivery log; `sleep` waits out flood control (tests pass a fake). Loading, planning and
    every claim and mark run in worker threads so the event loop keeps serving updates meanwhile.
    """
    width = concurrency or core.settings.delivery_concurrency
    report = DeliveryReport()
    tick = await asyncio.to_thread(load_tick, core)
    user_of = tick.active.user_of
    sends: list[tuple[int, SendJob]] = [
        (user_of[reminder.subscription_id],
         partial(send_reminder, core, bot, tick, reminder, process=process, report=report, sleep=sleep))
        for reminder in tick.plan.now]
    sends += [(user_of[subscription_id],
               partial(send_catch_up, core, bot, tick, subscription_id, stale, process=process,
                       report=report, sleep=sleep))
              for subscription_id, stale in tick.plan.catch_up.items()]
    await _run_concurrently(_in_turns(sends), width)
    await retry_reclaimed(core, bot, tick, process=process, report=report, stale_after=stale_after,
                          sleep=sleep, concurrency=width)
    if report != DeliveryReport():
        logger.info("Reminders: %s sent, %s catch-ups, %s failed, %s users paused, %s skipped",
                    report.sent, report.caught_up, report.failed, report.paused, report.skipped)
    return report


def schedule_delivery(application: App, core: Core, *, interval: float = 60,
                      process: str | None = None) -> Job[Context] | None:
    """Run `deliver_due` every `interval` seconds on the application's JobQueue, as ONE job named
    "deliver_reminders" (calling this again returns the job already there).

    `process` defaults to "host:pid:random". A tick still running when the next is due makes
    APScheduler skip that one (one instance at a time). Returns None when the application has no
    JobQueue (PTB installed without the job-queue extra).

    Example::

        application = build_application(core)
        schedule_delivery(application, core)
        application.run_polling()
    """
    job_queue = application.job_queue
    if job_queue is None:
        logger.warning("No JobQueue: deadline reminders are not sent by this process")
        return None
    existing = job_queue.get_jobs_by_name(JOB_NAME)
    if existing:
        return existing[0]
    token = process or process_token()

    async def deliver_reminders(context: Context) -> None:
        """Job: send the reminders due now."""
        await deliver_due(core, context.bot, process=token)

    return job_queue.run_repeating(deliver_reminders, interval=interval, first=5, name=JOB_NAME,
                                   job_kwargs={"max_instances": 1, "coalesce": True})
