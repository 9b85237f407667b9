"""`python -m bot` / `bmnn-bot`: the command-line contract of SPEC.md.

Every command validates its arguments first and exits 2 with a clear message on bad input;
`kb check` exits 1 when the knowledge base is invalid. argparse's own words (usage, help headings,
its error messages) are given in Vietnamese by `Parser`, the class of every (sub)parser. Dates
are taken as dd/mm/yyyy or YYYY-MM-DD (`bot.dates`). When the reader of the output goes away
(`… | head -1`), the command stops quietly with exit code 141, as a Unix tool killed by SIGPIPE.
A database that cannot be used exits 3 and a Bot API that does not answer `run` exits 4, each
with one line saying why; only a bug prints a traceback, and exits 70 (`bot.cli.common`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn, TextIO

from bot import leak_guard, messages
from bot.cli.common import (
    EXIT_INTERNAL,
    EXIT_TELEGRAM,
    DatabaseUnavailable,
    UsageError,
    read_settings,
    report_database_fault,
)
from bot.clock import local_today
from bot.dates import parse_date
from bot.settings import SettingsError
from knowledge.answers import Answer, Assistant, UnknownPlan
from knowledge.loader import (
    DEFAULT_ROOT,
    KnowledgeBase,
    KnowledgeError,
    check_knowledge,
    load_knowledge,
)
from knowledge.render import to_plain
from knowledge.startup_cache import cached_assistant
from knowledge.units import ResolvedUnit, UnknownUnit
from scheduler.occurrences import occurrences

__all__ = ["Parser", "main"]

# Exit code of a command whose output pipe was closed by its reader (128 + SIGPIPE).
BROKEN_PIPE_EXIT = 141
# Commands that need neither the database nor Telegram. They are parsed by a parser without the
# database commands, whose modules import SQLAlchemy: `ask` then starts in a third of the CPU time.
LIGHT_COMMANDS = frozenset({"ask", "deadlines", "kb"})
_GLOBAL_OPTIONS = ("--kb", "--today")  # the options that come before the command, with a value


class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage: str | None, actions: Any, groups: Any,
                  prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, messages.USAGE_PREFIX if prefix is None else prefix)


class Parser(argparse.ArgumentParser):
    """argparse in Vietnamese: "cách dùng:", the help headings and its error messages.

    Subparsers are made of the same class (argparse's default), so this is the one place for
    every command. Usage errors still exit 2.
    """

    def __init__(self, *args: Any, add_help: bool = True, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, add_help=False, **kwargs)  # type: ignore[misc]  # ours replaces it
        self._positionals.title = messages.HELP_POSITIONALS
        self._optionals.title = messages.HELP_OPTIONALS
        if add_help:
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                              help=messages.HELP_HELP)

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, messages.USAGE_ERROR.format(prog=self.prog, message=_vietnamese(message)))


def _vietnamese(message: str) -> str:
    """argparse's English error message in Vietnamese (ours, already Vietnamese, pass through)."""
    for pattern, text in messages.ARGPARSE_ERRORS:
        found = re.fullmatch(pattern, message, flags=re.DOTALL)
        if found:
            parts = found.groupdict()
            if "message" in parts:  # "argument --after: <its own message>"
                parts["message"] = _vietnamese(parts["message"])
            return text.format(**parts)
    return message


def _date_arg(value: str) -> dt.date:
    try:
        return parse_date(value)
    except ValueError:
        raise argparse.ArgumentTypeError(messages.BAD_DATE.format(value=value)) from None


def _light_command(argv: Sequence[str] | None) -> bool:
    """Whether `argv` names one of `LIGHT_COMMANDS`; anything unusual (an abbreviated option,
    no command) is not, and gets the full parser, so that the answer never changes a result."""
    args = list(sys.argv[1:] if argv is None else argv)
    i = 0
    while i < len(args):
        if args[i] in _GLOBAL_OPTIONS:
            i += 2
        elif args[i].startswith(tuple(f"{option}=" for option in _GLOBAL_OPTIONS)):
            i += 1
        else:
            return args[i] in LIGHT_COMMANDS
    return False


def build_parser(light: bool = False) -> argparse.ArgumentParser:
    """The whole command line; `light`: only `LIGHT_COMMANDS`, without importing the database's."""
    parser = Parser(
        prog="python -m bot",
        description=messages.CLI_DESCRIPTION,
    )
    parser.add_argument("--kb", type=Path, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--today", type=_date_arg, default=None, help=argparse.SUPPRESS)
    sub: argparse._SubParsersAction[argparse.ArgumentParser] = parser.add_subparsers(  # type: ignore[assignment]
        dest="command", metavar="COMMAND")  # the commands' modules take any ArgumentParser

    run = sub.add_parser("run", help="phục vụ Telegram (hoặc mở console khi chưa có token)")
    run.add_argument("--webhook", action="store_true", help="chế độ webhook thay cho long polling")

    console = sub.add_parser("console", help="trò chuyện với trợ lý trên terminal")
    console.add_argument("--plan", help="slug kế hoạch (lang-son, lao-cai, …)")
    console.add_argument("--user-id", type=int, default=None, help="id người dùng giả lập")
    console.add_argument("--admin", action="store_true", help="giả lập quản trị viên")

    ask = sub.add_parser("ask", help="hỏi một câu (hoặc --batch FILE)")
    ask.add_argument("question", nargs="?", help="câu hỏi")
    ask.add_argument("--plan", help="slug kế hoạch")
    ask.add_argument("--unit", help="hỏi với tư cách đầu mối của đơn vị này")
    ask.add_argument("--batch", type=Path, help="tệp JSON Lines {id, question, plan, unit}")
    ask.add_argument("--json", action="store_true", help="in JSON")

    deadlines = sub.add_parser("deadlines", help="các hạn chót, gần nhất trước")
    deadlines.add_argument("--plan", help="slug kế hoạch")
    deadlines.add_argument("--unit", help="tên đơn vị")
    deadlines.add_argument("--after", type=_date_arg, metavar=messages.DATE_METAVAR,
                           help=messages.HELP_AFTER)
    deadlines.add_argument("--json", action="store_true", help="in JSON")

    if not light:
        from bot.cli import db as cli_db
        from bot.cli import reminders as cli_reminders
        from bot.cli import reminders_status as cli_reminders_status
        from bot.cli import status as cli_status

        cli_db.add_commands(sub)
        cli_status.add_commands(sub)
        cli_reminders_status.add_status_command(cli_reminders.add_commands(sub))

    kb = sub.add_parser("kb", help="kiểm tra cơ sở tri thức")
    kb_sub = kb.add_subparsers(dest="kb_command", metavar="SUBCOMMAND")
    kb_sub.add_parser("check", help="kiểm tra cơ sở tri thức (exit 1 nếu có lỗi)")
    return parser


def main(argv: Sequence[str] | None = None, stdin: TextIO | None = None,
         stdout: TextIO | None = None) -> int:
    """Run the CLI; return the exit code."""
    stdout = stdout or sys.stdout
    try:
        try:
            return _main(argv, stdin or sys.stdin, stdout)
        finally:
            stdout.flush()  # a closed pipe shows here at the latest, while it can be caught
    except BrokenPipeError:
        _discard(stdout)
        return BROKEN_PIPE_EXIT
    except Exception:  # a bug: the traceback for the report, and a code no refusal uses
        traceback.print_exc()
        print(messages.INTERNAL_ERROR, file=sys.stderr)
        return EXIT_INTERNAL


def _discard(stdout: TextIO) -> None:
    """Point a closed standard output at /dev/null, so that Python's own last flush is quiet."""
    try:
        fileno = stdout.fileno()
    except (OSError, ValueError):
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fileno)
    finally:
        os.close(devnull)


def _main(argv: Sequence[str] | None, stdin: TextIO, stdout: TextIO) -> int:
    parser = build_parser(light=_light_command(argv))
    args = parser.parse_args(argv)
    root = args.kb or Path(os.environ.get("BMNN_KB_DIR") or DEFAULT_ROOT)
    today = args.today or local_today()
    try:
        if args.command is None:
            parser.print_help(stdout)
            return 0
        if args.command == "kb":
            if args.kb_command != "check":
                parser.parse_args(["kb", "--help"])
            return _kb_check(root, stdout)
        if args.command in ("ask", "deadlines", "console", "run"):
            assistant = _load(root)
            if args.command == "ask":
                return _ask(assistant, args, today, stdout)
            if args.command == "deadlines":
                return _deadlines(assistant, args, today, stdout)
            return _serve(assistant, args, root, stdin, stdout)
        from bot.cli import db as cli_db
        from bot.cli import reminders as cli_reminders
        from bot.cli import reminders_status as cli_reminders_status
        from bot.cli import status as cli_status

        # The database commands need the KB, not the search index an Assistant builds (a second
        # of CPU per command, which 50 commands started together on a small server all pay).
        kb_loader = _kb_loader(root)
        handled = cli_db.run_command(args, kb_loader, stdout)
        if handled is not None:
            return handled
        handled = cli_status.run_command(args, kb_loader, stdout)
        if handled is not None:
            return handled
        handled = cli_reminders.run_command(args, kb_loader, stdout)
        if handled is not None:
            return handled
        handled = cli_reminders_status.run_status(args, stdout)
        if handled is not None:
            return handled
    except SettingsError as exc:
        print(messages.BAD_SETTING.format(error=exc), file=sys.stderr)
        return 2
    except UsageError as exc:
        print(exc, file=sys.stderr)
        return 2
    except KnowledgeError as exc:
        print(messages.KB_INVALID, file=sys.stderr)
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 1
    return 0


def _load(root: Path) -> Assistant:
    """The assistant over the KB under `root`, its analysed texts reused from the user's cache
    when they are current (`knowledge.startup_cache`; without them it is built in full)."""
    return cached_assistant(load_knowledge(root), root)


def _kb_loader(root: Path) -> Callable[[], KnowledgeBase]:
    """The KB of `root`, loaded on first call only."""
    loaded: list[KnowledgeBase] = []

    def load() -> KnowledgeBase:
        if not loaded:
            loaded.append(load_knowledge(root))
        return loaded[0]

    return load


def _check_plan(assistant: Assistant, plan: str | None) -> None:
    if plan is not None and plan not in assistant.kb.plans:
        raise UsageError(messages.UNKNOWN_PLAN.format(plan=plan, plans=", ".join(assistant.kb.plans)))


def _kb_check(root: Path, stdout: TextIO) -> int:
    problems = check_knowledge(root)
    for problem in problems:
        print(problem, file=stdout)
    if problems:
        print(messages.KB_PROBLEMS.format(count=len(problems)), file=sys.stderr)
        return 1
    kb = load_knowledge(root)
    print(messages.KB_OK.format(documents=len(kb.documents), entries=len(kb.entries)), file=stdout)
    return 0


def answer_json(answer: Answer, qid: object) -> dict:
    """The SPEC's `ask --json` object; `blocks` in rank order, the first being the answer."""
    out = {
        "id": qid,
        "answered": answer.answered,
        "text": to_plain(answer.markdown),
        "sources": [{"doc": s.doc, "ref": s.ref} for s in answer.sources],
        "suggestions": list(answer.suggestions),
        "blocks": [
            {"entry": p.entry, "title": p.title, "text": to_plain(p.markdown),
             "sources": [{"doc": s.doc, "ref": s.ref} for s in p.sources]}
            for p in answer.parts
        ] if answer.answered else [],
        "plan": answer.plan,
        "entries": list(answer.entry_ids),
        "coverage": answer.extra.get("coverage"),
    }
    if "declined" in answer.extra:
        out["declined"] = answer.extra["declined"]
    return out


def resolve_unit(kb: KnowledgeBase, name: str) -> ResolvedUnit:
    """A unit NAME from the command line, or a usage error listing close matches."""
    try:
        return kb.registry.resolve(name)
    except UnknownUnit as exc:
        hint = ", ".join(exc.suggestions) or "—"
        raise UsageError(messages.UNKNOWN_UNIT.format(unit=name, close=hint)) from None


def marked_json(assistant: Assistant, qid: object, plan: str | None) -> dict:
    """The `ask` object for a question the leak guard refuses: not answered, the warning as text."""
    return {"id": qid, "answered": False,
            "text": messages.ASK_MARKED.format(**leak_guard.law_citations(assistant.kb)),
            "sources": [], "suggestions": [], "blocks": [], "plan": plan, "entries": [],
            "coverage": None, "refused": "marking"}


def _ask(assistant: Assistant, args: argparse.Namespace, today: dt.date, stdout: TextIO) -> int:
    if args.batch is not None:
        if args.question:
            raise UsageError(messages.BATCH_AND_QUESTION)
        _check_plan(assistant, args.plan)
        default_unit = resolve_unit(assistant.kb, args.unit) if args.unit is not None else None
        return _ask_batch(assistant, args.batch, args.plan, default_unit, args.json, today, stdout)
    question = (args.question or "").strip()
    if not question:
        raise UsageError(messages.EMPTY_QUESTION)
    _check_plan(assistant, args.plan)
    unit = resolve_unit(assistant.kb, args.unit) if args.unit is not None else None
    if leak_guard.find_marking(question) is not None:  # the same guard as the chat: not answered
        refused = marked_json(assistant, None, args.plan)
        print(json.dumps(refused, ensure_ascii=False) if args.json else refused["text"], file=stdout)
        return 0
    answer = assistant.find_answers(question, args.plan, today, unit)
    if args.json:
        print(json.dumps(answer_json(answer, None), ensure_ascii=False), file=stdout)
    else:
        print(_plain_with_suggestions(answer), file=stdout)
    return 0


def _ask_batch(assistant: Assistant, path: Path, default_plan: str | None,
               default_unit: ResolvedUnit | None, as_json: bool, today: dt.date,
               stdout: TextIO) -> int:
    try:
        # JSON Lines are split at "\n" only: a question may hold U+2028 and other line breaks.
        lines = path.read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(messages.BATCH_UNREADABLE.format(path=path, error=exc)) from None
    failed = 0
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        qid = None
        try:
            item = json.loads(line)
            if not isinstance(item, dict):
                raise ValueError(messages.BATCH_NOT_OBJECT)
            qid = item.get("id")
            question = item.get("question")
            plan = item.get("plan", default_plan)
            if not isinstance(question, str) or not question.strip():
                raise ValueError(messages.BATCH_NO_QUESTION)
            if plan is not None and not isinstance(plan, str):
                raise ValueError(messages.BATCH_BAD_PLAN)
            if plan is not None and plan not in assistant.kb.plans:
                raise UnknownPlan(plan)
            unit = default_unit
            if item.get("unit") is not None:
                if not isinstance(item["unit"], str) or not item["unit"].strip():
                    raise ValueError(messages.BATCH_BAD_UNIT)
                unit = assistant.kb.registry.resolve(item["unit"])
            if leak_guard.find_marking(question) is not None:
                result = marked_json(assistant, qid, plan)
            else:
                result = answer_json(assistant.find_answers(question, plan, today, unit), qid)
        except UnknownUnit as exc:
            failed += 1
            result = _error_json(qid, messages.UNKNOWN_UNIT.format(
                unit=exc.name, close=", ".join(exc.suggestions) or "—"), number)
        except UnknownPlan as exc:
            failed += 1
            result = _error_json(qid, messages.UNKNOWN_PLAN.format(
                plan=exc.args[0], plans=", ".join(assistant.kb.plans)), number)
        except ValueError as exc:  # includes json.JSONDecodeError
            failed += 1
            result = _error_json(qid, str(exc), number)
        if as_json:
            print(json.dumps(result, ensure_ascii=False), file=stdout)
        else:
            print(f"[{result['id']}] {result.get('error') or result['text']}\n", file=stdout)
    if failed:
        print(messages.BATCH_FAILED.format(count=failed), file=sys.stderr)
        return 1
    return 0


def _error_json(qid: object, error: str, line: int) -> dict:
    return {"id": qid, "answered": False, "text": "", "sources": [], "suggestions": [],
            "error": messages.BATCH_LINE_ERROR.format(line=line, error=error)}


def _plain_with_suggestions(answer: Answer) -> str:
    text = to_plain(answer.markdown)
    if answer.suggestions and answer.answered:
        text += "\n\n" + messages.SUGGESTIONS + "\n" + "\n".join(
            f"  {i}. {s}" for i, s in enumerate(answer.suggestions, 1))
    return text


def _deadlines(assistant: Assistant, args: argparse.Namespace, today: dt.date, stdout: TextIO) -> int:
    kb = assistant.kb
    _check_plan(assistant, args.plan)
    unit = resolve_unit(kb, args.unit) if args.unit is not None else None
    signed = {d.plan: d.signed for d in kb.documents.values() if d.plan}
    items = occurrences(kb.deadlines(), start=args.after, unit=unit, plan=args.plan, signed=signed)
    rows: list[dict[str, Any]] = []
    for occ in items:
        d = occ.deadline
        doc = kb.documents[d.doc_id]
        rows.append({
            "id": d.id,
            "plan": d.plan,
            "title": d.title,
            "due": occ.due.isoformat(),
            "recurrence": d.due.recurrence,
            "units": [kb.unit_name(u, d.plan) for u in d.units],
            "source": f"{doc.short}, {d.ref}",
            "occurrence": occ.key,
            "status": "past" if occ.due < today else "upcoming",
        })
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=None), file=stdout)
        return 0
    if not rows:
        print(messages.NO_DEADLINES, file=stdout)
    for row in rows:
        due = dt.date.fromisoformat(row["due"])
        when = messages.PAST if due < today else messages.UPCOMING
        yearly = messages.YEARLY if row["recurrence"] else ""
        print(f"{due:%d/%m/%Y}{yearly} [{row['plan']}] {row['title']} — {when}\n"
              f"    {', '.join(row['units'])} · {row['source']} · id: {row['id']}", file=stdout)
    return 0


