"""The standing office's view of progress: /tonghop (per deadline, with who has not reported) and
/xuat (the status table as XLSX and CSV, and a completion chart).

Export files are written to a temporary directory that is removed as soon as they are sent. When
something fails the admin is told which step: making the files, or sending them (and which ones).
"""

from __future__ import annotations

import asyncio
import logging
import tempfile
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.error import TelegramError

from bot import exports
from bot.core import Context, Core, DbSession, get_core
from bot.services import audit, statuses
from handlers import admin, callbacks, onboarding
from handlers import report_texts as rt
from handlers.common import Button, button_press, escape, is_admin, reply, short_label

__all__ = ["export", "missing_units", "overview"]

logger = logging.getLogger(__name__)

BAR_WIDTH = 10
MAX_NAMES = 10


def progress_bar(done: int, total: int, width: int = BAR_WIDTH) -> tuple[str, int]:
    """A text bar and the percentage done ("▓▓▓░░░░░░░", 30)."""
    percent = round(100 * done / total) if total else 0
    filled = round(width * done / total) if total else 0
    return "▓" * filled + "░" * (width - filled), percent


def _plan_of(core: Core, context: Context) -> str | None:
    args = list(context.args or [])
    if args:
        return args[0].lower() if args[0].lower() in core.kb.plans else None
    return context.user_state.plan or core.settings.default_plan


async def overview(update: Update, context: Context) -> None:
    """/tonghop [plan]: per deadline, then per duty someone reported on, counts by state, a
    progress bar, who is blocked, and who has not reported."""
    if not await admin.require_admin(update, context):
        return
    core = get_core(context)
    plan = _plan_of(core, context)
    if plan is None:
        await reply(update, context, rt.PLAN_USAGE.format(command="tonghop", plans=", ".join(core.kb.plans)))
        return
    rows = await core.run_db(statuses.overview, core.kb, plan, core.today(), duties=True)
    if not rows:
        await reply(update, context, rt.NO_DEADLINE_ITEMS)
        return
    parts = [rt.OVERVIEW_HEADER.format(plan=onboarding.plan_name(core, plan),
                                       today=f"{core.today():%d/%m/%Y}")]
    buttons: list[list[Button]] = []
    for number, row in enumerate(rows, 1):
        if row.item.due is None and (number == 1 or rows[number - 2].item.due is not None):
            parts.append(rt.OVERVIEW_DUTIES)
        bar, percent = progress_bar(len(row.done), row.total)
        counts = dict(number=number, title=escape(row.item.title), bar=bar, percent=percent,
                      done=len(row.done), doing=len(row.in_progress), blocked=len(row.blocked),
                      missing=len(row.not_reported))
        if row.item.due is None:
            parts.append(rt.OVERVIEW_DUTY.format(**counts))
        else:
            parts.append(rt.OVERVIEW_ITEM.format(due=f"{row.item.due:%d/%m/%Y}", **counts))
        if row.blocked:
            parts.append(rt.OVERVIEW_BLOCKED.format(names=_names(row.blocked)))
        if row.not_reported:
            label = rt.MISSING_BUTTON.format(number=number, count=len(row.not_reported))
            buttons.append([(short_label(label), callbacks.make("missing", f"{plan}.{row.item.key}"))])
    await reply(update, context, "\n".join(parts), buttons)


def _names(names: list[str]) -> str:
    text = ", ".join(escape(name) for name in names[:MAX_NAMES])
    if len(names) > MAX_NAMES:
        text += rt.OVERVIEW_MORE_NAMES.format(count=len(names) - MAX_NAMES)
    return text


async def missing_units(update: Update, context: Context) -> None:
    """A «Chưa báo cáo» button: the units that have not reported on that deadline."""
    query, user, core, data = button_press(update, context)
    if not is_admin(core, context, user.id):
        logger.warning("Non-admin %s pressed %s", user.id, query.data)
        await query.answer(rt.REFUSED["not_allowed"], show_alert=True)
        return
    plan, _, key = data.arg.partition(".")
    rows = []
    if plan in core.kb.plans:
        rows = await core.run_db(statuses.overview, core.kb, plan, core.today(), item_key=key, duties=True)
    if not rows:
        await query.answer(rt.STATUS_GONE, show_alert=True)
        return
    await query.answer()
    row = rows[0]
    title, count = escape(row.item.title), len(row.not_reported)
    if not row.not_reported:
        await reply(update, context, rt.NOBODY_MISSING.format(title=title))
        return
    lines = [rt.MISSING_HEADER.format(title=title, due=f"{row.item.due:%d/%m/%Y}", count=count)
             if row.item.due is not None else rt.MISSING_HEADER_DUTY.format(title=title, count=count)]
    lines.extend(f"• {escape(name)}" for name in row.not_reported)
    await reply(update, context, "\n".join(lines))


