"""The standing office's weekly digest (Monday 08:00): deadlines of the next 14 days with how many
units are done, and the units overdue — one message per plan to every admin, once per admin and
week (the delivery log's unique key), whatever the number of bot processes (a crash may repeat
only a message in flight). When the
Monday is a public holiday the digest goes out on the working day before it (`Core.working_days`).
"""

from __future__ import annotations

import datetime as dt
import html
import logging

from sqlalchemy.orm import Session
from telegram.error import Forbidden, TelegramError

from bot.core import App, Context, Core
from bot.services import deliveries, statuses, users

__all__ = ["DIGEST_TIME", "digest_text", "schedule_digest", "send_weekly_digest"]

logger = logging.getLogger(__name__)

DIGEST_TIME = dt.time(8, 0)
SOON_DAYS = 14
MAX_NAMES = 8

# --- Vietnamese text of the digest, in one place for review ------------------------------------
HEADER = "<b>Tổng hợp tuần — {plan}</b> (thứ Hai {today})"
HEADER_EARLY = ("<b>Tổng hợp tuần — {plan}</b> (tuần từ thứ Hai {monday}; thứ Hai là ngày nghỉ nên "
                "bản tổng hợp được gửi sớm, ngày {today})")
DUE_SOON = "<b>Hạn trong 14 ngày tới</b>:"
DUE_LINE = "• {due} — {title}: ✅ {done}/{total} đơn vị đã hoàn thành"
NONE_SOON = "Không có hạn nào trong 14 ngày tới."
OVERDUE = "<b>Đã quá hạn, chưa hoàn thành</b>:"
OVERDUE_LINE = "• {due} — {title}: {missing} đơn vị ({names})"
NONE_OVERDUE = "Không có đơn vị nào quá hạn."
MORE = "… và {count} đơn vị khác"
DETAILS = "Chi tiết: /tonghop {plan}"


def digest_text(core: Core, session: Session, plan: str, today: dt.date,
                monday: dt.date | None = None) -> str:
    """The digest of one plan on `today` for the week from `monday` (default: today) (HTML; unit
    names and titles escaped)."""
    doc = core.kb.plan_document(plan)
    # Without duties every row is a deadline occurrence: each has a due date.
    rows = [(r.item.due, r) for r in statuses.overview(session, core.kb, plan, today)
            if r.item.due is not None]
    soon = [r for due, r in rows if today <= due <= today + dt.timedelta(days=SOON_DAYS)]
    late = [r for due, r in rows if due < today and (r.not_reported or r.in_progress or r.blocked)]
    name = html.escape(doc.short if doc else plan)
    if monday is None or monday == today:
        parts = [HEADER.format(plan=name, today=f"{today:%d/%m/%Y}")]
    else:
        parts = [HEADER_EARLY.format(plan=name, monday=f"{monday:%d/%m/%Y}", today=f"{today:%d/%m/%Y}")]
    parts.append(DUE_SOON if soon else NONE_SOON)
    for r in soon:
        total = len(r.done) + len(r.in_progress) + len(r.blocked) + len(r.not_reported)
        parts.append(DUE_LINE.format(due=f"{r.item.due:%d/%m/%Y}", title=html.escape(r.item.title),
                                     done=len(r.done), total=total))
    parts.append(OVERDUE if late else NONE_OVERDUE)
    for r in late:
        missing = [*r.blocked, *r.in_progress, *r.not_reported]
        names = ", ".join(html.escape(n) for n in missing[:MAX_NAMES])
        if len(missing) > MAX_NAMES:
            names += ", " + MORE.format(count=len(missing) - MAX_NAMES)
        parts.append(OVERDUE_LINE.format(due=f"{r.item.due:%d/%m/%Y}", title=html.escape(r.item.title),
                                         missing=len(missing), names=names))
    parts.append(DETAILS.format(plan=plan))
    return "\n".join(parts)


def _plans_for(core: Core, admin_plan: str | None) -> list[str]:
    plan = admin_plan or core.settings.default_plan
    return [plan] if plan else list(core.kb.plans)


async def send_weekly_digest(context: Context) -> None:
    """Job: on Mondays (or the working day before a Monday off), each admin gets the digest of
    their plan (or of every plan)."""
    core: Core = context.application.bot_data["core"]
    today = core.today()
    monday = core.working_days.digest_monday(today)
    if monday is None:
        return
    week = monday.isocalendar()
    process = context.application.bot_data.get("process", "digest")
    with core.sessions.begin() as session:
        admins = [(a.id, a.plan) for a in users.admins(session, core.settings.admin_ids) if a.active]
    for admin_id, admin_plan in admins:
        key = f"digest:{admin_id}:{week.year}-W{week.week:02d}"
        with core.sessions.begin() as session:
            if not deliveries.claim(session, key, user_id=admin_id, kind="digest", subscription_id=None,
                                    process=process, now=core.now()):
                continue
            texts = [digest_text(core, session, plan, today, monday)
                     for plan in _plans_for(core, admin_plan)]
        try:
            for text in texts:
                await context.bot.send_message(admin_id, text, parse_mode="HTML")
        except Forbidden:
            with core.sessions.begin() as session:
                core.user_blocked(session, admin_id)
                deliveries.mark_failed(session, key, "forbidden", core.now(), None)
            continue
        except TelegramError as exc:
            logger.warning("Digest to %s not delivered: %s", admin_id, exc)
            with core.sessions.begin() as session:
                deliveries.mark_failed(session, key, type(exc).__name__, core.now(), None)
            continue
        with core.sessions.begin() as session:
            deliveries.mark_sent(session, key, core.now())


def schedule_digest(application: App, core: Core) -> None:
    """One daily job at 08:00 local time; it only sends on Mondays (and once per admin and week)."""
    if application.job_queue is None:
        return
    application.job_queue.run_daily(send_weekly_digest, DIGEST_TIME.replace(tzinfo=core.settings.tz),
                                    name="weekly_digest")
