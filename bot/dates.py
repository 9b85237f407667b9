"""Dates and times as people type them on the command line: ISO or the Vietnamese day first.

`parse_date("02/12/2026")`, `parse_date("2/12/2026")` and `parse_date("2026-12-02")` are the same
day; `parse_time("02/12/2026 08:00")`, `"02/12/2026T08:00"` and `"2026-12-02T08:00"` the same
minute (naive, or aware when an offset is given). Anything else raises `ValueError`.
"""

from __future__ import annotations

import datetime as dt
import re

__all__ = ["parse_date", "parse_time"]

_DAY_FIRST = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIME = re.compile(r"(?P<day>\S+?)(?:T|\s+)(?P<hour>\d{1,2}):(?P<rest>\d{2}(?::\d{2}(?:\.\d+)?)?"
                   r"(?:Z|[+-]\d{2}:?\d{2})?)")


def parse_date(text: str) -> dt.date:
    """A day typed as dd/mm/yyyy (also d/m/yyyy, with "-" or ".") or as YYYY-MM-DD."""
    text = text.strip()
    if found := _DAY_FIRST.fullmatch(text):
        day, month, year = (int(part) for part in found.groups())
        return dt.date(year, month, day)
    if _ISO_DATE.fullmatch(text):
        return dt.date.fromisoformat(text)
    raise ValueError(text)


def parse_time(text: str) -> dt.datetime:
    """A day (as `parse_date` reads it), then "T" or a space, then HH:MM[:SS] and maybe an offset."""
    found = _TIME.fullmatch(text.strip())
    if found is None:
        raise ValueError(text)
    day = parse_date(found["day"])
    return dt.datetime.fromisoformat(f"{day.isoformat()}T{int(found['hour']):02d}:{found['rest']}")
