"""Updates of different chats handled at the same time, each chat's in the order they came.

With its database work on threads (`Core.run_db`), a handler spends most of an update waiting;
PTB's default processes one update at a time, so that wait would be everyone's. Its plain
concurrent processor would also run two updates of the same chat at once — a typed note racing
the button pressed just before it, two taps on «Xác nhận» — which the conversation steps are not
written for. This processor keeps each chat (else each user) in order and lets different chats
overlap, up to a bound.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

__all__ = ["CONCURRENT_UPDATES", "ChatOrderedProcessor"]

# Updates in progress at once in one process. Enough to keep the database threads busy (the
# PostgreSQL pool has 5 connections) while others are answered from the knowledge base.
CONCURRENT_UPDATES = 16


@dataclass
class _Chat:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    waiting: int = 0  # updates of this chat holding or waiting for the lock


class ChatOrderedProcessor(BaseUpdateProcessor):
    """Up to `max_concurrent_updates` at once; one at a time per chat, first come first served.

    The application starts updates in arrival order and both the bound (a semaphore) and the
    chat's lock serve waiters in order, so a chat's updates are handled in the order received.
    """

    def __init__(self, max_concurrent_updates: int = CONCURRENT_UPDATES) -> None:
        super().__init__(max_concurrent_updates)
        self._chats: dict[int, _Chat] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = _chat_key(update)
        if key is None:
            await coroutine
            return
        chat = self._chats.setdefault(key, _Chat())
        chat.waiting += 1
        try:
            async with chat.lock:
                await coroutine
        finally:
            chat.waiting -= 1
            if chat.waiting == 0:
                del self._chats[key]

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None


def _chat_key(update: object) -> int | None:
    """The chat an update belongs to (a private chat's id is its user's), else its user."""
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    return update.effective_user.id if update.effective_user is not None else None
