"""Sending replies: HTML, split under Telegram's limit, keyboard on the last part, blocked users noted.

Every handler replies through `reply`/`notify`, so escaping, splitting and the `Forbidden`
rule (the user blocked the bot → inactive) live in one place.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update, User
from telegram.constants import ParseMode
from telegram.error import Forbidden

from bot.core import Context, Core, DbSession, get_core
from bot.services import contacts, units
from handlers import callbacks, texts
from knowledge.render import split_message
from knowledge.units import ResolvedUnit

__all__ = [
    "Button",
    "MyUnit",
    "after_words",
    "button_press",
    "command_text",
    "escape",
    "is_admin",
    "keyboard",
    "my_unit",
    "my_unit_in",
    "my_unit_or_ask",
    "notify",
    "reply",
    "short_label",
    "strip_command",
]

logger = logging.getLogger(__name__)

Button = tuple[str, str]  # (label, callback data)
BUTTON_LABEL_MAX = 60

_COMMAND = re.compile(r"\A\s*/\S*")
_WORD = re.compile(r"\s*\S+")


def is_admin(core: Core, context: Context, user_id: int) -> bool:
    """An admin by configuration (ADMIN_IDS) or by role (`python -m bot admin add`), as loaded
    by the gate for this update — no extra query."""
    return core.is_admin_id(user_id) or context.user_state.role == "admin"


@dataclass(frozen=True)
class MyUnit:
    """The unit the user is (or asked to be) the contact of, in which plan."""

    plan: str
    unit_id: int
    unit: ResolvedUnit
    approved: bool


def my_unit(core: Core, context: Context) -> MyUnit | None:
    """The user's unit as the gate loaded it with their chat state (no query of its own)."""
    unit = context.user_state.unit
    if unit is None:
        return None
    return MyUnit(unit.plan, unit.id, core.resolved(unit), unit.state == "approved")


def my_unit_in(session: DbSession, core: Core, user_id: int) -> MyUnit | None:
    """`my_unit` inside the caller's transaction (on a database thread)."""
    found = contacts.current_unit(session, user_id)
    if found is None:
        return None
    plan, state, record = found
    resolved = units.as_resolved(record, core.kb.registry, core.kb.wording(plan))
    return MyUnit(plan, record.id, resolved, state == "approved")


async def my_unit_or_ask(update: Update, context: Context) -> MyUnit | None:
    """The user's unit, or None once they have been told to choose one first."""
    mine = my_unit(get_core(context), context)
    if mine is None:
        await reply(update, context, texts.NEED_UNIT)
    return mine


def button_press(update: Update, context: Context
                 ) -> tuple[CallbackQuery, User, Core, callbacks.Callback]:
    """The pressed button's query, presser, core and data (already validated by the dispatcher)."""
    query = update.callback_query
    user = update.effective_user
    assert query is not None and user is not None
    data = callbacks.parse(query.data)
    assert data is not None
    return query, user, get_core(context), data


def strip_command(text: str) -> str:
    """`text` without a leading "/command" (or "/command@bot"); other text unchanged."""
    return _COMMAND.sub("", text, count=1)


def after_words(text: str, count: int) -> str:
    """What follows the first `count` words of `text`, stripped, its lines left as written.

    Handlers take free text this way instead of re-joining `context.args`, which would fold
    every line into one and hide a stamp that stood on a line of its own from the leak guard.
    """
    pos = 0
    for _ in range(count):
        match = _WORD.match(text, pos)
        if match is None:
            return ""
        pos = match.end()
    return text[pos:].strip()


def command_text(message: Message | None, skip: int = 0) -> str:
    """The raw text the user wrote after the command word and `skip` argument words."""
    if message is None or message.text is None:
        return ""
    return after_words(strip_command(message.text), skip)


def escape(text: str | None) -> str:
    """User-provided text made safe for an HTML reply."""
    return html.escape(text or "", quote=False)


def short_label(text: str, limit: int = BUTTON_LABEL_MAX) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def keyboard(rows: Sequence[Sequence[Button]]) -> InlineKeyboardMarkup | None:
    rows = [row for row in rows if row]
    if not rows:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows])


async def reply(update: Update, context: Context, text: str,
                buttons: Sequence[Sequence[Button]] = ()) -> Message | None:
    """Send `text` (Telegram HTML) to the chat of `update`; the keyboard goes on the last part."""
    chat = update.effective_chat
    if chat is None:
        return None
    return await notify(context, chat.id, text, buttons)


async def notify(context: Context, chat_id: int, text: str,
                 buttons: Sequence[Sequence[Button]] = ()) -> Message | None:
    """Send to any chat; a user who blocked the bot is marked inactive instead of raising."""
    parts = split_message(text)
    markup = keyboard(buttons)
    sent = None
    try:
        for i, part in enumerate(parts):
            sent = await context.bot.send_message(
                chat_id, part, parse_mode=ParseMode.HTML, disable_web_page_preview=True,
                reply_markup=markup if i == len(parts) - 1 else None)
    except Forbidden:
        await mark_blocked(get_core(context), chat_id)
        return None
    return sent


async def mark_blocked(core: Core, user_id: int) -> None:
    """The user blocked the bot: stop sending to them until they write again (`Core.user_blocked`)."""
    await core.run_db(core.user_blocked, user_id)
