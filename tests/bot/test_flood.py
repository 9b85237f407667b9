"""The per-user flood limit: a sliding window, one warning per window, bounded memory."""

from __future__ import annotations

from bot.flood import FloodLimiter


def test_allows_up_to_the_limit_in_a_window_then_refuses():
    flood = FloodLimiter(limit=3, window=60)
    assert [flood.allow(1, t) for t in (0, 1, 2, 3, 4)] == [True, True, True, False, False]


def test_the_window_slides_one_update_at_a_time():
    flood = FloodLimiter(limit=2, window=60)
    assert flood.allow(1, 0) and flood.allow(1, 30)
    assert not flood.allow(1, 59.9)
    assert flood.allow(1, 60)  # the update at 0 is now a full window old
    assert not flood.allow(1, 61)  # the ones at 30 and 60 are still inside
    assert flood.allow(1, 90)


def test_refused_updates_do_not_extend_the_block():
    flood = FloodLimiter(limit=1, window=10)
    assert flood.allow(1, 0)
    for t in range(1, 10):
        assert not flood.allow(1, t)
    assert flood.allow(1, 10)


def test_should_warn_once_per_window():
    flood = FloodLimiter(limit=1, window=60)
    assert flood.should_warn(1, 0)
    assert not flood.should_warn(1, 1)
    assert not flood.should_warn(1, 59.9)
    assert flood.should_warn(1, 60)
    assert not flood.should_warn(1, 100)


def test_users_are_limited_independently():
    flood = FloodLimiter(limit=2, window=60)
    assert flood.allow(1, 0) and flood.allow(1, 1)
    assert not flood.allow(1, 2)
    assert flood.allow(2, 2) and flood.allow(2, 3)
    assert not flood.allow(2, 4)
    assert flood.should_warn(1, 5)
    assert flood.should_warn(2, 5)
    assert not flood.should_warn(1, 6)


def test_idle_users_are_forgotten_once_many_users_are_tracked():
    flood = FloodLimiter(limit=5, window=60)
    for user_id in range(1, 10_002):
        assert flood.allow(user_id, 0)
    flood.should_warn(1, 0)
    assert len(flood._seen) == 10_001  # nobody idle yet: nothing forgotten
    assert flood.allow(99_999, 60)
    assert set(flood._seen) == {99_999}
    assert flood._warned_at == {}


def test_active_users_survive_the_cleanup():
    flood = FloodLimiter(limit=5, window=60)
    for user_id in range(1, 10_002):
        flood.allow(user_id, 0)
    flood.allow(7, 30)
    flood.allow(99_999, 60)
    assert set(flood._seen) == {7, 99_999}
    assert flood.allow(7, 61) and flood.allow(7, 62) and flood.allow(7, 63) and flood.allow(7, 64)
    assert not flood.allow(7, 65)  # its update at 30 was kept: 5 in the window


def test_few_users_are_not_cleaned_up():
    flood = FloodLimiter(limit=5, window=60)
    for user_id in range(100):
        flood.allow(user_id, 0)
    flood.allow(1_000, 3_600)
    assert len(flood._seen) == 101
