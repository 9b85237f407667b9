"""What every handler needs, built once per application: settings, knowledge, database, clock.

Handlers find it in `context.bot_data["core"]`; tests build it with their own clock and
database, so no handler reads the environment or the wall clock itself.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import Connection
from sqlalchemy.orm import Session, sessionmaker
from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot, JobQueue

from bot.flood import FloodLimiter
from bot.services import units, users
from bot.services.contacts import CurrentUnit
from bot.settings import Settings
from knowledge.answers import Assistant
from knowledge.loader import KnowledgeBase
from knowledge.units import ResolvedUnit
from scheduler.items import Item, signed_dates, unit_items
from scheduler.workdays import WorkingDays

__all__ = [
    "CONTEXT_TYPES",
    "App",
    "Context",
    "Core",
    "DbConnection",
    "DbSession",
    "UserState",
    "get_core",
    "utc_now",
    "working_days",
]


logger = logging.getLogger(__name__)

# What `Core.run_db` and `Core.run_statements` hand to the function they run: handlers name the
# types from here (they import no SQLAlchemy) and pass them on to the services.
DbSession = Session
DbConnection = Connection

_T = TypeVar("_T")
_P = ParamSpec("_P")


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class Core:
    settings: Settings
    assistant: Assistant
    sessions: sessionmaker[Session]
    now: Callable[[], dt.datetime] = utc_now  # aware, UTC
    flood: FloodLimiter = field(default_factory=lambda: FloodLimiter(20))
    # When this process last recorded each user as seen (epoch seconds): saves a write per update.
    touched: dict[int, float] = field(default_factory=dict)
    _working_days: tuple[tuple, WorkingDays] | None = field(default=None, repr=False)
    _db_threads: ThreadPoolExecutor | None = field(default=None, init=False, repr=False)
    _unit_items: dict[tuple, list[Item]] = field(default_factory=dict, init=False, repr=False)
    _resolved: dict[tuple, ResolvedUnit] = field(default_factory=dict, init=False, repr=False)

    async def run_db(self, fn: Callable[Concatenate[Session, _P], _T], *args: _P.args,
                     **kwargs: _P.kwargs) -> _T:
        """`fn(session, *args, **kwargs)` in one transaction, on a database thread, awaited.

        The one way handlers reach the database: the event loop goes on with other updates (and
        the webhook server, and the jobs) while the statements run. Committed when `fn` returns,
        rolled back when it raises; its exception is raised here. `fn` must not touch Telegram.
        """
        def in_transaction() -> _T:
            with self.sessions.begin() as session:
                return fn(session, *args, **kwargs)

        return await self._off_loop(in_transaction)

    async def run_statements(self, fn: Callable[Concatenate[Connection, _P], _T], *args: _P.args,
                             **kwargs: _P.kwargs) -> _T:
        """`run_db` on a bare connection (`transaction`), for the statements of every update."""
        def in_transaction() -> _T:
            with self.transaction() as connection:
                return fn(connection, *args, **kwargs)

        return await self._off_loop(in_transaction)

    async def _off_loop(self, work: Callable[[], _T]) -> _T:
        if self._db_threads is None:
            self._db_threads = ThreadPoolExecutor(self.db_threads(), thread_name_prefix="db")
        return await asyncio.get_running_loop().run_in_executor(self._db_threads, work)

    def db_threads(self) -> int:
        """Threads for database work: as many as the engine's pool has connections.

        SQLite gets one. Every transaction there begins with `BEGIN IMMEDIATE` (one writer at a
        time), so a second thread would only wait for the lock in SQLite's busy handler, which
        sleeps in steps of milliseconds; an in-memory database is even a single shared connection.
        """
        engine = self.sessions.kw["bind"]
        if engine.dialect.name == "sqlite":
            return 1
        size = getattr(engine.pool, "size", None)
        return max(1, size()) if callable(size) else 4

    def transaction(self) -> AbstractContextManager[Connection]:
        """A transaction on a bare connection, for the statements that run on every update.

        Committed on leaving the block, rolled back on an exception, like `sessions.begin()`,
        without the ORM session's own work (a third of the cost of those short transactions).
        """
        return self.sessions.kw["bind"].begin()

    @property
    def kb(self) -> KnowledgeBase:
        return self.assistant.kb

    def today(self) -> dt.date:
        """Today in the deployment's time zone (deadlines are local dates)."""
        return self.now().astimezone(self.settings.tz).date()

    def local(self, moment: dt.datetime) -> dt.datetime:
        if moment.tzinfo is None:  # SQLite returns naive datetimes; they were stored as UTC
            moment = moment.replace(tzinfo=dt.UTC)
        return moment.astimezone(self.settings.tz)

    @cached_property
    def plan_unit_ids(self) -> dict[str, set[str]]:
        """The registry units each plan names (offered as buttons at sign-up; members of the groups
        it names — every "Sở …" — are typed instead, see `units.plan_kb_ids` for those too)."""
        out: dict[str, set[str]] = {plan: set() for plan in self.kb.plans}
        existing = {plan: self.kb.units_for(plan) for plan in out}
        for entry in self.kb.entries:
            if entry.plan in out:
                out[entry.plan].update(u for u in entry.units if u in existing[entry.plan])
        return out

    @cached_property
    def signed(self) -> dict[str, dt.date | None]:
        return signed_dates(self.kb)

    @property
    def working_days(self) -> WorkingDays:
        """The days reminders and the digest go out on (see `working_days`)."""
        settings = self.settings
        key = (id(self.kb), settings.working_days_only, settings.extra_days_off)
        if self._working_days is None or self._working_days[0] != key:
            self._working_days = (key, working_days(self.kb, settings))
        return self._working_days[1]

    def unit_items(self, plan: str, unit: ResolvedUnit) -> list[Item]:
        """`scheduler.items.unit_items` today, kept per unit and day (do not modify the list).

        Pure, but a few milliseconds for a unit with many duties, and every /baocao needs it —
        a unit's contacts report on the same items all day.
        """
        today = self.today()
        key = (id(self.kb), plan, unit, today)
        found = self._unit_items.get(key)
        if found is None:
            if len(self._unit_items) >= 10_000:  # a new day, or very many units: start afresh
                self._unit_items.clear()
            found = self._unit_items[key] = unit_items(self.kb, plan, unit, today, self.signed)
        return found

    def resolved(self, unit: CurrentUnit) -> ResolvedUnit:
        """`units.as_resolved` in the unit's plan's words, kept per unit as named (pure; classifying
        a name the registry does not know is a fuzzy search)."""
        key = (id(self.kb), unit.plan, unit.name, unit.kb_id, unit.group_id)
        found = self._resolved.get(key)
        if found is None:
            if len(self._resolved) >= 10_000:
                self._resolved.clear()
            found = self._resolved[key] = units.as_resolved(unit, self.kb.registry,
                                                             self.kb.wording(unit.plan))
        return found

    def needs_touch(self, user_id: int, interval: float = 300.0) -> bool:
        """True when the user's row should be refreshed (first sight, or `interval` s later)."""
        now = self.now().timestamp()
        last = self.touched.get(user_id)
        if last is not None and now - last < interval:
            return False
        if len(self.touched) > 100_000:
            self.touched.clear()
        self.touched[user_id] = now
        return True

    def user_blocked(self, session: Session, user_id: int) -> int:
        """The user blocked the bot: `users.blocked_bot` in the caller's transaction, and their next
        update is recorded as seen again (which makes them active). The one handling of it, for
        replies, announcements, reminders, the digest and membership changes alike."""
        logger.info("User %s blocked the bot; marked inactive, reminders paused", user_id)
        self.touched.pop(user_id, None)
        return users.blocked_bot(session, user_id, self.now())

    def is_admin_id(self, user_id: int) -> bool:
        return user_id in self.settings.admin_ids


