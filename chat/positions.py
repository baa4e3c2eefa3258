"""Queue positions for every waiting seeker of this worker, computed together once a second.

Each queued seeker's socket used to ask the store for its own chat and position every second: at
1,000 waiting chats that was thousands of store calls a second per worker, and claims queued
behind them (claim p50 136 ms -> 27 ms without them; docs/PERFORMANCE.md). Now one task per
worker and event loop reads the scores of the queues that matter in one store call and computes
every position from them (chat.queueing, pure). A socket says when it starts and stops waiting;
the board sends it a `queue` frame whenever its position or estimate changes.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from chat import live, protocol
from chat.domain import Chat
from chat.queueing import ahead_of, capacity, shared_queue_keys, wait_estimate
from chat.store.base import StoreUnavailable

logger = logging.getLogger(__name__)
INTERVAL_SECONDS = 1.0


@dataclass
class Waiting:
    sid: str
    send: Callable[[str], Awaitable[None]]  # sends a frame if the socket is still waiting
    chat: Chat | None = None  # score, language and pathway; None: read it on the next round
    last: tuple[int, int | None] | None = None


class Board:
    """The waiting seekers of one event loop, by channel name."""

    def __init__(self) -> None:
        self.waiting: dict[str, Waiting] = {}
        self.task: asyncio.Task[None] | None = None

    def watch(self, channel: str, sid: str, send: Callable[[str], Awaitable[None]], chat: Chat | None = None,
              told: tuple[int, int | None] | None = None) -> None:
        """Start sending positions; `told` is what the socket has already been told."""
        queued = chat if chat is not None and chat.state == "queued" else None
        before = self.waiting.get(channel)
        if told is None and before is not None and before.sid == sid:
            told = before.last  # watched again (the store came back, a requeue): no repeat
        self.waiting[channel] = Waiting(sid, send, queued, told)
        if self.task is None or self.task.done():
            self.task = asyncio.get_running_loop().create_task(self.run())

    def unwatch(self, channel: str) -> None:
        self.waiting.pop(channel, None)

    async def run(self) -> None:
        while self.waiting:
            await asyncio.sleep(INTERVAL_SECONDS)
            try:
                await self.round()
            except StoreUnavailable:
                continue  # the sockets have been told; positions resume when the store is back
            except Exception as exc:  # never let one bad round end the updates of everyone
                logger.error("queue positions failed: %s", exc.__class__.__name__)

    async def round(self) -> None:
        store = live.store()
        for channel, entry in list(self.waiting.items()):
            if entry.chat is None:  # requeued or resumed: its score may have changed
                chat = await store.get_chat(entry.sid)
                if chat is None or chat.state != "queued":
                    self.waiting.pop(channel, None)
                    continue
                entry.chat = chat
        entries = [e for e in self.waiting.values() if e.chat is not None]
        if not entries:
            return
        snap = await live.snapshot()
        groups: dict[tuple[str, str], list[str]] = {}
        for entry in entries:
            chat = entry.chat
            assert chat is not None
            if (chat.language, chat.pathway) not in groups:
                groups[chat.language, chat.pathway] = shared_queue_keys(
                    snap.presences, chat.language, chat.pathway, snap.queue_keys)
        needed = sorted({key for keys in groups.values() for key in keys})
        scores = await store.queue_scores(needed, below=max(e.chat.score for e in entries if e.chat))
        slots = {group: capacity(snap.presences, *group) for group in groups}
        for entry in entries:
            chat = entry.chat
            assert chat is not None
            group = (chat.language, chat.pathway)
            position = ahead_of(chat.score, scores, groups[group]) + 1
            eta = wait_estimate(position=position, slots=slots[group], mean_handle_seconds=snap.mean_handle)
            current = position, eta
            if current != entry.last:
                entry.last = current
                await entry.send(protocol.frame("queue", position=current[0], eta_seconds=current[1]))


_boards: dict[int, Board] = {}


def board() -> Board:
    """This event loop's board (tests run several loops in turn)."""
    loop = asyncio.get_running_loop()
    found = _boards.get(id(loop))
    if found is None or (found.task is not None and found.task.get_loop() is not loop):
        found = _boards[id(loop)] = Board()
    return found
