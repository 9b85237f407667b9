"""What every handler needs, built once per application: settings, knowledge, database, clock.

Handlers find it in `context.bot_data["core"]`; tests build it with their own clock and
database, so no handler reads the environment or the wall clock itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from functools import cached_property

from sqlalchemy import Connection
from sqlalchemy.orm import Session, sessionmaker
from telegram.ext import ContextTypes

from bot.flood import FloodLimiter
from bot.settings import Settings
from knowledge.answers import Assistant
from knowledge.loader import KnowledgeBase
from scheduler.items import signed_dates
from scheduler.workdays import WorkingDays

__all__ = ["Core", "get_core", "utc_now", "working_days"]


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

    def is_admin_id(self, user_id: int) -> bool:
        return user_id in self.settings.admin_ids


def get_core(context: ContextTypes.DEFAULT_TYPE) -> Core:
    return context.application.bot_data["core"]


def working_days(kb: KnowledgeBase, settings: Settings) -> WorkingDays:
    """Working days as deployed: the KB's public holidays and `EXTRA_DAYS_OFF` are days off,
    with weekends; `WORKING_DAYS_ONLY=0` turns the rule off (every day is a working day)."""
    return WorkingDays.of(kb.days_off() | settings.extra_days_off, enabled=settings.working_days_only)
