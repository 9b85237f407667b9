"""The command line, `python -m bot` / `bmnn-bot`: the contract of SPEC.md.

`main` parses and dispatches (`ask`, `deadlines`, `kb check`, `run`, `console`); the database
commands are in `db` (`db upgrade`, `admin`, `units`), `status` (`status submit|overview|export`),
`reminders` (`reminders preview`) and `reminders_status` (`reminders status`).
"""

from bot.cli.main import main

__all__ = ["main"]
