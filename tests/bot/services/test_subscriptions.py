"""Subscriptions: idempotent subscribe, settings re-authorised per user, pausing, the active
views the delivery job reads (few queries), and the occurrences reported done."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import event, select

from bot.db.models import Subscription
from bot.services import contacts, statuses, subscriptions, units, users
from bot.services.subscriptions import SubscriptionError
from tests.bot.services.conftest import NOW, TZ
from tests.conftest import TODAY

LATER = NOW + dt.timedelta(minutes=5)
PLAN = "lang-son"


@pytest.fixture
def unit_ids(factory, kb) -> dict[str, int]:
    """Users 1–4 and units; user 1 approved contact of Sở Tài chính (lang-son), user 2 of
    UBND phường Đông Kinh (lang-son), user 3 pending for Sở Y tế, user 4 none."""
    with factory.begin() as session:
        for uid in (1, 2, 3, 4):
            users.touch_user(session, uid, f"U{uid}", None, NOW)
        units.sync_kb_units(session, kb.registry, NOW)
        add = units.find_or_add_unit
        ids = {
            "finance": add(session, "Sở Tài chính", None, kb.registry, "kb", None, NOW).id,
            "dong_kinh": add(session, "Phường Đông Kinh", PLAN, kb.registry, "admin", None, NOW).id,
            "health": add(session, "Sở Y tế", None, kb.registry, "kb", None, NOW).id,
            "other_plan": add(session, "Phường Thử", "dong-nai", kb.registry, "admin", None, NOW).id,
        }
        for user_id, unit in ((1, "finance"), (2, "dong_kinh")):
            contact = contacts.request_contact(session, user_id, PLAN, ids[unit], NOW)
            contacts.decide_contact(session, contact.id, True, None, NOW)
        contacts.request_contact(session, 3, PLAN, ids["health"], NOW)
    return ids


def test_subscribe_is_idempotent_and_has_the_default_settings(session, unit_ids):
    first = subscriptions.subscribe(session, 1, PLAN, unit_ids["finance"], NOW)
    assert (first.user_id, first.plan, first.unit_id) == (1, PLAN, unit_ids["finance"])
    assert (first.lead_days, first.muted, first.muted_items, first.paused) == ([14, 7, 3, 1], False, [],
                                                                               False)
    again = subscriptions.subscribe(session, 1, PLAN, unit_ids["finance"], LATER)
    assert again.id == first.id and again.created_at == NOW
    assert len(session.scalars(select(Subscription)).all()) == 1


def test_resubscribing_unpauses_and_keeps_the_settings(session, unit_ids):
    sub = subscriptions.subscribe(session, 1, PLAN, unit_ids["finance"], NOW)
    subscriptions.set_lead_days(session, sub.id, 1, (3, 1), NOW)
    assert subscriptions.pause_user(session, 1, NOW) == 1
    assert subscriptions.pause_user(session, 1, NOW) == 0  # already paused
    session.refresh(sub)
    assert sub.paused
    again = subscriptions.subscribe(session, 1, PLAN, unit_ids["finance"], LATER)
    assert again.id == sub.id and not again.paused and again.lead_days == [3, 1]
    assert again.updated_at == LATER


def test_resume_user_unpauses(session, unit_ids):
    sub = subscriptions.subscribe(session, 1, PLAN, unit_ids["finance"], NOW)
    subscriptions.pause_user(session, 1, NOW)
    assert subscriptions.resume_user(session, 1, LATER) == 1
    session.refresh(sub)
    assert not sub.paused


def test_subscribe_checks_the_unit_and_its_plan(session, unit_ids):
    with pytest.raises(SubscriptionError) as err:
        subscriptions.subscribe(session, 1, PLAN, 99999, NOW)
    assert err.value.reason == "unit_not_found"
    with pytest.raises(SubscriptionError) as err:
        subscriptions.subscribe(session, 1, PLAN, unit_ids["other_plan"], NOW)
    assert err.value.reason == "wrong_plan"


def test_unsubscribe_ends_every_subscription_and_ids_are_never_reused(session, unit_ids):
    first = subscriptions.subscribe(session, 1, PLAN, unit_ids["finance"], NOW)
    subscriptions.subscribe(session, 1, PLAN, unit_ids["health"], NOW)
    assert subscriptions.unsubscribe_user(session, 1) == 2
    assert subscriptions.for_user(session, 1) == []
    # Same user, plan and unit again: a new subscription, with a new id (delivery keys stay unique).
    again = subscriptions.subscribe(session, 1, PLAN, unit_ids["finance"], LATER)
    assert again.id > first.id + 1


def test_for_user_lists_oldest_first(session, unit_ids):
    a = subscriptions.subscribe(session, 1, PLAN, unit_ids["finance"], NOW)
    b = subscriptions.subscribe(session, 1, "dong-nai", unit_ids["health"], LATER)
    assert [s.id for s in subscriptions.for_user(session, 1)] == [a.id, b.id]
    assert subscriptions.for_user(session, 2) == []


def test_settings_are_reauthorised_against_the_user(session, unit_ids):
    sub = subscriptions.subscribe(session, 1, PLAN, unit_ids["finance"], NOW)
    for change in (
        lambda: subscriptions.set_muted(session, sub.id, 2, True, LATER),
        lambda: subscriptions.mute_item(session, sub.id, 2, "ls-dl-gui-ke-hoach", True, LATER),
        lambda: subscriptions.set_lead_days(session, sub.id, 2, (3,), LATER),
        lambda: subscriptions.set_muted(session, 99999, 1, True, LATER),
    ):
        with pytest.raises(SubscriptionError) as err:
            change()
        assert err.value.reason == "not_found"
    session.refresh(sub)
    assert (sub.muted, sub.muted_items, sub.lead_days, sub.updated_at) == (False, [], [14, 7, 3, 1], NOW)


def test_mute_all_and_one_item(session, unit_ids):
    sub = subscriptions.subscribe(session, 1, PLAN, unit_ids["finance"], NOW)
    assert subscriptions.set_muted(session, sub.id, 1, True, LATER).muted
    assert not subscriptions.set_muted(session, sub.id, 1, False, LATER).muted
    subscriptions.mute_item(session, sub.id, 1, "ls-dl-gui-ke-hoach", True, LATER)
    subscriptions.mute_item(session, sub.id, 1, "ls-dl-gui-ke-hoach", True, LATER)
    subscriptions.mute_item(session, sub.id, 1, "ls-dl-bao-cao-hang-nam", True, LATER)
    session.expire_all()
    assert session.get(Subscription, sub.id).muted_items == ["ls-dl-bao-cao-hang-nam", "ls-dl-gui-ke-hoach"]
    subscriptions.mute_item(session, sub.id, 1, "ls-dl-gui-ke-hoach", False, LATER)
    session.expire_all()
    assert session.get(Subscription, sub.id).muted_items == ["ls-dl-bao-cao-hang-nam"]
    for bad in ("", "x" * 101, "id@2026"):
        with pytest.raises(SubscriptionError) as err:
            subscriptions.mute_item(session, sub.id, 1, bad, True, LATER)
        assert err.value.reason == "bad_item"


@pytest.mark.parametrize("lead", [(), (1, 2, 3, 4, 5, 6), (0,), (31,), (3, 3), (-1,), (True,), ("3",),
                                  (1.5,)])
def test_bad_lead_days_are_refused_and_change_nothing(session, unit_ids, lead):
    sub = subscriptions.subscribe(session, 1, PLAN, unit_ids["finance"], NOW)
    with pytest.raises(SubscriptionError) as err:
        subscriptions.set_lead_days(session, sub.id, 1, lead, LATER)
    assert err.value.reason == "bad_lead_days"
    session.refresh(sub)
    assert sub.lead_days == [14, 7, 3, 1]


def test_lead_days_are_stored_largest_first(session, unit_ids):
    sub = subscriptions.subscribe(session, 1, PLAN, unit_ids["finance"], NOW)
    assert subscriptions.set_lead_days(session, sub.id, 1, (1, 30, 5, 2, 10), LATER).lead_days == [
        30, 10, 5, 2, 1]


def test_active_views_only_approved_active_unpaused(session, unit_ids, kb):
    finance = subscriptions.subscribe(session, 1, PLAN, unit_ids["finance"], NOW)
    commune = subscriptions.subscribe(session, 2, PLAN, unit_ids["dong_kinh"], LATER)
    subscriptions.subscribe(session, 3, PLAN, unit_ids["health"], NOW)  # contact still pending
    subscriptions.subscribe(session, 4, PLAN, unit_ids["health"], NOW)  # no contact at all
    subscriptions.subscribe(session, 1, "dong-nai", unit_ids["finance"], NOW)  # contact is lang-son's
    subscriptions.set_lead_days(session, commune.id, 2, (3, 1), LATER)
    subscriptions.mute_item(session, commune.id, 2, "ls-dl-gui-ke-hoach", True, LATER)

    active = subscriptions.active_subscriptions(session, kb.registry)
    assert [v.id for v in active.views] == [finance.id, commune.id]
    assert active.user_of == {finance.id: 1, commune.id: 2}
    view = active.views[1]
    assert (view.plan, view.unit_id, view.created_at, view.lead_days, view.muted_items) == (
        PLAN, unit_ids["dong_kinh"], LATER, (3, 1), frozenset({"ls-dl-gui-ke-hoach"}))
    # The commune gets its group's memberships; the KB unit its own id and groups.
    assert view.unit.name == "Phường Đông Kinh" and "nhom-ubnd-xa-phuong" in view.unit.memberships
    assert active.views[0].unit.id == "so-tai-chinh"
    assert "nhom-so-ban-nganh" in active.views[0].unit.memberships

    users.mark_inactive(session, 1)
    subscriptions.pause_user(session, 2, NOW)
    assert subscriptions.active_views(session, kb.registry) == []


def test_a_replaced_contact_is_not_reminded(session, unit_ids, kb):
    subscriptions.subscribe(session, 1, PLAN, unit_ids["finance"], NOW)
    change = contacts.request_contact(session, 1, PLAN, unit_ids["health"], LATER)
    assert subscriptions.active_views(session, kb.registry) != []  # until the change is approved
    contacts.decide_contact(session, change.id, True, None, LATER)  # replaces the approved one
    assert subscriptions.active_views(session, kb.registry) == []


def test_active_views_take_two_queries_whatever_the_number(session, unit_ids, kb):
    for uid in range(10, 60):
        users.touch_user(session, uid, "U", None, NOW)
        contact = contacts.request_contact(session, uid, PLAN, unit_ids["health"], NOW)
        contacts.decide_contact(session, contact.id, True, None, NOW)
        subscriptions.subscribe(session, uid, PLAN, unit_ids["health"], NOW)
    statements: list[str] = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", listener)
    try:
        views = subscriptions.active_views(session, kb.registry)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert len(views) == 50 and len(statements) == 2


def test_active_views_read_each_subscription_s_own_settings_and_an_aware_utc_time(
        session, unit_ids, kb):
    """The settings are read as JSON text, each distinct text decoded once, and the creation time
    raw: every view must still hold what the ORM reads of its own row."""
    created = dt.datetime(2026, 3, 4, 5, 6, 7, 891011, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    lead_of = {10: (3, 1), 11: (3, 1), 12: (7,), 13: None, 14: (7,)}
    muted_of = {10: "ls-dl-gui-ke-hoach", 11: None, 12: "ls-dl-gui-ke-hoach", 13: None, 14: "x"}
    for uid in lead_of:
        users.touch_user(session, uid, "U", None, NOW)
        contact = contacts.request_contact(session, uid, PLAN, unit_ids["health"], NOW)
        contacts.decide_contact(session, contact.id, True, None, NOW)
        at = created + dt.timedelta(seconds=uid)
        sub = subscriptions.subscribe(session, uid, PLAN, unit_ids["health"], at)
        if lead_of[uid] is not None:
            subscriptions.set_lead_days(session, sub.id, uid, lead_of[uid], NOW)
        if muted_of[uid] is not None:
            subscriptions.mute_item(session, sub.id, uid, muted_of[uid], True, NOW)

    views = subscriptions.active_views(session, kb.registry)
    rows = {row.id: row for row in session.scalars(select(Subscription))}
    assert len(views) == len(lead_of)
    for view in views:
        row = rows[view.id]
        assert (view.lead_days, view.muted_items) == (tuple(row.lead_days), frozenset(row.muted_items))
        assert view.created_at == row.created_at and view.created_at.utcoffset() == dt.timedelta(0)
    by_user = {subscriptions.active_subscriptions(session, kb.registry).user_of[v.id]: v for v in views}
    assert by_user[13].lead_days == (14, 7, 3, 1) and by_user[11].muted_items == frozenset()
    assert by_user[14].muted_items == frozenset({"x"}) and by_user[12].lead_days == (7,)
    assert by_user[10].created_at == created + dt.timedelta(seconds=10)


def test_done_occurrences_are_the_latest_states(session, unit_ids, kb):
    finance = unit_ids["finance"]
    item = "ls-dl-gui-ke-hoach"
    submit = dict(plan=PLAN, unit_id=finance, item_key=item, note=None, actor_id=None, admin=False,
                  via="cli", today=TODAY, tz=TZ)
    assert subscriptions.done_occurrences(session) == set()
    statuses.submit_status(session, kb, state="hoan_thanh", now=NOW, **submit)
    assert subscriptions.done_occurrences(session) == {(finance, item)}
    assert subscriptions.done_occurrences(session, plan=PLAN) == {(finance, item)}
    assert subscriptions.done_occurrences(session, plan="lao-cai") == set()
    # A correction back to "in progress": no longer done.
    statuses.submit_status(session, kb, state="dang_thuc_hien", now=LATER, **submit)
    assert subscriptions.done_occurrences(session) == set()
