"""The leak guard in chat: every attachment kind and forwards refused unread; marked text not kept."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from bot import leak_guard
from handlers import texts
from tests.handlers.conftest import ALICE, text_of

PHOTO = [{"file_id": "p1", "file_unique_id": "u1", "width": 90, "height": 90}]
FILE = {"file_id": "d1", "file_unique_id": "u2", "file_name": "bao-cao.docx"}
ATTACHMENTS = {
    "photo": {"photo": PHOTO, "caption": "ảnh tài liệu"},
    "document": {"document": FILE, "caption": "kế hoạch"},
    "voice": {"voice": {"file_id": "v", "file_unique_id": "v", "duration": 3}},
    "audio": {"audio": {"file_id": "a", "file_unique_id": "a", "duration": 3}},
    "video": {"video": {"file_id": "x", "file_unique_id": "x", "width": 1, "height": 1, "duration": 1}},
    "video_note": {"video_note": {"file_id": "n", "file_unique_id": "n", "length": 1, "duration": 1}},
    "animation": {"animation": {"file_id": "g", "file_unique_id": "g", "width": 1, "height": 1,
                                "duration": 1}},
    "sticker": {"sticker": {"file_id": "s", "file_unique_id": "s", "width": 1, "height": 1,
                            "is_animated": False, "is_video": False, "type": "regular"}},
    "contact": {"contact": {"phone_number": "0912345678", "first_name": "A"}},
    "location": {"location": {"latitude": 21.0, "longitude": 105.8}},
    "forward": {"text": "Bí mật nhà nước là gì?",
                "forward_origin": {"type": "hidden_user", "sender_user_name": "X", "date": 1700000000}},
}


@pytest.mark.parametrize("kind", list(ATTACHMENTS))
async def test_attachments_and_forwards_are_refused_unread_with_the_law(chat, kind):
    calls = await chat.post(ALICE, **ATTACHMENTS[kind])
    [warning] = calls
    assert texts.ATTACHMENT_KINDS[kind] in warning.text
    assert "khoản 4 Điều 5" in warning.text and "117/2025/QH15" in warning.text
    assert chat.api.called("getFile") == []
    assert chat.api.called("deleteMessage")
    [refusal] = chat.audit("refused_attachment")
    assert refusal.detail["kind"] == kind
    assert chat.questions() == []


MARKED = "ỦY BAN NHÂN DÂN TỈNH\nMẬT\nSố: 12/KH-UBND\nKế hoạch triển khai phương án bảo vệ mục tiêu X"


async def test_marked_text_is_deleted_warned_and_never_stored(chat):
    calls = await chat.send(ALICE, MARKED)
    [warning] = calls
    assert "không được lưu" in warning.text and "đã bị xóa" in warning.text
    assert chat.api.called("deleteMessage")
    assert chat.questions() == []
    [refusal] = chat.audit("refused_marking")
    assert refusal.actor_id == ALICE.id
    with chat.core.sessions.begin() as session:
        for table in ("question_log", "audit_log", "users", "contacts", "units"):
            dump = " ".join(str(row) for row in session.execute(text(f"SELECT * FROM {table}")))
            assert "mục tiêu X" not in dump and "12/KH-UBND" not in dump, table


async def test_marked_text_that_cannot_be_deleted_is_still_refused(chat):
    chat.api.undeletable.add(ALICE.id)
    calls = await chat.send(ALICE, "Độ mật: Tối mật. Nội dung: danh sách cán bộ")
    assert "không được lưu" in calls[0].text and "đã bị xóa" not in calls[0].text
    assert chat.questions() == []


async def test_an_edited_message_that_gains_a_marking_is_refused(chat):
    data = chat.api.text_update(ALICE, "(MẬT) báo cáo số 5")
    data["edited_message"] = dict(data.pop("message"), edit_date=1700000000)
    calls = await chat.feed(data, ALICE)
    assert "không được lưu" in calls[0].text


async def test_questions_about_secrecy_levels_are_answered(chat):
    calls = await chat.send(ALICE, "tài liệu TỐI MẬT được bảo vệ bao lâu?")
    assert "20 năm" in text_of(calls)
    assert chat.audit("refused_marking") == []


def test_the_warning_cites_provisions_that_are_in_the_knowledge_base(kb):
    for entry_id in (leak_guard.LAW_NOW, leak_guard.LAW_BEFORE):
        entry = kb.by_id[entry_id]
        assert entry.article == 5
