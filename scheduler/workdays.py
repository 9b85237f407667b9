"""Working days: reminders and the weekly digest go out on working days only.

Pure, like the rest of `scheduler`: the caller passes the days off (the KB's yearly lists of
public holidays plus the deployment's extra days, see `bot.core.working_days`). A send day that
falls on a Saturday, Sunday or day off moves to the previous working day (SPEC, "Reminder
rules"); an overdue notice never moves onto or before the due date: it waits for the next
working day instead.

Example::

    days = WorkingDays(frozenset({dt.date(2026, 2, 16)}))
    days.on_or_before(dt.date(2026, 2, 16))   # Friday 13/02/2026
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

__all__ = ["ALL_DAYS", "MAX_SHIFT", "WorkingDays"]

# No run of days off is longer than this (Tết: 9 days with its weekends); a longer one means the
# list is wrong, and the send day is then left where it was rather than searched for further.
MAX_SHIFT = 15


@dataclass(frozen=True, slots=True)
class WorkingDays:
    """Which days are working days: not Saturday, not Sunday, not in `days_off`; with `enabled`
    False every day is one (nothing moves)."""

    days_off: frozenset[dt.date] = frozenset()
    enabled: bool = True

    @classmethod
    def of(cls, days_off: Collection[dt.date], *, enabled: bool = True) -> WorkingDays:
        return cls(frozenset(days_off), enabled)

    def is_working(self, day: dt.date) -> bool:
        return not self.enabled or (day.weekday() < 5 and day not in self.days_off)

    def on_or_before(self, day: dt.date) -> dt.date:
        """`day` if it is a working day, else the working day before it."""
        for back in range(MAX_SHIFT + 1):
            candidate = day - dt.timedelta(days=back)
            if self.is_working(candidate):
                return candidate
        return day

    def on_or_after(self, day: dt.date) -> dt.date:
        """`day` if it is a working day, else the working day after it."""
        for ahead in range(MAX_SHIFT + 1):
            candidate = day + dt.timedelta(days=ahead)
            if self.is_working(candidate):
                return candidate
        return day

    def send_day(self, due: dt.date, offset: int) -> dt.date:
        """The day a reminder `offset` days before `due` (negative: after, overdue) is sent."""
        day = due - dt.timedelta(days=offset)
        earlier = self.on_or_before(day)
        if offset < 0 and earlier <= due:  # an overdue notice on the due day would be wrong
            return self.on_or_after(day)
        return earlier

    def digest_monday(self, today: dt.date) -> dt.date | None:
        """The Monday whose weekly digest is sent `today`: the coming Monday (today included)
        when `today` is the working day on or before it; None on other days."""
        monday = today + dt.timedelta(days=-today.weekday() % 7)
        return monday if self.on_or_before(monday) == today else None


ALL_DAYS = WorkingDays(enabled=False)  # nothing moves
