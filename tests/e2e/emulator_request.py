"""The one test-only place that corrects where telegram-test-api differs from the real Bot API.

The product never knows about the emulator: tests hand an `EmulatorRequest` to the bot through
`ApplicationBuilder().request(...)` and `.get_updates_request(...)`. Every correction is a pure
rewrite of the JSON answer in `fix_payload`, numbered as in
/work/shared/notes/telegram-test-api.md ("Where it differs from the real Bot API"):

1. `getMe` has no `is_bot`                   → add `is_bot: true`.
3. `date` values are in milliseconds          → seconds, anywhere in the answer.
4. `callback_query` has no `chat_instance`    → add one derived from the chat id.
5. `result: null` on success (edits, answers) → `result: true`, as the real API does for these.
6. errors as HTTP 500 `{"message": …}`, or 200 with `ok: false` and no `result`
                                              → HTTP 400 `{"ok": false, "error_code": 400,
                                                "description": …}`, so PTB raises `BadRequest`
                                                (not `NetworkError`, which it would retry, or
                                                `KeyError: 'result'`).

9. a sent message echoes the request's `link_preview_options` as a JSON string (found here; not in
   the note)                                 → the object it encodes.

Difference 2 (getUpdates ignores `offset`/`timeout`) cannot be fixed here; the harness polls
with a small `poll_interval` instead.
"""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any
from urllib.parse import urlsplit

from telegram.request import HTTPXRequest, RequestData

__all__ = ["EmulatorRequest", "fix_payload", "install_globally"]

# A Unix time in seconds stays below this until the year 5138; one in milliseconds is above it.
_MILLISECONDS_THRESHOLD = 100_000_000_000


def fix_payload(method: str, status: int, payload: Any) -> tuple[int, Any]:
    """Return the (status, payload) the real Bot API would have sent; `payload` is not mutated."""
    if not isinstance(payload, dict):
        return status, payload

    # 6. Emulator errors: a bare {"message": …} (unsupported method, bad route, thrown assertion),
    # or a 200 with ok: false (deleteMessage of a missing message).
    if "ok" not in payload and "message" in payload and not HTTPStatus.OK <= status <= 299:
        return _bad_request(str(payload["message"]))
    if payload.get("ok") is False and "result" not in payload:
        return _bad_request(str(payload.get("description") or f"{method} failed in the emulator"))
    if payload.get("ok") is not True:
        return status, payload

    result = _seconds(payload.get("result"))  # 3. (a fresh copy from here on)

    if result is None:  # 5.
        result = True
    elif isinstance(result, dict) and isinstance(result.get("link_preview_options"), str):  # 9.
        result["link_preview_options"] = json.loads(result["link_preview_options"])
    elif method == "getMe" and isinstance(result, dict):  # 1.
        result.setdefault("is_bot", True)
    elif method == "getUpdates" and isinstance(result, list):  # 4.
        for update in result:
            query = update.get("callback_query") if isinstance(update, dict) else None
            if isinstance(query, dict) and "chat_instance" not in query:
                chat = (query.get("message") or {}).get("chat") or {}
                query["chat_instance"] = f"emulator-{chat.get('id', 0)}"

    return status, {**payload, "result": result}


def _bad_request(description: str) -> tuple[int, dict[str, Any]]:
    return HTTPStatus.BAD_REQUEST, {"ok": False, "error_code": 400, "description": description}


def _seconds(value: Any) -> Any:
    """Copy `value`, turning millisecond timestamps under `date`/`*_date` keys into seconds."""
    if isinstance(value, list):
        return [_seconds(item) for item in value]
    if not isinstance(value, dict):
        return value
    fixed = {}
    for key, item in value.items():
        is_date = key == "date" or key.endswith("_date")
        if is_date and isinstance(item, int | float) and item > _MILLISECONDS_THRESHOLD:
            fixed[key] = int(item // 1000)
        else:
            fixed[key] = _seconds(item)
    return fixed


class EmulatorRequest(HTTPXRequest):
    """`HTTPXRequest` that passes every Bot API answer from the emulator through `fix_payload`.

    It ignores proxy settings from the environment: the emulator is always on 127.0.0.1.
    """

    def __init__(self, **kwargs: Any) -> None:
        httpx_kwargs = {"trust_env": False, **(kwargs.pop("httpx_kwargs", None) or {})}
        super().__init__(httpx_kwargs=httpx_kwargs, **kwargs)

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> tuple[int, bytes]:
        status, body = await super().do_request(url, method, request_data, *args, **kwargs)
        try:
            payload = json.loads(body)
        except ValueError:  # not JSON (e.g. a file download): nothing to correct
            return status, body
        bot_method = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
        fixed_status, fixed = fix_payload(bot_method, status, payload)
        if fixed_status == status and fixed == payload:
            return status, body
        return fixed_status, json.dumps(fixed).encode()


def install_globally() -> None:
    """Make every `HTTPXRequest` of this process correct the emulator's answers.

    Only for `tests/e2e/run_bot.py`, which runs the unmodified `python -m bot run` in a child
    process: there is no builder to hand an `EmulatorRequest` to, so the same correction is
    applied to the class PTB uses by default.
    """
    original = HTTPXRequest.do_request
    if getattr(original, "corrects_emulator", False):
        return

    async def do_request(self: HTTPXRequest, url: str, method: str,
                         request_data: RequestData | None = None, *args: Any, **kwargs: Any
                         ) -> tuple[int, bytes]:
        status, body = await original(self, url, method, request_data, *args, **kwargs)
        try:
            payload = json.loads(body)
        except ValueError:
            return status, body
        bot_method = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
        fixed_status, fixed = fix_payload(bot_method, status, payload)
        if fixed_status == status and fixed == payload:
            return status, body
        return fixed_status, json.dumps(fixed).encode()

    do_request.corrects_emulator = True  # type: ignore[attr-defined]
    HTTPXRequest.do_request = do_request  # type: ignore[method-assign]
