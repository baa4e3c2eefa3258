"""This worker's view of the queue (chat.positions): its caches refresh once however many sockets
ask at once, the summary names no chat, and a position counts only the queues that matter."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from chat import positions, protocol
from chat.domain import Chat, Presence
from chat.store.memory import MemoryStore


class CountingStore:
    """Just enough of a store for the snapshot and the queue summary, counting every read."""

    def __init__(self) -> None:
        self.reads = 0

    async def _read(self) -> None:
        self.reads += 1
        await asyncio.sleep(0.01)  # the read takes a while, as a Redis round trip does

    async def all_presence(self) -> list[Any]:
        await self._read()
        return []

    async def queue_keys(self) -> list[str]:
        return []

    async def mean_handle_time(self) -> float | None:
        return None

    async def queued_chats(self) -> list[Any]:
        await self._read()
        return []


@pytest.fixture
def counting(monkeypatch: pytest.MonkeyPatch) -> CountingStore:
    fake = CountingStore()
    monkeypatch.setattr(positions, "store", lambda: fake)
    monkeypatch.setattr(positions._Snapshot, "at", 0.0)
    monkeypatch.setattr(positions._Snapshot, "refreshing", None)
    monkeypatch.setattr(positions._QueueSummaryCache, "at", 0.0)
    monkeypatch.setattr(positions._QueueSummaryCache, "refreshing", None)
    return fake


async def test_it_reads_presence_once_for_a_thousand_queued_seekers_at_once(counting: CountingStore) -> None:
    await asyncio.gather(*(positions.snapshot() for _ in range(1000)))
    assert counting.reads == 1
    await positions.snapshot()
    assert counting.reads == 1  # fresh for a second


async def test_it_builds_the_queue_summary_once_for_every_counsellor_at_once(counting: CountingStore) -> None:
    frames = await asyncio.gather(*(positions.queue_summary_frame() for _ in range(500)))
    assert counting.reads == 1
    assert len(set(frames)) == 1 and '"type":"queue_summary"' in frames[0]


async def test_it_refreshes_again_when_the_snapshot_is_a_second_old(counting: CountingStore) -> None:
    await positions.snapshot()
    positions._Snapshot.at -= 1.5
    await asyncio.gather(*(positions.snapshot() for _ in range(10)))
    assert counting.reads == 2


def test_it_summarises_the_queue_without_naming_a_chat() -> None:
    def waiting(sid: str, priority: str, language: str, since: float) -> Chat:
        return Chat(sid=sid, token="T" * 43, priority=priority, pathway="", language=language, enqueued_at=since,
                    score=since)

    chats = [waiting("a" * 22, "crisis", "en", 100.0), waiting("b" * 22, "normal", "en", 160.0),
             waiting("c" * 22, "normal", "de", 190.0)]
    summary = positions.summarise_queue(chats, moment=200.0)
    assert summary == {
        "total": 3,
        "by_priority": {"crisis": {"count": 1, "longest_wait": 100}, "normal": {"count": 2, "longest_wait": 40}},
        "by_language": {"en": {"count": 2, "longest_wait": 100}, "de": {"count": 1, "longest_wait": 10}},
    }
    assert "a" * 22 not in protocol.queue_summary_frame(**summary)


async def test_it_places_a_chat_behind_those_ahead_in_the_queues_its_counsellors_serve(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store = MemoryStore()
    monkeypatch.setattr(positions, "store", lambda: store)
    positions.forget_caches()
    await store.set_presence(Presence(user_id=1, state="available", online=True, limit=2, languages=("en",)))
    for n, score in enumerate((1.0, 2.0, 3.0)):
        await store.create_chat(Chat(sid=f"{n}" * 22, token=f"{n}" * 43, priority="normal", pathway="",
                                     language="en", enqueued_at=score, score=score), max_queue=10)
    await store.create_chat(Chat(sid="d" * 22, token="d" * 43, priority="normal", pathway="", language="de",
                                 enqueued_at=0.5, score=0.5), max_queue=10)
    third = await store.get_chat("2" * 22)
    assert third is not None
    position, eta = await positions.queue_position(third)
    assert position == 3  # the German chat ahead of it is in a queue nobody serving English shares
    assert eta is not None and eta > 0  # one counsellor online: an estimate is honest
    positions.forget_caches()
