"""An in-process Bot API peer: it answers the bot's calls, records them, and makes user updates.

The console, the tests and the benchmark run the real `Application` and the real handlers with
this transport in place of HTTPS to Telegram (the idea of httpx's `MockTransport`): nothing leaves
the process, and every call the bot made can be inspected.
"""

from __future__ import annotations

import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram._utils.defaultvalue import DEFAULT_NONE
from telegram._utils.types import ODVInput
from telegram.request import BaseRequest, RequestData

__all__ = ["ApiCall", "LocalBotApi", "LocalUser"]

LOCAL_TOKEN = "1000000001:LOCAL-in-process-transport-token"
BOT_ID = 1000000001
BOT_USERNAME = "bmnn_tro_ly_bot"

# Methods that only change state on Telegram's side; the local peer accepts them.
_ACCEPTED = {
    "answerCallbackQuery", "setMyCommands", "deleteMyCommands", "sendChatAction",
    "deleteWebhook", "setWebhook", "setChatMenuButton", "close", "logOut",
}


@dataclass(frozen=True, slots=True)
class ApiCall:
    """One Bot API call the bot made."""

    method: str
    params: dict[str, Any]
    files: tuple[tuple[str, bytes], ...] = ()  # (file name, content) of each uploaded file

    @property
    def chat_id(self) -> int | None:
        value = self.params.get("chat_id")
        return int(value) if value is not None else None

    @property
    def text(self) -> str:
        return str(self.params.get("text") or self.params.get("caption") or "")

    @property
    def buttons(self) -> list[tuple[str, str]]:
        """(label, callback data or url) of every inline button, row by row."""
        markup = self.params.get("reply_markup") or {}
        if isinstance(markup, str):
            markup = json.loads(markup)
        return [
            (b.get("text", ""), b.get("callback_data") or b.get("url") or "")
            for row in markup.get("inline_keyboard", []) for b in row
        ]


@dataclass(frozen=True, slots=True)
class LocalUser:
    """A simulated Telegram user (private chat id = user id)."""

    id: int
    first_name: str = "Cán bộ"
    username: str | None = None
    last_name: str | None = None

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        return data


def _uploads(request_data: RequestData | None) -> tuple[tuple[str, bytes], ...]:
    """The files a call uploads (sendDocument, sendPhoto), as (file name, content)."""
    if request_data is None or not request_data.contains_files:
        return ()
    return tuple((name, content if isinstance(content, bytes) else content.read())
                 for name, content, _mime in request_data.multipart_data.values())


