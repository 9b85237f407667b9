"""Questions in plain text: a cited answer, up to three suggestion buttons, and 👍/👎 feedback."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardMarkup, Update
from telegram.error import BadRequest

from bot.core import Context, get_core
from bot.services import questions
from handlers import callbacks, onboarding, reports, texts
from handlers.common import Button, button_press, is_admin, my_unit, reply, short_label
from knowledge.answers import Answer
from knowledge.render import blocks_to_html

__all__ = ["feedback", "on_text", "pick_suggestion"]

logger = logging.getLogger(__name__)


async def on_text(update: Update, context: Context) -> None:
    """Plain text: the unit name when one was asked for, otherwise a question to answer."""
    message = update.effective_message
    user = update.effective_user
    assert message is not None and user is not None
    core = get_core(context)
    state = context.user_state
    if state.step == onboarding.AWAITING_UNIT_NAME:
        await onboarding.receive_unit_name(update, context)
        return
    if state.step in (reports.REPORT_NOTE, reports.REPORT_CONFIRM):  # a typed note (again)
        await reports.receive_note(update, context)
        return
    if state.step is not None and state.step.startswith(reports.REPLY_PREFIX):
        await reports.receive_reply(update, context)
        return
    if core.settings.registered_only and not is_admin(core, context, user.id):
        mine = my_unit(core, context)
        if mine is None or not mine.approved:
            await reply(update, context, texts.NEED_UNIT)
            return
    await answer(update, context, message.text or "", state.plan)


async def answer(update: Update, context: Context, question: str,
                 plan: str | None) -> None:
    """Answer `question` in `plan` (else the contact's plan, else DEFAULT_PLAN) for the asker's
    unit, log it, reply with suggestions and feedback."""
    user = update.effective_user
    assert user is not None
    core = get_core(context)
    question = question.strip()
    if not question:
        await reply(update, context, texts.EMPTY_TEXT)
        return
    if len(question) > questions.QUESTION_MAX:
        await reply(update, context, texts.QUESTION_TOO_LONG.format(length=len(question),
                                                                    limit=questions.QUESTION_MAX))
        return
    # Asked as the contact of their unit (approved or pending): "đơn vị tôi" is that unit.
    mine = my_unit(core, context)
    plan = plan or (mine.plan if mine else None) or core.settings.default_plan
    result = core.assistant.find_answers(question, plan, core.today(), mine.unit if mine else None)
    question_id = await core.run_statements(
        questions.log_question, user.id, plan, question, result.answered,
        result.extra.get("coverage"), list(result.entry_ids), list(result.suggestions), core.now())
    await reply(update, context, blocks_to_html(result.blocks), answer_buttons(result, question_id))


def answer_buttons(result: Answer, question_id: int) -> list[list[Button]]:
    """Suggestions one per row, then the feedback row (declined answers get suggestions only)."""
    rows: list[list[Button]] = [
        [(short_label(s), callbacks.make("sugg", f"{question_id}.{i}"))]
        for i, s in enumerate(result.suggestions[:3])
    ]
    if result.answered:
        rows.append([(texts.FEEDBACK_UP, callbacks.make("fb", f"{question_id}.up")),
                     (texts.FEEDBACK_DOWN, callbacks.make("fb", f"{question_id}.down"))])
    return rows


async def pick_suggestion(update: Update, context: Context) -> None:
    """A suggestion button: answer that question as if the user had typed it."""
    query, user, core, data = button_press(update, context)
    question_id, index = int(data.parts[0]), int(data.parts[1])
    log = await core.run_db(questions.get_question, question_id)
    # Re-authorise: the buttons belong to the user who asked.
    ok = log is not None and log.user_id == user.id and index < len(log.suggestions)
    suggestion = log.suggestions[index] if ok and log is not None else None
    plan = log.plan if log is not None else None
    if suggestion is None:
        logger.warning("User %s pressed suggestion %s of another or unknown question", user.id, data.arg)
        await query.answer(texts.SUGGESTION_GONE, show_alert=True)
        return
    await query.answer()
    await answer(update, context, suggestion, plan)


async def feedback(update: Update, context: Context) -> None:
    """👍/👎: stored with the question; the feedback row is then removed from the message."""
    query, user, core, data = button_press(update, context)
    question_id, value = int(data.parts[0]), data.parts[1]
    stored = await core.run_db(questions.record_feedback, question_id, user.id, value, core.now())
    if not stored:
        logger.warning("User %s sent feedback for question %s that is not theirs", user.id, question_id)
        await query.answer(texts.NOT_YOURS, show_alert=True)
        return
    await query.answer(texts.FEEDBACK_THANKS)
    message = query.message
    if message is None or not hasattr(message, "reply_markup") or message.reply_markup is None:
        return
    kept = [row for row in message.reply_markup.inline_keyboard
            if not any((b.callback_data or "").startswith(f"{callbacks.VERSION}:fb:") for b in row)]
    try:
        await query.edit_message_reply_markup(reply_markup=InlineKeyboardMarkup(kept) if kept else None)
    except BadRequest as exc:  # message too old or unchanged: the feedback is stored anyway
        logger.info("Could not remove the feedback row: %s", exc)

