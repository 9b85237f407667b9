"""kill -9 during delivery, again and again: a real process (`delivery_worker`) sends reminders
through the bot's rate limiter to a Bot API peer over HTTP with 100 ms of latency, and is killed
with SIGKILL a few messages into each run, then started again, until it finishes.

What holds, on SQLite and PostgreSQL: no reminder is lost, and the only repeats are messages
that had reached the peer but were not yet recorded as sent when the process died — at most one
per sender in flight, so at most one per kill with `DELIVERY_CONCURRENCY=1` and at most 8 per kill
with the default 8 senders.
"""

from __future__ import annotations

import random
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from bench.peer import BotApiPeer
from bot.db.engine import make_engine
from bot.db.models import Delivery
from tests.bot.jobs.test_delivery import Clock, add_contact, make_core

ROOT = Path(__file__).resolve().parents[3]
USERS = list(range(2001, 2061))
KILLS = 5
DEADLINE = 300.0  # seconds for the whole test before it is failed as stuck


def _subscribe(url: str, assistant) -> None:
    core = make_core(url, Clock(), assistant)
    for user_id in USERS:
        add_contact(core, user_id, f"Sở Thử Nghiệm {user_id}")
    core.sessions.kw["bind"].dispose()


def _run_until_done(url: str, peer: BotApiPeer, concurrency: int, log: Path) -> int:
    """Start the worker, kill it a few messages in, KILLS times; then let it finish. The kills."""
    rng = random.Random(16)
    epoch, kills, started = time.time(), 0, time.monotonic()
    while True:
        target = len(peer.messages()) + rng.randint(2, 6) if kills < KILLS else None
        with log.open("a") as errors:
            worker = subprocess.Popen(
                [sys.executable, "-m", "tests.bot.jobs.delivery_worker", url, peer.base_url,
                 repr(epoch), str(concurrency)], cwd=ROOT, stdout=errors, stderr=errors)
            while worker.poll() is None:
                assert time.monotonic() - started < DEADLINE, log.read_text()[-3000:]
                if target is not None and len(peer.messages()) >= target:
                    worker.kill()  # SIGKILL: no cleanup, no last mark
                    worker.wait()
                    kills += 1
                    break
                time.sleep(0.002)
            else:
                assert worker.returncode == 0, log.read_text()[-3000:]
                return kills


def _states(url: str) -> Counter[str]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return Counter(connection.scalars(select(Delivery.state)))
    finally:
        engine.dispose()


@pytest.mark.parametrize("concurrency", [1, 8])
def test_killed_again_and_again_mid_delivery_nothing_is_lost_and_repeats_are_the_messages_in_flight(
        database_url, assistant, concurrency, tmp_path):
    _subscribe(database_url, assistant)
    with BotApiPeer(latency=0.1) as peer:
        kills = _run_until_done(database_url, peer, concurrency, tmp_path / "worker.log")
        received = Counter(message.chat_id for message in peer.messages())
    assert kills >= KILLS
    assert set(received) == set(USERS)  # nothing lost
    repeats = sum(received.values()) - len(USERS)
    assert repeats <= concurrency * kills  # one-at-a-time: at most one repeat per kill
    assert max(received.values()) <= 1 + kills
    assert _states(database_url) == Counter(sent=len(USERS))
