"""Updates per second through 1, 2 and 4 webhook processes sharing one PostgreSQL database.

Everything is real but Telegram: `python -m bot run --webhook` processes (each its own port on
127.0.0.1, WEBHOOK_* settings), a fresh PostgreSQL schema they all use (`BENCH_DATABASE_URL`, else
`TEST_DATABASE_URL`, else 127.0.0.1:5432 database `test`; dropped afterwards), a Bot API peer on
127.0.0.1 in this process that answers `sendMessage` and the rest at once
(`TELEGRAM_API_BASE_URL`), and a load generator posting the updates to the processes' webhook
ports, as Telegram does (the secret token in its header), 32 requests in flight.

The updates are what contacts send: half one-line status reports (`/baocao 1 xong …`), half
questions from the development set, each from its own approved contact (users and contacts are
inserted before the processes start). A tenth of them are posted a second time to another process,
as Telegram redelivers after a timeout. The clock runs from the first post until the peer has
received every reply; then the run checks each update was processed exactly once: the replies
each chat got (a question's answer may be sent in parts: the number is computed beforehand with
the same knowledge base), the claims in `processed_updates`, the status records and the
question log.

Each process sends its replies through its rate limiter, as deployed (30 messages/s, Telegram's
limit for a bot), which caps one process near 30 updates/s; the CPU time the processes spend per
update is printed beside the rate, as the measure of what handling costs.

The scheduled jobs run in every process (there is no setting yet to keep them to one), but they
have nothing to do: the contacts have no reminder subscriptions (they are inserted directly, not
registered through the chat) and there is no admin to send a digest to.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import create_engine, func, insert, select

from bench.postgres import fresh_schema, postgres_reachable
from bot.db.engine import make_engine, make_session_factory, upgrade_database
from bot.db.models import Contact, ProcessedUpdate, QuestionLog, StatusRecord, UnitRecord, User
from bot.services import units
from bot.telegram.transport import BOT_ID, BOT_USERNAME, LOCAL_TOKEN
from knowledge.answers import Assistant
from knowledge.loader import DEFAULT_ROOT, load_knowledge
from knowledge.render import blocks_to_html, split_message
from scheduler.items import signed_dates, unit_items

__all__ = ["print_webhooks", "run_webhooks"]

PLAN = "lang-son"
PROCESS_COUNTS = (1, 2, 4)
IN_FLIGHT = 32  # webhook requests the load generator keeps open at once
REDELIVERED_EVERY = 10  # one update in ten is posted twice, the second time to another process
READY_TIMEOUT = 120.0  # seconds a process may take to start serving (migrations, the KB)
DONE_TIMEOUT = 600.0  # seconds the replies may take before the run is declared failed
STATES = ("dang lam", "xong", "chua lam")
SECRET = "bench_" + secrets.token_hex(8)
# What the processes tell the peer in setWebhook (a public https address behind a TLS proxy, as
# deployed); only its path matters here: each serves plain HTTP on its 127.0.0.1 port.
PUBLIC_URL = "https://bot.example.invalid/telegram"


# --- the Bot API peer -------------------------------------------------------------------------


@dataclass
class BotApiPeer:
    """A Bot API server on 127.0.0.1 that answers every call at once and counts the messages."""

    sent: Counter[int] = field(default_factory=Counter)  # sendMessage calls per chat
    calls: Counter[str] = field(default_factory=Counter)
    _message_ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    _server: asyncio.Server | None = None
    port: int = 0

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:  # HTTP/1.1 keep-alive: one request after another on the connection
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                path = lines[0].split(" ")[1]
                headers = {k.strip().lower(): v.strip() for k, _, v in
                           (line.partition(":") for line in lines[1:] if line)}
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                answer = json.dumps(self._answer(path.rsplit("/", 1)[-1], headers, body)).encode()
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                             b"Content-Length: " + str(len(answer)).encode() + b"\r\n\r\n" + answer)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass  # the process closed the connection
        except asyncio.CancelledError:
            pass  # the benchmark is over: a connection still open is dropped quietly
        finally:
            writer.close()

    def _answer(self, method: str, headers: dict[str, str], body: bytes) -> dict[str, Any]:
        self.calls[method] += 1
        if headers.get("content-type", "").startswith("application/json"):
            params = json.loads(body or b"{}")
        else:
            params = {k: v[0] for k, v in parse_qs(body.decode()).items()}
        if method == "getMe":
            result: Any = {"id": BOT_ID, "is_bot": True, "first_name": "Trợ lý BMNN",
                           "username": BOT_USERNAME}
        elif method == "sendMessage":
            chat_id = int(params["chat_id"])
            self.sent[chat_id] += 1
            result = {"message_id": next(self._message_ids), "date": int(time.time()),
                      "chat": {"id": chat_id, "type": "private"}, "text": params.get("text", ""),
                      "from": {"id": BOT_ID, "is_bot": True, "first_name": "Trợ lý BMNN"}}
        else:  # setWebhook, setMyCommands, deleteMessage, answerCallbackQuery…: accepted
            result = True
        return {"ok": True, "result": result}


# --- the data and the updates -----------------------------------------------------------------


@dataclass(frozen=True)
class Load:
    updates: list[dict[str, Any]]  # Telegram's JSON, one per contact
    expected: dict[int, int]  # replies each chat must get
    reports: int
    questions: int


def _questions(dev_path: Path) -> list[str]:
    rows = [json.loads(line) for line in dev_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r["question"] for r in rows if r.get("plan") == PLAN]


def prepare(url: str, dev_path: Path, count: int, first_user: int, first_update: int,
            assistant: Assistant) -> Load:
    """Migrate the schema, insert `count` approved contacts (one unit each), make their updates."""
    kb = assistant.kb
    engine = make_engine(url)
    upgrade_database(engine)
    sessions = make_session_factory(engine)
    now = dt.datetime.now(dt.UTC)
    names = [f"UBND xã Đo Tải {i:05d}" for i in range(count)]
    with sessions.begin() as session:
        units.sync_kb_units(session, kb.registry, now)
        session.execute(insert(UnitRecord), [
            {"name": name, "key": kb.registry.key(name), "plan": PLAN, "kb_id": None, "source": "admin",
             "created_by": None, "created_at": now} for name in names])
        records = list(session.scalars(select(UnitRecord).where(UnitRecord.name.in_(names))
                                       .order_by(UnitRecord.name)))
        session.execute(insert(User), [
            {"id": first_user + i, "first_name": f"Cán bộ {i}", "created_at": now}
            for i in range(count)])
        session.execute(insert(Contact), [
            {"user_id": first_user + i, "plan": PLAN, "unit_id": record.id, "state": "approved",
             "via": "invite", "created_at": now, "decided_at": now} for i, record in enumerate(records)])
    engine.dispose()
    today = now.astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).date()  # the settings' default zone
    sample = units.as_resolved(records[0], kb.registry, kb.wording(PLAN))
    first_item = unit_items(kb, PLAN, sample, today, signed_dates(kb))[0].key
    questions = _questions(dev_path)
    updates, expected = [], {}
    reports = 0
    for i, record in enumerate(records):
        user_id = first_user + i
        if i % 2 == 0:
            words = f"/baocao {first_item} {STATES[i % len(STATES)]} đã triển khai"
            expected[user_id] = 1  # the receipt
            reports += 1
        else:
            words = questions[(i // 2) % len(questions)]
            unit = units.as_resolved(record, kb.registry, kb.wording(PLAN))
            result = assistant.find_answers(words, PLAN, today, unit)
            expected[user_id] = len(split_message(blocks_to_html(result.blocks)))
        message: dict[str, Any] = {
            "message_id": 1, "date": int(time.time()), "text": words,
            "chat": {"id": user_id, "type": "private"},
            "from": {"id": user_id, "is_bot": False, "first_name": f"Cán bộ {i}"}}
        if words.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len("/baocao")}]
        updates.append({"update_id": first_update + i, "message": message})
    return Load(updates, expected, reports, count - reports)


# --- the processes ----------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_processes(count: int, url: str, peer: BotApiPeer, logs: Path) -> list[tuple[subprocess.Popen, int]]:
    started = []
    for n in range(count):
        port = _free_port()
        env = {**os.environ, "TELEGRAM_BOT_TOKEN": LOCAL_TOKEN, "DATABASE_URL": url,
               "TELEGRAM_API_BASE_URL": peer.base_url, "WEBHOOK_URL": PUBLIC_URL,
               "WEBHOOK_SECRET": SECRET, "WEBHOOK_LISTEN": "127.0.0.1", "WEBHOOK_PORT": str(port),
               "FLOOD_LIMIT": "1000", "ADMIN_IDS": "", "REGISTERED_ONLY": "0"}
        log = (logs / f"process-{n}.log").open("wb")
        process = subprocess.Popen([sys.executable, "-m", "bot", "run", "--webhook"], env=env,
                                   stdout=log, stderr=subprocess.STDOUT)
        started.append((process, port))
    return started


async def _wait_ready(client: httpx.AsyncClient, processes: list[tuple[subprocess.Popen, int]]) -> None:
    """Until each process's webhook server answers (403 to a request without the secret)."""
    deadline = time.monotonic() + READY_TIMEOUT
    for process, port in processes:
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the process on port {port} exited with {process.returncode}; "
                                   f"its log: {process.args}")
            try:
                await client.post(f"http://127.0.0.1:{port}/telegram", content=b"{}")
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the process on port {port} did not start") from None
                await asyncio.sleep(0.2)


