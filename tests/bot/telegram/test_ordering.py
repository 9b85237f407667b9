"""Updates of different chats overlap; one chat's are handled one at a time, in arrival order."""

from __future__ import annotations

import asyncio

from telegram import Update

from bot.telegram.ordering import ChatOrderedProcessor
from bot.telegram.transport import LocalBotApi, LocalUser

ALICE = LocalUser(100001, "Lan")
BOB = LocalUser(100002, "Bình")


def _update(api: LocalBotApi, user: LocalUser, text: str) -> Update:
    update = Update.de_json(api.text_update(user, text), None)
    assert update is not None
    return update


async def test_a_chat_waits_for_its_previous_update_while_other_chats_go_ahead() -> None:
    api = LocalBotApi()
    processor = ChatOrderedProcessor(8)
    events: list[str] = []
    first_may_end = asyncio.Event()

    async def handle(name: str, wait: asyncio.Event | None = None) -> None:
        events.append(f"{name} start")
        if wait is not None:
            await wait.wait()
        events.append(f"{name} end")

    first = asyncio.create_task(processor.process_update(
        _update(api, ALICE, "một"), handle("alice-1", first_may_end)))
    second = asyncio.create_task(processor.process_update(_update(api, ALICE, "hai"), handle("alice-2")))
    other = asyncio.create_task(processor.process_update(_update(api, BOB, "ba"), handle("bob")))
    await other  # another chat is handled while Alice's first update is still in progress
    assert events == ["alice-1 start", "bob start", "bob end"]
    first_may_end.set()
    await asyncio.gather(first, second)
    assert events[3:] == ["alice-1 end", "alice-2 start", "alice-2 end"]


async def test_a_chat_leaves_nothing_behind_once_its_updates_are_handled() -> None:
    api = LocalBotApi()
    processor = ChatOrderedProcessor(2)

    async def handle() -> None:
        await asyncio.sleep(0)

    await asyncio.gather(*(processor.process_update(_update(api, user, "câu hỏi"), handle())
                           for user in (ALICE, BOB, ALICE)))
    assert processor._chats == {}
