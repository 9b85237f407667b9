"""The unit registry: aliases, abbreviations, typos, groups and classification."""

import datetime as dt

import pytest

from knowledge.loader import load_knowledge
from knowledge.units import PlanWording, UnknownUnit
from tests.conftest import MINI_UNITS, write_mini_kb


def test_alias_and_abbreviation_resolve_to_canonical_unit(kb):
    for name in ("CA tỉnh", "Công an thành phố", "cong an tinh", "CÔNG AN TỈNH"):
        assert kb.registry.resolve(name).id == "cong-an-tinh"
    assert kb.registry.resolve("Sở KH&CN").id == "so-khoa-hoc-cong-nghe"
    assert kb.registry.resolve("BCHQS tỉnh").id == "bo-chi-huy-quan-su-tinh"


def test_typo_in_unit_name_is_tolerated(kb):
    assert kb.registry.resolve("So Tai chin").id == "so-tai-chinh"


def test_department_belongs_to_group_of_departments(kb):
    unit = kb.registry.resolve("Sở Y tế")
    assert "nhom-so-ban-nganh" in unit.memberships
    assert "nhom-co-quan-don-vi-dia-phuong" in unit.memberships


def test_unregistered_commune_is_classified_into_its_group(kb):
    unit = kb.registry.resolve("UBND phường Đông Kinh")
    assert unit.id is None
    assert unit.name == "UBND phường Đông Kinh"
    assert "nhom-ubnd-xa-phuong" in unit.memberships


def test_unknown_unit_raises_with_close_matches(kb):
    with pytest.raises(UnknownUnit) as info:
        kb.registry.resolve("Công an huyen")
    assert info.value.suggestions
    assert any("Công an" in s for s in info.value.suggestions)


def test_close_matches_offered_for_an_unknown_unit_are_units_not_groups(kb):
    groups = {g.name for g in kb.registry.groups.values()}
    with pytest.raises(UnknownUnit) as info:
        kb.registry.resolve("co quan")
    assert info.value.suggestions and not groups & set(info.value.suggestions)
    # The KB check still points a mistyped group name in an entry at the group.
    assert "Các cơ quan, đơn vị, địa phương" in kb.registry.suggest("cac co quan don vi dia phuon",
                                                                     groups=True)


def test_units_named_in_a_question_are_found_longest_first(kb):
    key = " ".join(kb.registry.key("sở khoa học và công nghệ phối hợp với CA tỉnh").split())
    assert kb.registry.mentioned(key)[:2] == ["so-khoa-hoc-cong-nghe", "cong-an-tinh"]


def test_a_city_plan_names_its_bodies_thanh_pho_and_a_province_without_special_zones_drops_dac_khu():
    city, province = PlanWording("thành phố", True), PlanWording("tỉnh", False)
    assert city.apply("Công an tỉnh") == "Công an thành phố"
    assert city.apply("Văn phòng Tỉnh ủy") == "Văn phòng Thành ủy"
    assert city.apply("UBND các xã, phường, đặc khu") == "UBND các xã, phường, đặc khu"
    assert province.apply("UBND các xã, phường, đặc khu") == "UBND các xã, phường"
    assert province.apply("Công an tỉnh") == "Công an tỉnh"


def test_a_merged_unit_exists_until_its_last_day_and_its_successor_takes_over(tmp_path):
    units = MINI_UNITS + (
        "\n## so-cu\ntype: unit\nname: Sở Cũ\ngroups: nhom-so\nuntil: 2025-02-28\n"
        "successors: so-tai-chinh\n")
    registry = load_knowledge(write_mini_kb(tmp_path, **{"units.md": units})).registry
    assert registry.exists_on("so-cu", dt.date(2025, 2, 28))
    assert not registry.exists_on("so-cu", dt.date(2025, 3, 1))
    assert registry.successor_on("so-cu", dt.date(2025, 3, 1)) == "so-tai-chinh"
    assert registry.successor_on("so-cu", dt.date(2023, 1, 1)) == "so-cu"
    assert registry.exists_on("so-cu", None)  # a plan of unknown date sees every unit
