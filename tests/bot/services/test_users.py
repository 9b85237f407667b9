"""Users: upsert on every message, roles from the database and from ADMIN_IDS, chat state."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.exc import StatementError

from bot.services import users
from tests.bot.services.conftest import NOW

LATER = NOW + dt.timedelta(hours=1)


def test_touch_user_inserts_then_refreshes_and_reactivates(session):
    user = users.touch_user(session, 1001, "Lan", "lan_ls", NOW)
    assert (user.id, user.first_name, user.username, user.role) == (1001, "Lan", "lan_ls", "user")
    assert user.active and user.created_at == NOW and user.last_seen_at == NOW
    assert user.created_at.tzinfo is dt.UTC
    users.set_plan(session, user, "lang-son")
    users.mark_inactive(session, 1001)
    again = users.touch_user(session, 1001, "Lan Nguyễn", None, LATER)
    assert again is user
    assert (again.first_name, again.username, again.active) == ("Lan Nguyễn", None, True)
    assert again.created_at == NOW and again.last_seen_at == LATER
    assert again.plan == "lang-son"  # what the user chose is kept


def test_touch_user_keeps_an_admin_role(session):
    users.set_role(session, 7, "admin", NOW)
    assert users.touch_user(session, 7, "Hùng", None, LATER).role == "admin"


def test_times_come_back_aware_utc_after_a_new_session(factory):
    ict = dt.timezone(dt.timedelta(hours=7))
    with factory.begin() as session:
        users.touch_user(session, 5, "A", None, dt.datetime(2026, 11, 23, 9, 0, tzinfo=ict))
    with factory() as session:
        user = users.get_user(session, 5)
        assert user is not None
        assert user.last_seen_at == NOW and user.last_seen_at.utcoffset() == dt.timedelta(0)


def test_naive_datetimes_are_refused(factory):
    with pytest.raises(StatementError, match="naive"), factory.begin() as session:
        users.touch_user(session, 5, "A", None, dt.datetime(2026, 11, 23, 9, 0))


def test_is_admin_by_role_or_configuration(session):
    plain = users.touch_user(session, 1, "A", None, NOW)
    assert not users.is_admin(plain, frozenset())
    assert users.is_admin(plain, frozenset({1}))
    assert not users.is_admin(None, frozenset({1}))
    users.set_role(session, 1, "admin", NOW)
    assert users.is_admin(plain, frozenset())


def test_set_role_creates_a_placeholder_and_checks_its_input(session):
    user = users.set_role(session, 42, "admin", NOW)
    assert (user.role, user.first_name, user.last_seen_at) == ("admin", "", None)
    assert users.set_role(session, 42, "user", NOW).role == "user"
    with pytest.raises(users.UserError) as err:
        users.set_role(session, 42, "owner", NOW)
    assert err.value.reason == "bad_role"
    for bad in (0, -5, 2**63, True):
        with pytest.raises(users.UserError) as err:
            users.set_role(session, bad, "admin", NOW)
        assert err.value.reason == "bad_user_id"


def test_admins_are_role_admins_and_configured_ids_with_a_row(session):
    users.touch_user(session, 1, "Role", None, NOW)
    users.set_role(session, 1, "admin", NOW)
    users.touch_user(session, 2, "Configured", None, NOW)
    users.touch_user(session, 3, "Plain", None, NOW)
    users.touch_user(session, 4, "Blocked admin", None, NOW)
    users.set_role(session, 4, "admin", NOW)
    users.mark_inactive(session, 4)
    ids = [u.id for u in users.admins(session, frozenset({2, 99}))]
    assert ids == [1, 2]  # 99 never wrote: no chat to notify; 4 blocked the bot
    assert [u.id for u in users.admins(session, frozenset())] == [1]
    # The same ids without loading the rows, on the bare connection a report's alert runs on.
    assert users.admin_ids(session.connection(), frozenset({2, 99})) == [1, 2]
    assert users.admin_ids(session, frozenset()) == [1]


def test_mark_inactive_of_an_unknown_user_is_false(session):
    assert users.mark_inactive(session, 12345) is False


def test_step_survives_in_the_database_and_is_bounded(factory):
    with factory.begin() as session:
        user = users.touch_user(session, 9, "A", None, NOW)
        users.set_step(session, user, "awaiting_unit_name")
    with factory.begin() as session:
        user = users.get_user(session, 9)
        assert user is not None and user.step == "awaiting_unit_name"
        users.set_step(session, user, None)
        assert user.step is None
        with pytest.raises(users.UserError) as err:
            users.set_step(session, user, "x" * 65)
        assert err.value.reason == "bad_step"


def test_state_and_sightings_work_on_a_bare_connection(engine, factory):
    with engine.begin() as connection:
        users.record_seen(connection, 5, "Lan", "lan", NOW)
        assert users.chat_state(connection, 5) == (None, None, "user", None)
        assert users.chat_state(connection, 6) is None
    with factory.begin() as session:
        user = users.get_user(session, 5)
        assert user is not None and user.first_name == "Lan" and user.last_seen_at is not None


def test_a_users_step_is_set_by_id_and_an_unknown_user_is_none(factory):
    with factory.begin() as session:
        users.touch_user(session, 9, "A", None, NOW)
        row = users.set_user_step(session, 9, "report_note")
        assert row is not None and row.id == 9 and row.step == "report_note"
        assert users.set_user_step(session, 12345, None) is None
    with factory.begin() as session:
        assert users.get_user(session, 9).step == "report_note"
        assert users.set_user_step(session, 9, None).step is None
