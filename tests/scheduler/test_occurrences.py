"""Deadline occurrences: one-off, end of month, yearly; per unit via its groups; windows."""

import datetime as dt

from knowledge.loader import load_knowledge
from scheduler.occurrences import occurrences
from tests.conftest import MINI_PLAN, write_mini_kb


def _kb(tmp_path, plan=MINI_PLAN):
    return load_knowledge(write_mini_kb(tmp_path / "content", **{"plans__thu-nghiem.md": plan}))


def test_yearly_deadline_has_one_occurrence_per_year_in_a_window(tmp_path):
    kb = _kb(tmp_path)
    occ = occurrences(kb.deadlines(), start=dt.date(2026, 1, 1), end=dt.date(2028, 12, 31))
    yearly = [o for o in occ if o.deadline.id == "tn-bao-cao"]
    assert [o.due for o in yearly] == [dt.date(2026, 12, 15), dt.date(2027, 12, 15),
                                       dt.date(2028, 12, 15)]
    assert [o.key for o in yearly] == ["tn-bao-cao@2026", "tn-bao-cao@2027", "tn-bao-cao@2028"]


def test_past_one_off_deadline_stays_visible_without_a_start(tmp_path):
    kb = _kb(tmp_path)
    assert "tn-gui-ke-hoach" in {o.deadline.id for o in occurrences(kb.deadlines())}
    later = occurrences(kb.deadlines(), start=dt.date(2026, 2, 1))
    assert "tn-gui-ke-hoach" not in {o.deadline.id for o in later}


def test_end_of_month_deadline_falls_on_the_last_day(tmp_path):
    kb = _kb(tmp_path, MINI_PLAN.replace("due: 2026-01-15", "due: month:2026-10"))
    occ = [o for o in occurrences(kb.deadlines()) if o.deadline.id == "tn-gui-ke-hoach"]
    assert occ[0].due == dt.date(2026, 10, 31)


def test_unit_gets_its_groups_deadlines_but_not_others(tmp_path):
    kb = _kb(tmp_path)
    so = kb.registry.resolve("Sở Xây dựng Thử")  # classified as a department
    ca = kb.registry.resolve("CA tỉnh")
    assert {o.deadline.id for o in occurrences(kb.deadlines(), unit=so)} == {
        "tn-gui-ke-hoach", "tn-bao-cao"}
    assert {o.deadline.id for o in occurrences(kb.deadlines(), unit=ca)} == {"tn-bao-cao"}


def test_occurrences_are_sorted_soonest_first(kb):
    occ = occurrences(kb.deadlines(), start=dt.date(2026, 1, 1), end=dt.date(2027, 12, 31))
    assert [o.due for o in occ] == sorted(o.due for o in occ)


def test_lang_son_annual_report_is_due_15_december(kb):
    ca = kb.registry.resolve("Công an tỉnh")
    occ = occurrences(kb.deadlines(), plan="lang-son", unit=ca, start=dt.date(2026, 11, 23),
                      end=dt.date(2026, 12, 31))
    assert dt.date(2026, 12, 15) in {o.due for o in occ}
