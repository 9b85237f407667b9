"""Each Telegram update is processed once, even when delivered twice."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.services import updates
from tests.bot.services.conftest import NOW


def test_an_update_is_claimed_once(session):
    assert updates.claim_update(session, 900_000_001, NOW) is True
    assert updates.claim_update(session, 900_000_001, NOW + dt.timedelta(seconds=5)) is False
    assert updates.claim_update(session, 900_000_002, NOW) is True


def test_a_claim_survives_the_transaction(factory):
    with factory.begin() as session:
        assert updates.claim_update(session, 7, NOW)
    with factory.begin() as session:
        assert not updates.claim_update(session, 7, NOW)


def test_a_rolled_back_claim_is_forgotten(factory):
    # The handler failed after claiming: Telegram's redelivery must still be processed.
    with pytest.raises(RuntimeError), factory.begin() as session:
        assert updates.claim_update(session, 8, NOW)
        raise RuntimeError("handler failed")
    with factory.begin() as session:
        assert updates.claim_update(session, 8, NOW)


def test_prune_forgets_old_updates_only(session):
    for offset, update_id in ((48, 1), (25, 2), (1, 3)):
        updates.claim_update(session, update_id, NOW - dt.timedelta(hours=offset))
    assert updates.prune_updates(session, NOW - dt.timedelta(hours=24)) == 2
    assert updates.claim_update(session, 1, NOW) is True
    assert updates.claim_update(session, 3, NOW) is False


def test_a_claim_on_a_bare_connection_is_the_same_claim(engine, factory):
    # The gate claims on `Core.transaction()`'s connection; sessions must see that claim.
    with engine.begin() as connection:
        assert updates.claim_update(connection, 9, NOW)
        assert not updates.claim_update(connection, 9, NOW)
    with factory.begin() as session:
        assert not updates.claim_update(session, 9, NOW)
