"""Loading the KB into typed records, and `kb check` catching each kind of error."""

import dataclasses
import datetime as dt

import pytest

from knowledge.loader import KnowledgeError, check_knowledge, load_knowledge
from knowledge.model import Deadline, Provision
from tests.conftest import MINI_LAW, MINI_PLAN, MINI_UNITS, write_mini_kb


def test_bundled_knowledge_base_is_valid():
    assert check_knowledge() == []


def test_bundled_kb_has_all_five_plans_and_both_laws(kb):
    assert set(kb.plans) == {"lang-son", "lao-cai", "dong-nai", "vb286", "hai-phong"}
    assert kb.documents["luat-117-2025"].status == "in_force"
    assert kb.documents["luat-29-2018"].replaced_by == "luat-117-2025"


def test_records_are_typed_and_immutable(mini_kb_dir):
    kb = load_knowledge(mini_kb_dir)
    deadline = kb.by_id["tn-gui-ke-hoach"]
    assert isinstance(deadline, Deadline)
    assert deadline.units == ("nhom-so",)
    with pytest.raises(dataclasses.FrozenInstanceError):
        deadline.title = "x"  # type: ignore[misc]
    provision = kb.by_id["lm-d2-k1"]
    assert isinstance(provision, Provision)
    assert provision.citation_ref == "khoản 1 Điều 2"


def test_month_and_yearly_due_rules(tmp_path):
    plan = MINI_PLAN.replace("due: 2026-01-15", "due: month:2026-02")
    kb = load_knowledge(write_mini_kb(tmp_path, **{"plans__thu-nghiem.md": plan}))
    assert kb.by_id["tn-gui-ke-hoach"].due.occurrence(0).isoformat() == "2026-02-28"
    assert kb.by_id["tn-bao-cao"].due.occurrence(2027).isoformat() == "2027-12-15"


def _problems(tmp_path, name, text):
    root = write_mini_kb(tmp_path, **{name: text})
    return [str(p) for p in check_knowledge(root)]


def _one(problems, fragment):
    hits = [p for p in problems if fragment in p]
    assert hits, f"{fragment!r} not in {problems}"
    return hits[0]


def test_missing_front_matter_is_reported_at_line_1(tmp_path):
    problems = _problems(tmp_path, "plans__thu-nghiem.md", MINI_PLAN.replace("---\n", "", 1))
    assert _one(problems, "missing front matter").endswith(
        "plans/thu-nghiem.md:1: missing front matter (the file must start with '---')")


def test_unknown_unit_is_reported_with_its_line(tmp_path):
    text = MINI_PLAN.replace("units: Sở Tài chính", "units: Sở Không Tồn Tại")
    line = text.splitlines().index("units: Sở Không Tồn Tại") + 1
    assert f":{line}: entry 'tn-tai-chinh': unknown unit" in _one(
        _problems(tmp_path, "plans__thu-nghiem.md", text), "unknown unit")


def test_bad_date_is_reported(tmp_path):
    text = MINI_LAW.replace("effective: 2026-03-01", "effective: 31/02/2026")
    _one(_problems(tmp_path, "law__luat-moi.md", text), "bad date '31/02/2026'")


def test_bad_due_is_reported(tmp_path):
    text = MINI_PLAN.replace("due: 2026-01-15", "due: tháng 13")
    _one(_problems(tmp_path, "plans__thu-nghiem.md", text), "bad due")


def test_duplicate_entry_id_is_reported(tmp_path):
    text = MINI_PLAN.replace("## tn-bao-cao", "## tn-gui-ke-hoach")
    _one(_problems(tmp_path, "plans__thu-nghiem.md", text), "duplicate entry id 'tn-gui-ke-hoach'")


def test_plan_entry_without_citation_is_reported(tmp_path):
    text = MINI_PLAN.replace("ref: mục III.2\n", "")
    _one(_problems(tmp_path, "plans__thu-nghiem.md", text), "no citation")


def test_deadline_without_unit_is_reported(tmp_path):
    text = MINI_PLAN.replace("units: Các sở, ban, ngành\n", "")
    _one(_problems(tmp_path, "plans__thu-nghiem.md", text), "entry 'tn-gui-ke-hoach': missing units")


def test_unknown_key_is_reported(tmp_path):
    text = MINI_PLAN.replace("ref: mục III.2", "ref: mục III.2\nhan: 2026")
    _one(_problems(tmp_path, "plans__thu-nghiem.md", text), "unknown key 'han'")


