"""Fixtures for end-to-end tests: one emulator per test session, a fresh bot token per test.

Each test gets its own token, so the emulator keeps its updates and messages apart from other
tests' even though they share one node process.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator

import pytest

from tests.e2e.emulator import Emulator, EmulatorClient, start_emulator

# Long enough that nothing is purged during a test run (it is purged even when unread).
STORE_TIMEOUT_SECONDS = 600


@pytest.fixture(scope="session")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    with start_emulator(tmp_path_factory.mktemp("emulator"), store_timeout=STORE_TIMEOUT_SECONDS) as running:
        yield running


@pytest.fixture
def bot_token(emulator: Emulator) -> str:
    """A token of the form Telegram uses, unique to this test."""
    emulator.check_alive()
    return f"{uuid.uuid4().int % 10**10}:{uuid.uuid4().hex}"


@pytest.fixture
async def client(emulator: Emulator, bot_token: str) -> AsyncIterator[EmulatorClient]:
    async with EmulatorClient(emulator, bot_token) as users:
        yield users
