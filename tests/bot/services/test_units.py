"""Unit records: KB sync, memberships, typed names, plan scoping and CSV import."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.db.models import UnitRecord
from bot.services import units
from tests.bot.services.conftest import NOW

PLANS = ("dong-nai", "hai-phong", "lang-son", "lao-cai", "vb286")


def _count(session) -> int:
    return session.scalar(select(func.count()).select_from(UnitRecord))


def _add(session, kb, name, plan=None, **kw):
    return units.find_or_add_unit(session, name, plan, kb.registry, "request", 1, NOW, **kw)


def _import(session, kb, text, plan=None):
    return units.import_units_csv(session, text, plan, kb.registry, 1, NOW, plans=PLANS)


def test_sync_adds_every_kb_unit_once(session, kb):
    added = units.sync_kb_units(session, kb.registry, NOW)
    assert added == len(kb.registry.units) == _count(session)
    assert units.sync_kb_units(session, kb.registry, NOW) == 0
    assert _count(session) == added
    records = session.scalars(select(UnitRecord)).all()
    assert {r.kb_id for r in records} == set(kb.registry.units)
    assert not {r.kb_id for r in records} & set(kb.registry.groups)
    assert all(r.source == "kb" and r.plan is None for r in records)
    finance = next(r for r in records if r.kb_id == "so-tai-chinh")
    assert finance.name == "Sở Tài chính" and finance.key == kb.registry.key("Sở Tài chính")


def test_sync_adopts_a_unit_an_admin_added_before_the_kb_had_it(session, kb):
    record = _add(session, kb, "Sở Y tế Lạng Sơn", allow_unclassified=True)
    record.name, record.key = "Sở Y tế", kb.registry.key("Sở Y tế")  # as if added by this name
    session.flush()
    units.sync_kb_units(session, kb.registry, NOW)
    assert record.kb_id == "so-y-te" and record.source == "request"
    assert _count(session) == len(kb.registry.units)


def test_memberships_of_added_names_come_from_their_group(session, kb):
    registry = kb.registry
    commune = _add(session, kb, "UBND phường Đông Kinh", "lang-son")
    assert commune.kb_id is None and commune.source == "request" and commune.plan == "lang-son"
    assert "nhom-ubnd-xa-phuong" in units.memberships(commune, registry)
    assert "nhom-co-quan-don-vi-dia-phuong" in units.memberships(commune, registry)
    health = _add(session, kb, "Sở Y tế Lạng Sơn", "lang-son")
    assert "nhom-so-ban-nganh" in units.memberships(health, registry)
    resolved = units.as_resolved(health, registry)
    assert resolved.name == "Sở Y tế Lạng Sơn" and resolved.id is None
    assert resolved.memberships == units.memberships(health, registry)


def test_memberships_of_a_kb_unit_include_itself_and_its_groups(session, kb):
    units.sync_kb_units(session, kb.registry, NOW)
    record = _add(session, kb, "Sở KH&CN")
    assert record.kb_id == "so-khoa-hoc-cong-nghe" and record.source == "kb"
    members = units.memberships(record, kb.registry)
    assert {"so-khoa-hoc-cong-nghe", "nhom-so-ban-nganh"} <= members
    assert units.as_resolved(record, kb.registry).id == "so-khoa-hoc-cong-nghe"


def test_an_unclassifiable_record_has_no_memberships(session, kb):
    record = _add(session, kb, "Hợp tác xã Nông nghiệp Tân Thành", allow_unclassified=True)
    assert units.memberships(record, kb.registry) == frozenset()


def test_find_or_add_matches_folded_names_and_typos(session, kb):
    first = _add(session, kb, "Phường  Đông   Kinh", "lang-son")
    assert first.name == "Phường Đông Kinh"
    assert _add(session, kb, "phuong dong kinh", "lang-son") is first
    kb_unit = _add(session, kb, "So Tai chinh")  # a KB unit even before the sync
    assert kb_unit.kb_id == "so-tai-chinh" and kb_unit.name == "Sở Tài chính"
    assert _add(session, kb, "Sở Tài chính", "lang-son") is kb_unit
    units.sync_kb_units(session, kb.registry, NOW)
    assert _count(session) == len(kb.registry.units) + 1


def test_find_or_add_normalises_nfd_input(session, kb):
    import unicodedata

    nfd = unicodedata.normalize("NFD", "Phường Đông Kinh")
    record = _add(session, kb, nfd, "lang-son")
    assert record.name == unicodedata.normalize("NFC", "Phường Đông Kinh")


def test_records_of_one_plan_are_not_another_plans(session, kb):
    lang_son = _add(session, kb, "Phường Đông Kinh", "lang-son")
    dong_nai = _add(session, kb, "Phường Đông Kinh", "dong-nai")
    assert lang_son.id != dong_nai.id
    anywhere = _add(session, kb, "Phường Tam Thanh")
    assert _add(session, kb, "Phường Tam Thanh", "lao-cai") is anywhere


def test_unknown_names_raise_with_suggestions(session, kb):
    with pytest.raises(units.UnitNotFound) as err:
        _add(session, kb, "Câu lạc bộ cờ tướng")
    assert err.value.reason == "unknown" and err.value.suggestions
    assert _count(session) == 0


@pytest.mark.parametrize("name", ["", "   ", "12345", "x" * 121, "!!!"])
def test_implausible_names_are_refused_even_for_admins(session, kb, name):
    with pytest.raises(units.UnitNotFound) as err:
        _add(session, kb, name, allow_unclassified=True)
    assert err.value.reason == "invalid"


def test_a_group_name_is_not_a_unit(session, kb):
    with pytest.raises(units.UnitNotFound) as err:
        _add(session, kb, "các sở, ban, ngành", allow_unclassified=True)
    assert err.value.reason == "group"


def test_admins_may_add_unclassified_names(session, kb):
    record, added = units.add_unit(session, "Hợp tác xã Tân Thành", "lang-son", kb.registry,
                                   "admin", 7, NOW, allow_unclassified=True)
    assert added and (record.source, record.created_by, record.plan) == ("admin", 7, "lang-son")
    again, added = units.add_unit(session, "hop tac xa tan thanh", "lang-son", kb.registry,
                                  "admin", 7, NOW, allow_unclassified=True)
    assert again is record and not added


def test_units_for_plan_lists_the_plans_kb_units_and_its_own_records(session, kb):
    units.sync_kb_units(session, kb.registry, NOW)
    own = _add(session, kb, "Phường Đông Kinh", "lang-son")
    other = _add(session, kb, "Phường Tam Hiệp", "dong-nai")
    anywhere = _add(session, kb, "Sở Y tế Lạng Sơn")
    listed = units.units_for_plan(session, "lang-son", {"so-tai-chinh", "cong-an-tinh"})
    names = [r.name for r in listed]
    assert own in listed and anywhere in listed and other not in listed
    assert "Sở Tài chính" in names and "Công an tỉnh" in names and "Sở Nội vụ" not in names
    assert [r.key for r in listed] == sorted(r.key for r in listed)
    assert units.units_for_plan(session, None, set()) == [anywhere]


def test_plan_kb_ids_include_members_of_the_groups_a_plan_names(kb):
    ids = units.plan_kb_ids(kb, "lang-son")
    assert {"cong-an-tinh", "so-tai-chinh", "so-y-te"} <= ids
    assert ids <= set(kb.registry.units)


def test_get_unit(session, kb):
    record = _add(session, kb, "Phường Đông Kinh")
    assert units.get_unit(session, record.id) is record
    assert units.get_unit(session, record.id + 1000) is None


# --- CSV import -----------------------------------------------------------------------------


def test_csv_with_bom_header_and_plans(session, kb):
    text = "\ufeffname,plan\r\nPhường Đông Kinh,lang-son\r\n\r\nXã Tân Thành,\r\nSở Tài chính,lang-son\r\n"
    result = _import(session, kb, text, plan="lao-cai")
    assert result.added == ["Phường Đông Kinh", "Xã Tân Thành", "Sở Tài chính"]
    assert result.existing == [] and result.errors == []
    rows = {r.name: r for r in session.scalars(select(UnitRecord))}
    assert rows["Phường Đông Kinh"].plan == "lang-son" and rows["Phường Đông Kinh"].source == "csv"
    assert rows["Xã Tân Thành"].plan == "lao-cai"  # empty cell: the default plan
    assert rows["Sở Tài chính"].kb_id == "so-tai-chinh"


def test_csv_without_header_single_column(session, kb):
    result = _import(session, kb, "Phường Đông Kinh\nXã Tân Thành\nphuong dong kinh\n")
    assert result.added == ["Phường Đông Kinh", "Xã Tân Thành"]
    assert result.existing == ["Phường Đông Kinh"]


def test_csv_bad_lines_are_reported_and_change_nothing(session, kb):
    text = (
        "tên đơn vị;kế hoạch\n"   # Vietnamese header, semicolons (Excel in a Vietnamese locale)
        "Phường Đông Kinh;lang-son\n"
        "12345;lang-son\n"        # line 3: no letter
        "Phường A;khong-co\n"     # line 4: unknown plan
        "các sở, ban, ngành;\n"   # line 5: a group
        "Xã B;lang-son;thừa\n"    # line 6: an extra column
        "\n"
        "Xã C;\n"
    )
    result = _import(session, kb, text)
    assert result.added == ["Phường Đông Kinh", "Xã C"]
    assert result.errors == [(3, "invalid"), (4, "unknown_plan"), (5, "group"), (6, "columns")]
    assert sorted(r.name for r in session.scalars(select(UnitRecord))) == ["Phường Đông Kinh", "Xã C"]


def test_csv_header_with_plan_first(session, kb):
    result = _import(session, kb, "plan,name\nlang-son,Phường Đông Kinh\n")
    assert result.added == ["Phường Đông Kinh"]
    assert session.scalars(select(UnitRecord)).one().plan == "lang-son"


def test_empty_csv_does_nothing(session, kb):
    assert _import(session, kb, "\ufeff\n\n") == units.ImportResult()
    assert _import(session, kb, "name,plan\n") == units.ImportResult()


# --- the registry admins keep -----------------------------------------------------------------


@pytest.mark.parametrize(("registered", "typed", "near"), [
    ("UBND xã Tân Thành", "UBND xã Tân Thànhh", True),
    ("UBND xã Tân Thành", "UBND xã TânThành", True),
    ("UBND phường Đông Kinh", "UBND phuong Dong Kinhh", True),
    ("UBND xã An Bình", "UBND xã An Vinh", False),
    ("UBND xã Hòa Bình", "UBND xã Hòa", False),
    ("Trường THCS số 1", "Trường THCS số 2", False),
    ("Câu lạc bộ Hưu trí", "Câu lạc bộ Thơ", False),
])
def test_a_name_close_to_a_registered_unit_is_a_near_duplicate(session, kb, registered, typed, near):
    units.add_unit(session, registered, "lang-son", kb.registry, "admin", 1, NOW, allow_unclassified=True)
    if near:
        with pytest.raises(units.DuplicateUnit) as found:
            units.propose_unit(session, typed, "lang-son", kb.registry, NOW)
        assert found.value.near and found.value.existing.name == registered
        assert found.value.proposal is not None and found.value.proposal.name == typed
    else:
        assert units.propose_unit(session, typed, "lang-son", kb.registry, NOW).name == typed


def test_another_plans_unit_is_no_duplicate(session, kb):
    units.add_unit(session, "UBND xã Tân Thành", "lao-cai", kb.registry, "admin", 1, NOW)
    assert units.propose_unit(session, "UBND xã Tân Thành", "lang-son", kb.registry, NOW).group_id == (
        "nhom-ubnd-xa-phuong")


def test_a_chosen_group_gives_the_unit_its_groups_duties(session, kb):
    record, _ = units.add_unit(session, "Câu lạc bộ Hưu trí", "lang-son", kb.registry, "admin", 1, NOW,
                               allow_unclassified=True)
    assert units.memberships(record, kb.registry) == frozenset()
    record.group_id = "nhom-so-ban-nganh"
    assert units.memberships(record, kb.registry) == {"nhom-so-ban-nganh", "nhom-co-quan-don-vi-dia-phuong"}
    with pytest.raises(units.UnitChangeRefused):
        units.add_unit(session, "Câu lạc bộ Thơ", "lang-son", kb.registry, "admin", 1, NOW,
                       allow_unclassified=True, group_id="nhom-khong-co")
