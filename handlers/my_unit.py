"""What a contact asks about their own unit: /nhiemvu, /hanchot, /lienhe, and /help."""

from __future__ import annotations

from telegram import Update

from bot.core import Context, Core, get_core
from handlers import callbacks, onboarding, texts
from handlers.common import (
    Button,
    MyUnit,
    button_press,
    escape,
    is_admin,
    my_unit,
    my_unit_or_ask,
    reply,
)
from knowledge import texts as kb_texts
from knowledge.render import to_html
from knowledge.reply import relative
from scheduler.items import Task, unit_tasks
from scheduler.occurrences import DeadlineOccurrence, around

__all__ = ["deadlines", "duties", "duties_page", "help_command", "office_contacts"]

MAX_LISTED = 15
DUTIES_PER_PAGE = 6


async def help_command(update: Update, context: Context) -> None:
    """/help: what the assistant does, the commands, and the user's current plan and unit."""
    user = update.effective_user
    assert user is not None
    core = get_core(context)
    plan = context.user_state.plan
    admin = is_admin(core, context, user.id)
    mine = my_unit(core, context)
    unit = texts.NO_UNIT
    if mine is not None:
        unit = escape(mine.unit.name) + ("" if mine.approved else texts.PENDING_SUFFIX)
    text = texts.HELP.format(plan=onboarding.plan_name(core, plan or core.settings.default_plan),
                             unit=unit)
    await reply(update, context, text + (texts.HELP_ADMIN if admin else ""))


async def duties(update: Update, context: Context) -> None:
    """/nhiemvu: my unit's tasks in my plan, its own first, then its groups', a page at a time."""
    core = get_core(context)
    mine = await my_unit_or_ask(update, context)
    if mine is None:
        return
    page = _duties_page(core, mine, 0)
    assert page is not None
    text, buttons = page
    if not mine.approved:
        text = texts.NEED_APPROVAL.format(unit=escape(mine.unit.name)) + "\n\n" + text
    await reply(update, context, text, buttons)


async def duties_page(update: Update, context: Context) -> None:
    """«Xem thêm» under /nhiemvu: the next page, for the presser's own unit as it is now."""
    query, _user, core, data = button_press(update, context)
    unit_id, page_text = data.parts
    mine = my_unit(core, context)
    page = _duties_page(core, mine, int(page_text)) if mine and mine.unit_id == int(unit_id) else None
    if page is None:
        await query.answer(texts.DUTIES_GONE, show_alert=True)
        return
    await query.answer()
    await reply(update, context, *page)


def _duties_page(core: Core, mine: MyUnit, page: int) -> tuple[str, list[list[Button]]] | None:
    """Page `page` (from 0) of the unit's tasks with a «Xem thêm» button; None past the end."""
    tasks = unit_tasks(core.kb, mine.plan, mine.unit)
    plan = onboarding.plan_name(core, mine.plan)
    unit = escape(mine.unit.name)
    if not tasks:
        return (texts.NO_DUTIES.format(plan=plan, unit=unit), []) if page == 0 else None
    pages = -(-len(tasks) // DUTIES_PER_PAGE)
    if page >= pages:
        return None
    first = page * DUTIES_PER_PAGE
    shown = tasks[first:first + DUTIES_PER_PAGE]
    parts = [texts.DUTIES_HEADER.format(unit=unit, plan=plan, count=len(tasks), page=page + 1, pages=pages)]
    section = None
    for number, task in enumerate(shown, first + 1):
        if (task.how, task.via) != section:
            section = (task.how, task.via)
            parts.append("\n" + _section_heading(core, mine, task))
        parts.append(_task_line(core, number, task))
    refs = ", ".join(dict.fromkeys(t.entry.ref or "" for t in shown))
    parts.append("\n" + texts.DUTIES_SOURCE.format(plan=plan, refs=escape(refs)))
    parts.append(to_html(kb_texts.LEGAL_NOTE))
    buttons: list[list[Button]] = []
    if page + 1 < pages:
        label = texts.MORE_BUTTON.format(shown=first + len(shown), count=len(tasks))
        buttons.append([(label, callbacks.make("duties", f"{mine.unit_id}.{page + 1}"))])
    return "\n".join(parts), buttons


def _section_heading(core: Core, mine: MyUnit, task: Task) -> str:
    if task.how == "own":
        return texts.DUTIES_OWN.format(unit=escape(mine.unit.name))
    if task.how == "group" and task.via is not None:
        return texts.DUTIES_GROUP.format(group=escape(core.kb.unit_name(task.via, mine.plan)))
    return texts.DUTIES_SUPPORT


def _task_line(core: Core, number: int, task: Task) -> str:
    """A task: its title and source; what to do when it is the unit's to carry out; its dates."""
    entry = task.entry
    body = "" if task.how == "support" else "\n   " + to_html(" ".join(entry.body.split()))
    line = texts.DUTY_LINE.format(number=number, title=escape(entry.title), ref=escape(entry.ref or ""),
                                  body=body)
    for deadline in task.deadlines:
        line += texts.DUTY_DUE.format(due=escape(core.assistant.deadline_status(deadline, core.today())))
    return line


async def deadlines(update: Update, context: Context) -> None:
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
    when = relative(occurrence.due, core.today())
    if deadline.due.recurrence:
        when += texts.YEARLY
    doc = core.kb.documents[deadline.doc_id]
    return texts.DEADLINE_LINE.format(due=f"{occurrence.due:%d/%m/%Y}", title=escape(deadline.title),
                                      relative=when, source=escape(f"{doc.short}, {deadline.ref}"))


async def office_contacts(update: Update, context: Context) -> None:
    """/lienhe: the standing office's contacts, from my plan (or every plan) as the plans give them."""
    user = update.effective_user
    assert user is not None
    core = get_core(context)
    plan = context.user_state.plan or core.settings.default_plan
    found = core.assistant.contact_entries(plan)
    parts = [texts.CONTACT_HEADER]
    for entry in found:
        markdown, _sources = core.assistant.render_entry(entry, core.today())
        parts.append(to_html(markdown))
    if not found:
        parts.append(escape(core.assistant.office_contact(plan)))
    await reply(update, context, "\n\n".join(parts))
