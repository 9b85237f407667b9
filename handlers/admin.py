"""The standing office's commands: /duyet, /moi, /chuatraloi, and the unit registry: /themdonvi,
/doiten, /xoadonvi (each confirmed with a button before anything changes).

Every admin action is re-authorised here, on the server: a non-admin pressing an approval
button (or forging its data) changes nothing and is only logged.
"""

from __future__ import annotations

import logging
from typing import Any, NamedTuple

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot.core import Context, Core, DbSession, get_core
from bot.services import audit, contacts, questions, subscriptions, unit_drafts, units, users
from handlers import callbacks, onboarding, texts
from handlers.common import (
    after_words,
    button_press,
    command_text,
    escape,
    is_admin,
    notify,
    reply,
    short_label,
)

__all__ = ["add_unit", "choose_group", "confirm_change", "decide", "given_plan", "invite", "pending",
           "remove_unit", "rename_unit", "require_admin", "unanswered"]

logger = logging.getLogger(__name__)


async def require_admin(update: Update, context: Context) -> bool:
    user = update.effective_user
    assert user is not None
    if is_admin(get_core(context), context, user.id):
        return True
    logger.warning("User %s tried an admin command", user.id)
    await reply(update, context, texts.ADMIN_ONLY)
    return False


def _when(core: Core, moment) -> str:
    return f"{core.local(moment):%H:%M %d/%m/%Y}"


async def pending(update: Update, context: Context) -> None:
    """/duyet: each pending contact request with approve and reject buttons."""
    if not await require_admin(update, context):
        return
    core = get_core(context)
    rows = await core.run_db(_pending_rows, core)
    if not rows:
        await reply(update, context, texts.NO_PENDING)
        return
    await reply(update, context, texts.PENDING_HEADER.format(count=len(rows)))
    for contact_id, line in rows:
        await reply(update, context, line, [[(texts.APPROVE_BUTTON, callbacks.make("approve", contact_id)),
                                              (texts.REJECT_BUTTON, callbacks.make("reject", contact_id))]])


def _pending_rows(session: DbSession, core: Core) -> list[tuple[int, str]]:
    """(contact id, the line admins read) of every request waiting for a decision."""
    return [(contact.id, _describe(core, session, contact, users.get_user(session, contact.user_id)))
            for contact in contacts.pending_contacts(session)]


def _describe(core: Core, session: DbSession, contact, user) -> str:
    unit = units.referenced_unit(session, contact.unit_id)
    return texts.PENDING_LINE.format(who=onboarding.person(user, contact.user_id),
                                     unit=escape(core.kb.wording(contact.plan).apply(unit.name)),
                                     plan=onboarding.plan_name(core, contact.plan),
                                     when=_when(core, contact.created_at))