def _serve(assistant: Assistant, args: argparse.Namespace, root: Path, stdin: TextIO,
           stdout: TextIO) -> int:
    """`run` (Telegram, or the console without a token) and `console`."""
    # Imported here: the Telegram stack is not needed by `ask`, `deadlines` or `kb check`.
    from bot.db.engine import BUSY_TIMEOUT_MS
    from bot.logs import configure_logging
    from bot.telegram.console import run_console
    from bot.telegram.serve import TelegramUnreachable, open_core, run_telegram

    settings = read_settings(assistant.kb)
    try:
        if args.command == "run" and settings.token:
            configure_logging(settings.token, settings.webhook_secret)
            if args.webhook:
                settings.require_webhook()
            run_telegram(open_core(settings, root, assistant=assistant), args.webhook)
            return 0
        if args.command == "run":
            print(messages.NO_TOKEN_CONSOLE, file=sys.stderr)
        plan = getattr(args, "plan", None)
        _check_plan(assistant, plan)
        core = open_core(settings, root, assistant=assistant)
    except DatabaseUnavailable as fault:  # the bot's engine waits BUSY_TIMEOUT_MS for a lock
        return report_database_fault(fault, BUSY_TIMEOUT_MS)
    except TelegramUnreachable as exc:
        template = (messages.TELEGRAM_UNREACHABLE_LOCAL if settings.api_base_url
                    else messages.TELEGRAM_UNREACHABLE)
        print(template.format(url=exc.url), file=sys.stderr)
        return EXIT_TELEGRAM
    try:
        return run_console(core, plan, getattr(args, "user_id", None), getattr(args, "admin", False),
                           stdin, stdout)
    finally:
        # Close the pool's connections: on PostgreSQL they are server sessions until closed.
        core.sessions.kw["bind"].dispose()
