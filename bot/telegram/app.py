"""The Telegram application, assembled once: handlers in order, error handler, jobs, bot commands.

Handler groups run in order and any of them may stop an update:
-2 admission (once only, private chat, flood limit); -1 membership changes and the leak
guard (files, media, forwards, marked text); 0 the features. The same function builds the
application for Telegram, for the console and for the tests; only the request transport differs.
Every request to Telegram goes through `bot.pace.PacedRateLimiter` (unless `rate_limit` is off);
the jobs (reminders, the digest, housekeeping) run only in the process whose `RUN_JOBS` is on.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
from typing import Any

from telegram import BotCommand, BotCommandScopeChat, Update
from telegram.error import TelegramError
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest

from bot.core import CONTEXT_TYPES, App, Context, Core
from bot.jobs.delivery import schedule_delivery
from bot.jobs.digest import schedule_digest
from bot.jobs.housekeeping import schedule_housekeeping
from bot.pace import PacedRateLimiter
from bot.services import users
from bot.telegram.ordering import ChatOrderedProcessor
from handlers import (
    admin,
    announcements,
    callbacks,
    errors,
    gate,
    guard,
    my_unit,
    onboarding,
    overview,
    questions,
    reminders,
    reports,
    texts,
)

__all__ = ["build_application"]

logger = logging.getLogger(__name__)


BUTTONS = {
    "plan": onboarding.choose_plan,
    "unit": onboarding.choose_unit,
    "skipunit": onboarding.choose_unit,
    "ureq": onboarding.confirm_request,
    "uedit": admin.confirm_change,
    "ugroup": admin.choose_group,
    "sugg": questions.pick_suggestion,
    "fb": questions.feedback,
    "approve": admin.decide,
    "reject": admin.decide,
    "ritem": reports.choose_item,
    "rstate": reports.choose_state,
    "rnote": reports.skip_note,
    "rconfirm": reports.confirm,
    "rreply": reports.reply_to_unit,
    "missing": overview.missing_units,
    "duties": my_unit.duties_page,
    "rpage": reports.items_page,
    "nmute": reminders.toggle_all,
    "nlead": reminders.change_lead,
    "nitem": reminders.toggle_item,
    "announce": announcements.confirm_announcement,
}


async def on_button(update: Update, context: Context) -> None:
    """Every button press: data validated once here, then the feature's handler; else stale."""
    query = update.callback_query
    parsed = callbacks.parse(query.data if query is not None else None)
    if parsed is None:
        await errors.stale_button(update, context)
        return
    await BUTTONS[parsed.kind](update, context)


def build_application(core: Core, *, request: BaseRequest | None = None,
                      get_updates_request: BaseRequest | None = None, token: str | None = None,
                      rate_limit: bool = True, updater: bool = True) -> App:
    """The whole bot. `request` replaces HTTPS to Telegram (the console, tests, bench)."""
    settings = core.settings
    # The bot's type depends on the rate limiter, chosen at run time.
    builder: ApplicationBuilder[Any, Context, Any, Any, Any, Any] = (
        ApplicationBuilder().context_types(CONTEXT_TYPES).token(token or settings.token or ""))
    if settings.api_base_url:
        base = settings.api_base_url
        builder = builder.base_url(base).base_file_url(
            base[: -len("/bot")] + "/file/bot" if base.endswith("/bot") else base + "/file")
    if request is not None:
        builder = builder.request(request)
    if get_updates_request is not None:
        builder = builder.get_updates_request(get_updates_request)
    if rate_limit:
        builder = builder.rate_limiter(PacedRateLimiter(max_retries=3))
    if not updater:
        builder = builder.updater(None)
    # Chats overlap while their database work runs on threads (`Core.run_db`).
    builder = builder.concurrent_updates(ChatOrderedProcessor())
    application = builder.post_init(_post_init).build()
    application.bot_data["core"] = core
    # Names this process in the delivery log (claims of reminders, digests, announcements).
    application.bot_data["process"] = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
    add_handlers(application)
    return application


def add_handlers(application: App) -> None:
    application.add_handler(TypeHandler(Update, gate.admit_update), group=-2)
    application.add_handler(ChatMemberHandler(gate.track_membership, ChatMemberHandler.MY_CHAT_MEMBER),
                            group=-1)
    application.add_handler(MessageHandler(guard.NOT_PLAIN_TEXT, guard.refuse_attachment), group=-1)
    application.add_handler(MessageHandler(guard.MARKED_TEXT, guard.refuse_marked_text), group=-1)

    commands = {
        "start": onboarding.start,
        "help": my_unit.help_command,
        "trogiup": my_unit.help_command,
        "nhiemvu": my_unit.duties,
        "hanchot": my_unit.deadlines,
        "lienhe": my_unit.office_contacts,
        "donvi": onboarding.change_unit,
        "huy": onboarding.cancel,
        "duyet": admin.pending,
        "moi": admin.invite,
        "themdonvi": admin.add_unit,
        "doiten": admin.rename_unit,
        "xoadonvi": admin.remove_unit,
        "chuatraloi": admin.unanswered,
        "baocao": reports.report,
        "tonghop": overview.overview,
        "xuat": overview.export,
        "nhacviec": reminders.settings,
        "thongbao": announcements.announce,
    }
    for name, callback in commands.items():
        application.add_handler(CommandHandler(name, callback, filters=filters.UpdateType.MESSAGE))
    application.add_handler(CallbackQueryHandler(on_button))
    application.add_handler(MessageHandler(filters.COMMAND & filters.UpdateType.MESSAGE,
                                           errors.unknown_command))
    application.add_handler(MessageHandler(filters.TEXT & filters.UpdateType.MESSAGE, questions.on_text))
    application.add_error_handler(errors.on_error)
    core: Core = application.bot_data["core"]
    if not core.settings.run_jobs:
        logger.info("RUN_JOBS is off: this process answers updates only, another sends reminders")
    elif application.job_queue is not None:
        schedule_housekeeping(application)
        schedule_delivery(application, core, process=application.bot_data.get("process"))
        schedule_digest(application, core)


async def _post_init(application: App) -> None:
    """Register the command menu (admins get theirs too); a server without it is not an error."""
    core: Core = application.bot_data["core"]
    bot = application.bot
    try:
        await bot.set_my_commands([BotCommand(c, d) for c, d in texts.COMMANDS])
        with core.sessions.begin() as session:
            admin_ids = [u.id for u in users.admins(session, core.settings.admin_ids)]
        for admin_id in admin_ids:
            await bot.set_my_commands([BotCommand(c, d) for c, d in texts.COMMANDS + texts.ADMIN_COMMANDS],
                                      scope=BotCommandScopeChat(admin_id))
    except TelegramError as exc:
        logger.warning("Bot commands not registered (%s); the bot works without the menu", exc)
