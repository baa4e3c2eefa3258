"""Impressions, counted without a database write per impression.

Keeps: per UTC hour, how many impressions each source code (`<partner>_<variant>`) had since the
last flush, and nothing else: no time finer than the hour, no address, no page. With Redis (the
service's shared Redis, REDIS_URL) they are one hash per hour, `platforms:imp:<YYYYMMDDHH>`, with
a field per source code, listed in the set `platforms:imp:hours`; each key expires after
PENDING_TTL_SECONDS in case nothing ever flushes it. Without Redis (the one-process mode) they are
a dictionary in this process's memory.

Each process first adds impressions to a dictionary in its own memory (no I/O per impression) and
pushes it to Redis every PUSH_SECONDS (one pipeline), and at exit; so a worker that crashes loses at
most that second's impressions.

The flush: a worker whose last look is PLATFORM_FLUSH_SECONDS old tries to take the flush lock
(`SET platforms:imp:flush NX EX <seconds>`; in memory, a per-process clock). The one that gets it
takes every pending hour out of the live store in one atomic step (a Lua script that reads and
deletes) and adds the counts to the hourly counters (helpline.counters) in one transaction: one
database trip per flush interval for all workers together, whatever the traffic. If the database
write fails, the counts are put back for the next flush. `manage.py flush_impressions` does the
same on demand (for a timer, or before reading the funnel).
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any, Final, Protocol

from django.conf import settings
from django.db import transaction

from helpline.counters import dimension, do_count_rows, hour_bucket

logger = logging.getLogger(__name__)

IMPRESSION: Final = "platform.impression"  # [source: <partner>_<variant>]
KEY_PREFIX: Final = "platforms:imp:"
HOURS_KEY: Final = "platforms:imp:hours"
LOCK_KEY: Final = "platforms:imp:flush"
PENDING_TTL_SECONDS: Final = 7 * 86400
# How often a process adds the impressions it holds to the shared tally (Redis).
PUSH_SECONDS: Final = 1.0
_HOUR_FORMAT: Final = "%Y%m%d%H"

# Pending counts, keyed by (UTC hour, source code).
Counts = dict[tuple[datetime, str], int]

# Reads and deletes every pending hour in one step, so that no impression is counted twice or
# lost between the read and the delete, whichever workers add at the same moment.
_TAKE_ALL = """
local hours = redis.call('SMEMBERS', KEYS[1])
local out = {}
for _, key in ipairs(hours) do
  local fields = redis.call('HGETALL', key)
  redis.call('DEL', key)
  redis.call('SREM', KEYS[1], key)
  table.insert(out, key)
  table.insert(out, fields)
end
return out
"""


def hour_key(hour: datetime) -> str:
    return KEY_PREFIX + hour.astimezone(UTC).strftime(_HOUR_FORMAT)


def hour_of_key(key: str) -> datetime:
    return datetime.strptime(key.removeprefix(KEY_PREFIX), _HOUR_FORMAT).replace(tzinfo=UTC)


class Tally(Protocol):
    def add(self, source: str, *, hour: datetime) -> None: ...
    def take(self) -> Counts: ...
    def give_back(self, counts: Mapping[tuple[datetime, str], int]) -> None: ...
    def try_lock(self, seconds: float) -> bool: ...


class MemoryTally:
    """The one-process tally: a dictionary under a lock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counts = {}
        self._locked_until = 0.0

    def add(self, source: str, *, hour: datetime) -> None:
        with self._lock:
            self._counts[(hour, source)] = self._counts.get((hour, source), 0) + 1

    def take(self) -> Counts:
        with self._lock:
            taken, self._counts = self._counts, {}
        return taken

    def give_back(self, counts: Mapping[tuple[datetime, str], int]) -> None:
        with self._lock:
            for key, n in counts.items():
                self._counts[key] = self._counts.get(key, 0) + n

    def try_lock(self, seconds: float) -> bool:
        now = time.monotonic()
        with self._lock:
            if now < self._locked_until:
                return False
            self._locked_until = now + seconds
            return True


