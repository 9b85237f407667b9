"""Questions in chat: cited answers, suggestions, feedback, escaping, long text."""

from __future__ import annotations

import dataclasses
import json

from bot.cli import main
from handlers import callbacks, texts
from knowledge.render import blocks_to_html, to_plain
from tests.handlers.conftest import ADMIN, ALICE, BOB, button, text_of


async def test_a_question_gets_a_cited_answer_with_suggestions_and_feedback(chat):
    calls = await chat.send(ALICE, "Thời hạn bảo vệ bí mật nhà nước độ Tối mật là bao lâu?")
    text = text_of(calls)
    assert "20 năm" in text and "Nguồn:" in text
    labels = [label for label, _ in calls[-1].buttons]
    assert texts.FEEDBACK_UP in labels and texts.FEEDBACK_DOWN in labels
    assert 1 <= len(labels) - 2 <= 3
    [logged] = chat.questions()
    assert logged.answered and logged.user_id == ALICE.id


async def test_a_question_without_diacritics_gets_the_same_answer(chat):
    with_marks = text_of(await chat.send(ALICE, "Thời hạn bảo vệ bí mật nhà nước độ Tối mật là bao lâu?"))
    without = text_of(await chat.send(ALICE, "thoi han bao ve bi mat nha nuoc do toi mat la bao lau"))
    assert without == with_marks


async def test_the_chosen_plan_is_the_context_of_questions(chat):
    calls = await chat.send(ALICE, "/start")
    await chat.press(ALICE, button(calls, "Lạng Sơn"))
    calls = await chat.send(ALICE, "hạn gửi báo cáo năm là ngày nào")
    assert "Lạng Sơn" in text_of(calls)
    assert chat.questions()[-1].plan == "lang-son"


async def test_a_suggestion_button_answers_that_question(chat):
    calls = await chat.send(ALICE, "Bí mật nhà nước là gì?")
    suggestion = next(data for label, data in calls[-1].buttons if ":sugg:" in data)
    calls = await chat.press(ALICE, suggestion)
    assert "Nguồn:" in text_of(calls)
    assert len(chat.questions()) == 2


async def test_feedback_is_stored_and_the_feedback_row_removed(chat):
    calls = await chat.send(ALICE, "Bí mật nhà nước là gì?")
    mark = len(chat.api.calls)
    await chat.press(ALICE, button(calls, "Hữu ích"))
    assert chat.answers[0].params["text"] == texts.FEEDBACK_THANKS
    [edit] = chat.api.called("editMessageReplyMarkup", since=mark)
    assert all(":fb:" not in data for _, data in edit.buttons)
    assert chat.questions()[0].feedback == "up"
    await chat.press(ALICE, button(calls, "Chưa đúng"))
    assert chat.questions()[0].feedback == "down"


async def test_feedback_or_suggestions_on_someone_elses_question_change_nothing(chat):
    await chat.send(ALICE, "Bí mật nhà nước là gì?")
    question_id = chat.questions()[0].id
    await chat.press(BOB, callbacks.make("fb", f"{question_id}.down"))
    assert chat.answers[0].params["text"] == texts.NOT_YOURS
    assert chat.questions()[0].feedback is None
    calls = await chat.press(BOB, callbacks.make("sugg", f"{question_id}.0"))
    assert calls == [] and chat.answers[0].params["text"] == texts.SUGGESTION_GONE
    assert len(chat.questions()) == 1


async def test_an_out_of_scope_question_is_declined_with_the_office_contact(chat):
    calls = await chat.send(ALICE, "giá vàng hôm nay bao nhiêu")
    text = text_of(calls)
    assert "không tìm thấy" in text and "Công an tỉnh" in text
    assert all(":fb:" not in data for _, data in calls[-1].buttons)
    assert chat.questions()[0].answered is False


async def test_hostile_text_is_escaped_in_every_reply(chat):
    calls = await chat.send(ALICE, '<script>alert("x")</script> & <b>bí mật nhà nước là gì</b>')
    for call in calls:
        assert "<script>" not in call.text
    calls = await chat.send(ALICE, "/lệnh<b>lạ</b>")
    assert "<b>lạ" not in text_of(calls)


async def test_huge_text_is_refused_politely_and_not_logged(chat):
    calls = await chat.send(ALICE, "bí mật " * 20000)
    assert "dài quá" in calls[0].text
    assert chat.questions() == []


