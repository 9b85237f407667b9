"""Getting started: /start (or an invite deep link), choosing a plan and a unit, confirming
them before the request is filed, /donvi, /huy."""

from __future__ import annotations

import logging

from telegram import Update

from bot.core import Context, Core, DbSession, get_core
from bot.services import audit, contacts, drafts, subscriptions, unit_drafts, units, users
from handlers import callbacks, texts
from handlers.common import Button, button_press, escape, notify, reply

__all__ = ["cancel", "change_unit", "choose_plan", "choose_unit", "confirm_request", "person",
           "receive_unit_name", "start"]

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


def person(row: users.User | None, user_id: int) -> str:
    """Who a user is, for admins: the name kept (leak-guarded), @username and Telegram id."""
    name = users.full_name(row) or texts.NO_NAME
    username = f" (@{escape(row.username)})" if row is not None and row.username else ""
    return texts.PERSON.format(name=escape(name), username=username, id=user_id)


async def unit_buttons(core: Core, plan: str) -> list[list[Button]]:
    records = await core.run_db(_offered, core, plan)
    wording = core.kb.wording(plan)
    pairs = [(wording.apply(r.name), callbacks.make("unit", r.id)) for r in records]
    rows = [pairs[i:i + 2] for i in range(0, len(pairs), 2)]
    rows.append([(texts.OTHER_UNIT_BUTTON, callbacks.make("unit", 0))])
    rows.append([(texts.SKIP_UNIT_BUTTON, callbacks.make("skipunit"))])
    return rows


async def start(update: Update, context: Context) -> None:
    """Welcome and plan choice; `/start <code>` registers the user through an invite."""
    user = update.effective_user
    assert user is not None
    core = get_core(context)
    if context.args:
        await _redeem(update, context, context.args[0])
        return
    row = await core.run_db(users.set_user_step, user.id, None)
    name = row.first_name if row is not None else ""  # as kept: a marked name is blank
    await reply(update, context, texts.WELCOME.format(name=escape(name or texts.NO_NAME_GREETING)),
                plan_buttons(core))


async def _redeem(update: Update, context: Context, code: str) -> None:
    user = update.effective_user
    assert user is not None
    core = get_core(context)

    def redeem(session: DbSession) -> tuple[str, str, str] | str:
        """(plan, name, unit name) once registered, else the reason the invite was refused."""
        try:
            contact = contacts.redeem_invite(session, code[:64], user.id, core.now())
        except contacts.InviteError as exc:
            audit.record(session, "invite_refused", now=core.now(), actor_id=user.id, reason=exc.reason)
            return exc.reason
        row = users.set_user_step(session, user.id, None)
        assert row is not None
        users.set_plan(session, row, contact.plan)
        plan = contact.plan
        unit_name = core.kb.wording(plan).apply(units.referenced_unit(session, contact.unit_id).name)
        subscriptions.unsubscribe_user(session, user.id)  # a previous unit's reminders end
        subscriptions.subscribe(session, user.id, plan, contact.unit_id, core.now())
        audit.record(session, "invite_redeemed", now=core.now(), actor_id=user.id, target=str(contact.id))
        return plan, row.first_name or texts.NO_NAME_GREETING, unit_name

    outcome = await core.run_db(redeem)
    if isinstance(outcome, str):
        failure = outcome
        message = {"used": texts.INVITE_USED, "expired": texts.INVITE_EXPIRED}.get(
            failure, texts.INVITE_UNKNOWN)
        await reply(update, context, message)
        return
    plan, name, unit_name = outcome
    await reply(update, context, texts.INVITE_OK.format(
        name=escape(name), unit=escape(unit_name), plan=plan_name(core, plan)))


async def choose_plan(update: Update, context: Context) -> None:
    """A plan button: remember the plan and offer its units."""
    query, user, core, data = button_press(update, context)
    plan = None if data.arg == "-" else data.arg
    if plan is not None and plan not in core.kb.plans:
        await query.answer(texts.UNKNOWN_PLAN_BUTTON, show_alert=True)
        return
    await query.answer()
    await core.run_db(_choose_plan, user.id, plan)
    if plan is None:
        await reply(update, context, texts.PLAN_CHOSEN_NO_UNIT)
        return
    await reply(update, context, texts.CHOOSE_UNIT.format(plan=plan_name(core, plan)),
                await unit_buttons(core, plan))


def _choose_plan(session: DbSession, user_id: int, plan: str | None) -> None:
    row = users.set_user_step(session, user_id, None)
    assert row is not None
    users.set_plan(session, row, plan)


