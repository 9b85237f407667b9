"""Report drafts: one per user, partial updates, reset on another unit, kept across restarts,
and a draft note passes the same checks as a submitted one."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from bot.db.engine import make_engine, make_session_factory, upgrade_database
from bot.db.models import AuditEntry, ReportDraft
from bot.services import drafts, units, users
from bot.services.statuses import StatusRefused
from tests.bot.services.conftest import NOW

LATER = NOW + dt.timedelta(minutes=3)


@pytest.fixture
def unit_ids(factory, kb) -> tuple[int, int]:
    with factory.begin() as session:
        users.touch_user(session, 1, "Lan", None, NOW)
        users.touch_user(session, 2, "Minh", None, NOW)
        add = units.find_or_add_unit
        return (add(session, "Sở Tài chính", None, kb.registry, "kb", None, NOW).id,
                add(session, "Sở Nội vụ", None, kb.registry, "kb", None, NOW).id)


def test_save_creates_then_updates_only_what_is_given(session, unit_ids):
    finance, _ = unit_ids
    assert drafts.get_draft(session, 1) is None
    draft = drafts.save_draft(session, 1, "hai-phong", finance, NOW, item="hp-han-huong-dan-mua-sam")
    assert (draft.plan, draft.unit_id, draft.item, draft.state, draft.note, draft.updated_at) == (
        "hai-phong", finance, "hp-han-huong-dan-mua-sam", None, None, NOW)
    drafts.save_draft(session, 1, "hai-phong", finance, LATER, state="vuong_mac")
    drafts.save_draft(session, 1, "hai-phong", finance, LATER, note="  chờ kinh phí ")
    draft = drafts.get_draft(session, 1)
    assert draft is not None
    assert (draft.item, draft.state, draft.note, draft.updated_at) == (
        "hp-han-huong-dan-mua-sam", "vuong_mac", "chờ kinh phí", LATER)
    drafts.save_draft(session, 1, "hai-phong", finance, LATER, note=None)  # None clears
    assert drafts.get_draft(session, 1).note is None and drafts.get_draft(session, 1).state == "vuong_mac"
    drafts.save_draft(session, 1, "hai-phong", finance, LATER, item=None, state=None, note=None)
    draft = drafts.get_draft(session, 1)
    assert (draft.item, draft.state, draft.note) == (None, None, None)
    assert repr(drafts.UNSET) == "UNSET"


def test_one_draft_per_user(session, unit_ids):
    finance, home = unit_ids
    drafts.save_draft(session, 1, "hai-phong", finance, NOW, item="a")
    drafts.save_draft(session, 2, "hai-phong", home, NOW, item="b")
    assert session.scalar(select(func.count()).select_from(ReportDraft)) == 2
    assert drafts.get_draft(session, 1).item == "a" and drafts.get_draft(session, 2).item == "b"


def test_another_unit_or_plan_starts_afresh(session, unit_ids):
    finance, home = unit_ids
    drafts.save_draft(session, 1, "hai-phong", finance, NOW, item="x", state="hoan_thanh", note="n")
    draft = drafts.save_draft(session, 1, "hai-phong", home, LATER, state="dang_thuc_hien")
    assert (draft.unit_id, draft.item, draft.state, draft.note) == (home, None, "dang_thuc_hien", None)
    draft = drafts.save_draft(session, 1, "lao-cai", home, LATER)
    assert (draft.plan, draft.state) == ("lao-cai", None)


def test_clear(session, unit_ids):
    finance, _ = unit_ids
    drafts.clear_draft(session, 1)  # nothing to clear: no error
    drafts.save_draft(session, 1, "hai-phong", finance, NOW, item="x")
    drafts.clear_draft(session, 1)
    assert drafts.get_draft(session, 1) is None
    assert session.scalar(select(func.count()).select_from(ReportDraft)) == 0
    drafts.save_draft(session, 1, "hai-phong", finance, NOW, item="y")  # and again
    assert drafts.get_draft(session, 1).item == "y"


def test_a_draft_survives_a_restart(database_url, kb):
    url = database_url
    engine = make_engine(url)
    upgrade_database(engine)
    with make_session_factory(engine).begin() as session:
        users.touch_user(session, 1, "Lan", None, NOW)
        unit = units.find_or_add_unit(session, "Sở Tài chính", None, kb.registry, "kb", None, NOW)
        drafts.save_draft(session, 1, "hai-phong", unit.id, NOW, item="hp-han-huong-dan-mua-sam",
                          state="hoan_thanh")
    engine.dispose()
    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as session:
            draft = drafts.get_draft(session, 1)
            assert draft is not None and (draft.item, draft.state) == ("hp-han-huong-dan-mua-sam",
                                                                       "hoan_thanh")
    finally:
        engine.dispose()


def test_bad_values_are_refused_and_change_nothing(session, unit_ids):
    finance, _ = unit_ids
    drafts.save_draft(session, 1, "hai-phong", finance, NOW, note="ổn")
    with pytest.raises(StatusRefused) as err:
        drafts.save_draft(session, 1, "hai-phong", finance, NOW, state="xong")  # codes only here
    assert err.value.reason == "unknown_state"
    with pytest.raises(StatusRefused) as err:
        drafts.save_draft(session, 1, "hai-phong", finance, NOW, note="x" * 501)
    assert err.value.reason == "note_too_long"
    assert drafts.get_draft(session, 1).note == "ổn"


def test_a_marked_draft_note_is_not_kept(factory, unit_ids):
    finance, _ = unit_ids
    with factory.begin() as session:
        drafts.save_draft(session, 1, "hai-phong", finance, NOW, note="ổn")
    with factory.begin() as session:
        with pytest.raises(StatusRefused) as err:
            drafts.save_draft(session, 1, "hai-phong", finance, LATER, note="TUYỆT MẬT\nBản đồ số 9")
        assert err.value.reason == "marking"
    with factory() as session:
        assert drafts.get_draft(session, 1).note == "ổn"
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert entry is not None and (entry.action, entry.actor_id, entry.detail["reason"]) == (
            "status_refused", 1, "marking")
        assert "Bản đồ" not in repr(entry.detail)
