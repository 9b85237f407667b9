"""Getting started: /start (or an invite deep link), choosing a plan and a unit, /donvi, /huy."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ContextTypes

from bot.core import Core, get_core
from bot.services import audit, contacts, drafts, subscriptions, units, users
from handlers import callbacks, texts
from handlers.common import Button, button_press, escape, notify, reply

__all__ = ["cancel", "change_unit", "choose_plan", "choose_unit", "receive_unit_name", "start"]

logger = logging.getLogger(__name__)

AWAITING_UNIT_NAME = "awaiting_unit_name"
UNIT_NAME_MAX = 120


def plan_buttons(core: Core) -> list[list[Button]]:
    rows = []
    for slug in core.kb.plans:
        doc = core.kb.plan_document(slug)
        label = doc.short if doc is not None else slug
        rows.append([(label, callbacks.make("plan", slug))])
    rows.append([(texts.NO_PLAN_BUTTON, callbacks.make("plan", "-"))])
    return rows


def plan_name(core: Core, plan: str | None) -> str:
    doc = core.kb.plan_document(plan) if plan else None
    return doc.short if doc is not None else texts.NO_PLAN


def unit_buttons(core: Core, plan: str) -> list[list[Button]]:
    with core.sessions.begin() as session:
        records = units.units_for_plan(session, plan, core.plan_unit_ids.get(plan, set()))
        wording = core.kb.wording(plan)
        pairs = [(wording.apply(r.name), callbacks.make("unit", r.id)) for r in records]
    rows = [pairs[i:i + 2] for i in range(0, len(pairs), 2)]
    rows.append([(texts.OTHER_UNIT_BUTTON, callbacks.make("unit", 0))])
    rows.append([(texts.SKIP_UNIT_BUTTON, callbacks.make("skipunit"))])
    return rows


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Welcome and plan choice; `/start <code>` registers the user through an invite."""
    user = update.effective_user
    assert user is not None
    core = get_core(context)
    if context.args:
        await _redeem(update, context, context.args[0])
        return
    with core.sessions.begin() as session:
        row = users.get_user(session, user.id)
        if row is not None:
            users.set_step(session, row, None)
    await reply(update, context, texts.WELCOME.format(name=escape(user.first_name)), plan_buttons(core))


async def _redeem(update: Update, context: ContextTypes.DEFAULT_TYPE, code: str) -> None:
    user = update.effective_user
    assert user is not None
    core = get_core(context)
    failure = None
    with core.sessions.begin() as session:
        try:
            contact = contacts.redeem_invite(session, code[:64], user.id, core.now())
        except contacts.InviteError as exc:
            failure = exc.reason
            audit.record(session, "invite_refused", now=core.now(), actor_id=user.id, reason=exc.reason)
        else:
            row = users.get_user(session, user.id)
            assert row is not None
            users.set_plan(session, row, contact.plan)
            users.set_step(session, row, None)
            plan = contact.plan
            unit_name = core.kb.wording(plan).apply(units.get_unit(session, contact.unit_id).name)
            subscriptions.unsubscribe_user(session, user.id)  # a previous unit's reminders end
            subscriptions.subscribe(session, user.id, plan, contact.unit_id, core.now())
            audit.record(session, "invite_redeemed", now=core.now(), actor_id=user.id, target=str(contact.id))
    if failure is not None:
        message = {"used": texts.INVITE_USED, "expired": texts.INVITE_EXPIRED}.get(
            failure, texts.INVITE_UNKNOWN)
        await reply(update, context, message)
        return
    await reply(update, context, texts.INVITE_OK.format(
        name=escape(user.first_name), unit=escape(unit_name), plan=plan_name(core, plan)))


