"""Reading a chat question: the asked part, the asker's own unit, yes/no checks."""

from __future__ import annotations

import pytest

from knowledge.question import beyond_listing, focus


def key(assistant, text: str) -> str:
    return assistant.index.analyse(text).key


@pytest.mark.parametrize("text", [
    "đơn vị tôi có nhiệm vụ gì?", "sở mình phải làm gì", "bên em có nhiệm vụ gì ko",
    "xã chúng tôi được giao việc gì", "bọn mình phải làm gì", "phuong minh co phai lam gi",
    "cơ quan tôi phải gửi kế hoạch trước ngày nào",
])
def test_own_unit_phrasings_are_recognised(assistant, text):
    assert focus(key(assistant, text)).own_unit


@pytest.mark.parametrize("text", [
    "Sở Y tế có nhiệm vụ gì?", "tài liệu tối mật bảo vệ bao lâu", "ai là trưởng ban chỉ đạo",
])
def test_questions_about_others_are_not_about_my_unit(assistant, text):
    assert not focus(key(assistant, text)).own_unit


def test_greetings_self_introduction_and_courtesies_are_set_aside(assistant):
    read = focus(key(assistant, "Em chào anh chị, em là cán bộ văn phòng UBND xã Tân Tiến, cho em "
                                "hỏi sao thêm 2 bản tài liệu mật có cần xin phép ai không ạ, em cảm ơn"))
    assert read.key.startswith("sao them 2 ban tai lieu mat")
    assert "cam on" not in read.key and "chao" not in read.key
    assert "uy ban nhan dan xa tan tien" in read.preamble


def test_a_yes_no_check_is_recognised(assistant):
    assert focus(key(assistant, "phải nộp trước 5/11 đúng không")).confirm
    assert not focus(key(assistant, "phải nộp trước ngày nào")).confirm


def test_a_listing_request_asks_nothing_more_but_a_topic_does(assistant):
    assert beyond_listing(key(assistant, "có nhiệm vụ gì theo kế hoạch?")) == []
    assert beyond_listing(key(assistant, "hạn chót là khi nào")) == []
    assert beyond_listing(key(assistant, "rà soát danh mục bí mật nhà nước thế nào")) != []
