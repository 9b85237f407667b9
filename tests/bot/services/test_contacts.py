"""Contacts: requests and decisions, one current contact per user, one-time invites."""

from __future__ import annotations

import datetime as dt
import re
import threading

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.db.models import Contact, Invite
from bot.services import contacts, units, users
from tests.bot.services.conftest import NOW

LATER = NOW + dt.timedelta(minutes=5)


@pytest.fixture
def unit_ids(factory, kb) -> dict[str, int]:
    """Users 1–3 and 100 (an admin), and a few units, committed."""
    with factory.begin() as session:
        for uid in (1, 2, 3, 100):
            users.touch_user(session, uid, f"U{uid}", None, NOW)
        units.sync_kb_units(session, kb.registry, NOW)
        add = units.find_or_add_unit
        return {
            "finance": add(session, "Sở Tài chính", None, kb.registry, "kb", None, NOW).id,
            "dong_kinh": add(session, "Phường Đông Kinh", "lang-son", kb.registry, "admin", 100,
                             NOW).id,
            "health": add(session, "Sở Y tế", None, kb.registry, "kb", None, NOW).id,
        }


def test_request_is_pending_and_replaces_the_current_contact(session, unit_ids):
    first = contacts.request_contact(session, 1, "lang-son", unit_ids["finance"], NOW)
    assert (first.state, first.via, first.plan, first.unit.name) == (
        "pending", "request", "lang-son", "Sở Tài chính")
    assert contacts.current_contact(session, 1) is first
    second = contacts.request_contact(session, 1, "lang-son", unit_ids["dong_kinh"], LATER)
    assert first.state == "replaced" and first.decided_at == LATER
    assert contacts.current_contact(session, 1) is second


def test_an_approved_contact_stays_until_the_new_request_is_approved(session, unit_ids):
    first = contacts.request_contact(session, 1, "lang-son", unit_ids["finance"], NOW)
    contacts.decide_contact(session, first.id, True, 100, NOW)
    second = contacts.request_contact(session, 1, "dong-nai", unit_ids["health"], LATER)
    assert first.state == "approved" and second.state == "pending"
    assert contacts.current_contact(session, 1) is first
    assert contacts.user_contacts(session, 1) == (first, second)
    assert contacts.current_unit(session, 1)[:2] == ("lang-son", "approved")
    contacts.decide_contact(session, second.id, True, 100, LATER)
    assert [c.state for c in session.scalars(select(Contact).order_by(Contact.id))] == [
        "replaced", "approved"]
    assert contacts.user_contacts(session, 1) == (second, None)


def test_a_rejected_change_leaves_the_approved_contact(session, unit_ids):
    first = contacts.request_contact(session, 1, "lang-son", unit_ids["finance"], NOW)
    contacts.decide_contact(session, first.id, True, 100, NOW)
    second = contacts.request_contact(session, 1, "lang-son", unit_ids["dong_kinh"], LATER)
    contacts.decide_contact(session, second.id, False, 100, LATER)
    assert contacts.user_contacts(session, 1) == (first, None)
    with pytest.raises(contacts.ContactError) as err:  # asking for the unit already held
        contacts.request_contact(session, 1, "lang-son", unit_ids["finance"], LATER)
    assert err.value.reason == "already"


def test_request_checks_the_unit_and_its_plan(session, unit_ids):
    with pytest.raises(contacts.ContactError) as err:
        contacts.request_contact(session, 1, "lang-son", 99999, NOW)
    assert err.value.reason == "unit_not_found"
    with pytest.raises(contacts.ContactError) as err:
        contacts.request_contact(session, 1, "dong-nai", unit_ids["dong_kinh"], NOW)
    assert err.value.reason == "wrong_plan"
    assert contacts.current_contact(session, 1) is None


def test_decide_approves_or_rejects_once(session, unit_ids):
    a = contacts.request_contact(session, 1, "lang-son", unit_ids["finance"], NOW)
    b = contacts.request_contact(session, 2, "lang-son", unit_ids["dong_kinh"], NOW)
    approved = contacts.decide_contact(session, a.id, True, 100, LATER)
    assert approved is a
    assert (a.state, a.decided_by, a.decided_at) == ("approved", 100, LATER)
    assert contacts.decide_contact(session, b.id, False, 100, LATER).state == "rejected"
    assert contacts.current_contact(session, 2) is None
    for contact_id in (a.id, b.id):
        with pytest.raises(contacts.ContactError) as err:
            contacts.decide_contact(session, contact_id, True, 100, LATER)
        assert err.value.reason == "not_pending"
    assert a.state == "approved" and b.state == "rejected"
    with pytest.raises(contacts.ContactError) as err:
        contacts.decide_contact(session, 424242, True, 100, LATER)
    assert err.value.reason == "not_found"


def test_pending_contacts_oldest_first_with_unit_loaded(factory, unit_ids):
    with factory.begin() as session:
        contacts.request_contact(session, 2, "lang-son", unit_ids["dong_kinh"], LATER)
        contacts.request_contact(session, 1, "lang-son", unit_ids["finance"], NOW)
        done = contacts.request_contact(session, 3, "lang-son", unit_ids["health"], NOW)
        contacts.decide_contact(session, done.id, True, 100, NOW)
    with factory.begin() as session:
        pending = contacts.pending_contacts(session)
        assert contacts.pending_contacts(session, limit=1) == pending[:1]
    # Read after the transaction: unit and user were loaded with the contacts.
    assert [(c.user_id, c.unit.name, c.user.first_name) for c in pending] == [
        (1, "Sở Tài chính", "U1"), (2, "Phường Đông Kinh", "U2")]


