"""The pace of the bot's requests to Telegram: smooth, at most 30 messages in any second, one per
second per chat, and a pause of everything when Telegram asks for one (`RetryAfter`).

Why not PTB's `AIORateLimiter`: its leaky bucket starts full, so it lets 59 messages through in
the first second, over Telegram's ~30/s. This limiter never bursts:

- **Overall**: requests that concern a chat are released one every 1/29 s (one message of
  margin under Telegram's 30 for the network's jitter), and never more than 30 in any
  1-second window of release times (checked on the real times, so a late event loop cannot
  bunch them up).
- **Per chat**: a request that creates a message (``send*``, ``copyMessage``,
  ``forwardMessage``…) waits until one second after the previous one released to that chat.
  Edits, deletions and callback answers do not wait for the chat.
- **RetryAfter**: every request waits until the pause Telegram asked for is over; the request
  that got it is tried again after the pause (up to `max_retries` times, never for a pause longer
  than `max_wait`, which is raised to the caller instead).

The limits are per process: the process that runs the scheduled jobs (`RUN_JOBS`, see
`bot.settings`) is the one that sends in bulk. Requests without a chat (``getMe``,
``setMyCommands``…) only wait out a pause; ``getUpdates`` never reaches a rate limiter.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import math
import time
import warnings
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from contextlib import contextmanager
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

__all__ = ["PacedRateLimiter", "creates_message", "retry_after_seconds"]

logger = logging.getLogger(__name__)

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[object]]
Result = bool | dict[str, Any] | list[dict[str, Any]]

# Added to the window and the chat interval: float sums must not land a hair inside them.
_MARGIN = 1e-6

# Methods that put a new message in a chat (Telegram's "one message per second per chat").
_MESSAGE_METHODS = frozenset({"copyMessage", "copyMessages", "forwardMessage", "forwardMessages"})


def creates_message(endpoint: str) -> bool:
    """True for the Bot API methods that post a new message into a chat."""
    return (endpoint.startswith("send") and endpoint != "sendChatAction") or endpoint in _MESSAGE_METHODS


def retry_after_seconds(exc: RetryAfter) -> float:
    """The pause Telegram asked for, in seconds (PTB 22 gives an int or a timedelta, by PTB_TIMEDELTA)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


class PacedRateLimiter(BaseRateLimiter[int]):
    """PTB rate limiter: smooth overall pace, one message per second per chat, RetryAfter pauses.

    `rate` is the steady pace (messages per second); `limit` per `window` seconds is the hard cap
    on release times; `chat_interval` the wait between two messages to one chat. `clock` and
    `sleep` are replaced by tests (a fake clock). ``rate_limit_args`` of a call, when given, is its
    number of retries after a RetryAfter.

    Example::

        ApplicationBuilder().token(token).rate_limiter(PacedRateLimiter()).build()
    """

    def __init__(self, *, rate: float = 29.0, limit: int = 30, window: float = 1.0,
                 chat_interval: float = 1.0, max_retries: int = 3, max_wait: float = 60.0,
                 clock: Clock = time.monotonic, sleep: Sleep = asyncio.sleep) -> None:
        if rate <= 0 or limit < 1 or window <= 0 or chat_interval < 0:
            raise ValueError("rate, limit and window must be positive; chat_interval not negative")
        self.interval = 1.0 / rate
        self.limit = limit
        self.window = window + _MARGIN
        self.chat_interval = chat_interval + _MARGIN if chat_interval > 0 else 0.0
        self.max_retries = max_retries
        self.max_wait = max_wait
        self._clock = clock
        self._sleep = sleep
        self._next_slot = -math.inf  # the earliest release time not yet promised to a request
        self._paused_until = -math.inf
        self._released: deque[float] = deque(maxlen=limit)  # the last `limit` release times
        self._chat_last: dict[int | str, float] = {}
        self._chat_locks: dict[int | str, tuple[asyncio.Lock, int]] = {}

    async def initialize(self) -> None:
        """Nothing to open: the state lives in this object."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    def pause(self, seconds: float) -> None:
        """Hold every request back for `seconds` from now (Telegram's flood control)."""
        self._paused_until = max(self._paused_until, self._clock() + seconds)

    async def _wait_until(self, moment: float) -> None:
        delay = moment - self._clock()
        if delay > 0:
            await self._sleep(delay)

    async def _release(self) -> None:
        """Wait for this request's turn in the overall pace and record its release time."""
        while True:
            now = self._clock()
            slot = max(now, self._next_slot, self._paused_until)
            if len(self._released) == self.limit:
                slot = max(slot, self._released[0] + self.window)
            self._next_slot = slot + self.interval
            await self._wait_until(slot)
            now = self._clock()
            # Checked again on the real time: a pause may have begun while this request slept,
            # or the loop woke it late next to others.
            full = len(self._released) == self.limit and now < self._released[0] + self.window
            if now >= self._paused_until and not full:
                self._released.append(now)
                return

    @contextmanager
    def _chat_turn(self, chat: int | str) -> Iterator[asyncio.Lock]:
        """The chat's lock (kept only while a request for the chat holds or awaits it)."""
        lock, users = self._chat_locks.get(chat, (asyncio.Lock(), 0))
        self._chat_locks[chat] = (lock, users + 1)
        try:
            yield lock
        finally:
            lock, users = self._chat_locks[chat]
            if users == 1:
                del self._chat_locks[chat]
            else:
                self._chat_locks[chat] = (lock, users - 1)

    async def _release_to_chat(self, chat: int | str) -> None:
        with self._chat_turn(chat) as lock:
            async with lock:
                await self._wait_until(self._chat_last.get(chat, -math.inf) + self.chat_interval)
                await self._release()
                now = self._clock()
                self._chat_last[chat] = now
        if len(self._chat_last) > 10_000:  # forget chats whose second has passed
            for old in [c for c, t in self._chat_last.items() if t <= now - self.chat_interval]:
                del self._chat_last[old]

    async def _acquire(self, endpoint: str, data: dict[str, Any]) -> None:
        chat = data.get("chat_id")
        if chat is None:
            await self._wait_until(self._paused_until)
        elif creates_message(endpoint) and self.chat_interval:
            await self._release_to_chat(chat)
        else:
            await self._release()

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Result:
        """Send when the pace allows; after a RetryAfter pause everything, then try again."""
        retries = self.max_retries if rate_limit_args is None else rate_limit_args
        attempt = 0
        while True:
            await self._acquire(endpoint, data)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                seconds = retry_after_seconds(exc)
                self.pause(seconds)
                if attempt >= retries or seconds > self.max_wait:
                    raise
                attempt += 1
                logger.info("Flood control: every request paused for %.1f s (%s)", seconds, endpoint)
