"""Reminder commands of `python -m bot`: `reminders preview`.

`bot.cli` wires them in with `add_commands(subparsers)` and `run_command(args, kb_loader, stdout)`.
`add_commands` returns the `reminders` sub-subparsers so that other modules can add their own
subcommands (e.g. `reminders status`); `run_command` here only claims `preview`.

`reminders preview --plan SLUG --unit NAME --at YYYY-MM-DDTHH:MM [--json]` (or `--at "dd/mm/yyyy
HH:MM"`, quoted or not; `bot.dates`): what a contact of the
unit (default settings, nothing reported yet) is sent at that local minute, the bot having run all
along (so no catch-up): the reminders whose send time is that minute, on working days as the
deployment sets them (`WORKING_DAYS_ONLY`, `EXTRA_DAYS_OFF` and the KB's public holidays). No
database. Exit codes: 0 done (even when nothing is sent); 2 bad input (unknown plan or unit,
malformed time, a bad setting).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable
from typing import TextIO

from bot.cli.common import UsageError, read_settings
from bot.clock import timezone
from bot.core import working_days
from bot.dates import parse_time
from knowledge.loader import KnowledgeBase
from knowledge.units import ResolvedUnit, UnknownUnit
from scheduler import texts
from scheduler.items import signed_dates
from scheduler.planning import (
    CATCH_UP_DAYS,
    Reminder,
    SubscriptionView,
    in_quiet_hours,
    plan_reminders,
    reminder_text,
)
from scheduler.workdays import ALL_DAYS, WorkingDays

__all__ = ["add_commands", "preview", "preview_json", "run_command"]


def add_commands(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
) -> argparse._SubParsersAction[argparse.ArgumentParser]:
    """Add `reminders preview` to the `python -m bot` parser; return the `reminders` subparsers."""
    reminders = subparsers.add_parser("reminders", help=texts.HELP_REMINDERS)
    reminders_sub = reminders.add_subparsers(dest="reminders_command", metavar="SUBCOMMAND",
                                             required=True)
    preview_parser = reminders_sub.add_parser("preview", help=texts.HELP_PREVIEW)
    preview_parser.add_argument("--plan", required=True, help=texts.HELP_PLAN)
    preview_parser.add_argument("--unit", required=True, help=texts.HELP_UNIT)
    # One argument or two ("--at 02/12/2026 08:00" unquoted): joined by a space.
    preview_parser.add_argument("--at", required=True, nargs="+", metavar=texts.AT_METAVAR,
                                help=texts.HELP_AT)
    preview_parser.add_argument("--json", action="store_true", help=texts.HELP_JSON)
    return reminders_sub


def run_command(args: argparse.Namespace, kb_loader: Callable[[], KnowledgeBase],
                stdout: TextIO) -> int | None:
    """Run `reminders preview` and return its exit code; None for any other command."""
    if args.command != "reminders" or getattr(args, "reminders_command", None) != "preview":
        return None
    kb = kb_loader()
    try:
        return _preview(kb, args, stdout)
    except UsageError as exc:
        print(exc, file=sys.stderr)
        return 2


def _parse_at(value: str) -> dt.datetime:
    """A local time "YYYY-MM-DDTHH:MM" or "dd/mm/yyyy HH:MM" (seconds ignored); with an offset,
    converted to local."""
    try:
        at = parse_time(value)
    except ValueError:
        raise UsageError(texts.BAD_AT.format(value=value)) from None
    tz = timezone()
    at = at.astimezone(tz) if at.tzinfo else at.replace(tzinfo=tz)
    return at.replace(second=0, microsecond=0)


def preview(kb: KnowledgeBase, plan: str, unit: ResolvedUnit, at: dt.datetime,
            days: WorkingDays = ALL_DAYS) -> list[Reminder]:
    """The reminders a contact of `unit` (default settings, nothing reported) is sent at the
    minute `at` (aware, in the local time zone) on the working `days`, the bot having run all
    along."""
    tz = at.tzinfo
    if tz is None:
        raise ValueError("at must be an aware datetime")
    at = at.replace(second=0, microsecond=0)
    view = SubscriptionView(id=0, plan=plan, unit_id=0, unit=unit,
                            created_at=at - dt.timedelta(days=CATCH_UP_DAYS + 1))
    found = plan_reminders(kb.deadlines(), [view], now=at, tz=tz, signed=signed_dates(kb), days=days)
    # Earlier ones were sent when due; only those of this very minute are sent now.
    return [r for r in found.now if r.send_at == at]


def preview_json(reminder: Reminder, kb: KnowledgeBase, today: dt.date) -> dict:
    """The SPEC's `reminders preview --json` object for one reminder (plus a few extra keys)."""
    occurrence = reminder.occurrence
    return {
        "deadline_id": occurrence.deadline.id,
        "due": occurrence.due.isoformat(),
        "kind": reminder.kind,
        "text": reminder_text(reminder, kb, today),
        "occurrence": occurrence.key,
        "offset": reminder.offset,
        "send_at": reminder.send_at.isoformat(),
        "title": occurrence.deadline.title,
    }


def _preview(kb: KnowledgeBase, args: argparse.Namespace, stdout: TextIO) -> int:
    if args.plan not in kb.plans:
        raise UsageError(texts.UNKNOWN_PLAN.format(plan=args.plan, plans=", ".join(kb.plans)))
    at = _parse_at(" ".join(args.at))
    try:
        unit = kb.registry.resolve(args.unit)
    except UnknownUnit as exc:
        raise UsageError(texts.UNKNOWN_UNIT.format(unit=args.unit, close=", ".join(exc.suggestions) or "—")
                     ) from None
    days = working_days(kb, read_settings(kb))
    found = preview(kb, args.plan, unit, at, days)
    unit_name = unit.name
    today = at.date()
    if args.json:
        print(json.dumps([preview_json(r, kb, today) for r in found], ensure_ascii=False), file=stdout)
        return 0
    when = f"{at:%H:%M %d/%m/%Y}"
    if not found:
        print(texts.PREVIEW_NONE.format(unit=unit_name, plan=args.plan, at=when), file=stdout)
        if in_quiet_hours(at, timezone()):
            print(texts.PREVIEW_QUIET, file=stdout)
        elif not days.is_working(at.date()):
            print(texts.PREVIEW_DAY_OFF, file=stdout)
        return 0
    print(texts.PREVIEW_HEAD.format(unit=unit_name, plan=args.plan, at=when, count=len(found)),
          file=stdout)
    for reminder in found:
        print(texts.PREVIEW_SEPARATOR, file=stdout)
        print(reminder_text(reminder, kb, today), file=stdout)
    return 0
