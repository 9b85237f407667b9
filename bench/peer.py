"""A Bot API peer on 127.0.0.1 over real HTTP, with a network latency: what the delivery bench
and the kill -9 test send to.

Each request waits half the latency (the way in), is recorded with its arrival time — the moment
Telegram would count it — then waits the other half (the way back) before the answer. A sender
killed meanwhile does not take back a message already on its way: it is recorded all the same,
as Telegram would deliver it. `getMe` and `sendMessage` are answered as Telegram does; every
other method answers `true`.

Example::

    with BotApiPeer(latency=0.1) as peer:
        bot = Bot(token, base_url=peer.base_url)   # … send …
        print(len(peer.messages()))
"""

from __future__ import annotations

import json
import sys
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl

__all__ = ["BotApiPeer", "Received", "most_in_one_second"]

BOT_USER = {"id": 1000000001, "is_bot": True, "first_name": "BMNN", "username": "bmnn_bot"}


@dataclass(frozen=True)
class Received:
    """One message as the peer got it: wall-clock arrival time (seconds), chat, text."""

    at: float
    chat_id: int
    text: str


def most_in_one_second(times: list[float]) -> int:
    """The largest number of arrivals in any window [t, t + 1 s)."""
    ordered = sorted(times)
    best, start = 0, 0
    for end, moment in enumerate(ordered):
        while ordered[start] <= moment - 1.0:
            start += 1
        best = max(best, end - start + 1)
    return best


class BotApiPeer:
    """The server, on a free port of 127.0.0.1, in a thread of its own (one thread a request)."""

    def __init__(self, latency: float = 0.1) -> None:
        self.latency = latency
        self._lock = threading.Lock()
        self._messages: list[Received] = []
        peer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive: the client's pool reuses connections

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                if len(raw) < length:  # the sender died mid-request: Telegram would get nothing
                    self.close_connection = True
                    return
                body = raw.decode()
                method = self.path.rsplit("/", 1)[-1]
                # Telegram gets it half a latency after it left: timed from the read, so that this
                # thread's own scheduling delays do not count as the sender's.
                arrival = time.time() + peer.latency / 2
                time.sleep(peer.latency / 2)
                result = peer._answer(method, _params(body, self.headers.get("Content-Type") or ""),
                                      arrival)
                time.sleep(peer.latency / 2)
                payload = json.dumps({"ok": True, "result": result}).encode()
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except OSError:  # the sender is gone (killed): the message was received anyway
                    self.close_connection = True

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet: the bench prints its own table."""

        self._server = _Server(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, name="bot-api-peer",
                                        daemon=True)

    @property
    def base_url(self) -> str:
        """For `Bot(base_url=…)` / `TELEGRAM_API_BASE_URL`."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/bot"

    def _answer(self, method: str, params: dict[str, str], arrival: float) -> Any:
        if method == "getMe":
            return BOT_USER
        if method != "sendMessage" or "chat_id" not in params:
            return True
        chat_id, text = int(params["chat_id"]), params.get("text", "")
        with self._lock:
            self._messages.append(Received(arrival, chat_id, text))
            number = len(self._messages)
        return {"message_id": number, "date": int(time.time()), "text": text,
                "chat": {"id": chat_id, "type": "private"}, "from": BOT_USER}

    def messages(self) -> list[Received]:
        with self._lock:
            return list(self._messages)

    def start(self) -> BotApiPeer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    def __enter__(self) -> BotApiPeer:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.stop()


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A sender killed mid-request resets its connection: expected here, not worth a traceback."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def _params(body: str, content_type: str) -> dict[str, str]:
    """The request's parameters: a form (what PTB posts without files) or JSON."""
    if content_type.startswith("application/json"):
        return {k: v if isinstance(v, str) else json.dumps(v) for k, v in json.loads(body or "{}").items()}
    return dict(parse_qsl(body))
