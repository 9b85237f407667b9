"""/baocao: a unit contact reports progress on one of the unit's items, in a few taps or one line.

Item → state → optional note → confirm → receipt. The draft lives in the database, so a restart
in the middle loses nothing; the same service as the CLI validates, applies the leak guard to the
note and records the version. "Vướng mắc" reaches the admins at once with a reply button.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update

from bot import leak_guard
from bot.core import Context, Core, DbConnection, DbSession, get_core
from bot.services import drafts, statuses, units, users
from handlers import callbacks, guard, onboarding, texts
from handlers import report_texts as rt
from handlers.common import (
    Button,
    MyUnit,
    button_press,
    command_text,
    escape,
    is_admin,
    my_unit,
    my_unit_in,
    my_unit_or_ask,
    notify,
    reply,
    short_label,
)
from scheduler.items import Item, find_item

__all__ = [
    "REPORT_CONFIRM",
    "REPORT_NOTE",
    "choose_item",
    "choose_state",
    "confirm",
    "items_page",
    "receive_note",
    "receive_reply",
    "reply_to_unit",
    "report",
    "skip_note",
]

logger = logging.getLogger(__name__)

REPORT_NOTE = "report_note"
REPORT_CONFIRM = "report_confirm"
REPLY_PREFIX = "reply:"
ITEMS_PER_PAGE = 10


def _items(core: Core, who: MyUnit) -> list[Item]:
    return core.unit_items(who.plan, who.unit)


def _due(item: Item, prefix: str = " — hạn ") -> str:
    return f"{prefix}{item.due:%d/%m/%Y}" if item.due is not None else ""


async def _require_reporter(update: Update, context: Context) -> MyUnit | None:
    who = await my_unit_or_ask(update, context)
    if who is None:
        return None
    if not who.approved:
        await reply(update, context, rt.NEED_APPROVED.format(unit=escape(who.unit.name)))
        return None
    return who


async def report(update: Update, context: Context) -> None:
    """/baocao: my unit's items as buttons; `/baocao <item> <state> [note]` in one line; `lichsu`."""
    who = await _require_reporter(update, context)
    if who is None:
        return
    args = list(context.args or [])
    if args and args[0].lower() in ("lichsu", "lịch sử", "lịchsử"):
        await _history(update, context, who)
    elif args:
        await _one_line(update, context, who, args)
    else:
        await _list_items(update, context, who)


async def _list_items(update: Update, context: Context, who: MyUnit) -> None:
    core = get_core(context)
    user = update.effective_user
    assert user is not None
    items = _items(core, who)
    if not items:
        await reply(update, context, rt.NO_ITEMS.format(unit=escape(who.unit.name)))
        return

    def start_draft(session: DbSession) -> dict[str, Any]:
        """The unit's latest statuses, with an empty draft and no step."""
        drafts.save_draft(session, user.id, who.plan, who.unit_id, core.now(), item=None, state=None,
                          note=None)
        users.set_user_step(session, user.id, None)
        return statuses.latest_for_unit(session, who.plan, who.unit_id)

    latest = await core.run_db(start_draft)
    page = _items_page(core, who, items, latest, 0)
    assert page is not None
    await reply(update, context, *page)


async def items_page(update: Update, context: Context) -> None:
    """«Xem thêm» under /baocao: the next page of my unit's items, re-checked as it is now."""
    query, _user, core, data = button_press(update, context)
    unit_id, page_text = data.parts
    who = my_unit(core, context)
    page = None
    if who is not None and who.approved and who.unit_id == int(unit_id):
        latest = await core.run_db(statuses.latest_for_unit, who.plan, who.unit_id)
        page = _items_page(core, who, _items(core, who), latest, int(page_text))
    if page is None:
        await query.answer(rt.ITEM_GONE, show_alert=True)
        return
    await query.answer()
    await reply(update, context, *page)


