"""Answers: routing, plan context, the decline decision, citations, dates and law versions."""

import datetime as dt
import unicodedata

import pytest

from knowledge.answers import Assistant, UnknownPlan
from knowledge.loader import load_knowledge
from knowledge.render import to_plain
from tests.conftest import TODAY, write_mini_kb


def ask(assistant, question, plan=None, today=TODAY):
    answer = assistant.find_answers(question, plan, today)
    return answer, to_plain(answer.markdown)


def test_same_answer_with_and_without_diacritics(assistant):
    with_marks, _ = ask(assistant, "Sở Tài chính có nhiệm vụ gì?", "dong-nai")
    without, _ = ask(assistant, "so tai chinh co nhiem vu gi", "dong-nai")
    assert with_marks.answered and with_marks.entry_ids == without.entry_ids


def test_nfd_input_is_answered_like_nfc(assistant):
    question = "Bí mật nhà nước là gì?"
    nfc_answer, _ = ask(assistant, question)
    nfd_answer, _ = ask(assistant, unicodedata.normalize("NFD", question))
    assert nfc_answer.entry_ids == nfd_answer.entry_ids


def test_typo_is_tolerated(assistant):
    answer, text = ask(assistant, "Sở tôi phải gữi KH triển khai về BCĐ tỉnh trước ngày nào?", "lang-son")
    assert answer.answered and "15/01/2026" in text


@pytest.mark.parametrize("question", [
    "Tối qua tuyển Việt Nam đá với Thái Lan tỷ số bao nhiêu?",
    "gia vang sjc hom nay bao nhieu 1 luong",
    "Xe máy vượt đèn đỏ bị phạt bao nhiêu tiền?",
    "công thức nấu phở bò",
])
def test_out_of_scope_question_is_declined_with_contact(assistant, question):
    answer, text = ask(assistant, question)
    assert not answer.answered
    assert "không tìm thấy" in text
    assert "Công an tỉnh" in text


def test_decline_in_a_plan_gives_that_plans_phone_numbers(assistant):
    answer, text = ask(assistant, "lịch thi đấu bóng đá tuần này", "lang-son")
    assert not answer.answered
    assert "0983.342.538" in text


def test_deadline_answer_states_date_and_that_it_has_passed(assistant):
    answer, text = ask(assistant, "hạn gửi kế hoạch triển khai về Ban Chỉ đạo", "lang-son")
    assert answer.answered
    assert "15/01/2026" in text and "đã qua hạn" in text


def test_deadline_answer_counts_days_left_before_the_date(assistant):
    _, text = ask(assistant, "hạn gửi kế hoạch triển khai về Ban Chỉ đạo", "lang-son",
                  today=dt.date(2026, 1, 5))
    assert "còn 10 ngày" in text


def test_yearly_deadline_answer_gives_next_occurrence(assistant):
    _, text = ask(assistant, "báo cáo kết quả thực hiện kế hoạch hằng năm trước ngày nào", "lang-son")
    assert "15/12/2026" in text


def test_answer_cites_plan_section(assistant):
    answer, text = ask(assistant, "bo chi huy quan su tinh nghien cuu tich hop noi dung gi", "lang-son")
    assert answer.sources and answer.sources[0].ref.startswith("mục III")
    assert "Nguồn:" in text


def test_law_answer_says_which_law_and_that_it_is_in_force(assistant):
    _, text = ask(assistant, "Bí mật nhà nước là gì?")
    assert "Luật 117/2025/QH15" in text and "có hiệu lực từ 01/03/2026" in text


def test_answer_from_replaced_law_says_so(assistant):
    _, text = ask(assistant, "theo luật 2018 chủ tịch ubnd tỉnh được cho phép sao chụp tài liệu độ mật nào")
    assert "Luật 29/2018/QH14" in text
    assert "hết hiệu lực" in text and "117/2025/QH15" in text