class RedisTally:
    """The shared tally: HINCRBY on one hash per hour, in Redis."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self._take = client.register_script(_TAKE_ALL)

    def add(self, source: str, *, hour: datetime) -> None:
        key = hour_key(hour)
        pipe = self.client.pipeline(transaction=False)
        pipe.hincrby(key, source, 1)
        pipe.sadd(HOURS_KEY, key)
        pipe.expire(key, PENDING_TTL_SECONDS)
        pipe.execute()

    def take(self) -> Counts:
        flat = self._take(keys=[HOURS_KEY])
        counts: Counts = {}
        for key, fields in zip(flat[::2], flat[1::2], strict=True):
            hour = hour_of_key(key.decode() if isinstance(key, bytes) else key)
            for name, value in zip(fields[::2], fields[1::2], strict=True):
                source = name.decode() if isinstance(name, bytes) else name
                counts[(hour, source)] = counts.get((hour, source), 0) + int(value)
        return counts

    def give_back(self, counts: Mapping[tuple[datetime, str], int]) -> None:
        pipe = self.client.pipeline(transaction=False)
        for (hour, source), n in counts.items():
            key = hour_key(hour)
            pipe.hincrby(key, source, n)
            pipe.sadd(HOURS_KEY, key)
            pipe.expire(key, PENDING_TTL_SECONDS)
        pipe.execute()

    def try_lock(self, seconds: float) -> bool:
        return bool(self.client.set(LOCK_KEY, b"1", nx=True, ex=max(1, int(seconds))))


def write_counts(counts: Mapping[tuple[datetime, str], int]) -> None:
    """Add flushed impressions to the hourly counters: the total and the source, per hour, at once."""
    with transaction.atomic():
        for (hour, source), n in sorted(counts.items()):
            if n > 0:
                do_count_rows(IMPRESSION, ["", dimension("source", source)], n=n, at=hour)


def flush(tally: Tally) -> int:
    """Move every pending impression into the counters; the number moved. Failure puts them back."""
    counts = tally.take()
    if not counts:
        return 0
    try:
        write_counts(counts)
    except Exception:
        tally.give_back(counts)
        logger.warning("impressions could not be written to the counters; kept for the next flush")
        raise
    return sum(counts.values())


class Impressions:
    """Counts impressions and moves them on; the embed's one entry point.

    An impression is one addition to a dictionary in this process (`local`, under a lock: no I/O
    at all). Every PUSH_SECONDS the process adds what it holds to the shared tally (Redis) in one
    pipeline, and every `flush_seconds` the worker that takes the lock flushes the shared tally to
    the counters. Without Redis the local dictionary is the tally and only the flush happens. At
    exit a process pushes what it still holds.
    """

    def __init__(self, tally: Tally, *, flush_seconds: float, push_seconds: float = PUSH_SECONDS) -> None:
        self.tally = tally
        self.local: MemoryTally = tally if isinstance(tally, MemoryTally) else MemoryTally()
        self.flush_seconds = flush_seconds
        self.push_seconds = push_seconds
        self._next_push = 0.0
        self._next_flush = 0.0
        self._look_lock = threading.Lock()

    def add(self, sources: Iterable[str], *, at: datetime | None = None) -> None:
        """Count, without any I/O (safe on the event loop)."""
        hour = hour_bucket(at)
        for source in sources:
            self.local.add(source, hour=hour)

    def do_count(self, sources: Iterable[str], *, at: datetime | None = None) -> None:
        """Count, and push or flush if one is due (from a thread, never the event loop)."""
        self.add(sources, at=at)
        self.maybe_flush()

    def push(self) -> None:
        if self.local is self.tally:
            return
        counts = self.local.take()
        if not counts:
            return
        try:
            self.tally.give_back(counts)
        except Exception:
            self.local.give_back(counts)
            logger.warning("impressions could not be pushed to the live store; kept for the next push")

    def maybe_flush(self) -> None:
        now = time.monotonic()
        with self._look_lock:
            push_due = now >= self._next_push
            flush_due = now >= self._next_flush
            if push_due:
                self._next_push = now + self.push_seconds
            if flush_due:
                self._next_flush = now + self.flush_seconds
        if push_due:
            self.push()
        if flush_due:
            try:
                if self.tally.try_lock(self.flush_seconds):
                    flush(self.tally)
            except Exception:
                logger.warning("the impression flush failed; it is tried again in %s s", self.flush_seconds)


_impressions: Impressions | None = None
_singleton_lock = threading.Lock()


def uses_redis() -> bool:
    return bool(settings.REDIS_URL or settings.REDIS_HOSTS or settings.REDIS_SENTINELS)


def impressions() -> Impressions:
    """This process's counter: on the service's Redis when there is one, else in memory."""
    global _impressions
    if _impressions is not None:
        return _impressions
    with _singleton_lock:
        if _impressions is None:
            if uses_redis():
                from helpline.redis_conn import make_redis_client

                tally: Tally = RedisTally(
                    make_redis_client(async_=False, socket_timeout=0.5, socket_connect_timeout=0.5)
                )
            else:
                tally = MemoryTally()
            _impressions = Impressions(tally, flush_seconds=float(settings.PLATFORM_FLUSH_SECONDS))
            atexit.register(_impressions.push)
        return _impressions


def flush_now() -> int:
    """Push this process's impressions and flush the shared tally (the funnel page, the command)."""
    counter = impressions()
    counter.push()
    return flush(counter.tally)