def test_law_without_version_is_reported(tmp_path):
    text = MINI_LAW.replace("number: 1/2025/QH15\n", "")
    _one(_problems(tmp_path, "law__luat-moi.md", text), "needs its 'number'")


def test_replaced_law_needs_end_date_and_successor(tmp_path):
    text = MINI_LAW.replace("status: in_force", "status: replaced")
    problems = _problems(tmp_path, "law__luat-moi.md", text)
    _one(problems, "needs the 'ended' date")
    _one(problems, "needs 'replaced_by'")


def test_law_marked_in_force_after_its_end_is_reported(tmp_path):
    text = MINI_LAW.replace("status: in_force", "status: in_force\nended: 2026-02-28")
    _one(_problems(tmp_path, "law__luat-moi.md", text), "in_force but ended")


def test_entry_stating_the_2018_law_as_in_force_is_reported(tmp_path):
    text = MINI_LAW + "\n## lm-cu\ntype: fact\ntitle: Cũ\n\nLuật 29/2018/QH14 đang có hiệu lực.\n"
    _one(_problems(tmp_path, "law__luat-moi.md", text), "states Luật 29/2018/QH14 as in force")


def test_faq_citing_a_missing_article_is_reported(tmp_path):
    faq = """\
    ---
    id: faq
    kind: faq
    title: Hỏi đáp
    source: test
    ---

    ## faq-mot
    type: faq
    title: Một câu
    question: Hỏi gì?
    cites: luat-moi Điều 9; khong-co Điều 1

    Trả lời.
    """
    problems = _problems(tmp_path, "faq.md", faq)
    _one(problems, "cites luat-moi Điều 9, which has no provision entry")
    _one(problems, "cites unknown document 'khong-co'")


def test_entry_in_wrong_kind_of_document_is_reported(tmp_path):
    text = MINI_PLAN + "\n## tn-dieu\ntype: provision\ntitle: X\narticle: 1\nref: mục I\n\nNội dung.\n"
    _one(_problems(tmp_path, "plans__thu-nghiem.md", text), "does not belong in a plan document")


def test_load_raises_with_every_problem(tmp_path):
    text = MINI_PLAN.replace("units: Sở Tài chính", "units: Sở Không Có").replace(
        "due: 2026-01-15", "due: sai")
    root = write_mini_kb(tmp_path, **{"plans__thu-nghiem.md": text})
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(root)
    assert len(info.value.problems) == 2


def test_a_provision_says_how_far_it_was_verified(tmp_path):
    text = MINI_LAW.replace("verified: clause", "verified: maybe")
    _one(_problems(tmp_path, "law__luat-moi.md", text), "verified is 'clause' or 'article'")


def test_a_provision_verified_only_at_article_level_cannot_cite_a_clause(tmp_path):
    text = MINI_LAW.replace("verified: clause", "verified: article")
    _one(_problems(tmp_path, "law__luat-moi.md", text), "cannot cite a clause or point")


def test_raw_html_in_an_entry_is_reported_by_the_check(tmp_path):
    text = MINI_LAW.replace("nếu lộ gây", "nếu <script>lộ gây")
    _one(_problems(tmp_path, "law__luat-moi.md", text), "raw markup in the body (<script>)")


def test_a_merged_unit_names_its_successor_and_a_real_one(tmp_path):
    units = MINI_UNITS + "\n## so-cu\ntype: unit\nname: Sở Cũ\ngroups: nhom-so\nuntil: 2025-02-28\n"
    _one(_problems(tmp_path, "units.md", units), "'until' needs its 'successors'")
    units = units.replace("until: 2025-02-28", "until: 2025-02-28\nsuccessors: so-khong-co")
    _one(_problems(tmp_path, "units.md", units), "unknown successor 'so-khong-co'")


def test_plan_wording_keys_belong_to_plans_and_take_known_values(tmp_path):
    plan = MINI_PLAN.replace("province: Thử Nghiệm", "province: Thử Nghiệm\nlevel: huyện")
    _one(_problems(tmp_path, "plans__thu-nghiem.md", plan), "level is 'tỉnh' or 'thành phố'")
    law = MINI_LAW.replace("status: in_force", "status: in_force\nspecial_zones: yes")
    _one(_problems(tmp_path, "law__luat-moi.md", law), "only plans carry 'special_zones'")


def test_a_plan_without_a_signing_date_is_dated_by_as_of(tmp_path):
    plan = MINI_PLAN.replace("province: Thử Nghiệm", "province: Thử Nghiệm\nas_of: 2025-10-21")
    kb = load_knowledge(write_mini_kb(tmp_path, **{"plans__thu-nghiem.md": plan}))
    assert kb.plan_date("thu-nghiem") == dt.date(2025, 10, 21)


