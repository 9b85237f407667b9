"""The audit trail keeps ids and codes, and refuses what is not JSON."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.db.models import AuditEntry
from bot.services import audit
from tests.bot.services.conftest import NOW


def test_record_an_entry(factory):
    with factory.begin() as session:
        audit.record(session, "contact.approve", now=NOW, actor_id=100, target="7", plan="lang-son",
                     unit_id=3)
        audit.record(session, "admin.add", now=NOW, target="42", via="cli")
    with factory() as session:
        first, second = session.scalars(select(AuditEntry).order_by(AuditEntry.id))
    assert (first.at, first.actor_id, first.action, first.target) == (NOW, 100, "contact.approve", "7")
    assert first.detail == {"plan": "lang-son", "unit_id": 3}
    assert (second.actor_id, second.detail) == (None, {"via": "cli"})


@pytest.mark.parametrize(("kwargs", "reason"), [
    ({"action": ""}, "bad_action"),
    ({"action": "x" * 65}, "bad_action"),
    ({"action": "a", "target": "t" * 201}, "bad_target"),
    ({"action": "a", "when": NOW}, "not_json"),
    ({"action": "a", "ratio": float("nan")}, "not_json"),
])
def test_bad_entries_are_refused(session, kwargs, reason):
    with pytest.raises(audit.AuditError) as err:
        audit.record(session, now=NOW, **kwargs)
    assert err.value.reason == reason
    assert session.scalars(select(AuditEntry)).all() == []