@dataclass
class LocalBotApi(BaseRequest):
    """Answers Bot API methods in memory and keeps every call in `calls`."""

    calls: list[ApiCall] = field(default_factory=list)
    blocked: set[int] = field(default_factory=set)  # chats that answer 403 Forbidden
    undeletable: set[int] = field(default_factory=set)  # chats where deleteMessage fails
    unsupported: set[str] = field(default_factory=set)  # methods that answer 400
    _messages: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)
    _message_ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    _update_ids: itertools.count = field(
        default_factory=lambda: itertools.count(int(time.time() * 1000)))

    def __post_init__(self) -> None:
        super().__init__()

    def __hash__(self) -> int:  # BaseRequest instances are used as dict keys by PTB
        return id(self)

    # --- BaseRequest ---------------------------------------------------------------------

    @property
    def read_timeout(self) -> float | None:
        return None

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        api_method = url.rsplit("/", 1)[-1]
        params: dict[str, Any] = dict(request_data.parameters) if request_data else {}
        if isinstance(markup := params.get("reply_markup"), str):
            params["reply_markup"] = json.loads(markup)
        self.calls.append(ApiCall(api_method, params, _uploads(request_data)))
        chat_id = params.get("chat_id")
        if chat_id is not None and int(chat_id) in self.blocked:
            return self._error(403, "Forbidden: bot was blocked by the user")
        if api_method in self.unsupported:
            return self._error(400, f"Bad Request: method {api_method} is not supported")
        result = self._answer(api_method, params)
        if isinstance(result, tuple):
            return result
        return 200, json.dumps({"ok": True, "result": result}).encode()

    # --- the methods -----------------------------------------------------------------------

    def _answer(self, api_method: str, params: dict[str, Any]) -> Any:
        if api_method == "getMe":
            return {"id": BOT_ID, "is_bot": True, "first_name": "Trợ lý BMNN",
                    "username": BOT_USERNAME, "can_join_groups": False,
                    "can_read_all_group_messages": False, "supports_inline_queries": False}
        if api_method in ("sendMessage", "sendDocument", "sendPhoto"):
            chat_id = int(params["chat_id"])
            message = {
                "message_id": next(self._message_ids),
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private"},
                "from": {"id": BOT_ID, "is_bot": True, "first_name": "Trợ lý BMNN"},
            }
            if api_method == "sendMessage":
                message["text"] = params.get("text", "")
            else:
                message["caption"] = params.get("caption", "")
            if params.get("reply_markup"):
                message["reply_markup"] = params["reply_markup"]
            self._messages[(chat_id, message["message_id"])] = message
            return message
        if api_method in ("editMessageText", "editMessageReplyMarkup"):
            key = (int(params["chat_id"]), int(params["message_id"]))
            edited = self._messages.get(key)
            if edited is None:
                return self._error(400, "Bad Request: message to edit not found")
            if "text" in params:
                edited["text"] = params["text"]
            if params.get("reply_markup"):
                edited["reply_markup"] = params["reply_markup"]
            else:
                edited.pop("reply_markup", None)
            return edited
        if api_method == "deleteMessage":
            if int(params["chat_id"]) in self.undeletable:
                return self._error(400, "Bad Request: message can't be deleted")
            self._messages.pop((int(params["chat_id"]), int(params["message_id"])), None)
            return True
        if api_method in _ACCEPTED:
            return True
        return self._error(404, f"Not Found: method {api_method}")

    @staticmethod
    def _error(code: int, description: str) -> tuple[int, bytes]:
        return code, json.dumps({"ok": False, "error_code": code, "description": description}).encode()

    # --- what the tests and the console read -----------------------------------------------

    def sent(self, chat_id: int | None = None, since: int = 0) -> list[ApiCall]:
        """Messages sent (and edits made) since call number `since`, optionally to one chat."""
        return [
            c for c in self.calls[since:]
            if c.method in ("sendMessage", "editMessageText", "sendDocument", "sendPhoto")
            and (chat_id is None or c.chat_id == chat_id)
        ]

    def called(self, method: str, since: int = 0) -> list[ApiCall]:
        return [c for c in self.calls[since:] if c.method == method]

    # --- updates from a simulated user -----------------------------------------------------

    def next_update_id(self) -> int:
        return next(self._update_ids)

    def _user_message(self, user: LocalUser, **fields: Any) -> dict[str, Any]:
        message_id = next(self._message_ids)
        message = {"message_id": message_id, "date": int(time.time()),
                   "chat": {"id": user.id, "type": "private"}, "from": user.as_dict(), **fields}
        self._messages[(user.id, message_id)] = message
        return message

    def text_update(self, user: LocalUser, text: str, update_id: int | None = None,
                    **fields: Any) -> dict[str, Any]:
        """An update carrying a text message (commands get their `bot_command` entity)."""
        extra: dict[str, Any] = {"text": text, **fields}
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0] if text.strip() else text
            extra.setdefault("entities", [{"type": "bot_command", "offset": 0, "length": len(command)}])
        return {"update_id": update_id or self.next_update_id(), "message": self._user_message(user, **extra)}

    def message_update(self, user: LocalUser, **fields: Any) -> dict[str, Any]:
        """An update with any message content (photo, document, forward_origin…)."""
        return {"update_id": self.next_update_id(), "message": self._user_message(user, **fields)}

    def callback_update(self, user: LocalUser, data: str, message_id: int | None = None) -> dict[str, Any]:
        """A press on an inline button of the bot's message `message_id` (default: its last one)."""
        if message_id is None:
            message_id = max((mid for (chat, mid), m in self._messages.items()
                              if chat == user.id and m.get("from", {}).get("id") == BOT_ID), default=1)
        message = self._messages.get((user.id, message_id)) or {
            "message_id": message_id, "date": int(time.time()),
            "chat": {"id": user.id, "type": "private"}, "text": ""}
        return {"update_id": self.next_update_id(), "callback_query": {
            "id": str(self.next_update_id()), "from": user.as_dict(), "chat_instance": str(user.id),
            "data": data, "message": message}}

    def to_update(self, data: dict[str, Any], bot: Any) -> Update:
        update = Update.de_json(data, bot)
        assert update is not None
        return update
