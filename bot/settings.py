"""Deployment settings, read once from the environment and validated before anything starts.

A bad value stops start-up with a message naming the variable, rather than failing later in a
handler. The token is kept out of `repr` so it cannot reach a log line by accident.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.clock import DEFAULT_TIMEZONE

__all__ = ["Settings", "SettingsError"]

DEFAULT_DATABASE_URL = "sqlite:///var/bmnn.sqlite3"
_TOKEN = re.compile(r"^\d{1,20}:[A-Za-z0-9_-]{20,}$")
_SECRET = re.compile(r"^[A-Za-z0-9_-]{16,256}$")


class SettingsError(ValueError):
    """A setting with a bad value; the message names the variable and says what is expected."""


@dataclass(frozen=True)
class Settings:
    """Everything the deployment configures."""

    token: str | None = field(default=None, repr=False)
    api_base_url: str | None = None
    database_url: str = DEFAULT_DATABASE_URL
    admin_ids: frozenset[int] = frozenset()
    default_plan: str | None = None
    timezone: str = DEFAULT_TIMEZONE
    webhook_url: str | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    webhook_secret: str | None = field(default=None, repr=False)
    registered_only: bool = False
    flood_limit: int = 20  # messages per user per minute
    working_days_only: bool = True  # reminders and the digest move off weekends and holidays
    extra_days_off: frozenset[dt.date] = frozenset()  # besides the KB's public holidays
    # Several processes on one database: only the one with run_jobs sends reminders, digests and
    # prunes, so only one rate limiter sends in bulk (Telegram's 30 messages/s hold overall).
    run_jobs: bool = True
    delivery_concurrency: int = 8  # reminders in flight at once: the pace, not the round trip

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, plans: list[str] | None = None) -> Settings:
        """Read and validate the settings; raise `SettingsError` naming the bad variable."""
        env = os.environ if env is None else env

        def get(name: str) -> str | None:
            value = (env.get(name) or "").strip()
            return value or None

        token = get("TELEGRAM_BOT_TOKEN")
        if token is not None and not _TOKEN.match(token):
            raise SettingsError(
                "TELEGRAM_BOT_TOKEN không đúng dạng <số>:<chuỗi> mà BotFather cấp.")
        api_base_url = get("TELEGRAM_API_BASE_URL")
        if api_base_url is not None:
            parsed = urlparse(api_base_url)
            if parsed.scheme not in ("http", "https") or not parsed.netloc:
                raise SettingsError(
                    "TELEGRAM_API_BASE_URL phải là địa chỉ http(s), ví dụ http://127.0.0.1:8081/bot.")
        admin_ids: set[int] = set()
        for part in re.split(r"[,\s;]+", get("ADMIN_IDS") or ""):
            if not part:
                continue
            if not (part.isascii() and part.isdigit()) or int(part) <= 0:
                raise SettingsError(
                    f"ADMIN_IDS: {part!r} không phải id người dùng Telegram (số nguyên dương).")
            admin_ids.add(int(part))
        default_plan = get("DEFAULT_PLAN")
        if default_plan is not None and plans is not None and default_plan not in plans:
            raise SettingsError(f"DEFAULT_PLAN: không có kế hoạch {default_plan!r}. "
                                f"Các kế hoạch: {', '.join(plans)}.")
        timezone = get("TIMEZONE") or DEFAULT_TIMEZONE
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise SettingsError(f"TIMEZONE: không biết múi giờ {timezone!r} "
                                f"(ví dụ {DEFAULT_TIMEZONE}).") from None
        webhook_url = get("WEBHOOK_URL")
        if webhook_url is not None and not webhook_url.startswith("https://"):
            raise SettingsError("WEBHOOK_URL phải là địa chỉ https:// công khai của bot.")
        webhook_secret = get("WEBHOOK_SECRET")
        if webhook_secret is not None and not _SECRET.match(webhook_secret):
            raise SettingsError(
                "WEBHOOK_SECRET phải dài 16–256 ký tự, chỉ gồm chữ, số, '_' và '-'.")
        return cls(
            token=token,
            api_base_url=api_base_url.rstrip("/") if api_base_url else None,
            database_url=get("DATABASE_URL") or DEFAULT_DATABASE_URL,
            admin_ids=frozenset(admin_ids),
            default_plan=default_plan,
            timezone=timezone,
            webhook_url=webhook_url,
            webhook_listen=get("WEBHOOK_LISTEN") or "127.0.0.1",
            webhook_port=_int(get("WEBHOOK_PORT"), "WEBHOOK_PORT", 8443, 1, 65535),
            webhook_secret=webhook_secret,
            registered_only=_bool(get("REGISTERED_ONLY"), "REGISTERED_ONLY"),
            flood_limit=_int(get("FLOOD_LIMIT"), "FLOOD_LIMIT", 20, 1, 1000),
            working_days_only=_bool(get("WORKING_DAYS_ONLY"), "WORKING_DAYS_ONLY", default=True),
            extra_days_off=_dates(get("EXTRA_DAYS_OFF"), "EXTRA_DAYS_OFF"),
            run_jobs=_bool(get("RUN_JOBS"), "RUN_JOBS", default=True),
            delivery_concurrency=_int(get("DELIVERY_CONCURRENCY"), "DELIVERY_CONCURRENCY", 8, 1, 64),
        )

    def require_webhook(self) -> None:
        """Webhook mode needs a public https URL and a secret token Telegram echoes back."""
        if not self.webhook_url:
            raise SettingsError("Chế độ webhook cần WEBHOOK_URL (https://…).")
        if not self.webhook_secret:
            raise SettingsError("Chế độ webhook cần WEBHOOK_SECRET (16–256 ký tự chữ, số, _ và -).")


def _int(value: str | None, name: str, default: int, low: int, high: int) -> int:
    if value is None:
        return default
    if not (value.isascii() and value.isdigit()) or not low <= int(value) <= high:
        raise SettingsError(f"{name} phải là số nguyên từ {low} đến {high}.")
    return int(value)


def _bool(value: str | None, name: str, default: bool = False) -> bool:
    if value is None:
        return default
    lowered = value.lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{name} phải là 1/0, true/false.")


_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$|^(\d{1,2})/(\d{1,2})/(\d{4})$")


def _dates(value: str | None, name: str) -> frozenset[dt.date]:
    """Dates separated by commas, each YYYY-MM-DD or dd/mm/yyyy."""
    days = set()
    for part in re.split(r"[,;\s]+", value or ""):
        if not part:
            continue
        match = _DAY.match(part)
        try:
            if match is None:
                raise ValueError(part)
            year, month, day = ((match[1], match[2], match[3]) if match[1]
                                else (match[6], match[5], match[4]))
            days.add(dt.date(int(year), int(month), int(day)))
        except ValueError:
            raise SettingsError(f"{name}: {part!r} không phải ngày (YYYY-MM-DD hoặc dd/mm/yyyy, "
                                "cách nhau bằng dấu phẩy).") from None
    return frozenset(days)
