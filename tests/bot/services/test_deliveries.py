"""The delivery log: a key is claimed once, catch-ups claim their reminders atomically, failed and
stale rows are taken over once, and the counts."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import select

from bot.db.engine import make_engine, make_session_factory
from bot.db.models import Delivery
from bot.services import deliveries
from bot.services.deliveries import DeliveryError
from tests.bot.services.conftest import NOW

LATER = NOW + dt.timedelta(minutes=1)


def _claim(session, key: str, process: str = "p1", now: dt.datetime = NOW, kind: str = "reminder") -> bool:
    return deliveries.claim(session, key, user_id=7, kind=kind, subscription_id=3, process=process, now=now)


def _row(session, key: str) -> Delivery:
    found = session.scalars(select(Delivery).where(Delivery.key == key)
                            .execution_options(populate_existing=True)).one()
    return found


def test_a_key_is_claimed_once(session):
    assert _claim(session, "3:ls-dl-gui-ke-hoach:7")
    assert not _claim(session, "3:ls-dl-gui-ke-hoach:7", process="p2")
    row = _row(session, "3:ls-dl-gui-ke-hoach:7")
    assert (row.state, row.claimed_by, row.attempts, row.user_id, row.subscription_id, row.kind) == (
        "claimed", "p1", 1, 7, 3, "reminder")


def test_claim_checks_its_arguments(session):
    for key, kind, process, reason in (("", "reminder", "p", "bad_key"),
                                       ("k" * 201, "reminder", "p", "bad_key"),
                                       ("k", "sms", "p", "bad_kind"), ("k", "reminder", "", "bad_process")):
        with pytest.raises(DeliveryError) as err:
            deliveries.claim(session, key, user_id=1, kind=kind, subscription_id=None, process=process,
                             now=NOW)
        assert err.value.reason == reason


def test_two_threads_claiming_one_key_on_one_database_one_wins(engine):
    factories = [make_session_factory(make_engine(str(engine.url))) for _ in range(2)]
    barrier = threading.Barrier(2)
    results: list[bool] = []
    errors: list[BaseException] = []

    def run(factory, name):
        barrier.wait()
        try:
            with factory.begin() as session:
                results.append(_claim(session, "digest:7:2026-W48", process=name, kind="digest"))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(f, f"p{i}")) for i, f in enumerate(factories)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for factory in factories:
        factory.kw["bind"].dispose()
    assert errors == [] and sorted(results) == [False, True]


def test_mark_sent_and_failed(session):
    _claim(session, "a")
    assert deliveries.mark_sent(session, "a", LATER)
    row = _row(session, "a")
    assert (row.state, row.sent_at, row.last_error) == ("sent", LATER, None)
    _claim(session, "b")
    retry = LATER + dt.timedelta(minutes=2)
    assert deliveries.mark_failed(session, "b", "TimedOut", LATER, retry)
    row = _row(session, "b")
    assert (row.state, row.next_attempt_at, row.last_error) == ("failed", retry, "TimedOut")
    assert not deliveries.mark_sent(session, "nothing", LATER)
    deliveries.mark_failed(session, "b", "x" * 100, LATER, None)
    assert len(_row(session, "b").last_error) == 64


def test_claim_many_claims_the_catch_up_and_its_reminders_together(session):
    _claim(session, "3:d:7", process="other")  # sent individually by another process meanwhile
    claimed = deliveries.claim_many(session, "catchup:3:2026-11-23", ["3:d:14", "3:d:7", "3:d:3"],
                                    user_id=7, subscription_id=3, process="p1", now=NOW)
    assert claimed == ["3:d:14", "3:d:3"]
    assert deliveries.batch_keys(session, "catchup:3:2026-11-23") == ["3:d:14", "3:d:3"]
    # The same catch-up again (another process, same day): nothing.
    assert deliveries.claim_many(session, "catchup:3:2026-11-23", ["3:d:1"], user_id=7, subscription_id=3,
                                 process="p2", now=NOW) == []
    assert not session.scalars(select(Delivery).where(Delivery.key == "3:d:1")).all()
    # Marking the catch-up marks what it collapsed.
    deliveries.mark_sent(session, "catchup:3:2026-11-23", LATER)
    assert {_row(session, k).state for k in ("catchup:3:2026-11-23", "3:d:14", "3:d:3")} == {"sent"}
    assert _row(session, "3:d:7").state == "claimed"


def test_claim_many_keeps_nothing_when_every_reminder_was_taken(session):
    _claim(session, "3:d:7", process="other")
    assert deliveries.claim_many(session, "catchup:3:2026-11-23", ["3:d:7"], user_id=7, subscription_id=3,
                                 process="p1", now=NOW) == []
    assert session.scalars(select(Delivery.key)).all() == ["3:d:7"]


def test_claim_many_with_many_keys(session):
    keys = [f"3:d:{i}" for i in range(1200)]
    assert deliveries.claim_many(session, "catchup:3:2026-11-23", keys, user_id=7, subscription_id=3,
                                 process="p1", now=NOW) == keys


def test_delivered_keys_are_every_state_since(session):
    _claim(session, "old", now=NOW - dt.timedelta(days=40))
    _claim(session, "claimed")
    _claim(session, "sent")
    deliveries.mark_sent(session, "sent", NOW)
    _claim(session, "failed")
    deliveries.mark_failed(session, "failed", "BadRequest", NOW, None)
    _claim(session, "digest:1:2026-W48", kind="digest")
    since = NOW - dt.timedelta(days=35)
    assert deliveries.delivered_keys(session, since) == {"claimed", "sent", "failed", "digest:1:2026-W48"}
    assert deliveries.delivered_keys(session, since, kinds=("reminder",)) == {"claimed", "sent", "failed"}


def test_reclaim_takes_due_failures_and_stale_claims(session):
    _claim(session, "fresh")  # claimed just now: its process is still sending
    _claim(session, "stale", now=NOW - dt.timedelta(minutes=11))
    _claim(session, "retry-due")
    deliveries.mark_failed(session, "retry-due", "TimedOut", NOW, NOW - dt.timedelta(seconds=1))
    _claim(session, "retry-later")
    deliveries.mark_failed(session, "retry-later", "TimedOut", NOW, NOW + dt.timedelta(minutes=30))
    _claim(session, "given-up")
    deliveries.mark_failed(session, "given-up", "Forbidden", NOW, None)
    _claim(session, "sent", now=NOW - dt.timedelta(hours=1))
    deliveries.mark_sent(session, "sent", NOW)

    taken = deliveries.reclaim(session, "p2", NOW)
    assert sorted(r.key for r in taken) == ["retry-due", "stale"]
    for row in taken:
        assert (row.state, row.claimed_by, row.claimed_at, row.attempts, row.next_attempt_at) == (
            "claimed", "p2", NOW, 2, None)
    # Taken over: nobody takes them again before they are stale again.
    assert deliveries.reclaim(session, "p3", NOW + dt.timedelta(minutes=9)) == []
    assert sorted(r.key for r in deliveries.reclaim(session, "p3", NOW + dt.timedelta(minutes=11))) == [
        "fresh", "retry-due", "stale"]


def test_reclaim_filters_kinds_and_brings_the_batch(session):
    _claim(session, "digest:1:2026-W48", now=NOW - dt.timedelta(hours=1), kind="digest")
    deliveries.claim_many(session, "catchup:3:2026-11-22", ["3:d:7", "3:d:3"], user_id=7, subscription_id=3,
                          process="p1", now=NOW - dt.timedelta(hours=1))
    taken = deliveries.reclaim(session, "p2", NOW, kinds=("reminder", "catch_up"))
    assert [r.key for r in taken] == ["catchup:3:2026-11-22"]  # collapsed rows never on their own
    assert {_row(session, k).claimed_by for k in ("3:d:7", "3:d:3")} == {"p2"}
    assert _row(session, "digest:1:2026-W48").claimed_by == "p1"


def test_reclaim_gives_up_a_stale_claim_after_max_attempts(session):
    _claim(session, "poison", now=NOW - dt.timedelta(hours=1))
    session.execute(Delivery.__table__.update().values(attempts=deliveries.MAX_ATTEMPTS))
    assert deliveries.reclaim(session, "p2", NOW) == []
    row = _row(session, "poison")
    assert (row.state, row.last_error, row.next_attempt_at) == ("failed", "abandoned", None)


def test_reclaim_respects_the_limit(session):
    for i in range(5):
        _claim(session, f"k{i}", now=NOW - dt.timedelta(hours=1))
    assert [r.key for r in deliveries.reclaim(session, "p2", NOW, limit=3)] == ["k0", "k1", "k2"]


def test_counts_are_of_messages(session):
    assert deliveries.counts(session) == {"claimed": 0, "sent": 0, "failed": 0, "retrying": 0}
    _claim(session, "a")
    _claim(session, "b")
    deliveries.mark_sent(session, "b", NOW)
    _claim(session, "c")
    deliveries.mark_failed(session, "c", "TimedOut", NOW, LATER)
    _claim(session, "d")
    deliveries.mark_failed(session, "d", "BadRequest", NOW, None)
    deliveries.claim_many(session, "catchup:3:2026-11-23", ["3:d:7", "3:d:3"], user_id=7, subscription_id=3,
                          process="p1", now=NOW)
    deliveries.mark_sent(session, "catchup:3:2026-11-23", NOW)
    assert deliveries.counts(session) == {"claimed": 1, "sent": 2, "failed": 2, "retrying": 1}
