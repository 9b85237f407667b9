"""The full Application on the in-process transport, a temporary database (SQLite, then PostgreSQL)
and a fixed clock."""

from __future__ import annotations

import datetime as dt
import threading
import traceback
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import event, select

from bot.db.models import AuditEntry, QuestionLog
from bot.settings import Settings
from bot.telegram.app import build_application
from bot.telegram.serve import open_core
from bot.telegram.transport import LOCAL_TOKEN, ApiCall, LocalBotApi, LocalUser
from knowledge.loader import DEFAULT_ROOT

# 09:00 in Hà Nội on the suite's "today" (2026-11-23).
NOW = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)
ADMIN = LocalUser(900001, "Quản trị", "quantri")
ALICE = LocalUser(100001, "Lan", "lan_so_y_te")
BOB = LocalUser(100002, "Bình")


@dataclass
class Clock:
    now: dt.datetime = NOW

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@dataclass
class Chat:
    """Drive the bot as users do and read what it sent back."""

    application: Any
    api: LocalBotApi
    core: Any
    clock: Clock
    answers: list[ApiCall] = field(default_factory=list)
    # Where a transaction began on the event loop's thread while an update was handled: handlers
    # must reach the database through `Core.run_db`, on its threads (checked after every test).
    on_loop: list[str] = field(default_factory=list)
    handling: bool = False

    def watch_transactions(self) -> None:
        loop_thread = threading.get_ident()

        def begun(_connection: Any) -> None:
            if self.handling and threading.get_ident() == loop_thread:
                self.on_loop.append("".join(traceback.format_stack(limit=20)))

        event.listen(self.core.sessions.kw["bind"], "begin", begun)

    async def feed(self, data: dict[str, Any], user: LocalUser) -> list[ApiCall]:
        mark = len(self.api.calls)
        self.handling = True
        try:
            await self.application.process_update(self.api.to_update(data, self.application.bot))
        finally:
            self.handling = False
        self.answers = self.api.called("answerCallbackQuery", since=mark)
        return self.api.sent(user.id, since=mark)

    async def send(self, user: LocalUser, text: str) -> list[ApiCall]:
        return await self.feed(self.api.text_update(user, text), user)

    async def press(self, user: LocalUser, data: str, message_id: int | None = None) -> list[ApiCall]:
        return await self.feed(self.api.callback_update(user, data, message_id), user)

    async def post(self, user: LocalUser, **message: Any) -> list[ApiCall]:
        return await self.feed(self.api.message_update(user, **message), user)

    def rows(self, model: type) -> list[Any]:
        with self.core.sessions.begin() as session:
            return list(session.scalars(select(model)))

    def audit(self, action: str) -> list[AuditEntry]:
        return [a for a in self.rows(AuditEntry) if a.action == action]

    def questions(self) -> list[QuestionLog]:
        return self.rows(QuestionLog)


def button(calls: list[ApiCall], label_part: str) -> str:
    """The callback data of the first button whose label contains `label_part`."""
    for call in calls:
        for label, data in call.buttons:
            if label_part in label:
                return data
    raise AssertionError(f"no button {label_part!r} in {[c.buttons for c in calls]}")


def text_of(calls: list[ApiCall]) -> str:
    return "\n".join(c.text for c in calls)


@pytest.fixture
async def chat(database_url, assistant):
    """Every handler test runs once on SQLite and once on PostgreSQL (`database_url`)."""
    clock = Clock()
    settings = Settings(database_url=database_url, admin_ids=frozenset({ADMIN.id}))
    core = open_core(settings, DEFAULT_ROOT, now=clock, assistant=assistant)
    api = LocalBotApi()
    application = build_application(core, request=api, token=LOCAL_TOKEN, rate_limit=False, updater=False)
    try:
        async with application:
            chat = Chat(application, api, core, clock)
            chat.watch_transactions()
            yield chat
    finally:
        core.sessions.kw["bind"].dispose()  # before the schema is dropped: no session left open
    assert not chat.on_loop, "a transaction began on the event loop:\n" + chat.on_loop[0]
