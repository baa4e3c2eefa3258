"""The per-process caches of the live path refresh once however many sockets ask at once."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from chat import positions


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
