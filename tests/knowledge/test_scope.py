"""The scope model: other domains and other laws are declined, secrets questions never."""

from __future__ import annotations

import pytest

from tests.conftest import TODAY

OTHER_DOMAINS = [
    "luật đất đai 2024 quy định thu hồi đất thế nào", "Mức lương cơ sở hiện nay là bao nhiêu",
    "mẫu đơn xin nghỉ phép", "thủ tục đăng ký thường trú cho con", "cach cai zalo tren may tinh",
    "Sau sáp nhập Hải Phòng có bao nhiêu xã, phường, đặc khu", "làm hộ chiếu ở đâu",
    "cách tính thuế thu nhập cá nhân", "vượt đèn đỏ bị phạt bao nhiêu",
    "Luật Cán bộ, công chức quy định xếp loại công chức thế nào", "đổi mật khẩu wifi",
    "Bí mật kinh doanh của công ty được bảo vệ thế nào",
]
SECRETS = [
    "gửi tài liệu mật qua zalo được không", "tài liệu tối mật bảo vệ bao lâu",
    "máy tính soạn thảo tài liệu mật có được nối mạng internet không",
    "luật bảo vệ bí mật nhà nước mới là luật số mấy",
]


@pytest.mark.parametrize("question", OTHER_DOMAINS)
def test_other_domains_are_declined_and_say_why(assistant, question):
    answer = assistant.find_answers(question, "lang-son", TODAY)
    assert not answer.answered
    assert answer.extra.get("declined", "").startswith("scope:")


@pytest.mark.parametrize("question", SECRETS)
def test_questions_on_secrets_are_in_scope_whatever_else_they_name(assistant, question):
    assert assistant.find_answers(question, "lang-son", TODAY).answered
