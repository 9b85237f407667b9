"""End-to-end harness: the telegram-test-api emulator, simulated users, and a polling bot.

`Emulator` runs `node tests/e2e/emulator.js` on a free port of 127.0.0.1; `EmulatorClient`
plays users against it; `running(app)` runs a real `Application` in polling mode inside the
test's event loop. See /work/shared/notes/telegram-test-api.md for how the emulator behaves.

    async with running(application_builder(emulator, token).build()) as app:
        await client.send_command(alice, "/start")
        [reply] = await client.replies(alice)
        assert reply["text"] == "xin chào"
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from telegram.ext import Application, ApplicationBuilder, ContextTypes

from tests.e2e.emulator_request import EmulatorRequest

__all__ = [
    "Emulator",
    "EmulatorClient",
    "EmulatorError",
    "NoReplyError",
    "User",
    "application_builder",
    "inline_buttons",
    "running",
    "start_emulator",
]

PROJECT_ROOT = Path(__file__).resolve().parents[2]
EMULATOR_SCRIPT = Path(__file__).with_name("emulator.js")
EMULATOR_PACKAGE = PROJECT_ROOT / "node_modules" / "telegram-test-api" / "package.json"
_HOW_TO_INSTALL = "run `make test` (or `npm ci` in the project root) with Node 20 and npm installed"

# What the emulator's getMe answers; used as the sender of bot messages a user presses buttons on.
EMULATOR_BOT = {"id": 666, "is_bot": True, "first_name": "Test First name", "username": "TestNameBot"}

_EXIT_PORT_IN_USE = 3  # emulator.js exit code when it cannot listen


class EmulatorError(RuntimeError):
    """The emulator cannot be started, has died, or answered a client call with an error."""


class NoReplyError(AssertionError):
    """The bot did not send (or edit) what the test waited for within the timeout."""


@dataclass(frozen=True)
class User:
    """A simulated Telegram user talking to the bot in a private chat (chat id = user id)."""

    id: int
    first_name: str

    def as_from(self) -> dict[str, Any]:
        return {"id": self.id, "is_bot": False, "first_name": self.first_name}

    def as_chat(self) -> dict[str, Any]:
        return {"id": self.id, "type": "private", "first_name": self.first_name}


class Emulator:
    """One telegram-test-api process on 127.0.0.1; use as a context manager or start()/stop().

    Args:
        tmp_dir: where node's output goes (`emulator.log`), so it never reaches pytest.
        store_timeout: seconds the emulator keeps messages, read or not.
        ready_timeout: seconds to wait for the emulator to answer HTTP.
    """

    def __init__(self, tmp_dir: Path, *, store_timeout: float = 60, ready_timeout: float = 10) -> None:
        self.log_path = Path(tmp_dir) / "emulator.log"
        self.store_timeout = store_timeout
        self.ready_timeout = ready_timeout
        self.port: int | None = None
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """Root of the emulator, where the client API (`/sendMessage`, `/getUpdates`…) lives."""
        if self.port is None:
            raise EmulatorError("the emulator is not started")
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        """For `ApplicationBuilder.base_url` / `TELEGRAM_API_BASE_URL`."""
        return f"{self.url}/bot"

    @property
    def file_base_url(self) -> str:
        """For `ApplicationBuilder.base_file_url`."""
        return f"{self.url}/file/bot"

    @property
    def alive(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self) -> Emulator:
        node = shutil.which("node")
        if node is None:
            raise EmulatorError(f"`node` is not on PATH; the end-to-end tests need it: {_HOW_TO_INSTALL}")
        if not EMULATOR_PACKAGE.is_file():
            raise EmulatorError(
                f"telegram-test-api is not installed in {PROJECT_ROOT}/node_modules: {_HOW_TO_INSTALL}"
            )
        # The emulator cannot listen on port 0, so pick a free port and retry if another process
        # takes it between our check and node's listen().
        for _attempt in range(3):
            self.port = _free_port()
            self._spawn(node)
            if self._wait_ready():
                return self
            self._reap()
        raise EmulatorError(f"the emulator found no free port; see {self.log_path}")

    def stop(self) -> None:
        """Stop node (SIGTERM, then SIGKILL after 5 s) and wait for it."""
        if self._process is None:
            return
        if self._process.stdin is not None:
            self._process.stdin.close()
        if self._process.poll() is None:
            self._process.terminate()
        self._reap()

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def check_alive(self) -> None:
        if not self.alive:
            raise EmulatorError(f"the emulator is not running; its output:\n{self._log_tail()}")

    def _spawn(self, node: str) -> None:
        env = {**os.environ, "EMULATOR_EXIT_ON_STDIN_EOF": "1"}
        with self.log_path.open("ab") as log:
            self._process = subprocess.Popen(
                [node, str(EMULATOR_SCRIPT), str(self.port), str(self.store_timeout)],
                cwd=PROJECT_ROOT,
                env=env,
                stdin=subprocess.PIPE,  # closed when we go away, even on SIGKILL: node then stops
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def _wait_ready(self) -> bool:
        """True once the emulator answers; False if the port was taken; raise otherwise."""
        assert self._process is not None
        deadline = time.monotonic() + self.ready_timeout
        with httpx.Client(trust_env=False, timeout=0.5) as probe:
            while time.monotonic() < deadline:
                code = self._process.poll()
                if code == _EXIT_PORT_IN_USE:
                    return False
                if code is not None:
                    self._reap()
                    raise EmulatorError(f"the emulator exited with {code}:\n{self._log_tail()}")
                try:
                    if probe.post(f"{self.url}/getUpdatesHistory", json={"token": "-"}).is_success:
                        return True
                except httpx.TransportError:
                    pass
                time.sleep(0.05)
        self.stop()
        raise EmulatorError(f"the emulator did not answer within {self.ready_timeout} s:\n{self._log_tail()}")

    def _reap(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        if process.stdin is not None:
            process.stdin.close()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def _log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no output)"


@contextmanager
def start_emulator(tmp_dir: Path, **options: Any) -> Iterator[Emulator]:
    """Run an emulator for the duration of the `with` block; `options` go to `Emulator`."""
    with Emulator(tmp_dir, **options) as emulator:
        yield emulator


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def application_builder(emulator: Emulator, token: str) -> ApplicationBuilder:
    """An `ApplicationBuilder` pointed at `emulator`, with the payload corrections installed."""
    return (
        Application.builder()
        .token(token)
        .base_url(emulator.base_url)
        .base_file_url(emulator.file_base_url)
        .request(EmulatorRequest())
        .get_updates_request(EmulatorRequest())
    )


@asynccontextmanager
async def running(
    app: Application,
    *,
    poll_interval: float = 0.02,
    fail_on_bot_errors: bool = True,
) -> AsyncIterator[Application]:
    """Run `app` polling in the current event loop for the duration of the `async with` block.

    With `fail_on_bot_errors`, an exception raised in a handler (or while polling) fails the
    test: it is raised as an `ExceptionGroup` when the block ends, or added as a note to the
    exception that ended the block (typically a `NoReplyError`).
    """
    if app.updater is None:
        raise ValueError("the application has no Updater; build it without `.updater(None)`")
    bot_errors: list[Exception] = []

    async def collect(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        if context.error is not None:
            bot_errors.append(context.error)

    if fail_on_bot_errors:
        app.add_error_handler(collect)
    try:
        await app.initialize()
        try:
            await app.start()
            try:
                await app.updater.start_polling(poll_interval=poll_interval)
                try:
                    yield app
                finally:
                    await app.updater.stop()
            finally:
                await app.stop()
        finally:
            await app.shutdown()
    except Exception as exc:
        for error in bot_errors:
            exc.add_note(f"the bot also raised: {error!r}")
        raise
    finally:
        if fail_on_bot_errors:
            app.remove_error_handler(collect)
    if bot_errors:
        raise ExceptionGroup("the bot raised while handling updates", bot_errors)


def inline_buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    """The inline keyboard buttons of a message dict, row by row, left to right."""
    markup = message.get("reply_markup") or {}
    return [button for row in markup.get("inline_keyboard", []) for button in row]


class EmulatorClient:
    """Simulated users of the bot with token `token`; an async context manager (closes its HTTP client).

    Messages returned by `replies` and `find_edited` are what the bot sent (its sendMessage /
    editMessageText parameters: `text`, `parse_mode`, `reply_markup` as a dict, `chat_id` as an
    int…) plus the `message_id` the emulator gave the message.
    """

    def __init__(self, emulator: Emulator, token: str, *, poll_every: float = 0.01) -> None:
        self.emulator = emulator
        self.token = token
        self.poll_every = poll_every
        self._http = httpx.AsyncClient(base_url=emulator.url, timeout=5, trust_env=False)

    async def __aenter__(self) -> EmulatorClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def send_message(self, user: User, text: str) -> None:
        """`user` sends `text` to the bot in their private chat."""
        await self._post("/sendMessage", self._user_message(user, text))

    async def send_command(self, user: User, text: str) -> None:
        """`user` sends a command such as "/start abc" (marked as a `bot_command` entity)."""
        if not text.startswith("/"):
            raise ValueError(f"a command starts with '/': {text!r}")
        command = text.split(maxsplit=1)[0]
        entity = {"offset": 0, "length": len(command.encode("utf-16-le")) // 2, "type": "bot_command"}
        await self._post("/sendCommand", {**self._user_message(user, text), "entities": [entity]})

    async def press_button(self, user: User, message: dict[str, Any], data: str) -> None:
        """`user` presses the inline button with callback data `data` under the bot's `message`."""
        offered = [button.get("callback_data") for button in inline_buttons(message)]
        if data not in offered:
            raise ValueError(f"message {message.get('message_id')} has no button {data!r}; it has {offered}")
        shown = {
            "message_id": message["message_id"],
            "date": int(time.time()),
            "chat": user.as_chat(),
            "from": EMULATOR_BOT,
            "text": message.get("text", ""),
            "reply_markup": message["reply_markup"],
        }
        await self._post(
            "/sendCallback", {"botToken": self.token, "from": user.as_from(), "data": data, "message": shown}
        )

    async def replies(self, user: User, *, count: int = 1, timeout: float = 3.0) -> list[dict[str, Any]]:
        """Wait for `count` new bot messages in `user`'s chat and return them, oldest first.

        Raises `NoReplyError` if fewer arrive within `timeout` seconds. With `count=0` it waits
        the whole `timeout` and returns whatever arrived — `[]` asserts that the bot kept quiet.
        """
        received: list[dict[str, Any]] = []
        deadline = time.monotonic() + timeout
        while True:
            result = await self._post("/getUpdates", {"token": self.token, "chatId": user.id})
            received.extend(_bot_message(record) for record in result)
            if count and len(received) >= count:
                return received
            if time.monotonic() >= deadline:
                break
            await asyncio.sleep(self.poll_every)
        if count:
            texts = [message.get("text") for message in received]
            raise NoReplyError(
                f"expected {count} bot message(s) for user {user.id} within {timeout} s, "
                f"got {len(received)}: {texts}"
            )
        return received

    async def history(self) -> list[dict[str, Any]]:
        """Everything the emulator holds for this bot (users' updates and bot messages), by time."""
        return await self._post("/getUpdatesHistory", {"token": self.token})

    async def find_edited(
        self,
        message_id: int,
        *,
        until: Callable[[dict[str, Any]], bool] | None = None,
        timeout: float = 3.0,
    ) -> dict[str, Any]:
        """Wait until the bot has edited its message `message_id` (and `until(message)` holds).

        Edits do not come back through getUpdates; the emulator changes the stored message in
        place, so this polls `history()`. Raises `NoReplyError` on timeout.
        """
        deadline = time.monotonic() + timeout
        current: dict[str, Any] | None = None
        while True:
            for record in await self.history():
                if _is_bot_record(record) and record["messageId"] == message_id:
                    current = _bot_message(record)
                    # Only an edit request carries message_id; the emulator merges it into the message.
                    if "message_id" in record["message"] and (until is None or until(current)):
                        return current
            if time.monotonic() >= deadline:
                break
            await asyncio.sleep(self.poll_every)
        state = "does not exist" if current is None else f"is now {current!r}"
        raise NoReplyError(
            f"bot message {message_id} was not edited as expected within {timeout} s; it {state}"
        )

    def _user_message(self, user: User, text: str) -> dict[str, Any]:
        return {
            "botToken": self.token,
            "date": int(time.time()),
            "from": user.as_from(),
            "chat": user.as_chat(),
            "text": text,
        }

    async def _post(self, path: str, body: dict[str, Any]) -> Any:
        try:
            response = await self._http.post(path, json=body)
        except httpx.TransportError as exc:
            self.emulator.check_alive()
            raise EmulatorError(f"emulator call {path} failed: {exc!r}") from exc
        payload = response.json() if response.content else {}
        if not response.is_success or payload.get("ok") is not True:
            raise EmulatorError(f"emulator call {path} answered {response.status_code}: {payload}")
        return payload.get("result")


def _is_bot_record(record: dict[str, Any]) -> bool:
    """Bot messages are stored with the sendMessage parameters (`chat_id`), users' with `chat`."""
    return isinstance(record.get("message"), dict) and "chat_id" in record["message"]


def _bot_message(record: dict[str, Any]) -> dict[str, Any]:
    message = dict(record["message"])
    chat_id = message.get("chat_id")
    if isinstance(chat_id, str) and chat_id.lstrip("-").isdigit():
        message["chat_id"] = int(chat_id)
    message["message_id"] = record["messageId"]
    return message