@dataclass(frozen=True, slots=True)
class UserState:
    """The user's plan, chat step and role as they were when their update arrived."""

    plan: str | None = None
    step: str | None = None
    role: str = "user"
    unit: CurrentUnit | None = None  # of their approved contact, else of their pending request


class Context(CallbackContext[ExtBot[Any], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """What every handler and job is given: PTB's context plus the state of this update's user.

    PTB makes one per update and hands the same object to every handler group, so the state the
    admission gate loads (group -2) is what the features read (group 0).
    """

    def __init__(self, application: Application[Any, Any, Any, Any, Any, Any],
                 chat_id: int | None = None, user_id: int | None = None) -> None:
        super().__init__(application, chat_id, user_id)
        # Empty for a user the gate has not seen (a bot, an update without a user, a job).
        self.user_state = UserState()


# Registered once, where the application is built (`ApplicationBuilder().context_types(...)`).
CONTEXT_TYPES = ContextTypes(context=Context)
# The application as built with them (jobs are given the same context).
App = Application[ExtBot[Any], Context, dict[Any, Any], dict[Any, Any], dict[Any, Any],
                  JobQueue[Context]]


def get_core(context: CallbackContext[Any, Any, Any, Any]) -> Core:
    core: Core = context.application.bot_data["core"]
    return core


def working_days(kb: KnowledgeBase, settings: Settings) -> WorkingDays:
    """Working days as deployed: the KB's public holidays and `EXTRA_DAYS_OFF` are days off,
    with weekends; `WORKING_DAYS_ONLY=0` turns the rule off (every day is a working day)."""
    return WorkingDays.of(kb.days_off() | settings.extra_days_off, enabled=settings.working_days_only)
