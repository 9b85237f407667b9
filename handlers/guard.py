"""The leak guard in chat: files, media and forwards are refused unread; marked text is not kept.

SPEC § A sensitive domain: Telegram is an ordinary telecom channel, so the assistant must not
become a way to pass state secrets. Nothing here downloads a file or stores refused content;
the audit log records only that a refusal happened and of what kind.
"""

from __future__ import annotations

import logging

from telegram import Message, Update
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, ContextTypes, filters

from bot.core import Core, get_core
from bot.leak_guard import find_marking
from bot.services import audit
from handlers import texts
from handlers.common import reply

__all__ = ["MARKED_TEXT", "NOT_PLAIN_TEXT", "refuse_attachment", "refuse_marked_text"]

logger = logging.getLogger(__name__)

# Provisions the warning cites; `tests/handlers` checks they exist in the knowledge base.
LAW_NOW = "l117-d5-k4"
LAW_BEFORE = "l29-d5-k6"

_ATTACHMENT_FIELDS = ("photo", "document", "voice", "audio", "video", "video_note", "animation",
                      "sticker", "contact", "location")


class _MarkedText(filters.MessageFilter):
    """Text (or an edited text) carrying a classification marking."""

    def filter(self, message: Message) -> bool:
        return bool(message.text) and find_marking(message.text) is not None


MARKED_TEXT = _MarkedText(name="MarkedText")
# Anything but plain text: media, files, stickers, polls… and every forwarded message.
NOT_PLAIN_TEXT = filters.FORWARDED | (~filters.TEXT & ~filters.StatusUpdate.ALL)


def law_citation(core: Core) -> str:
    """The prohibition the warnings cite, with citations taken from the knowledge base."""
    kb = core.kb

    def cite(entry_id: str) -> str:
        entry = kb.by_id[entry_id]
        doc = kb.documents[entry.doc_id]
        return f"{entry.citation_ref} {doc.title} ({doc.short})"  # type: ignore[attr-defined]

    return texts.LEAK_LAW.format(law_new=cite(LAW_NOW), law_old=cite(LAW_BEFORE))


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


async def refuse_attachment(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A file, photo, voice, video, sticker or forward is refused without being downloaded."""
    message = update.effective_message
    assert message is not None
    core = get_core(context)
    kind = attachment_kind(message)
    deleted = await _delete(message)
    with core.sessions.begin() as session:
        audit.record(session, "refused_attachment", now=core.now(), actor_id=_user_id(update), kind=kind,
                     deleted=deleted)
    await reply(update, context, texts.LEAK_ATTACHMENT.format(
        kind=texts.ATTACHMENT_KINDS[kind], law=law_citation(core)))
    raise ApplicationHandlerStop


async def refuse_marked_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Text with a classification marking is not stored, is deleted, and the user is warned."""
    message = update.effective_message
    assert message is not None and message.text is not None
    core = get_core(context)
    marking = find_marking(message.text)
    deleted = await _delete(message)
    with core.sessions.begin() as session:
        audit.record(session, "refused_marking", now=core.now(), actor_id=_user_id(update),
                     rule=marking.kind if marking else None, deleted=deleted)
    await reply(update, context, texts.LEAK_MARKED.format(
        deleted=texts.LEAK_DELETED if deleted else "", law=law_citation(core)))
    raise ApplicationHandlerStop


def _user_id(update: Update) -> int | None:
    return update.effective_user.id if update.effective_user else None