def test_replaced_law_is_current_before_the_change(assistant):
    _, text = ask(assistant, "theo luật 2018 chủ tịch ubnd tỉnh được cho phép sao chụp tài liệu độ mật nào",
                  today=dt.date(2025, 6, 1))
    assert "hết hiệu lực" not in text


def test_every_answer_carries_the_legal_note(assistant):
    _, text = ask(assistant, "Sở Nội vụ có nhiệm vụ gì?", "lao-cai")
    assert "văn bản chính thức" in text


def test_article_cue_routes_to_that_article(assistant):
    answer, _ = ask(assistant, "Điều 19 luật 2018 quy định gì")
    assert answer.answered
    assert any(s.ref.endswith("Điều 19") for s in answer.sources)


def test_contact_cue_routes_to_contacts_of_the_plan_only(assistant):
    _, text = ask(assistant, "cho xin sdt can bo dau moi cua CA tinh ve bmnn", "lang-son")
    assert "0983.342.538" in text
    assert "069.2509.325" not in text  # Lào Cai's number


def test_province_named_in_question_selects_the_plan(assistant):
    answer, text = ask(assistant, "số điện thoại Công an tỉnh Lào Cai về bảo vệ bí mật nhà nước")
    assert answer.plan == "lao-cai"
    assert "069.2509.325" in text


def test_duties_of_a_unit_are_listed_with_its_groups_duties(assistant):
    answer, text = ask(assistant, "nhiệm vụ của Sở Nội vụ", "lang-son")
    assert answer.answered and len(answer.entry_ids) >= 2
    assert "Nhiệm vụ của Sở Nội vụ" in text
    assert "nhiệm vụ chung" in text  # duties given to "các sở, ban, ngành"


def test_suggestions_are_offered_and_at_most_three(assistant):
    answer, _ = ask(assistant, "tiêu hủy tài liệu bí mật nhà nước")
    assert 0 < len(answer.suggestions) <= 3


def test_empty_question_is_not_answered(assistant):
    answer, _ = ask(assistant, "   ")
    assert not answer.answered


def test_unknown_plan_is_an_error(assistant):
    with pytest.raises(UnknownPlan):
        assistant.find_answers("x", "ha-noi", TODAY)


def test_hostile_and_huge_text_is_answered_without_error(assistant):
    for text in ["<script>alert(1)</script>", "'; DROP TABLE x; --", "bmnn " * 5000, "🙂" * 100,
                 "\x00\x07", "Điều 99999999999999999999"]:
        answer = assistant.find_answers(text, None, TODAY)
        assert isinstance(answer.answered, bool)


def test_group_member_asking_in_a_mini_kb(tmp_path):
    assistant = Assistant(load_knowledge(write_mini_kb(tmp_path / "content")))
    answer, text = ask(assistant, "Sở Tài chính có nhiệm vụ gì?", "thu-nghiem")
    assert answer.answered and "kinh phí" in text
    assert "Gửi kế hoạch về Công an tỉnh" in text  # its group's deadline is listed too


@pytest.mark.parametrize("plan, office", [
    ("lang-son", "Công an tỉnh, Phòng An ninh chính trị nội bộ"),
    ("lao-cai", "Công an tỉnh, Phòng An ninh chính trị nội bộ"),
    ("hai-phong", "Công an thành phố)"),
    ("dong-nai", "Công an tỉnh)"),
])
def test_the_office_line_names_the_department_only_where_the_plans_contacts_do(assistant, plan, office):
    text = to_plain(assistant.find_answers("giá vàng hôm nay", plan, TODAY).markdown)
    assert office in text
    if ")" in office:
        assert "Phòng An ninh chính trị nội bộ" not in text


def test_a_department_merged_before_the_plan_is_answered_as_its_successor(assistant):
    answer = assistant.find_answers("Sở Giao thông vận tải có nhiệm vụ gì", "lang-son", TODAY)
    text = to_plain(answer.markdown)
    assert "Sở Giao thông vận tải nay là Sở Xây dựng" in text.split("\n")[0]