def test_contacts_of_plan(session, unit_ids):
    a = contacts.request_contact(session, 1, "lang-son", unit_ids["finance"], NOW)
    b = contacts.request_contact(session, 2, "lang-son", unit_ids["dong_kinh"], NOW)
    contacts.request_contact(session, 3, "dong-nai", unit_ids["health"], NOW)
    contacts.decide_contact(session, a.id, True, 100, NOW)
    assert contacts.contacts_of_plan(session, "lang-son") == [a]
    assert set(contacts.contacts_of_plan(session, "lang-son", approved_only=False)) == {a, b}


def test_the_database_refuses_two_current_contacts(factory, unit_ids):
    with pytest.raises(IntegrityError), factory.begin() as session:
        for unit in ("finance", "health"):
            session.add(Contact(user_id=1, plan="lang-son", unit_id=unit_ids[unit], state="pending",
                                via="request", created_at=NOW))
            session.flush()


# --- invites ---------------------------------------------------------------------------------


def test_invite_code_fits_a_start_link(session, unit_ids):
    invite = contacts.create_invite(session, "lang-son", unit_ids["dong_kinh"], 100, NOW)
    assert re.fullmatch(r"[A-Za-z0-9_-]{16,32}", invite.code)
    assert invite.expires_at == NOW + dt.timedelta(days=7) and invite.used_by is None
    other = contacts.create_invite(session, "lang-son", unit_ids["dong_kinh"], 100, NOW,
                                   ttl=dt.timedelta(hours=1))
    assert other.code != invite.code and other.expires_at == NOW + dt.timedelta(hours=1)


def test_create_invite_checks_unit_plan_and_ttl(session, unit_ids):
    for plan, unit, ttl, reason in (
        ("lang-son", 99999, dt.timedelta(days=1), "unit_not_found"),
        ("dong-nai", unit_ids["dong_kinh"], dt.timedelta(days=1), "wrong_plan"),
        ("lang-son", unit_ids["finance"], dt.timedelta(0), "bad_ttl"),
    ):
        with pytest.raises(contacts.ContactError) as err:
            contacts.create_invite(session, plan, unit, 100, NOW, ttl=ttl)
        assert err.value.reason == reason
    assert session.scalars(select(Invite)).all() == []


def test_redeem_makes_an_approved_contact_once(session, unit_ids):
    invite = contacts.create_invite(session, "lang-son", unit_ids["dong_kinh"], 100, NOW)
    previous = contacts.request_contact(session, 1, "lang-son", unit_ids["finance"], NOW)
    contact = contacts.redeem_invite(session, invite.code, 1, LATER)
    assert (contact.state, contact.via, contact.invite_id, contact.unit_id, contact.plan) == (
        "approved", "invite", invite.id, unit_ids["dong_kinh"], "lang-son")
    assert (contact.decided_at, contact.decided_by) == (LATER, 100)
    assert previous.state == "replaced"
    assert (invite.used_by, invite.used_at) == (1, LATER)
    assert contacts.current_contact(session, 1) is contact
    for user_id in (1, 2):
        with pytest.raises(contacts.InviteError) as err:
            contacts.redeem_invite(session, invite.code, user_id, LATER)
        assert err.value.reason == "used"
    assert contacts.current_contact(session, 2) is None and invite.used_by == 1


def test_expired_and_unknown_invites(session, unit_ids):
    invite = contacts.create_invite(session, "lang-son", unit_ids["dong_kinh"], 100, NOW,
                                    ttl=dt.timedelta(days=1))
    with pytest.raises(contacts.InviteError) as err:
        contacts.redeem_invite(session, invite.code, 1, NOW + dt.timedelta(days=1))
    assert err.value.reason == "expired"
    assert invite.used_by is None
    for code in ("nope", "", "x" * 33, "a b", "' OR 1=1 --", invite.code.upper() + "Z"):
        with pytest.raises(contacts.InviteError) as err:
            contacts.redeem_invite(session, code, 1, NOW)
        assert err.value.reason == "unknown"
    assert contacts.current_contact(session, 1) is None
    assert isinstance(err.value, contacts.ContactError)


def test_two_users_racing_for_one_invite_exactly_one_wins(factory, unit_ids):
    with factory.begin() as session:
        code = contacts.create_invite(session, "lang-son", unit_ids["dong_kinh"], 100, NOW).code
    barrier = threading.Barrier(2)
    outcomes: dict[int, str] = {}

    def redeem(user_id: int) -> None:
        barrier.wait()
        try:
            with factory.begin() as session:
                contacts.redeem_invite(session, code, user_id, LATER)
            outcomes[user_id] = "won"
        except contacts.InviteError as exc:
            outcomes[user_id] = exc.reason

    threads = [threading.Thread(target=redeem, args=(uid,)) for uid in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes.values()) == ["used", "won"]
    winner = next(uid for uid, outcome in outcomes.items() if outcome == "won")
    with factory() as session:
        approved = session.scalars(select(Contact).where(Contact.state == "approved")).all()
        assert [c.user_id for c in approved] == [winner]
        invite = session.scalars(select(Invite)).one()
        assert invite.used_by == winner