async def choose_plan(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A plan button: remember the plan and offer its units."""
    query, user, core, data = button_press(update, context)
    plan = None if data.arg == "-" else data.arg
    if plan is not None and plan not in core.kb.plans:
        await query.answer(texts.UNKNOWN_PLAN_BUTTON, show_alert=True)
        return
    await query.answer()
    with core.sessions.begin() as session:
        row = users.get_user(session, user.id)
        assert row is not None
        users.set_plan(session, row, plan)
        users.set_step(session, row, None)
    if plan is None:
        await reply(update, context, texts.PLAN_CHOSEN_NO_UNIT)
        return
    await reply(update, context, texts.CHOOSE_UNIT.format(plan=plan_name(core, plan)),
                unit_buttons(core, plan))


async def choose_unit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A unit button: ask the admins to approve this user as the unit's contact."""
    query, user, core, data = button_press(update, context)
    unit_id = 0 if data.kind == "skipunit" else int(data.arg)
    refusal = None
    with core.sessions.begin() as session:  # no network calls while the transaction is open
        row = users.get_user(session, user.id)
        plan = row.plan if row is not None else None
        if row is None or plan is None:
            refusal = texts.CHOOSE_PLAN_FIRST
        elif data.kind == "skipunit":
            users.set_step(session, row, None)
        elif unit_id == 0:
            users.set_step(session, row, AWAITING_UNIT_NAME)
        else:
            # Re-authorise: only a unit offered for the user's plan can be requested.
            offered = {r.id for r in units.units_for_plan(session, plan, core.plan_unit_ids.get(plan, set()))}
            if unit_id not in offered:
                logger.warning("User %s pressed unit %s not offered for %s", user.id, unit_id, plan)
                refusal = texts.UNKNOWN_UNIT_BUTTON
    if refusal is not None:
        await query.answer(refusal, show_alert=True)
        return
    assert plan is not None
    await query.answer()
    if data.kind == "skipunit":
        await reply(update, context, texts.SKIPPED_UNIT.format(plan=plan_name(core, plan)))
    elif unit_id == 0:
        await reply(update, context, texts.TYPE_UNIT_NAME)
    else:
        await _request(update, context, plan, unit_id)


async def receive_unit_name(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The unit name typed after «Đơn vị khác»: a known or plainly classifying name is requested."""
    message = update.effective_message
    user = update.effective_user
    assert message is not None and message.text is not None and user is not None
    core = get_core(context)
    name = " ".join(message.text.split())
    if len(name) > UNIT_NAME_MAX:
        await reply(update, context, texts.UNIT_NAME_TOO_LONG)
        return
    unit_id = None
    with core.sessions.begin() as session:
        row = users.get_user(session, user.id)
        plan = row.plan if row is not None else None
        if row is None or plan is None:  # no plan any more: start again from /start
            if row is not None:
                users.set_step(session, row, None)
            text = texts.CHOOSE_PLAN_FIRST
        else:
            try:
                record = units.find_or_add_unit(session, name, plan, core.kb.registry, "request",
                                                user.id, core.now(), day=core.kb.plan_date(plan))
            except units.UnitNotFound as exc:
                close = ", ".join(f"«{escape(s)}»" for s in exc.suggestions)
                text = texts.UNIT_NOT_FOUND.format(name=escape(name)) + (
                    texts.UNIT_CLOSE.format(close=close) if close else texts.UNIT_NOT_FOUND_HINT)
            else:
                users.set_step(session, row, None)
                unit_id = record.id
    if unit_id is None or plan is None:
        await reply(update, context, text)
        return
    await _request(update, context, plan, unit_id)


async def _request(update: Update, context: ContextTypes.DEFAULT_TYPE, plan: str, unit_id: int) -> None:
    user = update.effective_user
    assert user is not None
    core = get_core(context)
    with core.sessions.begin() as session:
        contact = contacts.request_contact(session, user.id, plan, unit_id, core.now())
        subscriptions.unsubscribe_user(session, user.id)  # until the new unit is approved
        unit_name = core.kb.wording(plan).apply(units.get_unit(session, unit_id).name)
        audit.record(session, "contact_requested", now=core.now(), actor_id=user.id, target=str(contact.id))
        admin_ids = [a.id for a in users.admins(session, core.settings.admin_ids) if a.active]
    await reply(update, context, texts.REQUEST_SENT.format(
        unit=escape(unit_name), plan=plan_name(core, plan), example=texts.EXAMPLE_QUESTION))
    username = f" (@{escape(user.username)})" if user.username else ""
    for admin_id in admin_ids:
        if admin_id != user.id:
            await notify(context, admin_id, texts.NEW_REQUEST_FOR_ADMINS.format(
                name=escape(user.full_name), username=username, unit=escape(unit_name),
                plan=plan_name(core, plan)))


async def change_unit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/donvi: choose the unit again (the plan first if none is chosen)."""
    user = update.effective_user
    assert user is not None
    core = get_core(context)
    with core.sessions.begin() as session:
        row = users.get_user(session, user.id)
        plan = row.plan if row is not None else None
        if row is not None:
            users.set_step(session, row, None)
    if plan is None:
        await reply(update, context, texts.CHOOSE_PLAN, plan_buttons(core))
        return
    await reply(update, context, texts.CHOOSE_UNIT.format(plan=plan_name(core, plan)),
                unit_buttons(core, plan))


async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/huy: leave the flow in progress."""
    user = update.effective_user
    assert user is not None
    core = get_core(context)
    with core.sessions.begin() as session:
        row = users.get_user(session, user.id)
        had_step = row is not None and row.step is not None
        if had_step:
            users.set_step(session, row, None)
        had_draft = drafts.get_draft(session, user.id) is not None
        if had_draft:
            drafts.clear_draft(session, user.id)
        had_step = had_step or had_draft
    await reply(update, context, texts.CANCELLED if had_step else texts.NOTHING_TO_CANCEL)