def cpu_seconds(processes: list[tuple[subprocess.Popen, int]]) -> float | None:
    """CPU time (user + system) the processes have used so far; None where /proc is missing."""
    total = 0.0
    for process, _port in processes:
        try:
            fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime
    return total


def stop_processes(processes: list[tuple[subprocess.Popen, int]]) -> list[int]:
    for process, _port in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    codes = []
    for process, _port in processes:
        try:
            codes.append(process.wait(timeout=30))
        except subprocess.TimeoutExpired:
            process.kill()
            codes.append(process.wait())
    return codes


# --- one run ----------------------------------------------------------------------------------


async def _drive(load: Load, ports: list[int], peer: BotApiPeer) -> dict[str, Any]:
    posts = []
    for i, update in enumerate(load.updates):
        posts.append((ports[i % len(ports)], update))
        if i % REDELIVERED_EVERY == 0:  # Telegram redelivers it, here to another process
            posts.append((ports[(i + 1) % len(ports)], update))
    want = sum(load.expected.values())
    gate = asyncio.Semaphore(IN_FLIGHT)
    refused = 0
    limits = httpx.Limits(max_connections=IN_FLIGHT, max_keepalive_connections=IN_FLIGHT)
    async with httpx.AsyncClient(limits=limits, timeout=60) as client:

        async def post(port: int, update: dict[str, Any]) -> None:
            nonlocal refused
            async with gate:
                response = await client.post(f"http://127.0.0.1:{port}/telegram", json=update,
                                             headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
                refused += response.status_code != 200

        start = time.perf_counter()
        await asyncio.gather(*(post(port, update) for port, update in posts))
        posted = time.perf_counter() - start
        deadline = time.monotonic() + DONE_TIMEOUT
        while sum(peer.sent.values()) < want and time.monotonic() < deadline:
            await asyncio.sleep(0.005)
        seconds = time.perf_counter() - start
    return {"posts": len(posts), "refused_posts": refused, "post_seconds": posted, "seconds": seconds}


def _stored(url: str, load: Load) -> dict[str, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            ids = [u["update_id"] for u in load.updates]
            return {
                "claims": connection.scalar(select(func.count()).select_from(ProcessedUpdate)
                                            .where(ProcessedUpdate.update_id.in_(ids))) or 0,
                "status_records": connection.scalar(select(func.count()).select_from(StatusRecord)) or 0,
                "questions_logged": connection.scalar(select(func.count()).select_from(QuestionLog)) or 0,
            }
    finally:
        engine.dispose()


async def _run_once(processes_count: int, count: int, dev_path: Path, assistant: Assistant,
                    run_index: int) -> dict[str, Any]:
    peer = BotApiPeer()
    await peer.start()
    try:
        with fresh_schema() as url, tempfile.TemporaryDirectory(prefix="bench-webhooks-") as tmp:
            first_user = 700_000_000 + run_index * 1_000_000
            load = await asyncio.to_thread(prepare, url, dev_path, count, first_user,
                                           first_user, assistant)
            processes = start_processes(processes_count, url, peer, Path(tmp))
            try:
                async with httpx.AsyncClient(timeout=5) as client:
                    await _wait_ready(client, processes)
                cpu_before = cpu_seconds(processes)  # start-up (the KB, migrations) left out
                driven = await _drive(load, [port for _p, port in processes], peer)
                cpu_after = cpu_seconds(processes)
                await asyncio.sleep(1.0)  # for a reply that would come late: an update handled twice
            finally:
                codes = stop_processes(processes)
            stored = _stored(url, load)
            errors = [line for n in range(processes_count)
                      for line in (Path(tmp) / f"process-{n}.log").read_text(errors="replace").splitlines()
                      if '"ERROR"' in line or "Traceback" in line]
    finally:
        await peer.stop()
    wrong_chats = sum(1 for chat, want in load.expected.items() if peer.sent.get(chat, 0) != want)
    exactly_once = (wrong_chats == 0 and stored["claims"] == count
                    and stored["status_records"] == load.reports
                    and stored["questions_logged"] == load.questions and driven["refused_posts"] == 0)
    cpu_ms = (None if cpu_before is None or cpu_after is None
              else (cpu_after - cpu_before) / count * 1000)
    return {"processes": processes_count, "updates": count, "reports": load.reports, "cpu_ms": cpu_ms,
            "load_average": os.getloadavg()[0],
            "questions": load.questions, **driven, "updates_per_s": count / driven["seconds"],
            "replies": sum(peer.sent.values()), "replies_expected": sum(load.expected.values()),
            "chats_wrong": wrong_chats, **stored, "exit_codes": codes, "errors_logged": len(errors),
            "first_error": errors[0][:300] if errors else None, "exactly_once": exactly_once}


def run_webhooks(dev_path: Path, updates: int = 1000,
                 process_counts: tuple[int, ...] = PROCESS_COUNTS) -> dict[str, Any]:
    """One run per process count, each on its own fresh schema; {"skipped": why} without PostgreSQL."""
    why = postgres_reachable()
    if why is not None:
        return {"skipped": why}
    assistant = Assistant(load_knowledge(DEFAULT_ROOT))
    rows = [asyncio.run(_run_once(n, updates, dev_path, assistant, i))
            for i, n in enumerate(process_counts)]
    return {"rows": rows, "cpus": os.cpu_count()}


def print_webhooks(result: dict[str, Any]) -> None:
    print("\nWebhook processes on one PostgreSQL database (python -m bot run --webhook, local Bot API "
          "peer, updates posted to their ports, a tenth of them twice)")
    if "skipped" in result:
        print(f"skipped: {result['skipped']}")
        return
    first = result["rows"][0]
    print(f"{first['updates']} updates ({first['reports']} /baocao, {first['questions']} questions), "
          f"each from its own approved contact; {result['cpus']} CPUs on this machine")
    print("CPU ms: the bot processes' CPU time per update (their start-up left out), what the updates "
          "cost\nwhatever else the machine runs; load: the 1-minute load average after the run. Each "
          "process replies\nthrough its rate limiter (30 messages/s, Telegram's limit for a bot), so one "
          "process cannot pass\n~30 updates/s however fast it handles them.")
    print(f"{'processes':>9s} {'updates/s':>10s} {'seconds':>8s} {'CPU ms':>7s} {'load':>5s} {'replies':>9s} "
          f"{'claims':>7s} {'statuses':>9s} {'questions':>9s} {'errors':>7s}  exactly once")
    base = first["updates_per_s"]
    for row in result["rows"]:
        cpu = f"{row['cpu_ms']:7.1f}" if row["cpu_ms"] is not None else f"{'—':>7s}"
        print(f"{row['processes']:9d} {row['updates_per_s']:10.0f} {row['seconds']:8.2f} {cpu} "
              f"{row['load_average']:5.1f} "
              f"{row['replies']:4d}/{row['replies_expected']:<4d} {row['claims']:7d} "
              f"{row['status_records']:9d} {row['questions_logged']:9d} {row['errors_logged']:7d}  "
              f"{'yes' if row['exactly_once'] else 'NO'}   ×{row['updates_per_s'] / base:.2f} of 1 process")
        if row["first_error"]:
            print(f"          first error logged: {row['first_error']}")
