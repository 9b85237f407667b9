"""Logging: one JSON object per line, the token redacted everywhere, httpx quiet."""

from __future__ import annotations

import io
import json
import logging

import pytest

from bot.logs import JsonFormatter, RedactToken, configure_logging

TOKEN = "123456789:AAH-some_Secret-Token-Value-0123456789"
SECRET = "webhook-Secret_0123456789"
QUIETED = ("httpx", "httpcore", "apscheduler")


@pytest.fixture(autouse=True)
def restore_logging():
    """configure_logging replaces the root handlers: put everything back for the other tests."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    levels = {name: logging.getLogger(name).level for name in QUIETED}
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, old in levels.items():
        logging.getLogger(name).setLevel(old)


def lines(capsys) -> list[dict]:
    err = capsys.readouterr().err
    return [json.loads(line) for line in err.splitlines() if line.strip()]


def test_a_log_line_is_json_with_time_level_logger_and_message(capsys):
    configure_logging(TOKEN)
    logging.getLogger("bot.test").info("Đơn vị của %s: %s", 42, "Sở Tài chính")
    [entry] = lines(capsys)
    assert set(entry) == {"time", "level", "logger", "message"}
    assert entry["level"] == "INFO"
    assert entry["logger"] == "bot.test"
    assert entry["message"] == "Đơn vị của 42: Sở Tài chính"
    assert entry["time"][:2] == "20" and "T" in entry["time"]


def test_vietnamese_is_written_as_is_not_escaped(capsys):
    configure_logging(TOKEN)
    logging.getLogger("bot.test").warning("bí mật nhà nước")
    assert "bí mật nhà nước" in capsys.readouterr().err


def test_the_token_in_the_message_is_redacted(capsys):
    configure_logging(TOKEN)
    logging.getLogger("bot.test").error(f"calling https://api.telegram.org/bot{TOKEN}/getMe")
    err = capsys.readouterr().err
    assert TOKEN not in err
    assert json.loads(err)["message"] == "calling https://api.telegram.org/bot[REDACTED]/getMe"


def test_the_token_in_the_arguments_is_redacted(capsys):
    configure_logging(TOKEN)
    logging.getLogger("bot.test").warning("POST %s -> %d", f"https://api.telegram.org/bot{TOKEN}/x", 200)
    err = capsys.readouterr().err
    assert TOKEN not in err
    assert "[REDACTED]" in json.loads(err)["message"]


def test_the_token_in_an_exception_traceback_is_redacted(capsys):
    configure_logging(TOKEN)
    try:
        raise RuntimeError(f"request to /bot{TOKEN}/sendMessage failed")
    except RuntimeError:
        logging.getLogger("bot.test").exception("Sending failed")
    err = capsys.readouterr().err
    assert TOKEN not in err
    [entry] = [json.loads(line) for line in err.splitlines()]
    assert entry["message"] == "Sending failed"
    assert "RuntimeError" in entry["exception"] and "[REDACTED]" in entry["exception"]
    assert "Traceback" in entry["exception"]


def test_the_webhook_secret_is_redacted_too(capsys):
    configure_logging(TOKEN, SECRET)
    logging.getLogger("bot.test").info("secret=%s token=%s", SECRET, TOKEN)
    err = capsys.readouterr().err
    assert SECRET not in err and TOKEN not in err
    assert json.loads(err)["message"] == "secret=[REDACTED] token=[REDACTED]"


def test_httpx_and_friends_are_at_warning_after_configure(capsys):
    for name in QUIETED:
        logging.getLogger(name).setLevel(logging.DEBUG)
    configure_logging(TOKEN)
    for name in QUIETED:
        assert logging.getLogger(name).level == logging.WARNING
    logging.getLogger("httpx").info("HTTP Request: POST https://api.telegram.org/bot%s/getUpdates", TOKEN)
    assert capsys.readouterr().err == ""


def test_configure_replaces_the_root_handlers_and_sets_the_level():
    root = logging.getLogger()
    root.addHandler(logging.NullHandler())
    configure_logging(TOKEN, level=logging.DEBUG)
    assert len(root.handlers) == 1
    assert isinstance(root.handlers[0].formatter, JsonFormatter)
    assert root.level == logging.DEBUG


def test_a_malformed_log_call_does_not_raise_into_the_caller(capsys):
    configure_logging(TOKEN)
    logging.getLogger("bot.test").info("%d items for %s", "many", TOKEN)  # wrong type for %d
    err = capsys.readouterr().err
    assert TOKEN not in err
    assert "[REDACTED]" in json.loads(err)["message"]


def handler_on(stream: io.StringIO, *secrets: str | None) -> logging.Logger:
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RedactToken(*secrets))
    logger = logging.getLogger("tests.bot.test_logs.isolated")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.setLevel(logging.INFO)
    return logger


def test_redact_token_without_secrets_leaves_the_record_alone():
    stream = io.StringIO()
    logger = handler_on(stream, None, "")
    logger.info("value %s", "plain")
    assert json.loads(stream.getvalue())["message"] == "value plain"


def test_redact_token_replaces_every_occurrence():
    stream = io.StringIO()
    logger = handler_on(stream, TOKEN)
    logger.info("%s and %s", TOKEN, TOKEN)
    assert json.loads(stream.getvalue())["message"] == "[REDACTED] and [REDACTED]"


def test_each_record_is_one_line():
    stream = io.StringIO()
    logger = handler_on(stream, TOKEN)
    logger.info("line one\nline two")
    try:
        raise ValueError("boom")
    except ValueError:
        logger.exception("failed")
    out = stream.getvalue().splitlines()
    assert len(out) == 2
    assert json.loads(out[0])["message"] == "line one\nline two"
    assert "ValueError: boom" in json.loads(out[1])["exception"]
