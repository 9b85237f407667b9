"""Local time of the deployment: dates are shown and deadlines computed in Asia/Ho_Chi_Minh."""

from __future__ import annotations

import datetime as dt
import os
from zoneinfo import ZoneInfo

__all__ = ["local_now", "local_today", "timezone"]

DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"


def timezone() -> ZoneInfo:
    """The deployment's time zone (`TIMEZONE`, default Asia/Ho_Chi_Minh)."""
    return ZoneInfo(os.environ.get("TIMEZONE") or DEFAULT_TIMEZONE)


def local_now() -> dt.datetime:
    return dt.datetime.now(timezone())


def local_today() -> dt.date:
    return local_now().date()
