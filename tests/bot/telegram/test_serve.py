"""Webhook mode (PTB's server, secret token required) and the housekeeping job."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import socket

import httpx
import pytest
from sqlalchemy import select

from bot.db.models import Delivery, ProcessedUpdate
from bot.jobs.housekeeping import KEEP_DELIVERIES, KEEP_UPDATE_IDS, forget_old_updates
from bot.services import deliveries
from bot.settings import Settings, SettingsError
from bot.telegram.app import build_application
from bot.telegram.serve import open_core, webhook_options
from bot.telegram.transport import LOCAL_TOKEN, LocalBotApi, LocalUser
from knowledge.loader import DEFAULT_ROOT

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
