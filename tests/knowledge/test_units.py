"""The unit registry: aliases, abbreviations, typos, groups and classification."""

import pytest

from knowledge.units import UnknownUnit


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


def test_units_named_in_a_question_are_found_longest_first(kb):
    key = " ".join(kb.registry.key("sở khoa học và công nghệ phối hợp với CA tỉnh").split())
    assert kb.registry.mentioned(key)[:2] == ["so-khoa-hoc-cong-nghe", "cong-an-tinh"]
