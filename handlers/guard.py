"""The leak guard in chat: files, media and forwards are refused unread; marked text is not kept.

SPEC § A sensitive domain: Telegram is an ordinary telecom channel, so the assistant must not
become a way to pass state secrets. Nothing here downloads a file or stores refused content;
the audit log records only that a refusal happened and of what kind.

Two layers, one rule (`bot.leak_guard`): the filter below judges every text message (a
command's text without the command word) before any handler runs; the services judge again the
exact text they are about to keep or send (a command's argument, an announcement at sending),
and the `MarkedText` they raise ends in `refuse_marked` through the error handler. Either
way the user sees the same warning, the message is deleted where Telegram allows, and nothing
of the text is stored.
"""

from __future__ import annotations

import logging

from telegram import Message, Update
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, filters

from bot import leak_guard
from bot.core import Context, Core, get_core
from bot.services import audit
from handlers import texts
from handlers.common import reply, strip_command

__all__ = ["MARKED_TEXT", "NOT_PLAIN_TEXT", "law_citation", "refuse_attachment", "refuse_marked",
           "refuse_marked_text"]

logger = logging.getLogger(__name__)

_ATTACHMENT_FIELDS = ("photo", "document", "voice", "audio", "video", "video_note", "animation",
                      "sticker", "contact", "location")


class _MarkedText(filters.MessageFilter):
    """Text (or an edited text) carrying a classification marking, a command's after its word."""

    def filter(self, message: Message) -> bool:
        return bool(message.text) and _marking(message) is not None


def _marking(message: Message) -> leak_guard.Marking | None:
    return leak_guard.find_marking(strip_command(message.text or ""))


MARKED_TEXT = _MarkedText(name="MarkedText")
# Anything but plain text: media, files, stickers, polls… and every forwarded message.
NOT_PLAIN_TEXT = filters.FORWARDED | (~filters.TEXT & ~filters.StatusUpdate.ALL)


def law_citation(core: Core) -> str:
    """The prohibition the warnings cite, with citations taken from the knowledge base."""
    return texts.LEAK_LAW.format(**leak_guard.law_citations(core.kb))


def attachment_kind(message: Message) -> str:
    if message.forward_origin is not None:
        return "forward"
    for name in _ATTACHMENT_FIELDS:
        if getattr(message, name, None):
            return name
    return "other"


async def _delete(message: Message) -> bool:
    try:
        return bool(await message.delete())
    except TelegramError as exc:  # too old, already gone, or not allowed: the warning still stands
        logger.info("Could not delete refused message %s: %s", message.message_id, exc)
        return False


async def refuse_attachment(update: Update, context: Context) -> None:
    """A file, photo, voice, video, sticker or forward is refused without being downloaded."""
    message = update.effective_message
    assert message is not None
    core = get_core(context)
    kind = attachment_kind(message)
    deleted = await _delete(message)
    await core.run_db(audit.record, "refused_attachment", now=core.now(), actor_id=_user_id(update),
                      kind=kind, deleted=deleted)
    await reply(update, context, texts.LEAK_ATTACHMENT.format(
        kind=texts.ATTACHMENT_KINDS[kind], law=law_citation(core)))
    raise ApplicationHandlerStop


async def refuse_marked_text(update: Update, context: Context) -> None:
    """Text with a classification marking is not stored, is deleted, and the user is warned."""
    message = update.effective_message
    assert message is not None
    await refuse_marked(update, context, _marking(message))
    raise ApplicationHandlerStop


async def refuse_marked(update: Update, context: Context,
                        marking: leak_guard.Marking | None) -> None:
    """The one refusal of marked text: delete the user's message, audit that it happened, warn.

    Called by the filter and, for a `MarkedText` a service raised, by the error handler; for a
    button press (an announcement judged again at sending) there is no user message to delete.
    """
    core = get_core(context)
    message = update.message or update.edited_message
    deleted = await _delete(message) if message is not None else False
    await core.run_db(audit.record, "refused_marking", now=core.now(), actor_id=_user_id(update),
                      rule=marking.kind if marking else None, deleted=deleted)
    await reply(update, context, texts.LEAK_MARKED.format(
        deleted=texts.LEAK_DELETED if deleted else "", law=law_citation(core)))


def _user_id(update: Update) -> int | None:
    return update.effective_user.id if update.effective_user else None