@pytest.mark.parametrize(("link", "fragment"), [
    ("tn-khong-co", "'duty' 'tn-khong-co' is not a duty of the same plan"),
    ("tn-bao-cao", "'duty' 'tn-bao-cao' is not a duty"),  # a deadline, not a duty
    ("tn-tai-chinh", "'duty' 'tn-tai-chinh' names none of the deadline's units"),
])
def test_a_deadline_dates_a_duty_of_its_plan_and_units(tmp_path, link, fragment):
    text = MINI_PLAN.replace("due: 2026-01-15\n", f"due: 2026-01-15\nduty: {link}\n")
    _one(_problems(tmp_path, "plans__thu-nghiem.md", text), fragment)


def test_the_bundled_deadlines_name_the_duties_they_date(kb):
    assert kb.by_id["ls-dl-gui-ke-hoach"].duty == "ls-iii6-ke-hoach"
    assert [d.id for d in kb.deadlines() if d.duty == "lc-iv1-ke-hoach-bao-cao"] == [
        "lc-dl-gui-ke-hoach", "lc-dl-bao-cao-hang-nam"]


HOLIDAYS = """---
id: ngay-nghi-2026
kind: holidays
title: Ngày nghỉ lễ, tết năm 2026
year: 2026
source: thử nghiệm
---

## nghi-tet-am-lich
type: holiday
title: Tết Nguyên đán
start: 2026-02-14
end: 2026-02-22
weekdays: thứ Bảy; Chủ nhật
ref: thông báo thử nghiệm

## nghi-quoc-khanh
type: holiday
title: Quốc khánh
start: 2026-09-02
weekdays: thứ Tư
ref: Bộ luật Lao động 2019 Điều 112
"""


def test_the_bundled_holidays_cover_tet_2026_and_2027_and_are_not_documents(kb):
    days = kb.days_off()
    assert {dt.date(2026, 2, 14) + dt.timedelta(days=i) for i in range(9)} <= days
    assert dt.date(2027, 2, 6) in days and dt.date(2026, 9, 2) in days
    assert [y.year for y in kb.holiday_years] == [2026, 2027]
    assert all(y.source and y.note for y in kb.holiday_years)
    assert not any(d.id.startswith("ngay-nghi") for d in kb.documents.values())


def test_a_holidays_file_is_loaded_as_days_off(tmp_path):
    root = write_mini_kb(tmp_path, **{"holidays__2026.md": HOLIDAYS})
    (year,) = load_knowledge(root).holiday_years
    assert (year.year, [h.id for h in year.holidays]) == (2026, ["nghi-tet-am-lich", "nghi-quoc-khanh"])
    assert len(year.holidays[0].days) == 9 and year.holidays[1].days == (dt.date(2026, 9, 2),)


@pytest.mark.parametrize(("old", "new", "problem"), [
    ("start: 2026-09-02", "start: 2026-09-31", "bad date '2026-09-31'"),
    ("start: 2026-09-02", "start: 2027-09-02", "not in 2026, the file's year"),
    ("weekdays: thứ Tư", "weekdays: thứ Năm", "weekdays 'thứ Năm' do not match the dates (thu tu)"),
    ("end: 2026-02-22", "end: 2026-02-12", "'end' must be on or after 'start'"),
    ("start: 2026-09-02\nweekdays: thứ Tư", "start: 2026-02-18\nweekdays: thứ Tư",
     "18/02/2026 is also listed in 'nghi-tet-am-lich'"),
    ("year: 2026", "year: hai nghìn", "bad year 'hai nghìn'"),
    ("type: holiday\ntitle: Quốc khánh", "type: deadline\ntitle: Quốc khánh", "'type: holiday' entries"),
    ("ref: Bộ luật Lao động 2019 Điều 112\n", "", "entry 'nghi-quoc-khanh': missing ref"),
])
def test_kb_check_reports_a_bad_holiday_list(tmp_path, old, new, problem):
    assert old in HOLIDAYS
    _one(_problems(tmp_path, "holidays__2026.md", HOLIDAYS.replace(old, new)), problem)


def test_kb_check_reports_a_year_listed_twice(tmp_path):
    root = write_mini_kb(tmp_path, **{"holidays__2026.md": HOLIDAYS,
                                      "holidays__nam-2026.md": HOLIDAYS.replace("ngay-nghi-2026", "khac")
                                      .replace("## nghi-", "## khac-")})
    _one([str(p) for p in check_knowledge(root)], "holidays of 2026 are also listed in")
