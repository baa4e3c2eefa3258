"""The janitor's periodic full collection: rare full collections (helpline/asgi.py) must not let
the cyclic garbage of closed sockets pile up in a quiet worker."""

from __future__ import annotations

import gc
import time
import weakref

from chat import janitor


class Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the collector frees it


def test_it_collects_cyclic_garbage_once_the_interval_has_passed() -> None:
    before = gc.get_threshold()
    gc.disable()  # only the janitor collects in this test
    try:
        moment = time.monotonic()
        janitor.collect_when_due(moment + janitor.FULL_COLLECTION_SECONDS)  # start the interval now
        node = Node()
        alive = weakref.ref(node)
        del node
        assert not janitor.collect_when_due(moment + janitor.FULL_COLLECTION_SECONDS + 1)
        assert alive() is not None
        assert janitor.collect_when_due(moment + 2 * janitor.FULL_COLLECTION_SECONDS + 1)
        assert alive() is None
    finally:
        gc.enable()
        gc.set_threshold(*before)
