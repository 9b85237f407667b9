"""The items a unit reports on: deadline occurrences (a year either side of today) and duties."""

from __future__ import annotations

import datetime as dt

import pytest

from knowledge.model import Deadline, Duty
from scheduler.items import Item, find_item, lead, plan_items, signed_dates, unit_items, unit_tasks
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


@pytest.mark.parametrize(("key", "today", "expected"), [
    ("ls-iii6-ke-hoach", TODAY, "ls-dl-gui-ke-hoach"),  # a duty one deadline dates
    ("hp-iv1-trien-khai-bao-cao", TODAY, f"{YEARLY}@2026"),  # … a yearly one: its current occurrence
    # A duty two deadlines date (the plan by 27/02/2026, the report by 30/10 yearly): the current one.
    ("lc-iv1-ke-hoach-bao-cao", dt.date(2026, 2, 1), "lc-dl-gui-ke-hoach"),
    ("lc-iv1-ke-hoach-bao-cao", dt.date(2026, 3, 20), "lc-dl-gui-ke-hoach"),  # 21 days late
    ("lc-iv1-ke-hoach-bao-cao", dt.date(2026, 4, 1), "lc-dl-bao-cao-hang-nam@2026"),
    ("lc-iv1-ke-hoach-bao-cao", TODAY, "lc-dl-bao-cao-hang-nam@2026"),  # 24 days late
    ("lc-iv1-ke-hoach-bao-cao", dt.date(2026, 12, 1), "lc-dl-bao-cao-hang-nam@2027"),
])
def test_a_dated_duty_names_its_deadlines_item(kb, signed, key, today, expected):
    plan = kb.by_id[key].plan
    item = find_item(kb, plan, key, today, signed)
    assert item is not None and (item.key, item.kind) == (expected, "deadline")
    assert key not in _keys(plan_items(kb, plan, today, signed))
    assert find_item(kb, plan, f"{key}@2026", today, signed) is None


def test_units_helping_the_unit_that_leads_a_task_do_not_report_on_it(kb, signed):
    registry = kb.registry
    led = kb.by_id["ls-iii1-kiem-dinh-thiet-bi"]  # "Công an tỉnh: chủ trì …"; units: CA; every unit
    assert lead(led, registry) == "cong-an-tinh"
    assert lead(kb.by_id["ls-iii6-ke-hoach"], registry) is None  # groups only
    assert lead(kb.by_id["ls-iii1-chinh-sach-dai-ngo"], registry) is None  # "CA chủ trì, SNV phối hợp:"
    assert lead(kb.by_id["hp-iii1-ca-kiem-dinh-thiet-bi"], registry) == "cong-an-tinh"  # "Công an thành phố:"
    commune = registry.resolve("UBND xã Chi Lăng")
    keys = _keys(unit_items(kb, "lang-son", commune, TODAY, signed))
    assert led.id not in keys and "ls-iii2-phoi-hop-cong-an" not in keys
    assert "ls-ii2-tu-kiem-tra" in keys and "ls-dl-gui-ke-hoach" in keys
    police = registry.resolve("Công an tỉnh")
    assert led.id in _keys(unit_items(kb, "lang-son", police, TODAY, signed))
    # A unit the plan names itself reports, whoever leads ("Công an tỉnh; Sở Nội vụ").
    home = registry.resolve("Sở Nội vụ")
    assert "ls-iii1-chinh-sach-dai-ngo" in _keys(unit_items(kb, "lang-son", home, TODAY, signed))


def test_a_units_tasks_are_its_own_then_its_groups_nearest_first_then_those_it_supports(kb):
    commune = kb.registry.resolve("UBND xã Chi Lăng")
    tasks = unit_tasks(kb, "lang-son", commune)
    assert tasks[0].entry.id == "ls-iii6-ke-hoach"
    assert [d.id for d in tasks[0].deadlines] == ["ls-dl-gui-ke-hoach"]
    hows = [(t.how, t.via) for t in tasks]
    assert hows == sorted(hows, key=lambda h: (["own", "group", "support"].index(h[0]),
                                              h[1] != "nhom-ubnd-xa-phuong"))
    assert hows[-1] == ("support", "nhom-co-quan-don-vi-dia-phuong")
    ids = [t.entry.id for t in tasks]
    assert "ls-dl-gui-ke-hoach" not in ids and len(ids) == len(set(ids))
    police = kb.registry.resolve("Công an tỉnh")
    own = [t.entry.id for t in unit_tasks(kb, "lang-son", police) if t.how == "own"]
    assert own[0] == "ls-ii6-kiem-dinh-thiet-bi"  # through its deadline, which names Công an tỉnh
    assert "ls-iii1-kiem-dinh-thiet-bi" in own
