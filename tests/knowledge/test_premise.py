"""Premises: dates a question states, checked against the plan; fines the law does not set."""

from __future__ import annotations

from knowledge.premise import DateClaim, dates_in
from knowledge.render import to_plain
from tests.conftest import TODAY


def test_dates_are_read_in_every_way_staff_write_them():
    assert dates_in("trước 5/11") == [DateClaim(5, 11, None)]
    assert dates_in("trước 31/12/2023") == [DateClaim(31, 12, 2023)]
    assert dates_in("hết tháng 10/2026") == [DateClaim(None, 10, 2026)]
    assert dates_in("ngày 15 tháng 01 năm 2026") == [DateClaim(15, 1, 2026)]
    assert dates_in("Luật 29/2018/QH14, Nghị định 26/2020") == []


def test_a_date_the_plan_does_not_set_is_corrected_first(assistant):
    unit = assistant.kb.registry.resolve("Sở Y tế")
    answer = assistant.find_answers("sở mình phải nộp báo cáo năm về BMNN trước 5/11 đúng không",
                                    "dong-nai", TODAY, unit)
    first = to_plain(answer.parts[0].markdown)
    assert first.startswith("Lưu ý: Kế hoạch 109/KH-UBND của UBND tỉnh Đồng Nai không quy định hạn 05/11")
    assert "Hải Phòng" not in to_plain(answer.markdown)


def test_a_date_the_plan_sets_is_not_contradicted(assistant):
    unit = assistant.kb.registry.resolve("Sở Y tế")
    answer = assistant.find_answers("sở mình phải gửi báo cáo năm trước 5/11 đúng không",
                                    "hai-phong", TODAY, unit)
    assert answer.answered and "không quy định hạn" not in to_plain(answer.markdown)
    assert "5/11" in to_plain(answer.parts[0].markdown)


def test_another_provinces_date_asked_of_this_plan_is_corrected(assistant):
    unit = assistant.kb.registry.resolve("UBND đặc khu Bạch Long Vĩ")
    answer = assistant.find_answers("theo KH 298 thì đặc khu tôi phải kiểm định xong 100% thiết bị "
                                    "trước hết tháng 10/2026 đúng không", "hai-phong", TODAY, unit)
    text = to_plain(answer.markdown)
    assert "không quy định hạn tháng 10/2026" in text and "Lạng Sơn" not in text


def test_a_fine_under_the_law_is_said_not_to_exist_and_the_sanctions_elsewhere_are_given(assistant):
    for question in ("làm lộ tài liệu Mật theo Luật 117 bị phạt bao nhiêu",
                     "theo Luật 117 chụp tài liệu mật gửi qua Zalo bị phạt bao nhiêu triệu?"):
        answer = assistant.find_answers(question, "lao-cai", TODAY)
        assert answer.answered
        first = to_plain(answer.parts[0].markdown)
        said = first.index("Luật Bảo vệ bí mật nhà nước không quy định mức phạt")
        assert said < first.index("phạt tù" if "phạt tù" in first else "Điều 19")
        assert any(s.doc == "Bộ luật Hình sự 2015" or s.doc == "Nghị định 144/2021/NĐ-CP"
                   for s in answer.parts[0].sources)


def test_a_plan_without_phone_numbers_says_so(assistant):
    answer = assistant.find_answers("cho em xin số điện thoại Công an tỉnh Đồng Nai để hỏi về KH 109",
                                    "dong-nai", TODAY)
    text = to_plain(answer.markdown)
    assert "không ghi số điện thoại" in text
    assert "0983.342.538" not in text and "069.2509.325" not in text
