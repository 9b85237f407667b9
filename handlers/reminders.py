"""/nhacviec: what a contact will be reminded of, and their reminder settings (mute, lead days)."""

from __future__ import annotations

import datetime as dt
import logging

from telegram import Update

from bot.core import Context, Core, DbSession, get_core
from bot.services import subscriptions, units
from handlers import callbacks, onboarding
from handlers import reminder_texts as rmt
from handlers.common import Button, button_press, escape, reply, short_label
from scheduler.occurrences import occurrences

__all__ = ["change_lead", "settings", "toggle_all", "toggle_item"]

logger = logging.getLogger(__name__)

LEAD_CHOICES = ((14, 7, 3, 1), (7, 3, 1), (3, 1), (1,))
UPCOMING_DAYS = 60
MAX_ITEM_BUTTONS = 8


def lead_code(lead: tuple[int, ...]) -> str:
    return "-".join(str(d) for d in lead)


def _current(session: DbSession, core: Core, user_id: int):
    """The user's subscription for their current unit, with what the view needs (or None)."""
    found = subscriptions.for_user(session, user_id)
    if not found:
        return None
    sub = max(found, key=lambda s: s.created_at)
    record = units.referenced_unit(session, sub.unit_id)
    wording = core.kb.wording(sub.plan)
    return (sub.id, sub.plan, wording.apply(record.name),
            units.as_resolved(record, core.kb.registry, wording),
            tuple(sub.lead_days), sub.muted, frozenset(sub.muted_items), sub.paused)


async def settings(update: Update, context: Context) -> None:
    """/nhacviec: my reminder settings, the deadlines coming up, and buttons to change them."""
    user = update.effective_user
    assert user is not None
    await _show(update, context, user.id)


async def _show(update: Update, context: Context, user_id: int) -> None:
    core = get_core(context)
    current = await core.run_db(_current, core, user_id)
    if current is None:
        await reply(update, context, rmt.NO_SUBSCRIPTION)
        return
    sub_id, plan, unit_name, resolved, lead, muted, muted_items, paused = current
    state = rmt.STATE_PAUSED if paused else (rmt.STATE_OFF if muted else rmt.STATE_ON)
    parts = [rmt.SETTINGS.format(unit=escape(unit_name), plan=onboarding.plan_name(core, plan), state=state,
                                 lead=", ".join(str(d) for d in lead))]
    today = core.today()
    coming = occurrences(core.kb.deadlines(), start=today, end=today + dt.timedelta(days=UPCOMING_DAYS),
                         unit=resolved, plan=plan, signed=core.signed)
    if coming:
        parts.append(rmt.UPCOMING_HEADER)
        parts.extend(rmt.UPCOMING_LINE.format(
            due=f"{o.due:%d/%m/%Y}", title=escape(o.deadline.title),
            muted=rmt.MUTED_MARK if o.deadline.id in muted_items else "") for o in coming)
    else:
        parts.append(rmt.NOTHING_UPCOMING)
    buttons: list[list[Button]] = [[
        (rmt.UNMUTE_ALL, callbacks.make("nmute", f"{sub_id}.off")) if muted
        else (rmt.MUTE_ALL, callbacks.make("nmute", f"{sub_id}.on"))]]
    buttons.extend([(rmt.LEAD_BUTTON.format(lead=", ".join(map(str, choice))),
                     callbacks.make("nlead", f"{sub_id}.{lead_code(choice)}"))]
                   for choice in LEAD_CHOICES if choice != lead)
    seen: set[str] = set()
    for o in coming:
        if o.deadline.id in seen or len(seen) >= MAX_ITEM_BUTTONS:
            continue
        seen.add(o.deadline.id)
        label = (rmt.UNMUTE_ITEM if o.deadline.id in muted_items else rmt.MUTE_ITEM).format(
            title=o.deadline.title)
        buttons.append([(short_label(label), callbacks.make("nitem", f"{sub_id}.{o.deadline.id}"))])
    await reply(update, context, "\n".join(parts), buttons)


async def _apply(update: Update, context: Context, change) -> None:
    """Run one settings change (re-authorised by the service), then show the settings again."""
    query, user, core, data = button_press(update, context)
    try:
        await core.run_db(change, core, user.id, data.parts)
    except subscriptions.SubscriptionError as exc:
        logger.warning("User %s: reminder setting refused (%s)", user.id, exc.reason)
        await query.answer(rmt.LEAD_BAD if exc.reason == "bad_lead_days" else rmt.NOT_YOUR_SUBSCRIPTION,
                           show_alert=True)
        return
    await query.answer(rmt.SAVED)
    await _show(update, context, user.id)


async def toggle_all(update: Update, context: Context) -> None:
    """🔕/🔔: mute or resume every reminder of my subscription."""
    await _apply(update, context, lambda session, core, user_id, parts: subscriptions.set_muted(
        session, int(parts[0]), user_id, parts[1] == "on", core.now()))


async def toggle_item(update: Update, context: Context) -> None:
    """A deadline's button: mute or resume its reminders."""
    def change(session, core: Core, user_id: int, parts: list[str]) -> None:
        sub_id, deadline_id = int(parts[0]), parts[1]
        if deadline_id not in {d.id for d in core.kb.deadlines()}:
            raise subscriptions.SubscriptionError("not_found")
        current = {s.id: s for s in subscriptions.for_user(session, user_id)}.get(sub_id)
        muted = current is not None and deadline_id in (current.muted_items or [])
        subscriptions.mute_item(session, sub_id, user_id, deadline_id, not muted, core.now())

    await _apply(update, context, change)


async def change_lead(update: Update, context: Context) -> None:
    """A lead-days button: how many days before a deadline the reminders start."""
    await _apply(update, context, lambda session, core, user_id, parts: subscriptions.set_lead_days(
        session, int(parts[0]), user_id, tuple(int(d) for d in parts[1].split("-")), core.now()))
