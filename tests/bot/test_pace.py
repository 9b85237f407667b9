"""The smooth rate limiter on a virtual clock: no 1-second window over 30, no burst at the start,
close to 30 messages a second, one message per second per chat, and flood control pausing
everything."""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import Coroutine
from typing import Any

import pytest
from telegram.error import RetryAfter

from bench.peer import most_in_one_second
from bot.pace import PacedRateLimiter, creates_message

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


class VirtualTime:
    """A clock that jumps to the next sleeper's wake-up once every task is waiting."""

    def __init__(self) -> None:
        self.now = 0.0
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.now + max(seconds, 0.0), next(self._order), future))
        await future

    async def run(self, coroutines: list[Coroutine[Any, Any, Any]]) -> list[Any]:
        tasks = [asyncio.ensure_future(c) for c in coroutines]
        while not all(task.done() for task in tasks):
            for _ in range(30):  # let every runnable task reach its next sleep
                await asyncio.sleep(0)
            if self._sleepers:
                moment, _order, future = heapq.heappop(self._sleepers)
                self.now = max(self.now, moment)
                future.set_result(None)
            elif not all(task.done() for task in tasks):
                raise AssertionError("tasks are stuck without a sleeper")
        return await asyncio.gather(*tasks, return_exceptions=True)


class Telegram:
    """The callback the limiter calls: records (time, endpoint, chat) and may answer flood control."""

    def __init__(self, time: VirtualTime, flood_at: dict[int, float] | None = None) -> None:
        self.time = time
        self.calls: list[tuple[float, str, Any]] = []
        self.flood_at = dict(flood_at or {})  # call number → retry_after seconds

    def request(self, limiter: PacedRateLimiter, endpoint: str, chat: Any = None,
                retries: int | None = None) -> Coroutine[Any, Any, Any]:
        data = {} if chat is None else {"chat_id": chat}

        async def callback() -> bool:
            number = len(self.calls)
            self.calls.append((self.time.now, endpoint, chat))
            if number in self.flood_at:
                raise RetryAfter(int(self.flood_at.pop(number)))
            return True

        return limiter.process_request(callback, (), {}, endpoint, data, retries)

    def times(self, endpoint: str | None = None) -> list[float]:
        return [t for t, e, _c in self.calls if endpoint is None or e == endpoint]


def limiter(time: VirtualTime, **options: Any) -> PacedRateLimiter:
    return PacedRateLimiter(clock=time.clock, sleep=time.sleep, **options)


async def test_a_thousand_messages_at_once_never_exceed_30_in_any_second_and_keep_close_to_it():
    time = VirtualTime()
    pace = limiter(time)
    telegram = Telegram(time)
    results = await time.run([telegram.request(pace, "sendMessage", 1000 + i) for i in range(1000)])
    assert results == [True] * 1000
    times = telegram.times()
    assert most_in_one_second(times) <= 30
    assert len([t for t in times if t < 1.0]) <= 30  # no burst at the start
    assert len(times) / (max(times) - min(times) + 1 / 29) >= 28.9  # the steady pace: 29 a second


async def test_one_chat_gets_at_most_one_message_a_second_while_others_keep_the_pace():
    time = VirtualTime()
    pace = limiter(time)
    telegram = Telegram(time)
    same_chat = [telegram.request(pace, "sendMessage", 7) for _ in range(5)]
    others = [telegram.request(pace, "sendMessage", 100 + i) for i in range(60)]
    await time.run(same_chat + others)
    to_seven = [t for t, _e, chat in telegram.calls if chat == 7]
    assert len(to_seven) == 5
    assert all(b - a >= 1.0 for a, b in itertools.pairwise(to_seven))
    assert max(t for t, _e, chat in telegram.calls if chat != 7) < 60 / 29 + 0.1  # not held back
    assert most_in_one_second(telegram.times()) <= 30


async def test_edits_and_callback_answers_do_not_wait_for_the_chat():
    time = VirtualTime()
    pace = limiter(time)
    telegram = Telegram(time)
    await time.run([telegram.request(pace, "sendMessage", 7),
                    telegram.request(pace, "editMessageText", 7),
                    telegram.request(pace, "answerCallbackQuery"),
                    telegram.request(pace, "sendChatAction", 7)])
    assert max(telegram.times()) < 0.2


def test_only_methods_that_post_a_message_count_for_the_chat():
    assert all(creates_message(m) for m in ("sendMessage", "sendDocument", "sendPhoto", "copyMessage",
                                            "forwardMessage"))
    assert not any(creates_message(m) for m in ("sendChatAction", "editMessageText", "deleteMessage",
                                                "answerCallbackQuery", "getMe"))


async def test_retry_after_pauses_every_request_then_the_refused_one_is_sent_again():
    time = VirtualTime()
    pace = limiter(time)
    telegram = Telegram(time, flood_at={10: 5})
    results = await time.run([telegram.request(pace, "sendMessage", 200 + i) for i in range(40)]
                             + [telegram.request(pace, "getMe")])
    assert results == [True] * 41
    refused_at, _endpoint, refused_chat = telegram.calls[10]
    later = telegram.calls[11:]
    assert later and all(t >= refused_at + 5 for t, _e, _c in later)  # everything waited the pause
    assert [c for _t, _e, c in telegram.calls].count(refused_chat) == 2  # sent again, once
    assert len(telegram.calls) == 42
    assert most_in_one_second(telegram.times()) <= 30


async def test_a_pause_longer_than_max_wait_is_raised_to_the_caller():
    time = VirtualTime()
    pace = limiter(time, max_wait=60)
    telegram = Telegram(time, flood_at={0: 90})
    (result,) = await time.run([telegram.request(pace, "sendMessage", 1)])
    assert isinstance(result, RetryAfter)
    assert len(telegram.calls) == 1
    (after,) = await time.run([telegram.request(pace, "sendMessage", 2)])
    assert after is True and telegram.calls[1][0] >= 90  # the pause still holds for the next one


async def test_retries_stop_after_max_retries():
    time = VirtualTime()
    pace = limiter(time, max_retries=2)
    telegram = Telegram(time, flood_at={0: 1, 1: 1, 2: 1})
    (result,) = await time.run([telegram.request(pace, "sendMessage", 1)])
    assert isinstance(result, RetryAfter) and len(telegram.calls) == 3
    telegram.flood_at = {3: 1}
    (result,) = await time.run([telegram.request(pace, "sendMessage", 1, retries=0)])
    assert isinstance(result, RetryAfter) and len(telegram.calls) == 4  # rate_limit_args: no retry


async def test_a_loop_waking_late_cannot_bunch_releases_over_the_cap():
    time = VirtualTime()
    pace = limiter(time, rate=1000)  # spacing alone would allow 1000 a second
    telegram = Telegram(time)
    await time.run([telegram.request(pace, "sendMessage", 300 + i) for i in range(100)])
    assert most_in_one_second(telegram.times()) == 30


def test_bad_parameters_are_refused():
    with pytest.raises(ValueError):
        PacedRateLimiter(rate=0)
    with pytest.raises(ValueError):
        PacedRateLimiter(limit=0)
