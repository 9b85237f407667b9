"""Deadlines in time, pure: occurrences, the items a unit reports on, working days, reminder planning.

Imports `knowledge` and the standard library only — no database, no Telegram, no clock. The jobs
that act on these rules (delivery, the weekly digest) live in `bot.jobs`.
"""
