"""The standing office's commands: /duyet, /moi, /themdonvi, /chuatraloi.

Every admin action is re-authorised here, on the server: a non-admin pressing an approval
button (or forging its data) changes nothing and is only logged.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.core import Core, get_core
from bot.services import audit, contacts, questions, subscriptions, units, users
from handlers import callbacks, onboarding, texts
from handlers.common import (
    after_words,
    button_press,
    command_text,
    escape,
    is_admin,
    notify,
    reply,
    user_state,
)

__all__ = ["add_unit", "decide", "given_plan", "invite", "pending", "require_admin", "unanswered"]

logger = logging.getLogger(__name__)


async def require_admin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    user = update.effective_user
    assert user is not None
    if is_admin(get_core(context), context, user.id):
        return True
    logger.warning("User %s tried an admin command", user.id)
    await reply(update, context, texts.ADMIN_ONLY)
    return False


def _when(core: Core, moment) -> str:
    return f"{core.local(moment):%H:%M %d/%m/%Y}"


async def pending(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/duyet: each pending contact request with approve and reject buttons."""
    if not await require_admin(update, context):
        return
    core = get_core(context)
    with core.sessions.begin() as session:
        rows = []
        for contact in contacts.pending_contacts(session):
            user = users.get_user(session, contact.user_id)
            rows.append((contact.id, _describe(core, session, contact, user)))
    if not rows:
        await reply(update, context, texts.NO_PENDING)
        return
    await reply(update, context, texts.PENDING_HEADER.format(count=len(rows)))
    for contact_id, line in rows:
        await reply(update, context, line, [[(texts.APPROVE_BUTTON, callbacks.make("approve", contact_id)),
                                              (texts.REJECT_BUTTON, callbacks.make("reject", contact_id))]])


def _describe(core: Core, session, contact, user) -> str:
    name = escape(user.first_name if user is not None else str(contact.user_id))
    username = f" (@{escape(user.username)})" if user is not None and user.username else ""
    unit = units.get_unit(session, contact.unit_id)
    return texts.PENDING_LINE.format(name=name, username=username, unit=escape(unit.name),
                                     plan=onboarding.plan_name(core, contact.plan),
                                     when=_when(core, contact.created_at))


