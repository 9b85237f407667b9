"""/thongbao: a short announcement from the standing office to every contact of a plan.

Typed, shown back with the number of recipients, confirmed with a button, then sent in the
background through the rate limiter — each contact once (the delivery log's unique key).
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import Forbidden, TelegramError

from bot.core import Context, Core, DbSession, get_core
from bot.services import announcements, deliveries, users
from handlers import admin, callbacks, guard, onboarding
from handlers import reminder_texts as rmt
from handlers.common import (
    button_press,
    escape,
    is_admin,
    reply,
)

__all__ = ["announce", "confirm_announcement"]

logger = logging.getLogger(__name__)

STEP_PREFIX = "announce:"


async def announce(update: Update, context: Context) -> None:
    """/thongbao [plan] <text>: prepare an announcement and ask for confirmation."""
    if not await admin.require_admin(update, context):
        return
    user = update.effective_user
    message = update.effective_message
    assert user is not None and message is not None and message.text is not None
    core = get_core(context)
    given, text = admin.given_plan(core, update)
    plan = given or context.user_state.plan or core.settings.default_plan
    if plan is None or not text:
        await reply(update, context, rmt.ANNOUNCE_USAGE.format(
            limit=announcements.ANNOUNCEMENT_MAX, plans=", ".join(core.kb.plans)))
        return
    if len(text) > announcements.ANNOUNCEMENT_MAX:
        await reply(update, context, rmt.ANNOUNCE_TOO_LONG.format(length=len(text),
                                                                  limit=announcements.ANNOUNCEMENT_MAX))
        return

    def prepare(session: DbSession) -> int:
        """How many contacts will receive it; a marked text raises: the error handler refuses it."""
        prepared = announcements.prepare(session, plan, text, user.id, core.now())
        if prepared.draft is not None:
            users.set_user_step(session, user.id, f"{STEP_PREFIX}{prepared.draft.id}")
        return prepared.recipients

    count = await core.run_db(prepare)
    plan_label = onboarding.plan_name(core, plan)
    if not count:
        await reply(update, context, rmt.ANNOUNCE_NOBODY.format(plan=plan_label))
        return
    await reply(update, context, rmt.ANNOUNCE_CONFIRM.format(count=count, plan=plan_label, text=escape(text)),
                [[(rmt.ANNOUNCE_YES, callbacks.make("announce", "yes")),
                  (rmt.ANNOUNCE_NO, callbacks.make("announce", "no"))]])


async def confirm_announcement(update: Update, context: Context) -> None:
    """📣 Gửi / ✖️ Hủy: send the prepared announcement once, or drop it."""
    query, user, core, data = button_press(update, context)
    step = context.user_state.step or ""
    if not is_admin(core, context, user.id) or not step.startswith(STEP_PREFIX):
        await query.answer(rmt.ANNOUNCE_GONE, show_alert=True)
        return
    announcement_id = int(step.removeprefix(STEP_PREFIX))

    def decide(session: DbSession) -> tuple[bool, bool, str, str, list[int]]:
        """(done, refused as marked, plan, text, recipients)."""
        users.set_user_step(session, user.id, None)
        if data.arg == "no":
            return announcements.cancel(session, announcement_id, user.id), False, "", "", []
        refused = False
        try:
            done = announcements.confirm(session, announcement_id, user.id, core.now())
        except announcements.AnnouncementError:  # marked: cancelled, nothing sent
            done, refused = False, True
        draft = announcements.get(session, announcement_id)
        plan, text = (draft.plan, draft.text) if draft is not None else ("", "")
        return done, refused, plan, text, announcements.recipients(session, plan) if done else []

    done, refused, plan, text, targets = await core.run_db(decide)
    if refused:
        await query.answer()
        await guard.refuse_marked(update, context, None)
        return
    if not done:
        await query.answer(rmt.ANNOUNCE_GONE, show_alert=True)
        return
    await query.answer()
    if data.arg == "no":
        await reply(update, context, rmt.ANNOUNCE_CANCELLED)
        return
    await reply(update, context, rmt.ANNOUNCE_SENDING.format(count=len(targets)))
    body = rmt.ANNOUNCEMENT.format(plan=onboarding.plan_name(core, plan), text=escape(text))
    sending = _send_all(core, context, announcement_id, targets, body, user.id)
    if context.application.running:  # polling or webhook: in the background, the bot stays responsive
        context.application.create_task(sending, update=update, name=f"announcement-{announcement_id}")
    else:  # the console (and tests) process one update at a time: finish before the next
        await sending


async def _send_all(core: Core, context: Context, announcement_id: int,
                    targets: list[int], body: str, admin_id: int) -> None:
    """Each recipient once: claim the delivery key, send (through the rate limiter), mark."""
    process = context.application.bot_data.get("process", "announce")
    sent = 0
    for target in targets:
        key = f"announce:{announcement_id}:{target}"
        if not await core.run_db(deliveries.claim, key, user_id=target, kind="announcement",
                                 subscription_id=None, process=process, now=core.now()):
            continue
        try:
            await context.bot.send_message(target, body, parse_mode=ParseMode.HTML)
        except Forbidden:
            await core.run_db(_blocked, core, target, key)
            continue
        except TelegramError as exc:
            logger.warning("Announcement %s to %s failed: %s", announcement_id, target, exc)
            await core.run_db(deliveries.mark_failed, key, type(exc).__name__, core.now(), None)
            continue
        await core.run_db(deliveries.mark_sent, key, core.now())
        sent += 1
    await core.run_db(announcements.finish, announcement_id, sent, core.now())
    try:
        await context.bot.send_message(admin_id, rmt.ANNOUNCE_DONE.format(sent=sent, count=len(targets)))
    except TelegramError as exc:
        logger.info("Could not report the announcement to admin %s: %s", admin_id, exc)


def _blocked(session: DbSession, core: Core, user_id: int, key: str) -> None:
    """The recipient blocked the bot: noted (`Core.user_blocked`), their delivery failed."""
    core.user_blocked(session, user_id)
    deliveries.mark_failed(session, key, "forbidden", core.now(), None)