async def choose_unit(update: Update, context: Context) -> None:
    """A unit button: ask the user to confirm plan and unit before the request is filed."""
    query, user, core, data = button_press(update, context)
    unit_id = 0 if data.kind == "skipunit" else int(data.arg)

    def choose(session: DbSession) -> tuple[str | None, str | None, int | None, str]:
        """(refusal, plan, the request's draft id, the unit's name)."""
        row = users.get_user(session, user.id)
        plan = row.plan if row is not None else None
        if row is None or plan is None:
            return texts.CHOOSE_PLAN_FIRST, None, None, ""
        if data.kind == "skipunit":
            users.set_step(session, row, None)
        elif unit_id == 0:
            users.set_step(session, row, AWAITING_UNIT_NAME)
        else:
            # Re-authorise: only a unit offered for the user's plan can be requested.
            record = units.get_unit(session, unit_id)
            if record is None or record not in _offered(session, core, plan):
                logger.warning("User %s pressed unit %s not offered for %s", user.id, unit_id, plan)
                return texts.UNKNOWN_UNIT_BUTTON, plan, None, ""
            draft_id = unit_drafts.start(session, user.id, "request", core.now(), plan=plan,
                                         unit_id=unit_id).id
            return None, plan, draft_id, core.kb.wording(plan).apply(record.name)
        return None, plan, None, ""

    refusal, plan, draft_id, unit_name = await core.run_db(choose)
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
        assert draft_id is not None
        await _ask_confirmation(update, context, draft_id, plan, unit_name)


def _offered(session: DbSession, core: Core, plan: str) -> list[units.UnitRecord]:
    return units.units_for_plan(session, plan, core.plan_unit_ids.get(plan, set()))


async def _ask_confirmation(update: Update, context: Context, draft_id: int,
                            plan: str, unit_name: str) -> None:
    await reply(update, context, texts.CONFIRM_REQUEST.format(
        unit=escape(unit_name), plan=plan_name(get_core(context), plan)), [[
            (texts.CONFIRM_BUTTON, callbacks.make("ureq", f"{draft_id}.yes")),
            (texts.CHOOSE_AGAIN_BUTTON, callbacks.make("ureq", f"{draft_id}.no"))]])


async def receive_unit_name(update: Update, context: Context) -> None:
    """The unit name typed after «Đơn vị khác»: a known or plainly classifying name is offered
    for confirmation."""
    message = update.effective_message
    user = update.effective_user
    assert message is not None and message.text is not None and user is not None
    core = get_core(context)
    name = " ".join(message.text.split())
    if len(name) > UNIT_NAME_MAX:
        await reply(update, context, texts.UNIT_NAME_TOO_LONG)
        return

    def receive(session: DbSession) -> tuple[int, str, str] | str:
        """(draft id, plan, unit name) of the request to confirm, else the reply."""
        row = users.get_user(session, user.id)
        plan = row.plan if row is not None else None
        if row is None or plan is None:  # no plan any more: start again from /start
            if row is not None:
                users.set_step(session, row, None)
            return texts.CHOOSE_PLAN_FIRST
        try:
            record, cleaned = units.resolve_typed(session, name, plan, core.kb.registry,
                                                  core.now(), day=core.kb.plan_date(plan))
        except units.UnitNotFound as exc:
            return _not_found(name, exc)
        users.set_step(session, row, None)
        draft_id = unit_drafts.start(
            session, user.id, "request", core.now(), plan=plan,
            unit_id=record.id if record is not None else None,
            name=None if record is not None else cleaned).id
        return draft_id, plan, core.kb.wording(plan).apply(record.name if record is not None else cleaned)

    outcome = await core.run_db(receive)
    if isinstance(outcome, str):
        await reply(update, context, outcome)
        return
    await _ask_confirmation(update, context, *outcome)


def _not_found(name: str, exc: units.UnitNotFound) -> str:
    if exc.reason == "retired":
        return texts.UNIT_RETIRED.format(name=escape(name))
    close = ", ".join(f"«{escape(s)}»" for s in exc.suggestions)
    return texts.UNIT_NOT_FOUND.format(name=escape(name)) + (
        texts.UNIT_CLOSE.format(close=close) if close else texts.UNIT_NOT_FOUND_HINT)