async def decide(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An approve/reject button: only an admin's press counts; the requester is told."""
    query, user, core, data = button_press(update, context)
    if not is_admin(core, context, user.id):
        logger.warning("Non-admin %s pressed %s", user.id, query.data)
        with core.sessions.begin() as session:
            audit.record(session, "forbidden_callback", now=core.now(), actor_id=user.id, kind=data.kind)
        await query.answer(texts.NOT_YOURS, show_alert=True)
        return
    approve = data.kind == "approve"
    with core.sessions.begin() as session:
        try:
            contact = contacts.decide_contact(session, int(data.arg), approve, user.id, core.now())
        except contacts.ContactError as exc:
            outcome = None
            reason = exc.reason
        else:
            reason = None
            requester = users.get_user(session, contact.user_id)
            unit_name = units.get_unit(session, contact.unit_id).name
            name = requester.first_name if requester is not None else str(contact.user_id)
            outcome = (contact.user_id, contact.plan, unit_name, name)
            if approve:  # an approved contact is reminded of the unit's deadlines
                subscriptions.subscribe(session, contact.user_id, contact.plan, contact.unit_id, core.now())
            audit.record(session, "contact_approved" if approve else "contact_rejected", now=core.now(),
                         actor_id=user.id, target=str(contact.id))
    if outcome is None:
        await query.answer(texts.CONTACT_NOT_FOUND if reason == "not_found" else texts.ALREADY_DECIDED,
                           show_alert=True)
        return
    await query.answer()
    requester_id, plan, unit_name, name = outcome
    plan_label = onboarding.plan_name(core, plan)
    done = texts.APPROVED if approve else texts.REJECTED
    told = texts.YOU_ARE_APPROVED if approve else texts.YOU_ARE_REJECTED
    await notify(context, requester_id, told.format(unit=escape(unit_name), plan=plan_label))
    try:
        await query.edit_message_text(done.format(name=escape(name), unit=escape(unit_name),
                                                  plan=plan_label), parse_mode=ParseMode.HTML)
    except BadRequest as exc:  # the list message is gone or too old: the decision stands
        logger.info("Could not update the approval message: %s", exc)


def given_plan(core: Core, update: Update) -> tuple[str | None, str]:
    """`[plan] text…` after the command: the plan if given first, and the rest as typed."""
    body = command_text(update.effective_message)
    first = body.split(maxsplit=1)[0] if body else ""
    if first.lower() in core.kb.plans:
        return first.lower(), after_words(body, 1)
    return None, body


def _plan_and_rest(core: Core, update: Update, context: ContextTypes.DEFAULT_TYPE) -> tuple[str | None, str]:
    """`[plan] name…`: the plan given first, else the admin's own plan, else DEFAULT_PLAN."""
    plan, rest = given_plan(core, update)
    return plan or user_state(context).plan or core.settings.default_plan, rest


async def invite(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/moi [plan] <unit>: a one-time deep link that registers its opener as the unit's contact."""
    if not await require_admin(update, context):
        return
    user = update.effective_user
    assert user is not None
    core = get_core(context)
    plan, name = _plan_and_rest(core, update, context)
    if plan is None or not name:
        await reply(update, context, texts.INVITE_USAGE.format(plans=", ".join(core.kb.plans)))
        return
    with core.sessions.begin() as session:
        try:
            record = units.find_or_add_unit(session, name, plan, core.kb.registry, "admin", user.id,
                                            core.now(), day=core.kb.plan_date(plan))
        except units.UnitNotFound as exc:
            close = ", ".join(f"«{escape(s)}»" for s in exc.suggestions)
            failure = texts.UNIT_NOT_FOUND.format(name=escape(name)) + (
                texts.UNIT_CLOSE.format(close=close) if close else texts.UNIT_NOT_FOUND_HINT)
            code = None
        else:
            created = contacts.create_invite(session, plan, record.id, user.id, core.now())
            code, expires, unit_name = created.code, created.expires_at, record.name
            audit.record(session, "invite_created", now=core.now(), actor_id=user.id, target=str(created.id))
    if code is None:
        await reply(update, context, failure)
        return
    link = f"https://t.me/{context.bot.username}?start={code}"
    await reply(update, context, texts.INVITE_CREATED.format(
        unit=escape(unit_name), plan=onboarding.plan_name(core, plan), expires=_when(core, expires),
        link=link))


async def add_unit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/themdonvi [plan] <name>: add a unit (a commune, an enterprise…) to the sign-up list."""
    if not await require_admin(update, context):
        return
    user = update.effective_user
    assert user is not None
    core = get_core(context)
    plan, name = given_plan(core, update)  # a marked name raises in the service: refused
    if not name:
        await reply(update, context, texts.ADD_UNIT_USAGE)
        return
    with core.sessions.begin() as session:
        try:
            record, created = units.add_unit(session, name, plan, core.kb.registry, "admin", user.id,
                                              core.now(), allow_unclassified=True,
                                              day=core.kb.plan_date(plan))
        except units.UnitNotFound:
            record, created = None, False
        else:
            if created:
                audit.record(session, "unit_added", now=core.now(), actor_id=user.id, target=str(record.id))
            unit_name = record.name
    if record is None:
        await reply(update, context, texts.UNIT_BAD_NAME)
        return
    plan_label = onboarding.plan_name(core, plan) if plan else texts.ALL_PLANS
    done = texts.UNIT_ADDED if created else texts.UNIT_EXISTS
    await reply(update, context, done.format(unit=escape(unit_name), plan=plan_label))


async def unanswered(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/chuatraloi: the most recent questions the assistant declined, to improve the knowledge base."""
    if not await require_admin(update, context):
        return
    core = get_core(context)
    with core.sessions.begin() as session:
        lines = [
            texts.UNANSWERED_LINE.format(when=_when(core, q.created_at), plan=q.plan or "—",
                                         question=escape(q.question[:300]))
            for q in questions.unanswered(session, limit=20)
        ]
    if not lines:
        await reply(update, context, texts.NO_UNANSWERED)
        return
    await reply(update, context, "\n".join([texts.UNANSWERED_HEADER.format(count=len(lines)), *lines]))
