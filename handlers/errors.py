"""Last resorts: unknown commands, stale buttons, and the error handler."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import Forbidden

from bot.core import Context, get_core
from bot.leak_guard import MarkedText
from handlers import guard, texts
from handlers.common import escape, mark_blocked, reply

__all__ = ["on_error", "stale_button", "unknown_command"]

logger = logging.getLogger(__name__)


async def unknown_command(update: Update, context: Context) -> None:
    """A command the bot does not have: say so and point to /help."""
    message = update.effective_message
    assert message is not None
    command = (message.text or "").split(maxsplit=1)[0][:64]
    await reply(update, context, texts.UNKNOWN_COMMAND.format(command=escape(command)))


async def stale_button(update: Update, context: Context) -> None:
    """Callback data that is not ours, old or malformed: changes nothing."""
    query = update.callback_query
    assert query is not None
    logger.warning("Unrecognised callback data from user %s: %r",
                   update.effective_user.id if update.effective_user else None, (query.data or "")[:80])
    await query.answer(texts.STALE_BUTTON, show_alert=True)


async def on_error(update: object, context: Context) -> None:
    """Log the error with its update and tell the user politely that it did not work; marked text
    a service refused gets the leak guard's refusal instead."""
    update_id = update.update_id if isinstance(update, Update) else None
    if isinstance(context.error, MarkedText) and isinstance(update, Update):
        # A service refused text it was about to keep or send; its transaction rolled back.
        if update.callback_query is not None:
            await update.callback_query.answer()
        await guard.refuse_marked(update, context, context.error.marking)
        return
    if isinstance(context.error, Forbidden) and isinstance(update, Update) and update.effective_user:
        await mark_blocked(get_core(context), update.effective_user.id)
        return
    logger.error("Error while handling update %s", update_id, exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat is not None:
        try:
            if update.callback_query is not None:
                await update.callback_query.answer()
            await reply(update, context, texts.ERROR)
        except Exception:  # the reply itself failed (network down…): already logged above
            logger.warning("Could not tell user about the error of update %s", update_id)
