"""Webhook mode (PTB's server, secret token required) and the housekeeping job."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import io
import json
import os
import socket
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from bot import messages
from bot.cli import main
from bot.cli.common import EXIT_TELEGRAM
from bot.db.faults import DatabaseUnavailable
from bot.db.models import Delivery, ProcessedUpdate
from bot.jobs.housekeeping import KEEP_DELIVERIES, KEEP_UPDATE_IDS, forget_old_updates
from bot.services import deliveries
from bot.settings import Settings, SettingsError
from bot.telegram.app import build_application
from bot.telegram.serve import open_core, webhook_options
from bot.telegram.transport import LOCAL_TOKEN, LocalBotApi, LocalUser
from knowledge.loader import DEFAULT_ROOT
from tests.bot.cli.test_faults import full_disk, installed_database

SECRET = "s3cret-token-for-tests_0123456789"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_webhook_mode_needs_an_https_url_and_a_secret():
    with pytest.raises(SettingsError, match="WEBHOOK_URL"):
        webhook_options(Settings())
    with pytest.raises(SettingsError, match="WEBHOOK_SECRET"):
        webhook_options(Settings(webhook_url="https://bot.example.vn/telegram"))
    options = webhook_options(Settings(webhook_url="https://bot.example.vn/hook/abc",
                                       webhook_secret=SECRET, webhook_port=8443))
    assert options["url_path"] == "hook/abc" and options["secret_token"] == SECRET
    assert options["listen"] == "127.0.0.1"


async def test_the_webhook_server_accepts_only_requests_with_the_secret(database_url, assistant):
    port = _free_port()
    settings = Settings(database_url=database_url,
                        webhook_url="https://bot.example.vn/hook", webhook_secret=SECRET,
                        webhook_port=port)
    core = open_core(settings, DEFAULT_ROOT, assistant=assistant)
    api = LocalBotApi()
    application = build_application(core, request=api, token=LOCAL_TOKEN, rate_limit=False)
    user = LocalUser(31337, "Web")
    options = webhook_options(settings)
    async with application:
        await application.start()
        await application.updater.start_webhook(**options)
        try:
            url = f"http://127.0.0.1:{port}/{options['url_path']}"
            body = json.dumps(api.text_update(user, "Bí mật nhà nước là gì?"))
            headers = {"Content-Type": "application/json"}
            async with httpx.AsyncClient(trust_env=False) as client:
                refused = await client.post(url, content=body, headers=headers)
                accepted = await client.post(
                    url, content=body, headers={**headers, "X-Telegram-Bot-Api-Secret-Token": SECRET})
            assert refused.status_code == 403
            assert accepted.status_code == 200
            for _ in range(100):
                if api.sent(user.id):
                    break
                await asyncio.sleep(0.02)
            [reply] = api.sent(user.id)
            assert "Nguồn:" in reply.text
            assert api.called("setWebhook")[0].params["secret_token"] == SECRET
        finally:
            await application.updater.stop()
            await application.stop()
            core.sessions.kw["bind"].dispose()


async def test_old_update_ids_and_finished_deliveries_are_forgotten(database_url, assistant):
    now = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)
    settings = Settings(database_url=database_url)
    core = open_core(settings, DEFAULT_ROOT, now=lambda: now, assistant=assistant)
    with core.sessions.begin() as session:
        session.add(ProcessedUpdate(update_id=1, processed_at=now - KEEP_UPDATE_IDS - dt.timedelta(hours=1)))
        session.add(ProcessedUpdate(update_id=2, processed_at=now - dt.timedelta(hours=1)))
        old = now - KEEP_DELIVERIES - dt.timedelta(days=1)
        for key, when in (("1:old:0", old), ("1:new:0", now), ("1:retry:0", old)):
            deliveries.claim(session, key, user_id=5, kind="reminder", subscription_id=1, process="p",
                             now=when)
        deliveries.mark_sent(session, "1:old:0", old)
        deliveries.mark_sent(session, "1:new:0", now)
        deliveries.mark_failed(session, "1:retry:0", "network", old, now)
    application = build_application(core, request=LocalBotApi(), token=LOCAL_TOKEN, rate_limit=False)
    assert application.job_queue.get_jobs_by_name("forget_old_updates")

    class Context:
        pass

    context = Context()
    context.application = application
    await forget_old_updates(context)
    with core.sessions.begin() as session:
        assert list(session.scalars(select(ProcessedUpdate.update_id))) == [2]
        assert sorted(session.scalars(select(Delivery.key))) == ["1:new:0", "1:retry:0"]
    core.sessions.kw["bind"].dispose()


# --- Start-up faults of `python -m bot run`: one line, an exit code, no traceback -------------

RUN_SETTINGS = ("TELEGRAM_BOT_TOKEN", "TELEGRAM_API_BASE_URL", "ADMIN_IDS", "DEFAULT_PLAN",
                "TIMEZONE", "WEBHOOK_URL", "WEBHOOK_SECRET", "WEBHOOK_PORT", "REGISTERED_ONLY",
                "FLOOD_LIMIT", "WORKING_DAYS_ONLY", "EXTRA_DAYS_OFF")
ROOT = Path(__file__).resolve().parents[3]
TOKEN = "123456:" + "A" * 35


def _not_a_database(tmp_path: Path) -> str:
    path = tmp_path / "bmnn.sqlite3"
    path.write_bytes(b"not a database\n" * 300)
    return f"sqlite:///{path}"


def _truncated(tmp_path: Path) -> str:
    path = installed_database(tmp_path / "bmnn.sqlite3")
    path.write_bytes(path.read_bytes()[:8192])
    return f"sqlite:///{path}"


def _corrupt(tmp_path: Path) -> str:
    path = installed_database(tmp_path / "bmnn.sqlite3")
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    data[page:] = b"\xa5" * (len(data) - page)
    path.write_bytes(bytes(data))
    return f"sqlite:///{path}"


def _postgres_down(_tmp_path: Path) -> str:
    return f"postgresql+psycopg://postgres@127.0.0.1:{_free_port()}/test"


# fault → (how to make it, the exit code, words of its line)
RUN_FAULTS = {
    "not_database": (_not_a_database, 3, "không phải cơ sở dữ liệu SQLite"),
    "truncated": (_truncated, 3, "bị cắt cụt"),
    "corrupt": (_corrupt, 3, "bị hỏng"),
    "full": (lambda tmp_path: f"sqlite:///{tmp_path / 'bmnn.sqlite3'}", 3, "đã đầy"),
    "bad_url": (lambda _tmp_path: "notaurl://x", 2, "DATABASE_URL"),
    "unreachable": (_postgres_down, 3, "PostgreSQL đã chạy chưa?"),
}


@pytest.fixture
def no_run_settings(monkeypatch) -> None:
    for name in RUN_SETTINGS:
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize("fault", list(RUN_FAULTS))
def test_run_reports_a_database_it_cannot_use_in_one_line(fault, tmp_path, monkeypatch, capsys,
                                                         no_run_settings):
    make, code, words = RUN_FAULTS[fault]
    monkeypatch.setenv("DATABASE_URL", make(tmp_path))
    with full_disk() if fault == "full" else contextlib.nullcontext():
        result = main(["run"], stdin=io.StringIO(""), stdout=io.StringIO())
    err = capsys.readouterr().err.splitlines()
    assert result == code
    # Without a token `run` opens the console (it says so first); the same start-up as Telegram.
    assert err[:-1] == [messages.NO_TOKEN_CONSOLE]
    assert words in err[-1] and "DATABASE_URL" in err[-1]


def test_open_core_names_the_fault(tmp_path, assistant):
    settings = Settings(database_url=_not_a_database(tmp_path))
    with pytest.raises(DatabaseUnavailable) as raised:
        open_core(settings, DEFAULT_ROOT, assistant=assistant)
    assert raised.value.reason == "not_database"
    assert raised.value.target == str(tmp_path / "bmnn.sqlite3")


def _run(env_extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in RUN_SETTINGS}
    env.update({"TELEGRAM_BOT_TOKEN": TOKEN, **env_extra})
    return subprocess.run([sys.executable, "-m", "bot", "run"], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=120)


def test_run_with_the_bot_api_unreachable_exits_4_naming_the_address(tmp_path):
    base = f"http://127.0.0.1:{_free_port()}/bot"  # nothing listens there
    proc = _run({"TELEGRAM_API_BASE_URL": base,
                 "DATABASE_URL": f"sqlite:///{tmp_path / 'bmnn.sqlite3'}"})
    assert proc.returncode == EXIT_TELEGRAM == 4
    assert "Traceback" not in proc.stderr and '"ERROR"' not in proc.stderr
    last = proc.stderr.splitlines()[-1]
    assert last == messages.TELEGRAM_UNREACHABLE_LOCAL.format(url=base)
    assert "TELEGRAM_API_BASE_URL" in last


class _RejectingBotApi(BaseHTTPRequestHandler):
    """A Bot API that refuses every token, as Telegram answers a revoked one."""

    def do_POST(self) -> None:  # the http.server interface
        body = b'{"ok": false, "error_code": 401, "description": "Unauthorized"}'
        self.send_response(401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: object) -> None:
        pass


def test_run_with_a_token_telegram_rejects_exits_2_naming_the_variable(tmp_path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _RejectingBotApi)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        proc = _run({"TELEGRAM_API_BASE_URL": f"http://127.0.0.1:{server.server_port}/bot",
                     "DATABASE_URL": f"sqlite:///{tmp_path / 'bmnn.sqlite3'}"})
    finally:
        server.shutdown()
        server.server_close()
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and TOKEN not in proc.stderr
    assert proc.stderr.splitlines()[-1] == messages.BAD_SETTING.format(error=messages.TOKEN_REJECTED)


def test_run_with_telegram_configured_and_a_damaged_database_exits_3_in_one_line(tmp_path):
    url = _not_a_database(tmp_path)
    proc = _run({"TELEGRAM_API_BASE_URL": f"http://127.0.0.1:{_free_port()}/bot",
                 "DATABASE_URL": url})
    assert proc.returncode == 3
    assert proc.stderr.splitlines() == [messages.DATABASE_FAULTS["not_database"].format(
        target=tmp_path / "bmnn.sqlite3")]