async def export(update: Update, context: Context) -> None:
    """/xuat [plan]: the status table as XLSX and CSV files and a completion chart, then deleted."""
    if not await admin.require_admin(update, context):
        return
    core = get_core(context)
    user = update.effective_user
    chat = update.effective_chat
    assert user is not None and chat is not None
    plan = _plan_of(core, context)
    if plan is None:
        await reply(update, context, rt.PLAN_USAGE.format(command="xuat", plans=", ".join(core.kb.plans)))
        return
    today = core.today()
    plan_label = onboarding.plan_name(core, plan)
    args = list(context.args or [])
    if len(args) >= 2:  # /xuat <plan> <item>: one deadline's chart
        await _item_chart(update, context, plan, args[1].lower())
        return
    with tempfile.TemporaryDirectory(prefix="bmnn-export-") as tmp:
        folder = Path(tmp)
        xlsx, csv_path, chart = (folder / f"trang-thai-{plan}-{today:%Y%m%d}.{ext}"
                                 for ext in ("xlsx", "csv", "png"))

        def read(session: DbSession) -> tuple[Any, Any, Any]:
            rows = statuses.status_rows(session, core.kb, plan, today)
            history = statuses.history_rows(session, core.kb, plan, today)
            summary = statuses.overview(session, core.kb, plan, today, duties=True)
            audit.record(session, "status_exported", now=core.now(), actor_id=user.id, plan=plan,
                         rows=len(rows))
            return rows, history, summary

        rows, history, summary = await core.run_db(read)

        def write() -> None:  # seconds for a large plan: off the event loop too
            exports.write_xlsx(rows, history, xlsx, tz=core.settings.tz)
            exports.write_csv(rows, csv_path, tz=core.settings.tz)
            exports.completion_chart(summary, chart, title=plan_label)

        try:
            await asyncio.to_thread(write)
        except Exception:
            logger.exception("Export of %s could not be made", plan)
            await reply(update, context, rt.EXPORT_MAKE_FAILED)
            return
        when = f"{today:%d/%m/%Y}"
        await _send_files(update, context, [
            (xlsx, rt.EXPORT_CAPTION_XLSX.format(plan=plan_label, today=when), False),
            (csv_path, rt.EXPORT_CAPTION_CSV.format(plan=plan_label, today=when), False),
            (chart, rt.EXPORT_CAPTION_CHART.format(plan=plan_label, today=when), True)])


async def _send_files(update: Update, context: Context,
                      files: list[tuple[Path, str, bool]]) -> None:
    """Send each (path, caption, is a picture) in order; when Telegram refuses one, say which
    files were made but not sent."""
    chat = update.effective_chat
    assert chat is not None
    for number, (path, caption, picture) in enumerate(files):
        try:
            with path.open("rb") as handle:
                if picture:
                    await context.bot.send_photo(chat.id, handle, caption=caption)
                else:
                    await context.bot.send_document(chat.id, handle, filename=path.name, caption=caption)
        except TelegramError as exc:
            logger.warning("Export file %s not delivered: %s", path.name, exc)
            missing = ", ".join(p.name for p, _caption, _picture in files[number:])
            await reply(update, context, rt.EXPORT_SEND_FAILED.format(missing=escape(missing)))
            return


async def _item_chart(update: Update, context: Context, plan: str, key: str) -> None:
    """How many of one deadline's units are in each state, as a chart."""
    core = get_core(context)
    chat = update.effective_chat
    assert chat is not None
    rows = await core.run_db(statuses.overview, core.kb, plan, core.today(), item_key=key, duties=True)
    if not rows:
        await reply(update, context, rt.UNKNOWN_ITEM.format(item=escape(key[:60])))
        return
    plan_label = onboarding.plan_name(core, plan)
    with tempfile.TemporaryDirectory(prefix="bmnn-export-") as tmp:
        chart = Path(tmp) / f"{plan}-{rows[0].item.key}.png"
        try:
            await asyncio.to_thread(exports.unit_chart, rows[0], chart, title=plan_label)
        except Exception:
            logger.exception("Chart of %s %s could not be made", plan, key)
            await reply(update, context, rt.EXPORT_MAKE_FAILED)
            return
        await _send_files(update, context, [(chart, rt.ITEM_CHART_CAPTION.format(
            title=rows[0].item.title, today=f"{core.today():%d/%m/%Y}"), True)])
