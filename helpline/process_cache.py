"""A small per-process cache of one value read from the database (triage catalogue, opening hours).

Keeps: one value in this process's memory for `seconds`. `clear()` drops it at once; a read that
was in flight while it was cleared is not stored (a generation counter), so an edit is never
overwritten by a reader that saw the old rows. Model signals call `clear_now_and_on_commit`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class ProcessCache(Generic[T]):
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._lock = threading.Lock()
        self._cached: tuple[float, T] | None = None
        self._generation = 0

    def get(self, load: Callable[[], T], *, now: float) -> T:
        """The cached value, or `load()` when it is missing or older than `seconds` at `now`."""
        with self._lock:
            if self._cached is not None and now - self._cached[0] < self.seconds:
                return self._cached[1]
            generation = self._generation
        value = load()
        with self._lock:
            if generation == self._generation:
                self._cached = (now, value)
        return value

    def clear(self, **_: object) -> None:
        with self._lock:
            self._cached = None
            self._generation += 1

    def clear_now_and_on_commit(self, **_: object) -> None:
        """For model signals: now, for this process's next read; and again after the commit, in
        case a read in another thread saw the old rows between the save and the commit."""
        from django.db import transaction

        self.clear()
        transaction.on_commit(self.clear)