async def test_long_answers_are_split_under_telegrams_limit(chat):
    code_calls = await chat.send(ADMIN, "/moi lang-son Công an tỉnh")
    code = code_calls[0].text.split("?start=")[1].split()[0]
    await chat.send(ALICE, f"/start {code}")
    for command in ("/nhiemvu", "/hanchot", "/lienhe", "/help"):
        calls = await chat.send(ALICE, command)
        assert calls, command
        assert all(len(c.text) <= 4096 for c in calls)


async def test_unknown_commands_point_to_help(chat):
    calls = await chat.send(ALICE, "/khongco abc")
    assert calls[0].text == texts.UNKNOWN_COMMAND.format(command="/khongco")


async def test_empty_or_whitespace_text_asks_for_a_question(chat):
    calls = await chat.send(ALICE, "   ")
    assert calls[0].text == texts.EMPTY_TEXT


async def test_default_plan_is_the_context_for_users_without_a_plan(chat):
    chat.core.settings = dataclasses.replace(chat.core.settings, default_plan="hai-phong")
    await chat.send(ALICE, "hạn gửi báo cáo năm là ngày nào")
    assert chat.questions()[-1].plan == "hai-phong"


async def test_registered_only_deployments_answer_approved_contacts_and_admins(chat):
    chat.core.settings = dataclasses.replace(chat.core.settings, registered_only=True)
    calls = await chat.send(ALICE, "Bí mật nhà nước là gì?")
    assert calls[0].text == texts.NEED_UNIT and chat.questions() == []
    assert "Nguồn:" in text_of(await chat.send(ADMIN, "Bí mật nhà nước là gì?"))
    invite = await chat.send(ADMIN, "/moi lang-son Sở Y tế")
    await chat.send(ALICE, "/start " + invite[0].text.split("?start=")[1].split()[0])
    assert "Nguồn:" in text_of(await chat.send(ALICE, "Bí mật nhà nước là gì?"))


async def _contact_of(chat, user, unit: str, plan: str) -> None:
    await chat.send(ADMIN, "/start")
    calls = await chat.send(ADMIN, f"/moi {plan} {unit}")
    code = calls[0].text.split("?start=")[1].split()[0]
    await chat.send(user, f"/start {code}")


async def test_my_unit_questions_answer_for_the_contacts_unit(chat):
    await _contact_of(chat, ALICE, "Sở Nội vụ", "lao-cai")
    text = text_of(await chat.send(ALICE, "đơn vị tôi có nhiệm vụ gì theo kế hoạch?"))
    assert "Nhiệm vụ của Sở Nội vụ" in text and "văn thư, lưu trữ" in text
    assert "Lạng Sơn" not in text and "Hải Phòng" not in text
    assert chat.questions()[-1].plan == "lao-cai"


async def test_my_unit_without_a_unit_says_how_to_choose_one(chat):
    text = text_of(await chat.send(BOB, "đơn vị tôi có nhiệm vụ gì?"))
    assert "/donvi" in text
    assert not chat.questions()[-1].answered


async def test_chat_and_cli_give_the_same_answer_for_the_same_question_plan_and_unit(chat, capsys):
    """The chat, the CLI and the assistant itself agree (the console runs the chat's handlers)."""
    await _contact_of(chat, ALICE, "Sở Y tế", "hai-phong")
    registry = chat.core.kb.registry
    today = chat.core.today()
    for question in ("bên mình có nhiệm vụ gì ko", "phường tôi phải báo cáo kết quả cho ai, hạn nào",
                     "sở mình phải nộp báo cáo năm trước 30/10 đúng không",
                     "hạn chót của đơn vị tôi", "mức lương cơ sở hiện nay là bao nhiêu"):
        expected = chat.core.assistant.find_answers(question, "hai-phong", today,
                                                    registry.resolve("Sở Y tế"))
        calls = await chat.send(ALICE, question)
        # A long reply comes in several messages, cut at paragraph breaks.
        assert "\n\n".join(c.text for c in calls) == blocks_to_html(expected.blocks)
        capsys.readouterr()
        assert main(["--today", today.isoformat(), "ask", question, "--plan", "hai-phong",
                     "--unit", "Sở Y tế", "--json"]) == 0
        printed = json.loads(capsys.readouterr().out)
        assert printed["text"] == to_plain(expected.markdown)
        assert printed["answered"] == expected.answered
