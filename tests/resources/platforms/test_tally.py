"""Impressions in the live store, flushed to the counters in batches (memory and real Redis)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from helpline.models import Counter
from resources.platforms import tally

HOUR = datetime(2026, 12, 1, 20, tzinfo=UTC)
EARLIER = datetime(2026, 12, 1, 19, tzinfo=UTC)


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
def tally_store(request: pytest.FixtureRequest) -> tally.Tally:
    if request.param == "memory":
        return tally.MemoryTally()
    client = request.getfixturevalue("redis_client")
    return tally.RedisTally(client)


def _counted() -> dict[tuple[datetime, str], int]:
    return {(c.hour, c.dimension): c.value for c in Counter.objects.filter(metric=tally.IMPRESSION)}


def test_it_takes_what_was_added_once(tally_store: tally.Tally) -> None:
    for _ in range(3):
        tally_store.add("example-search_1", hour=HOUR)
    tally_store.add("example-search_2", hour=HOUR)
    tally_store.add("example-search_1", hour=EARLIER)
    assert tally_store.take() == {
        (HOUR, "example-search_1"): 3,
        (HOUR, "example-search_2"): 1,
        (EARLIER, "example-search_1"): 1,
    }
    assert tally_store.take() == {}


def test_it_flushes_to_the_hourly_counters_in_one_batch(
    tally_store: tally.Tally, db: None, django_assert_max_num_queries: Any
) -> None:
    for _ in range(250):
        tally_store.add("example-search_1", hour=HOUR)
    tally_store.add("example-search_2", hour=EARLIER)
    with django_assert_max_num_queries(8):
        assert tally.flush(tally_store) == 251
    assert _counted() == {
        (HOUR, ""): 250,
        (HOUR, "source=example-search_1"): 250,
        (EARLIER, ""): 1,
        (EARLIER, "source=example-search_2"): 1,
    }
    assert tally.flush(tally_store) == 0


def test_it_puts_counts_back_when_the_database_fails(
    tally_store: tally.Tally, db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    tally_store.add("example-search_1", hour=HOUR)

    def broken(counts: object) -> None:
        raise RuntimeError("database is away")

    monkeypatch.setattr(tally, "write_counts", broken)
    with pytest.raises(RuntimeError):
        tally.flush(tally_store)
    monkeypatch.undo()
    assert tally.flush(tally_store) == 1
    assert _counted()[(HOUR, "source=example-search_1")] == 1


def test_only_one_worker_flushes_per_interval(tally_store: tally.Tally) -> None:
    assert tally_store.try_lock(30)
    assert not tally_store.try_lock(30)


def test_it_flushes_at_most_once_per_interval(db: None) -> None:
    memory = tally.MemoryTally()
    counter = tally.Impressions(memory, flush_seconds=3600)
    counter.do_count(["example-search_1"])  # the first look flushes
    counter.do_count(["example-search_1"])
    assert sum(v for (h, d), v in _counted().items() if d == "") == 1
    assert sum(memory.take().values()) == 1


def test_it_still_shows_the_component_when_the_live_store_is_away(db: None) -> None:
    class Away(tally.MemoryTally):
        def give_back(self, counts: object) -> None:
            raise ConnectionError("redis is away")

        def try_lock(self, seconds: float) -> bool:
            raise ConnectionError("redis is away")

    away = Away()
    counter = tally.Impressions(away, flush_seconds=1)
    counter.local = tally.MemoryTally()  # as with Redis: a separate local layer
    counter.do_count(["example-search_1"])  # no exception
    assert sum(counter.local.take().values()) == 1  # kept for the next push


def test_it_pushes_local_counts_to_redis_once_a_second(redis_client: Any, db: None) -> None:
    counter = tally.Impressions(tally.RedisTally(redis_client), flush_seconds=3600, push_seconds=3600)
    counter._next_flush = float("inf")
    for _ in range(5):
        counter.do_count(["example-search_1"])
    # The first look pushed the first impression; the other four wait in the process.
    assert redis_client.hgetall(tally.hour_key(tally.hour_bucket())) == {b"example-search_1": b"1"}
    counter.push()
    assert redis_client.hgetall(tally.hour_key(tally.hour_bucket())) == {b"example-search_1": b"5"}


def test_redis_keys_name_only_the_hour_and_the_source(redis_client: Any) -> None:
    store = tally.RedisTally(redis_client)
    store.add("example-search_1", hour=HOUR)
    keys = sorted(k.decode() for k in redis_client.keys("*"))
    assert keys == ["platforms:imp:2026120120", "platforms:imp:hours"]
    assert redis_client.hgetall("platforms:imp:2026120120") == {b"example-search_1": b"1"}
    assert 0 < redis_client.ttl("platforms:imp:2026120120") <= tally.PENDING_TTL_SECONDS
