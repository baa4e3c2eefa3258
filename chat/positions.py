"""This worker's view of the queue: positions, the snapshot they are computed from, the summaries.

Keeps, in this process only and at most a second old: every counsellor's presence, the list of
queues, the mean handling time, and the last queue summary frame; and the waiting sockets of each
event loop (channel name, chat id, what each was last told). Nothing is written anywhere.

Queue positions for every waiting seeker of this worker are computed together once a second.

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
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from chat import protocol
from chat.domain import Chat, Presence
from chat.queueing import ahead_of, capacity, shared_queue_keys, wait_estimate
from chat.store import live_store as store
from chat.store.base import StoreUnavailable

logger = logging.getLogger(__name__)
INTERVAL_SECONDS = 1.0


def now() -> float:
    return time.time()


class _Snapshot:
    """Per-process cache of presence and handling time: read at most once a second per worker."""

    presences: list[Presence] = []
    queue_keys: list[str] = []
    mean_handle: float | None = None
    at: float = 0.0
    refreshing: asyncio.Task[None] | None = None


async def _refresh_snapshot() -> None:
    live = store()
    _Snapshot.presences = await live.all_presence()
    _Snapshot.queue_keys = await live.queue_keys()
    _Snapshot.mean_handle = await live.mean_handle_time()
    _Snapshot.at = now()


def _single_flight(current: asyncio.Task[None] | None, refresh: Callable[[], Awaitable[None]]) -> asyncio.Task[None]:
    """The refresh already under way in this loop, or a new one.

    A thousand queued seekers ask for their position in the same second: without this, every one
    of them re-read every counsellor's presence while the first read was still on its way (the
    stampede the load test found: docs/PERFORMANCE.md)."""
    loop = asyncio.get_running_loop()
    if current is not None and not current.done() and current.get_loop() is loop:
        return current
    return loop.create_task(refresh())  # type: ignore[arg-type]


async def snapshot() -> type[_Snapshot]:
    """Every counsellor's presence, the queues and the mean handling time, at most a second old."""
    if now() - _Snapshot.at > 1.0:
        _Snapshot.refreshing = _single_flight(_Snapshot.refreshing, _refresh_snapshot)
        await asyncio.shield(_Snapshot.refreshing)
    return _Snapshot


async def queue_position(chat: Chat, *, extra_ahead: int = 0) -> tuple[int, int | None]:
    """One chat's place in the queues its counsellors serve, and the honest wait estimate."""
    snap = await snapshot()
    keys = shared_queue_keys(snap.presences, chat.language, chat.pathway, snap.queue_keys)
    ahead = await store().queue_counts_before(chat.score, keys)
    position = ahead + 1 + extra_ahead
    slots = capacity(snap.presences, chat.language, chat.pathway)
    return position, wait_estimate(position=position, slots=slots, mean_handle_seconds=snap.mean_handle)


def summarise_queue(chats: list[Chat], *, moment: float) -> dict[str, Any]:
    """Counts and longest wait by priority and by language: nothing that identifies a chat."""
    by_priority: dict[str, dict[str, int]] = {}
    by_language: dict[str, dict[str, int]] = {}
    for chat in chats:
        waited = int(moment - chat.enqueued_at)
        for table, key in ((by_priority, chat.priority), (by_language, chat.language)):
            entry = table.setdefault(key, {"count": 0, "longest_wait": 0})
            entry["count"] += 1
            entry["longest_wait"] = max(entry["longest_wait"], waited)
    return {"total": len(chats), "by_priority": by_priority, "by_language": by_language}


class _QueueSummaryCache:
    text: str = ""
    at: float = 0.0
    refreshing: asyncio.Task[None] | None = None


async def _refresh_queue_summary() -> None:
    chats = await store().queued_chats()
    _QueueSummaryCache.text = protocol.queue_summary_frame(**summarise_queue(chats, moment=now()))
    _QueueSummaryCache.at = now()


async def queue_summary_frame() -> str:
    """The `queue_summary` every counsellor socket of this worker is sent, at most a second old."""
    if now() - _QueueSummaryCache.at > 1.0:
        _QueueSummaryCache.refreshing = _single_flight(_QueueSummaryCache.refreshing, _refresh_queue_summary)
        await asyncio.shield(_QueueSummaryCache.refreshing)
    return _QueueSummaryCache.text


async def floor_frame() -> str:
    """The supervisor's view: metadata of every live chat and queue entry, and every counsellor."""
    live = store()
    return protocol.floor_frame(chats=await live.live_chats(), queued=await live.queued_chats(),
                                counsellors=await live.all_presence(), moment=now())


def forget_caches() -> None:
    """Drop this process's second-old snapshots (tests that swap the store between cases)."""
    _Snapshot.at = _QueueSummaryCache.at = 0.0


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
        live = store()
        for channel, entry in list(self.waiting.items()):
            if entry.chat is None:  # requeued or resumed: its score may have changed
                chat = await live.get_chat(entry.sid)
                if chat is None or chat.state != "queued":
                    self.waiting.pop(channel, None)
                    continue
                entry.chat = chat
        entries = [e for e in self.waiting.values() if e.chat is not None]
        if not entries:
            return
        snap = await snapshot()
        groups: dict[tuple[str, str], list[str]] = {}
        for entry in entries:
            chat = entry.chat
            assert chat is not None
            if (chat.language, chat.pathway) not in groups:
                groups[chat.language, chat.pathway] = shared_queue_keys(
                    snap.presences, chat.language, chat.pathway, snap.queue_keys)
        needed = sorted({key for keys in groups.values() for key in keys})
        scores = await live.queue_scores(needed, below=max(e.chat.score for e in entries if e.chat))
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
                await entry.send(protocol.queue_frame(position=current[0], eta_seconds=current[1]))


_boards: dict[int, Board] = {}


def board() -> Board:
    """This event loop's board (tests run several loops in turn)."""
    loop = asyncio.get_running_loop()
    found = _boards.get(id(loop))
    if found is None or (found.task is not None and found.task.get_loop() is not loop):
        found = _boards[id(loop)] = Board()
    return found
