"""`python -m bot run` as a process: long polling against the emulator, SIGTERM, clean logs."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.e2e.emulator import User

ROOT = Path(__file__).resolve().parents[2]
ADMIN = User(810001, "Quản trị")
USER = User(810002, "Hoa")


async def test_run_serves_telegram_until_sigterm_and_never_logs_the_token(emulator, bot_token, client,
                                                                        tmp_path, database_url):
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": bot_token, "TELEGRAM_API_BASE_URL": emulator.base_url,
           "DATABASE_URL": database_url, "ADMIN_IDS": str(ADMIN.id),
           "DEFAULT_PLAN": "lang-son"}
    stderr_path = tmp_path / "bot.log"
    with stderr_path.open("w") as stderr:
        proc = subprocess.Popen([sys.executable, "-m", "tests.e2e.run_bot"], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=stderr)
    try:
        await client.send_command(USER, "/start")
        [welcome] = await client.replies(USER, timeout=30)
        assert "Xin chào Hoa" in welcome["text"]

        await client.send_command(USER, "/help")
        [help_text] = await client.replies(USER)
        assert "/nhiemvu" in help_text["text"] and "Lạng Sơn" in help_text["text"]

        await client.send_message(USER, "Sở Tài chính có nhiệm vụ gì?")
        [with_marks] = await client.replies(USER)
        await client.send_message(USER, "so tai chinh co nhiem vu gi")
        [without_marks] = await client.replies(USER)
        assert "Sở Tài chính" in with_marks["text"] and with_marks["text"] == without_marks["text"]

        await client.send_command(USER, "/khonghieu")
        [unknown] = await client.replies(USER)
        assert "/help" in unknown["text"]

        await client.send_message(USER, "TUYỆT MẬT\nSố: 01/BC\nNội dung báo cáo")
        [refused] = await client.replies(USER)
        assert "không được lưu" in refused["text"]

        await client.send_message(USER, "<i>" + "x" * 20000 + "</i>")
        [long_reply] = await client.replies(USER)
        assert "dài quá" in long_reply["text"]

        await client.send_message(USER, "tài liệu tối mật được bảo vệ bao lâu?")
        [still_alive] = await client.replies(USER)
        assert "20 năm" in still_alive["text"]
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=20)
    log = stderr_path.read_text(encoding="utf-8")
    assert code == 0, log[-2000:]
    assert bot_token not in log
    assert bot_token.split(":")[1] not in log
    records = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    assert records and all({"time", "level", "logger", "message"} <= r.keys() for r in records)
