"""Logging for the service: one JSON object per line on stderr, and never the bot token.

httpx logs request URLs, and Bot API URLs contain the token, so httpx is kept at WARNING (as in
python-telegram-bot's examples) and every record is also passed through a filter that replaces
the token wherever it appears.
"""

from __future__ import annotations

import json
import logging
import sys

__all__ = ["JsonFormatter", "RedactToken", "configure_logging"]


class RedactToken(logging.Filter):
    """Replace the secret wherever it appears in a record's final message."""

    def __init__(self, *secrets: str | None) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a malformed log call: filters run outside logging's error handling
            message = f"{record.msg} {record.args!r}"
        exc_text = logging.Formatter().formatException(record.exc_info) if record.exc_info else None
        for secret in self.secrets:
            message = message.replace(secret, "[REDACTED]")
            if exc_text:
                exc_text = exc_text.replace(secret, "[REDACTED]")
        record.msg, record.args = message, None
        if exc_text is not None:
            record.exc_info, record.exc_text = None, exc_text
        return True


class JsonFormatter(logging.Formatter):
    """{"time", "level", "logger", "message", "exception"?} — easy to grep and to ship."""

    def format(self, record: logging.LogRecord) -> str:
        data = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            data["exception"] = record.exc_text
        return json.dumps(data, ensure_ascii=False)


def configure_logging(*secrets: str | None, level: int = logging.INFO) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RedactToken(*secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
