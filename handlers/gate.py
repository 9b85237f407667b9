"""What every update passes before any feature sees it: once only, not too fast, private chats.

Runs in the first handler group; `ApplicationHandlerStop` ends processing of an update that
was already handled (Telegram may deliver one twice), that floods, or that comes from a group.

The update id is claimed (committed) before any feature runs: at most once. A process killed
in the middle of an update does not handle it again when Telegram redelivers it; the user sees
no answer and asks again, which is better than a status recorded or an approval sent twice.
"""

from __future__ import annotations

import datetime as dt
import logging

from telegram import Update, User
from telegram.constants import ChatMemberStatus, ChatType
from telegram.ext import ApplicationHandlerStop

from bot.core import Context, DbConnection, UserState, get_core
from bot.services import subscriptions, updates, users
from handlers import texts
from handlers.common import reply

__all__ = ["admit_update", "track_membership"]

logger = logging.getLogger(__name__)


async def admit_update(update: Update, context: Context) -> None:
    """Let through each update once, from a private chat, within the user's flood limit."""
    core = get_core(context)
    user = update.effective_user
    person = user if user is not None and not user.is_bot else None
    touch = person is not None and core.needs_touch(person.id)
    state = await core.run_statements(_admit, update.update_id, person, touch, core.now())
    if state is None:
        logger.info("Update %s already processed; skipped", update.update_id)
        raise ApplicationHandlerStop
    context.user_state = state
    chat = update.effective_chat
    if update.my_chat_member is not None:
        return  # membership changes are tracked whatever the chat
    if chat is not None and chat.type != ChatType.PRIVATE:
        if update.effective_message is not None and update.effective_message.text:
            await reply(update, context, texts.GROUP_CHAT)
        raise ApplicationHandlerStop
    if user is None:
        raise ApplicationHandlerStop
    now = core.now().timestamp()
    if not core.flood.allow(user.id, now):
        if core.flood.should_warn(user.id, now):
            logger.info("Flood limit reached by user %s", user.id)
            if update.callback_query is not None:
                await update.callback_query.answer(texts.FLOOD)
            else:
                await reply(update, context, texts.FLOOD)
        raise ApplicationHandlerStop


def _admit(db: DbConnection, update_id: int, user: User | None, touch: bool,
           now: dt.datetime) -> UserState | None:
    """Claim the update (None when it was claimed before), record the user as seen when `touch`,
    and load what the features read about them, once per update (empty without a user)."""
    if not updates.claim_update(db, update_id, now):
        return None
    if user is None:
        return UserState()
    if touch:
        users.record_seen(db, user.id, user.first_name, user.username, now, user.last_name)
        subscriptions.resume_user(db, user.id, now)  # if they had blocked the bot
    return UserState(*(users.chat_state(db, user.id) or ()))


async def track_membership(update: Update, context: Context) -> None:
    """A user who blocks the bot becomes inactive; unblocking makes them active again."""
    member = update.my_chat_member
    if member is None:
        return
    core = get_core(context)
    if member.new_chat_member.status in (ChatMemberStatus.BANNED, ChatMemberStatus.LEFT):
        await core.run_db(core.user_blocked, member.from_user.id)
    raise ApplicationHandlerStop
