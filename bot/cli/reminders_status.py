"""`python -m bot reminders status [--json]`: the delivery log's counts, for operators.

`bot.cli` wires it in with `add_status_command(reminders_subparsers)` (the subparsers of the
`reminders` command) and `run_status(args, stdout)`, which returns None for any other command.
Counts are of messages (a catch-up message counts once, whatever it collapses): pending
(claimed: being sent, or left by a stopped process until taken over), sent, failed, and among
the failed those waiting for another attempt. Exit codes: 0 done; 2 bad DATABASE_URL; 3 the
database cannot be used.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TextIO

from bot.cli.common import (
    DatabaseUnavailable,
    UsageError,
    open_database,
    read_settings,
    report_database_fault,
)
from bot.db.engine import make_session_factory
from bot.services import deliveries

__all__ = ["add_status_command", "run_status"]

# --- Vietnamese text of this command, in one place for review ---------------------------------

HELP_STATUS = "số tin nhắc hạn đang gửi, đã gửi, thất bại (nhật ký gửi tin)"
HELP_JSON = "in JSON"
LINES = (
    "Đang gửi (đã nhận, chưa xong): {pending}",
    "Đã gửi: {sent}",
    "Thất bại: {failed} (trong đó chờ gửi lại: {retrying})",
)


def add_status_command(
    reminders_subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
) -> None:
    """Add `status` under `reminders`."""
    status = reminders_subparsers.add_parser("status", help=HELP_STATUS)
    status.add_argument("--json", action="store_true", help=HELP_JSON)
    status.set_defaults(reminders_status=True)


def run_status(args: argparse.Namespace, stdout: TextIO) -> int | None:
    """Print the counts and return the exit code; None if `args` is not `reminders status`."""
    if not getattr(args, "reminders_status", False):
        return None
    try:
        with open_database(read_settings()) as engine, make_session_factory(engine).begin() as session:
            found = deliveries.counts(session)
    except UsageError as exc:
        print(exc, file=sys.stderr)
        return 2
    except DatabaseUnavailable as fault:
        return report_database_fault(fault)
    result = {"pending": found["claimed"], "sent": found["sent"], "failed": found["failed"],
              "retrying": found["retrying"]}
    if getattr(args, "json", False):
        print(json.dumps(result), file=stdout)
    else:
        print("\n".join(LINES).format(**result), file=stdout)
    return 0