async def confirm_request(update: Update, context: Context) -> None:
    """«Xác nhận» files the request for the unit shown; «Chọn lại» offers the units again."""
    query, user, core, data = button_press(update, context)
    draft_id, answer = data.parts

    def decide(session: DbSession) -> tuple[str | None, str | None,
                                            tuple[str, str | None, str, list[int]] | None]:
        """(refusal, plan, what `_file_request` filed)."""
        row = users.get_user(session, user.id)
        draft = unit_drafts.current(session, user.id, int(draft_id), "request")
        plan = row.plan if row is not None else None
        if draft is None or row is None or draft.plan != plan or plan is None:
            return texts.STALE_CHOICE, plan, None
        if answer == "no":
            unit_drafts.clear(session, user.id)
            return None, plan, None
        refusal, filed = _file_request(core, session, user.id, plan, draft)
        return refusal, plan, filed

    failure, plan, filed = await core.run_db(decide)
    if failure is not None:
        await query.answer(failure, show_alert=True)
        return
    await query.answer()
    assert plan is not None
    if answer == "no":
        await reply(update, context, texts.CHOOSE_UNIT.format(plan=plan_name(core, plan)),
                    await unit_buttons(core, plan))
        return
    assert filed is not None
    unit_name, kept, who, admin_ids = filed
    kept_line = texts.REQUEST_KEEPS_UNIT.format(unit=escape(kept)) if kept else ""
    await reply(update, context, texts.REQUEST_SENT.format(
        unit=escape(unit_name), plan=plan_name(core, plan), example=texts.EXAMPLE_QUESTION,
        kept=kept_line))
    for admin_id in admin_ids:
        if admin_id != user.id:
            await notify(context, admin_id, texts.NEW_REQUEST_FOR_ADMINS.format(
                who=who, unit=escape(unit_name), plan=plan_name(core, plan)))


def _file_request(core: Core, session, user_id: int, plan: str, draft
                  ) -> tuple[str | None, tuple[str, str | None, str, list[int]] | None]:
    """File the confirmed request (in the caller's transaction): (refusal, None) or (None,
    (unit name, the approved unit kept meanwhile, the requester for admins, admin ids))."""
    wording = core.kb.wording(plan)
    if draft.unit_id is not None:  # re-authorise: the unit may have been removed meanwhile
        record = units.get_unit(session, draft.unit_id)
        if record is None or record not in _offered(session, core, plan):
            return texts.UNKNOWN_UNIT_BUTTON, None
    else:
        try:
            record = units.find_or_add_unit(session, draft.name, plan, core.kb.registry, "request",
                                            user_id, core.now(), day=core.kb.plan_date(plan))
        except units.UnitNotFound:
            return texts.UNKNOWN_UNIT_BUTTON, None
    try:
        contact = contacts.request_contact(session, user_id, plan, record.id, core.now())
    except contacts.ContactError as exc:
        if exc.reason == "already":
            return texts.ALREADY_CONTACT.format(unit=wording.apply(record.name)), None
        return texts.UNKNOWN_UNIT_BUTTON, None
    unit_drafts.clear(session, user_id)
    audit.record(session, "contact_requested", now=core.now(), actor_id=user_id, target=str(contact.id))
    approved, _pending = contacts.user_contacts(session, user_id)
    kept = wording.apply(approved.unit.name) if approved is not None else None
    admin_ids = [a.id for a in users.admins(session, core.settings.admin_ids) if a.active]
    who = person(users.get_user(session, user_id), user_id)
    return None, (wording.apply(record.name), kept, who, admin_ids)


async def change_unit(update: Update, context: Context) -> None:
    """/donvi: the current unit and a pending request's unit, then the units to choose from
    (the plan first if none is chosen)."""
    user = update.effective_user
    assert user is not None
    core = get_core(context)

    def current(session: DbSession) -> tuple[str | None, list[str]]:
        """The user's plan, and a line for the current unit and one for a pending request."""
        row = users.set_user_step(session, user.id, None)
        lines = []
        for contact, line in zip(contacts.user_contacts(session, user.id),
                                 (texts.UNIT_CURRENT, texts.UNIT_PENDING), strict=True):
            if contact is not None:
                lines.append(line.format(unit=escape(core.kb.wording(contact.plan).apply(
                    contact.unit.name)), plan=plan_name(core, contact.plan)))
        return (row.plan if row is not None else None), lines

    plan, lines = await core.run_db(current)
    status = "\n".join(lines) or texts.UNIT_NONE
    if plan is None:
        await reply(update, context, status + "\n\n" + texts.CHOOSE_PLAN, plan_buttons(core))
        return
    await reply(update, context, status + "\n\n" + texts.CHOOSE_UNIT.format(plan=plan_name(core, plan)),
                await unit_buttons(core, plan))


async def cancel(update: Update, context: Context) -> None:
    """/huy: leave the flow in progress."""
    user = update.effective_user
    assert user is not None
    core = get_core(context)
    had_step = await core.run_db(_cancel, user.id)
    await reply(update, context, texts.CANCELLED if had_step else texts.NOTHING_TO_CANCEL)


def _cancel(session: DbSession, user_id: int) -> bool:
    """End the user's step, report draft and unconfirmed unit choice; True if there was one."""
    row = users.get_user(session, user_id)
    had_step = row is not None and row.step is not None
    if row is not None and had_step:
        users.set_step(session, row, None)
    had_draft = drafts.get_draft(session, user_id) is not None
    if had_draft:
        drafts.clear_draft(session, user_id)
    had_choice = unit_drafts.clear(session, user_id)  # a unit or registry change not confirmed
    return had_step or had_draft or had_choice
