"""The terminal console: the real application and handlers, with the in-process transport.

Each input line becomes a Telegram update from one simulated user; the bot's replies are printed
as plain text and inline buttons as numbered choices (type the number to press the button); files
the bot sends (the /xuat tables and charts) are saved under `var/exports/` and their paths printed.
"""

from __future__ import annotations

import asyncio
import dataclasses
import html
import re
from pathlib import Path
from typing import TextIO

from bot import messages
from bot.core import Core
from bot.services import users
from bot.telegram.app import build_application
from bot.telegram.transport import LOCAL_TOKEN, ApiCall, LocalBotApi, LocalUser

__all__ = ["EXPORTS_DIR", "run_console"]

_TAG = re.compile(r"<[^>]+>")
EXIT_COMMANDS = ("/thoat", "/thoát", "/quit", "/exit")
EXPORTS_DIR = Path("var/exports")  # beside the default database, relative to the working directory


def run_console(core: Core, plan: str | None, user_id: int | None, admin: bool,
                stdin: TextIO, stdout: TextIO, exports: Path = EXPORTS_DIR) -> int:
    """Chat in the terminal until end of input or /thoat; files the bot sends go to `exports`."""
    user = _console_user(core, user_id or 1)
    if admin:
        core.settings = dataclasses.replace(core.settings,
                                            admin_ids=core.settings.admin_ids | {user.id})
    with core.sessions.begin() as session:
        row = users.touch_user(session, user.id, user.first_name, user.username, core.now(),
                               user.last_name)
        if plan is not None:
            users.set_plan(session, row, plan)
    return asyncio.run(_chat(core, user, stdin, stdout, exports))


def _console_user(core: Core, user_id: int) -> LocalUser:
    """The simulated user under the name the database has for that id (the one Telegram gave a
    real user), else "Cán bộ <id>": admins reading requests can tell console users apart."""
    with core.sessions.begin() as session:
        row = users.get_user(session, user_id)
        if row is not None and row.first_name:
            return LocalUser(user_id, row.first_name, row.username, row.last_name or None)
    return LocalUser(user_id, messages.CONSOLE_USER.format(id=user_id))


def plain(text: str) -> str:
    """Telegram HTML as the terminal shows it."""
    return html.unescape(_TAG.sub("", text))


def save_file(folder: Path, name: str, content: bytes) -> Path:
    """Write `content` as `folder/name`, never over an earlier file (name-1.ext, name-2.ext…)."""
    folder.mkdir(parents=True, exist_ok=True)
    base = Path(Path(name).name or "tep")
    path, number = folder / base, 0
    while path.exists():
        number += 1
        path = folder / f"{base.stem}-{number}{base.suffix}"
    path.write_bytes(content)
    return path


def _print_call(call: ApiCall, stdout: TextIO, buttons: list[str], exports: Path) -> None:
    prefix = "(sửa) " if call.method == "editMessageText" else ""
    if call.text:
        print(prefix + plain(call.text), file=stdout)
    for name, content in call.files:
        print(messages.CONSOLE_FILE_SAVED.format(path=save_file(exports, name, content)), file=stdout)
    for label, data in call.buttons:
        buttons.append(data)
        print(f"  [{len(buttons)}] {label}", file=stdout)


async def _chat(core: Core, user: LocalUser, stdin: TextIO, stdout: TextIO, exports: Path) -> int:
    api = LocalBotApi()
    application = build_application(core, request=api, token=LOCAL_TOKEN, rate_limit=False,
                                    updater=False)
    interactive = stdin.isatty()
    buttons: list[str] = []
    async with application:
        if interactive:
            print(messages.CONSOLE_WELCOME.format(plans=", ".join(core.kb.plans)), file=stdout)
        while True:
            if interactive:
                print("\n> ", end="", file=stdout, flush=True)
            line = await asyncio.to_thread(stdin.readline)
            if not line:
                break
            text = line.strip()
            if not text:
                continue
            if not interactive:
                print(f"> {text}", file=stdout)
            if text in EXIT_COMMANDS:
                break
            if text.startswith("/kehoach"):
                _choose_plan(core, user, text.partition(" ")[2].strip() or None, stdout)
                continue
            if text.isdigit() and buttons:
                choice = int(text)
                if not 1 <= choice <= len(buttons):
                    print(messages.BAD_CHOICE.format(count=len(buttons)), file=stdout)
                    continue
                data = api.callback_update(user, buttons[choice - 1])
            else:
                data = api.text_update(user, text)
            mark = len(api.calls)
            await application.process_update(api.to_update(data, application.bot))
            shown: list[str] = []
            for call in api.sent(user.id, since=mark):
                _print_call(call, stdout, shown, exports)
            for call in api.called("answerCallbackQuery", since=mark):
                if call.params.get("text"):
                    print(plain(str(call.params["text"])), file=stdout)
            if shown:
                buttons = shown
            print("", file=stdout)
    return 0


def _choose_plan(core: Core, user: LocalUser, plan: str | None, stdout: TextIO) -> None:
    """Console shortcut for the plan buttons of /start."""
    if plan is not None and plan not in core.kb.plans:
        print(messages.UNKNOWN_PLAN.format(plan=plan, plans=", ".join(core.kb.plans)), file=stdout)
        return
    with core.sessions.begin() as session:
        row = users.touch_user(session, user.id, user.first_name, user.username, core.now(),
                               user.last_name)
        users.set_plan(session, row, plan)
    print(messages.PLAN_SET.format(plan=plan or messages.ALL_PLANS), file=stdout)
