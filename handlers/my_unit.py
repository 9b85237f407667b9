"""What a contact asks about their own unit: /nhiemvu, /hanchot, /lienhe, and /help."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.core import Core, get_core
from handlers import onboarding, texts
from handlers.common import escape, is_admin, my_unit, my_unit_or_ask, reply, user_state
from knowledge.render import blocks_to_html, to_html
from scheduler.occurrences import DeadlineOccurrence, around

__all__ = ["deadlines", "duties", "help_command", "office_contacts"]

MAX_LISTED = 15


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/help: what the assistant does, the commands, and the user's current plan and unit."""
    user = update.effective_user
    assert user is not None
    core = get_core(context)
    plan = user_state(context).plan
    admin = is_admin(core, context, user.id)
    mine = my_unit(core, user.id)
    unit = texts.NO_UNIT
    if mine is not None:
        unit = escape(mine.unit.name) + ("" if mine.approved else texts.PENDING_SUFFIX)
    text = texts.HELP.format(plan=onboarding.plan_name(core, plan or core.settings.default_plan),
                             unit=unit)
    await reply(update, context, text + (texts.HELP_ADMIN if admin else ""))


async def duties(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/nhiemvu: every duty of my unit in my plan, its own first, then its groups'."""
    core = get_core(context)
    mine = await my_unit_or_ask(update, context)
    if mine is None:
        return
    result = core.assistant.unit_duties(mine.unit, mine.plan, core.today())
    text = blocks_to_html(result.blocks)
    if not mine.approved:
        text = texts.NEED_APPROVAL.format(unit=escape(mine.unit.name)) + "\n\n" + text
    await reply(update, context, text)


async def deadlines(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/hanchot: my unit's overdue (last year) and upcoming (next year) deadlines."""
    core = get_core(context)
    mine = await my_unit_or_ask(update, context)
    if mine is None:
        return
    today = core.today()
    overdue, upcoming = around(core.kb.deadlines(), today, unit=mine.unit, plan=mine.plan,
                               signed=core.signed)
    plan = onboarding.plan_name(core, mine.plan)
    unit = escape(mine.unit.name)
    if not overdue and not upcoming:
        await reply(update, context, texts.NO_DEADLINES.format(unit=unit, plan=plan))
        return
    parts = []
    if not mine.approved:
        parts.append(texts.NEED_APPROVAL.format(unit=unit))
    parts.append(texts.DEADLINES_HEADER.format(unit=unit, plan=plan))
    if overdue:
        parts.append(texts.DEADLINES_OVERDUE)
        parts.extend(_line(core, o) for o in overdue[:MAX_LISTED])
    # Always said: a list of overdue deadlines alone would leave the reader wondering what is next.
    parts.append(texts.DEADLINES_UPCOMING)
    parts.extend(_line(core, o) for o in upcoming[:MAX_LISTED])
    if not upcoming:
        parts.append(texts.NO_UPCOMING)
    await reply(update, context, "\n".join(parts))


def _line(core: Core, occurrence: DeadlineOccurrence) -> str:
    deadline = occurrence.deadline
    days = (occurrence.due - core.today()).days
    if days > 0:
        relative = texts.DAYS_LEFT.format(days=days)
    elif days == 0:
        relative = texts.DUE_TODAY
    else:
        relative = texts.DAYS_PAST.format(days=-days)
    if deadline.due.recurrence:
        relative += texts.YEARLY
    doc = core.kb.documents[deadline.doc_id]
    return texts.DEADLINE_LINE.format(due=f"{occurrence.due:%d/%m/%Y}", title=escape(deadline.title),
                                      relative=relative, source=escape(f"{doc.short}, {deadline.ref}"))


async def office_contacts(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/lienhe: the standing office's contacts, from my plan (or every plan) as the plans give them."""
    user = update.effective_user
    assert user is not None
    core = get_core(context)
    plan = user_state(context).plan or core.settings.default_plan
    found = core.assistant.contact_entries(plan)
    parts = [texts.CONTACT_HEADER]
    for entry in found:
        markdown, _sources = core.assistant.render_entry(entry, core.today())
        parts.append(to_html(markdown))
    if not found:
        parts.append(escape(core.assistant.office_contact(plan)))
    await reply(update, context, "\n\n".join(parts))