async def decide(update: Update, context: Context) -> None:
    """An approve/reject button: only an admin's press counts; the requester is told."""
    query, user, core, data = button_press(update, context)
    if not await _admin_press(update, context):
        return
    approve = data.kind == "approve"

    def record(session: DbSession) -> tuple[int, str, str, str] | str:
        """(requester id, plan, unit name, the requester for admins), or why nothing was decided."""
        try:
            contact = contacts.decide_contact(session, int(data.arg), approve, user.id, core.now())
        except contacts.ContactError as exc:
            return exc.reason
        requester = users.get_user(session, contact.user_id)
        unit = units.referenced_unit(session, contact.unit_id)
        unit_name = core.kb.wording(contact.plan).apply(unit.name)
        if approve:  # reminders move from the unit it replaces to this one
            subscriptions.unsubscribe_user(session, contact.user_id)
            subscriptions.subscribe(session, contact.user_id, contact.plan, contact.unit_id, core.now())
        audit.record(session, "contact_approved" if approve else "contact_rejected", now=core.now(),
                     actor_id=user.id, target=str(contact.id))
        return contact.user_id, contact.plan, unit_name, onboarding.person(requester, contact.user_id)

    outcome = await core.run_db(record)
    if isinstance(outcome, str):
        reason = outcome
        await query.answer(texts.CONTACT_NOT_FOUND if reason == "not_found" else texts.ALREADY_DECIDED,
                           show_alert=True)
        return
    await query.answer()
    requester_id, plan, unit_name, who = outcome
    plan_label = onboarding.plan_name(core, plan)
    done = texts.APPROVED if approve else texts.REJECTED
    told = texts.YOU_ARE_APPROVED if approve else texts.YOU_ARE_REJECTED
    await notify(context, requester_id, told.format(unit=escape(unit_name), plan=plan_label))
    try:
        await query.edit_message_text(done.format(who=who, unit=escape(unit_name),
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


def _plan_and_rest(core: Core, update: Update, context: Context) -> tuple[str | None, str]:
    """`[plan] name…`: the plan given first, else the admin's own plan, else DEFAULT_PLAN."""
    plan, rest = given_plan(core, update)
    return plan or context.user_state.plan or core.settings.default_plan, rest


async def invite(update: Update, context: Context) -> None:
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

    def create(session: DbSession) -> tuple[str, Any, str] | str:
        """(code, expiry, unit name) of the new invite, or the reply naming close units."""
        try:
            record = units.find_or_add_unit(session, name, plan, core.kb.registry, "admin", user.id,
                                            core.now(), day=core.kb.plan_date(plan))
        except units.UnitNotFound as exc:
            close = ", ".join(f"«{escape(s)}»" for s in exc.suggestions)
            return texts.UNIT_NOT_FOUND.format(name=escape(name)) + (
                texts.UNIT_CLOSE.format(close=close) if close else texts.UNIT_NOT_FOUND_HINT)
        created = contacts.create_invite(session, plan, record.id, user.id, core.now())
        audit.record(session, "invite_created", now=core.now(), actor_id=user.id, target=str(created.id))
        return created.code, created.expires_at, record.name

    outcome = await core.run_db(create)
    if isinstance(outcome, str):
        await reply(update, context, outcome)
        return
    code, expires, unit_name = outcome
    link = f"https://t.me/{context.bot.username}?start={code}"
    await reply(update, context, texts.INVITE_CREATED.format(
        unit=escape(unit_name), plan=onboarding.plan_name(core, plan), expires=_when(core, expires),
        link=link))


async def _admin_press(update: Update, context: Context) -> bool:
    """An admin's button: True for an admin; anyone else's press is refused, logged and audited."""
    query, user, core, data = button_press(update, context)
    if is_admin(core, context, user.id):
        return True
    logger.warning("Non-admin %s pressed %s", user.id, query.data)
    await core.run_db(audit.record, "forbidden_callback", now=core.now(), actor_id=user.id, kind=data.kind)
    await query.answer(texts.NOT_YOURS, show_alert=True)
    return False


def _plan_label(core: Core, plan: str | None) -> str:
    return onboarding.plan_name(core, plan) if plan else texts.ALL_PLANS


def _unit_label(core: Core, record: units.UnitRecord) -> str:
    """A registered unit as admins read it: its name (in its plan's words) and its plan."""
    return texts.UNIT_LABEL.format(unit=escape(core.kb.wording(record.plan).apply(record.name)),
                                   plan=_plan_label(core, record.plan))


def _refusal(core: Core, name: str, exc: Exception) -> str:
    """What an admin reads when a unit name cannot be used as asked."""
    if isinstance(exc, units.DuplicateUnit):
        line = texts.UNIT_NEAR_DUPLICATE if exc.near else texts.UNIT_DUPLICATE
        return line.format(name=escape(name), existing=_unit_label(core, exc.existing))
    if isinstance(exc, units.UnitChangeRefused):
        return texts.UNIT_CHANGE_REFUSED.get(exc.reason, texts.UNIT_BAD_NAME)
    assert isinstance(exc, units.UnitNotFound)
    if exc.reason == "group":
        return texts.UNIT_IS_GROUP.format(name=escape(name))
    if exc.reason == "retired":
        return texts.UNIT_ALREADY_REMOVED.format(name=escape(name))
    if exc.reason == "invalid":
        return texts.UNIT_BAD_NAME
    close = ", ".join(f"«{escape(s)}»" for s in exc.suggestions)
    head = texts.UNIT_AMBIGUOUS if exc.reason == "ambiguous" else texts.UNIT_NOT_REGISTERED
    return head.format(name=escape(name)) + (texts.UNIT_CLOSE_ADMIN.format(close=close) if close else "")


_UNIT_ERRORS = (units.UnitNotFound, units.DuplicateUnit, units.UnitChangeRefused)


class _Adding(NamedTuple):
    """A unit being added, as its confirmation shows it (read from its draft)."""

    draft_id: int
    plan: str | None
    name: str
    group_id: str | None
    restores: bool  # the name is a removed unit's: confirming brings it back
    similar: bool  # close to a registered unit: added only with «Vẫn thêm»


def _adding(draft) -> _Adding:
    return _Adding(draft.id, draft.plan, draft.name or "", draft.group_id,
                   draft.unit_id is not None, draft.action == "add_similar")


async def add_unit(update: Update, context: Context) -> None:
    """/themdonvi [plan] <name>: propose a unit for the sign-up list; the admin chooses its group
    and confirms. A registered name is refused naming the unit; a nearly identical one too,
    unless the admin confirms with «Vẫn thêm» that it is another unit."""
    if not await require_admin(update, context):
        return
    user = update.effective_user
    assert user is not None
    core = get_core(context)
    plan, name = given_plan(core, update)  # a marked name raises in the service: refused
    if not name:
        await reply(update, context, texts.ADD_UNIT_USAGE)
        return

    def propose(session: DbSession) -> tuple[_Adding, str] | str:
        """(the unit to confirm, a warning), or the refusal."""
        warning = ""
        try:
            proposal, action = units.propose_unit(session, name, plan, core.kb.registry, core.now(),
                                                  day=core.kb.plan_date(plan)), "add"
        except units.DuplicateUnit as exc:
            if exc.proposal is None:
                return _refusal(core, name, exc)
            # close to a unit added here: refused unless the admin says it is another one
            proposal, action = exc.proposal, "add_similar"
            warning = texts.UNIT_NEAR_DUPLICATE_ASK.format(
                name=escape(name), existing=_unit_label(core, exc.existing))
        except _UNIT_ERRORS as exc:
            return _refusal(core, name, exc)
        return _adding(unit_drafts.start(
            session, user.id, action, core.now(), plan=plan, name=proposal.name,
            group_id=proposal.group_id,
            unit_id=proposal.restores.id if proposal.restores is not None else None)), warning

    outcome = await core.run_db(propose)
    if isinstance(outcome, str):
        await reply(update, context, outcome)
        return
    await _ask_add(update, context, *outcome)


async def _ask_add(update: Update, context: Context, adding: _Adding,
                   warning: str = "") -> None:
    """The confirmation of a new unit: its plan and group, a button per group, «Xác nhận» (or
    «Vẫn thêm» for a name close to a registered one) once a group is chosen."""
    core = get_core(context)
    plan, group_id = adding.plan, adding.group_id
    group = escape(core.kb.unit_name(group_id, plan)) if group_id else texts.NO_GROUP
    text = warning + texts.UNIT_ADD_CONFIRM.format(
        unit=escape(core.kb.wording(plan).apply(adding.name)), plan=_plan_label(core, plan),
        group=group)
    if adding.restores:
        text += texts.UNIT_ADD_RESTORES
    if adding.similar and not warning:
        text += texts.UNIT_SIMILAR_NOTE
    rows = [[(("✓ " if gid == group_id else "") + short_label(core.kb.unit_name(gid, plan)),
              callbacks.make("ugroup", f"{adding.draft_id}.{gid}"))]
            for gid in units.group_choices(core.kb, plan)]
    last = [(texts.CANCEL_BUTTON, callbacks.make("uedit", f"{adding.draft_id}.no"))]
    if group_id is not None:
        label = texts.ADD_ANYWAY_BUTTON if adding.similar else texts.CONFIRM_BUTTON
        last.insert(0, (label, callbacks.make("uedit", f"{adding.draft_id}.yes")))
    await reply(update, context, text + (texts.UNIT_GROUP_CHOSEN if group_id else texts.UNIT_CHOOSE_GROUP),
                [*rows, last])


async def choose_group(update: Update, context: Context) -> None:
    """A group button of /themdonvi: file the proposed unit under that group, ask again."""
    if not await _admin_press(update, context):
        return
    query, user, core, data = button_press(update, context)
    draft_id, group_id = data.arg.split(".", 1)

    def choose(session: DbSession) -> _Adding | None:
        draft = unit_drafts.current(session, user.id, int(draft_id), "add", "add_similar")
        if draft is None or group_id not in units.group_choices(core.kb, draft.plan):
            return None
        draft.group_id = group_id
        return _adding(draft)

    adding = await core.run_db(choose)
    if adding is None:
        await query.answer(texts.STALE_CHOICE, show_alert=True)
        return
    await query.answer()
    await _ask_add(update, context, adding)


def _plan_and_names(core: Core, update: Update) -> tuple[str | None, str, str | None]:
    """`[plan] old | new` after /doiten: the plan if given, the old name, the new one (None when
    no separator was typed)."""
    plan, rest = given_plan(core, update)
    for separator in texts.RENAME_SEPARATORS:
        old, found, new = rest.partition(separator)
        if found:
            return plan, old.strip(), new.strip()
    return plan, rest, None


async def remove_unit(update: Update, context: Context) -> None:
    """/xoadonvi [plan] <name>: retire a unit after a confirmation (its history is kept)."""
    await _propose_change(update, context, "remove")


async def rename_unit(update: Update, context: Context) -> None:
    """/doiten [plan] <old name> | <new name>: rename a unit after a confirmation."""
    await _propose_change(update, context, "rename")


async def _propose_change(update: Update, context: Context, action: str) -> None:
    if not await require_admin(update, context):
        return
    user = update.effective_user
    assert user is not None
    core = get_core(context)
    if action == "remove":
        plan, name = given_plan(core, update)
        new_name = None
        usage = texts.REMOVE_UNIT_USAGE if not name else None
    else:
        plan, name, new_name = _plan_and_names(core, update)
        usage = texts.RENAME_UNIT_USAGE if not name or not new_name else None
    if usage is not None:
        await reply(update, context, usage)
        return

    def propose(session: DbSession) -> tuple[str, list]:
        """The confirmation and its buttons, or the refusal (no buttons)."""
        checked = new_name
        try:
            record = units.find_unit(session, name, plan, core.kb.registry)
            units.check_changeable(record)
            if checked is not None:
                checked = units.check_rename(session, record, checked, core.kb.registry, core.now())
        except _UNIT_ERRORS as exc:
            refused = checked if isinstance(exc, units.DuplicateUnit) and checked is not None else name
            return _refusal(core, refused, exc), []
        draft = unit_drafts.start(session, user.id, action, core.now(), plan=record.plan,
                                  unit_id=record.id, name=checked)
        if action == "remove":
            text = texts.UNIT_REMOVE_CONFIRM.format(unit=_unit_label(core, record))
        else:
            text = texts.UNIT_RENAME_CONFIRM.format(unit=_unit_label(core, record), new=escape(checked))
        return text, [[(texts.CONFIRM_BUTTON, callbacks.make("uedit", f"{draft.id}.yes")),
                       (texts.CANCEL_BUTTON, callbacks.make("uedit", f"{draft.id}.no"))]]

    await reply(update, context, *await core.run_db(propose))


async def confirm_change(update: Update, context: Context) -> None:
    """«Xác nhận» / «Hủy» of /themdonvi, /doiten, /xoadonvi: checked again, then done once."""
    if not await _admin_press(update, context):
        return
    query, user, core, data = button_press(update, context)
    draft_id, answer = data.parts

    def apply(session: DbSession) -> tuple[str | None, list[int]]:
        """The reply (None: the choice is stale) and the contacts to tell."""
        draft = unit_drafts.current(session, user.id, int(draft_id), "add", "add_similar", "rename",
                                    "remove")
        if draft is None:
            return None, []
        if answer == "no":
            unit_drafts.clear(session, user.id)
            return texts.UNIT_CHANGE_CANCELLED, []
        try:
            text, told = _apply_change(core, session, draft, user.id)
        except _UNIT_ERRORS as exc:
            return _refusal(core, draft.name or "", exc), []
        unit_drafts.clear(session, user.id)
        return text, told

    text, told = await core.run_db(apply)
    if text is None:
        await query.answer(texts.STALE_CHOICE, show_alert=True)
        return
    await query.answer()
    await reply(update, context, text)
    for contact_id in told:
        if contact_id != user.id:
            await notify(context, contact_id, texts.UNIT_REMOVED_FOR_CONTACT)


def _apply_change(core: Core, session: DbSession, draft, admin_id: int) -> tuple[str, list[int]]:
    """Do what the draft says (in the caller's transaction); the reply and the users to tell."""
    registry, now = core.kb.registry, core.now()
    if draft.action in ("add", "add_similar"):
        if draft.group_id is None:
            raise units.UnitChangeRefused("no_group")
        record, added = units.add_unit(
            session, draft.name or "", draft.plan, registry, "admin", admin_id, now,
            allow_unclassified=True, day=core.kb.plan_date(draft.plan), group_id=draft.group_id,
            restore=True, refuse_similar=draft.action == "add")
        if not added:  # registered meanwhile (another admin, the command line)
            raise units.DuplicateUnit(record, near=False)
        audit.record(session, "unit_added", now=now, actor_id=admin_id, target=str(record.id),
                     group=record.group_id, plan=record.plan)
        group = escape(core.kb.unit_name(draft.group_id, draft.plan))
        return texts.UNIT_ADDED.format(unit=_unit_label(core, record), group=group), []
    changed = units.get_unit(session, draft.unit_id) if draft.unit_id is not None else None
    if changed is None:
        raise units.UnitChangeRefused("retired")
    if draft.action == "rename":
        old = units.rename_unit(session, changed, draft.name or "", registry, now)
        audit.record(session, "unit_renamed", now=now, actor_id=admin_id, target=str(changed.id),
                     old=old, new=changed.name)
        return texts.UNIT_RENAMED.format(old=escape(old), unit=_unit_label(core, changed)), []
    told = units.retire_unit(session, changed, admin_id, now)
    audit.record(session, "unit_removed", now=now, actor_id=admin_id, target=str(changed.id),
                 name=changed.name, contacts=len(told))
    return texts.UNIT_REMOVED.format(unit=_unit_label(core, changed), count=len(told)), told


async def unanswered(update: Update, context: Context) -> None:
    """/chuatraloi: the most recent questions the assistant declined, to improve the knowledge base."""
    if not await require_admin(update, context):
        return
    core = get_core(context)
    lines = [
        texts.UNANSWERED_LINE.format(when=_when(core, q.created_at), plan=q.plan or "—",
                                     question=escape(q.question[:300]))
        for q in await core.run_db(questions.unanswered, limit=20)
    ]
    if not lines:
        await reply(update, context, texts.NO_UNANSWERED)
        return
    await reply(update, context, "\n".join([texts.UNANSWERED_HEADER.format(count=len(lines)), *lines]))
