"""The items a unit reports on: deadline occurrences (a year either side of today) and duties."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.items import Item, find_item, plan_items, signed_dates, unit_items
from knowledge.model import Deadline, Duty
from tests.conftest import TODAY

YEARLY = "hp-han-bao-cao-hang-nam"  # yearly on 5/11 from 2026, Hải Phòng


@pytest.fixture(scope="module")
def signed(kb):
    return signed_dates(kb)


def _keys(items: list[Item]) -> list[str]:
    return [i.key for i in items]


def test_deadlines_first_overdue_most_recent_first_then_undated_duties(kb, signed):
    items = plan_items(kb, "hai-phong", TODAY, signed)
    deadlines = [i for i in items if i.kind == "deadline"]
    assert _keys(deadlines) == [
        f"{YEARLY}@2026",  # 05/11/2026, 18 days late
        "hp-han-ban-giao-tai-lieu",  # 30/06/2026
        "hp-han-huong-dan-mua-sam", "hp-han-kien-toan-bcd",  # both 31/12/2025
        f"{YEARLY}@2027",  # upcoming
    ]
    assert [i.due for i in deadlines][:2] == [dt.date(2026, 11, 5), dt.date(2026, 6, 30)]
    duties = items[len(deadlines):]
    dated = {e.duty for e in kb.entries if isinstance(e, Deadline) and e.duty}
    kb_duties = [e.id for e in kb.entries if e.plan == "hai-phong" and isinstance(e, Duty)
                 and e.id not in dated]  # a duty a deadline dates is that deadline's item
    assert _keys(duties) == kb_duties and all(i.kind == "duty" and i.due is None for i in duties)


def test_yearly_occurrences_within_a_year_either_side_from_the_first_year(kb, signed):
    later = [i.key for i in plan_items(kb, "hai-phong", dt.date(2027, 12, 1), signed) if "@" in i.key]
    assert later == [f"{YEARLY}@2027", f"{YEARLY}@2028"]  # 2026 is more than a year ago
    # Lạng Sơn's yearly report starts in 2026: nothing for December 2025.
    early = plan_items(kb, "lang-son", dt.date(2026, 1, 10), signed)
    assert [i.key for i in early if "@" in i.key] == ["ls-dl-bao-cao-hang-nam@2026"]
    # One-off deadlines stay, however old.
    assert "ls-dl-gui-ke-hoach" in _keys(plan_items(kb, "lang-son", dt.date(2030, 1, 1), signed))


def test_item_properties(kb, signed):
    item = find_item(kb, "hai-phong", f"{YEARLY}@2026", TODAY, signed)
    assert item is not None and isinstance(item.entry, Deadline)
    assert (item.kind, item.year, item.due, item.plan, item.ref) == (
        "deadline", 2026, dt.date(2026, 11, 5), "hai-phong", "mục IV.1")
    assert item.title == item.entry.title and item.units == item.entry.units
    one_off = find_item(kb, "hai-phong", "hp-han-ban-giao-tai-lieu", TODAY, signed)
    assert one_off is not None and one_off.year is None and one_off.key == "hp-han-ban-giao-tai-lieu"
    duty = find_item(kb, "hai-phong", "hp-iii6-skhcn", TODAY, signed)
    assert duty is not None and (duty.kind, duty.due, duty.year) == ("duty", None, None)


def test_unit_items_are_those_naming_the_unit_or_its_groups(kb, signed):
    finance = kb.registry.resolve("Sở Tài chính")
    keys = _keys(unit_items(kb, "hai-phong", finance, TODAY, signed))
    assert "hp-han-huong-dan-mua-sam" in keys and f"{YEARLY}@2026" in keys  # own, and via its group
    assert "hp-han-ban-giao-tai-lieu" not in keys and "hp-iii6-skhcn" not in keys  # Sở Nội vụ's, Sở KH&CN's
    commune = kb.registry.resolve("UBND xã Tả Van")
    assert "lc-dl-gui-ke-hoach" in _keys(unit_items(kb, "lao-cai", commune, TODAY, signed))


@pytest.mark.parametrize(("key", "expected"), [
    ("hp-han-ban-giao-tai-lieu", "hp-han-ban-giao-tai-lieu"),
    ("hp-iii6-skhcn", "hp-iii6-skhcn"),
    (f"{YEARLY}@2026", f"{YEARLY}@2026"),
    (f"{YEARLY}@2027", f"{YEARLY}@2027"),  # next year: reporting early is fine
    (f"{YEARLY}@2025", None),  # before the first year
    (f"{YEARLY}@2028", None),  # too far ahead
    (f"{YEARLY}@20x6", None),
    (f"{YEARLY}@", None),
    ("hp-han-ban-giao-tai-lieu@2026", None),  # one-off deadlines have no years
    ("hp-iii6-skhcn@2026", None),
    ("ls-dl-gui-ke-hoach", None),  # another plan's
    (" HP-Han-Ban-Giao-Tai-Lieu ", "hp-han-ban-giao-tai-lieu"),
    ("hp-khong-co", None),
    ("", None),
])
def test_find_item_keys(kb, signed, key, expected):
    item = find_item(kb, "hai-phong", key, TODAY, signed)
    assert (item.key if item else None) == expected


@pytest.mark.parametrize(("today", "expected"), [
    (dt.date(2026, 11, 4), 2026),  # before the first occurrence: the next one
    (dt.date(2026, 11, 5), 2026),  # due today
    (TODAY, 2026),  # 18 days late: late reports still count for it
    (dt.date(2026, 12, 5), 2026),  # 30 days late
    (dt.date(2026, 12, 6), 2027),  # 31 days: the next one
    (dt.date(2027, 1, 10), 2027),
    (dt.date(2027, 11, 20), 2027),
])
def test_a_bare_yearly_id_is_the_current_occurrence(kb, signed, today, expected):
    item = find_item(kb, "hai-phong", YEARLY, today, signed)
    assert item is not None and item.key == f"{YEARLY}@{expected}" and item.year == expected


def test_a_bare_yearly_id_never_goes_before_the_first_year(kb, signed):
    # Lạng Sơn's yearly report (15/12) starts in 2026: in January 2026 the 2025 one does not exist.
    item = find_item(kb, "lang-son", "ls-dl-bao-cao-hang-nam", dt.date(2026, 1, 5), signed)
    assert item is not None and item.key == "ls-dl-bao-cao-hang-nam@2026"