def _items_page(core: Core, who: MyUnit, items: list[Item], latest: dict[str, Any],
                page: int) -> tuple[str, list[list[Button]]] | None:
    """Page `page` (from 0) of the item buttons, numbered across pages, with «Xem thêm»."""
    pages = -(-len(items) // ITEMS_PER_PAGE)
    if not 0 <= page < pages:
        return None
    first = page * ITEMS_PER_PAGE
    shown = items[first:first + ITEMS_PER_PAGE]
    buttons: list[list[Button]] = []
    for number, item in enumerate(shown, first + 1):
        record = latest.get(item.key)
        icon = rt.STATE_ICONS[record.state] + " " if record is not None else ""
        due = _due(item, prefix="") + " · " if item.due is not None else ""
        label = rt.ITEM_LINE.format(number=number, icon=icon, due=due, title=item.title)
        buttons.append([(short_label(label), callbacks.make("ritem", item.key))])
    text = rt.CHOOSE_ITEM.format(unit=escape(who.unit.name), plan=onboarding.plan_name(core, who.plan))
    if pages > 1:
        text += "\n" + rt.ITEMS_PAGE.format(page=page + 1, pages=pages, count=len(items))
        if page + 1 < pages:
            label = texts.MORE_BUTTON.format(shown=first + len(shown), count=len(items))
            buttons.append([(label, callbacks.make("rpage", f"{who.unit_id}.{page + 1}"))])
    return text, buttons


async def choose_item(update: Update, context: Context) -> None:
    """An item button: re-checked against my unit's items, then the states."""
    query, user, core, data = button_press(update, context)

    def choose(session: DbSession) -> tuple[Item, Any] | None:
        """One transaction: the unit, the draft, the item's latest state (None: not theirs)."""
        who = my_unit_in(session, core, user.id)
        if who is None or not who.approved:
            return None
        item = next((i for i in _items(core, who) if i.key == data.arg), None)
        if item is None:
            return None
        drafts.save_draft(session, user.id, who.plan, who.unit_id, core.now(), item=item.key,
                          state=None, note=None)
        return item, statuses.latest_for_unit(session, who.plan, who.unit_id).get(item.key)

    chosen = await core.run_db(choose)
    if chosen is None:
        logger.warning("User %s pressed item %s that is not theirs", user.id, data.arg)
        await query.answer(rt.ITEM_GONE, show_alert=True)
        return
    item, current = chosen
    await query.answer()
    label = rt.STATE_LABELS[current.state] if current is not None else rt.NOT_REPORTED
    buttons = [[(f"{rt.STATE_ICONS[s]} {rt.STATE_LABELS[s]}", callbacks.make("rstate", s))]
               for s in statuses.STATES]
    await reply(update, context, rt.CHOOSE_STATE.format(title=escape(item.title), due=_due(item),
                                                        current=label), buttons)


async def choose_state(update: Update, context: Context) -> None:
    """A state button: remembered in the draft; then the note is asked for."""
    query, user, core, data = button_press(update, context)

    def choose(session: DbSession) -> bool:
        draft = drafts.get_draft(session, user.id)
        if draft is None or draft.item is None:
            return False
        drafts.save_draft(session, user.id, draft.plan, draft.unit_id, core.now(), state=data.arg)
        users.set_user_step(session, user.id, REPORT_NOTE)
        return True

    if not await core.run_db(choose):
        await query.answer(rt.DRAFT_GONE, show_alert=True)
        return
    await query.answer()
    await reply(update, context, rt.ASK_NOTE.format(limit=statuses.NOTE_MAX),
                [[(rt.SKIP_NOTE, callbacks.make("rnote", "skip"))]])


async def skip_note(update: Update, context: Context) -> None:
    """«Bỏ qua»: no note; on to the confirmation."""
    query, _user, _core, _data = button_press(update, context)
    await query.answer()
    await _ask_confirmation(update, context, None)


async def receive_note(update: Update, context: Context) -> None:
    """The note typed after the state (marked text never gets here: the leak guard stops it)."""
    message = update.effective_message
    assert message is not None and message.text is not None
    note = message.text.strip()
    if len(note) > statuses.NOTE_MAX:
        await reply(update, context, rt.NOTE_TOO_LONG.format(length=len(note), limit=statuses.NOTE_MAX),
                    [[(rt.SKIP_NOTE, callbacks.make("rnote", "skip"))]])
        return
    await _ask_confirmation(update, context, note or None)


async def _ask_confirmation(update: Update, context: Context, note: str | None) -> None:
    user = update.effective_user
    assert user is not None
    core = get_core(context)

    def keep_note(session: DbSession) -> tuple[str | None, tuple[str, str, str, str] | None]:
        """(refusal, (plan, item key, state, unit name) once the note is kept)."""
        draft = drafts.get_draft(session, user.id)
        if draft is None or draft.item is None or draft.state is None:
            return None, None
        try:
            drafts.save_draft(session, user.id, draft.plan, draft.unit_id, core.now(), note=note)
        except statuses.StatusRefused as exc:  # caught here: its audit entry is kept
            return exc.reason, None
        users.set_user_step(session, user.id, REPORT_CONFIRM)
        return None, (draft.plan, draft.item, draft.state,
                      units.referenced_unit(session, draft.unit_id).name)

    refusal, chosen = await core.run_db(keep_note)
    if refusal == "marking":
        await guard.refuse_marked(update, context, None)
        return
    if refusal is not None:
        await reply(update, context, rt.REFUSED.get(refusal, rt.REFUSED["unknown_item"]))
        return
    if chosen is None:
        await reply(update, context, rt.DRAFT_GONE)
        return
    plan, item_key, state, unit_name = chosen
    item = find_item(core.kb, plan, item_key, core.today(), core.signed)
    title = item.title if item is not None else item_key
    text = rt.CONFIRM.format(unit=escape(unit_name), title=escape(title),
                             due=_due(item) if item is not None else "",
                             state=rt.STATE_LABELS[state], note=escape(note) if note else rt.NO_NOTE)
    await reply(update, context, text, [[(rt.CONFIRM_YES, callbacks.make("rconfirm", "yes")),
                                         (rt.CONFIRM_NO, callbacks.make("rconfirm", "no"))]])


async def confirm(update: Update, context: Context) -> None:
    """Confirm: submit through the service and reply with the receipt (or cancel the draft)."""
    query, user, core, data = button_press(update, context)
    draft = await core.run_db(_take_draft, user.id)
    if draft is None or draft.item is None or draft.state is None:
        await query.answer(rt.DRAFT_GONE, show_alert=True)
        return
    plan, unit_id, item_key, state, note = (draft.plan, draft.unit_id, draft.item, draft.state,
                                            draft.note)
    await query.answer()
    if data.arg == "no":
        await reply(update, context, rt.REPORT_CANCELLED)
        return
    found = find_item(core.kb, plan, item_key, core.today(), core.signed)
    await submit(update, context, plan, unit_id, found or item_key, state, note)


async def submit(update: Update, context: Context, plan: str, unit_id: int,
                 item: Item | str, state: str, note: str | None) -> None:
    """Record the status; tell the user the receipt or why it was refused; alert admins of a block.

    `item` is the item the caller found (looked up once: the service checks it without looking it
    up again), or the key the user gave when there is none (the service refuses it).
    """
    user = update.effective_user
    assert user is not None
    core = get_core(context)
    admin = is_admin(core, context, user.id)

    def record(db: DbConnection) -> tuple[str, int, Any, str, list[int]] | str:
        """(receipt, status id, when, unit name, admins to alert), or the reason it was refused.

        On the transaction's bare connection: one report, one commit, without the ORM session."""
        try:
            record = statuses.submit_status(
                db, core.kb, plan=plan, unit_id=unit_id, item_key=item, state=state, note=note,
                actor_id=user.id, admin=admin, now=core.now(), via="chat", today=core.today(),
                tz=core.settings.tz)
        except statuses.StatusRefused as exc:
            return exc.reason
        if state != "vuong_mac":  # the admins' alert alone needs the unit's name
            return record.receipt, record.id, record.created_at, "", []
        return (record.receipt, record.id, record.created_at, units.referenced_unit_name(db, unit_id),
                users.admin_ids(db, core.settings.admin_ids))

    outcome = await core.run_statements(record)
    refusal = outcome if isinstance(outcome, str) else None
    if refusal == "marking":
        await guard.refuse_marked(update, context, None)
        return
    if refusal == "note_too_long" and note is not None:
        await reply(update, context, rt.NOTE_TOO_LONG.format(length=len(note), limit=statuses.NOTE_MAX))
        return
    if refusal is not None:
        await reply(update, context, rt.REFUSED.get(refusal, rt.REFUSED["unknown_item"]))
        return
    assert not isinstance(outcome, str)
    receipt, status_id, when, unit_name, admin_ids = outcome
    title = item.title if isinstance(item, Item) else item
    await reply(update, context, rt.RECEIPT.format(
        receipt=receipt, when=f"{core.local(when):%H:%M %d/%m/%Y}", title=escape(title),
        state=rt.STATE_LABELS[state]))
    if state == "vuong_mac":
        alert = rt.BLOCKED_FOR_ADMINS.format(
            unit=escape(unit_name), plan=onboarding.plan_name(core, plan), title=escape(title),
            note=escape(note) if note else rt.NO_NOTE, name=escape(user.full_name), receipt=receipt)
        for admin_id in admin_ids:
            await notify(context, admin_id, alert, [[(rt.REPLY_BUTTON, callbacks.make("rreply", status_id))]])


def _take_draft(session: DbSession, user_id: int) -> drafts.ReportDraft | None:
    """The user's report draft, removed (with their step) as it is confirmed or cancelled."""
    draft = drafts.get_draft(session, user_id)
    if draft is not None:
        drafts.clear_draft(session, user_id)
        users.set_user_step(session, user_id, None)
    return draft


def _split_state(words: list[str]) -> tuple[str | None, int]:
    """The longest leading run of up to three words that names a state, and its length."""
    for size in (3, 2, 1):
        if len(words) >= size:
            state = statuses.parse_state(" ".join(words[:size]))
            if state is not None:
                return state, size
    return None, 0


async def _one_line(update: Update, context: Context, who: MyUnit,
                    args: list[str]) -> None:
    """`/baocao <number or id> <state> [note]`, forgiving about diacritics and synonyms."""
    core = get_core(context)
    if len(args) < 2:
        await reply(update, context, rt.ONE_LINE_USAGE)
        return
    wanted = args[0]
    items = _items(core, who)
    item = None
    if wanted.isascii() and wanted.isdigit() and 1 <= int(wanted) <= len(items):
        item = items[int(wanted) - 1]
    else:
        item = next((i for i in items if i.key == wanted.lower()), None)
        if item is None:
            found = find_item(core.kb, who.plan, wanted.lower(), core.today(), core.signed)
            item = found if found is not None and any(i.key == found.key for i in items) else None
    if item is None:
        await reply(update, context, rt.UNKNOWN_ITEM.format(item=escape(wanted[:60])))
        return
    state, size = _split_state(args[1:4])
    if state is None:
        await reply(update, context, rt.UNKNOWN_STATE.format(state=escape(" ".join(args[1:3])[:60])))
        return
    # The note as typed, lines intact (the leak guard judges it so), not a re-join of the words.
    note = command_text(update.effective_message, skip=1 + size) or None  # the service checks it
    await submit(update, context, who.plan, who.unit_id, item, state, note)


async def _history(update: Update, context: Context, who: MyUnit) -> None:
    core = get_core(context)
    records = await core.run_db(statuses.history, who.plan, who.unit_id, limit=20)
    lines = []
    for record in records:
        item = find_item(core.kb, who.plan, record.item, core.today(), core.signed)
        lines.append(rt.HISTORY_LINE.format(
            when=f"{core.local(record.created_at):%d/%m/%Y %H:%M}", icon=rt.STATE_ICONS[record.state],
            title=escape(item.title if item is not None else record.item),
            state=rt.STATE_LABELS[record.state], receipt=record.receipt,
            note=f" — {escape(record.note)}" if record.note else ""))
    if not lines:
        await reply(update, context, rt.NO_HISTORY)
        return
    header = rt.HISTORY_HEADER.format(unit=escape(who.unit.name), plan=onboarding.plan_name(core, who.plan))
    await reply(update, context, "\n".join([header, *lines]))


async def reply_to_unit(update: Update, context: Context) -> None:
    """An admin's «Trả lời đơn vị» button under a blocked report: the next text goes to the unit."""
    query, user, core, data = button_press(update, context)
    admin = is_admin(core, context, user.id)

    def start_reply(session: DbSession) -> str | None:
        """The unit's name, the admin's next text now going to it; None: no such report."""
        record = statuses.get_status(session, int(data.arg))
        if record is None:
            return None
        users.set_user_step(session, user.id, f"{REPLY_PREFIX}{record.id}")
        return units.referenced_unit(session, record.unit_id).name

    unit_name = await core.run_db(start_reply) if admin else None
    if not admin:
        logger.warning("Non-admin %s pressed %s", user.id, query.data)
        await query.answer(texts.NOT_YOURS, show_alert=True)
        return
    if unit_name is None:
        await query.answer(rt.STATUS_GONE, show_alert=True)
        return
    await query.answer()
    await reply(update, context, rt.TYPE_REPLY.format(unit=escape(unit_name)))


async def receive_reply(update: Update, context: Context) -> None:
    """The admin's reply text: sent to every active approved contact of the unit."""
    message = update.effective_message
    user = update.effective_user
    assert message is not None and message.text is not None and user is not None
    core = get_core(context)
    status_id = int(context.user_state.step.removeprefix(REPLY_PREFIX))  # type: ignore[union-attr]
    text = message.text.strip()
    admin = is_admin(core, context, user.id)

    def take_reply(session: DbSession) -> tuple[Any, leak_guard.MarkedText | None]:
        """(the report and who receives the reply, or the refusal of marked text)."""
        users.set_user_step(session, user.id, None)
        if not admin:
            return None, None
        try:
            return statuses.unit_reply(session, status_id, text), None
        except leak_guard.MarkedText as exc:  # caught here: the step is cleared all the same
            return None, exc

    found, marked = await core.run_db(take_reply)
    if marked is not None:
        await guard.refuse_marked(update, context, marked.marking)
        return
    if found is None or not found.receipt:
        await reply(update, context, rt.STATUS_GONE)
        return
    plan, item_key, receipt, targets = found.plan, found.item, found.receipt, found.targets
    if not targets:
        await reply(update, context, rt.REPLY_NOBODY.format(unit=escape(found.unit_name)))
        return
    item = find_item(core.kb, plan, item_key, core.today(), core.signed)
    body = rt.REPLY_TO_UNIT.format(title=escape(item.title if item else item_key), receipt=receipt,
                                   text=escape(text))
    for target in targets:
        await notify(context, target, body)
    await reply(update, context, rt.REPLY_SENT.format(count=len(targets), unit=escape(found.unit_name)))
