"""This worker's view of whether the live-state store answers, and who to tell when that changes.

The janitor asks the store twice a second anyway; it reports each answer here. When the store
stops answering, every socket of this worker is told at once (`store_down`); when it answers
again, every socket checks that what it was part of still exists (`store_back`): Redis keeps
nothing on disk, so after a restart the chats that were live are gone and both sides are told so.

Keeps, in this process only: a weak set of the open consumers and one flag. No identifiers.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from typing import Protocol

logger = logging.getLogger(__name__)


class Watcher(Protocol):
    async def store_down(self) -> None: ...

    async def store_back(self) -> None: ...


_watchers: weakref.WeakSet[Watcher] = weakref.WeakSet()  # type: ignore[type-var]
_state = {"down": False}


def watch(consumer: Watcher) -> None:
    _watchers.add(consumer)


def unwatch(consumer: Watcher) -> None:
    _watchers.discard(consumer)


def is_down() -> bool:
    return _state["down"]


async def layer_answers(timeout: float = 2.0) -> bool:
    """A message sent through the channel layer comes back to this worker.

    After a Redis fail-over the store may answer (its connections found the new master) while
    this worker's pub/sub connection has not subscribed again yet: what is published to its
    sockets meanwhile is lost. So the store counts as back only when this also holds, and
    what sockets do when it is back (resend, redeliver) reaches them."""
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    if layer is None:
        return True
    channel = ""
    try:
        async with asyncio.timeout(timeout):
            # The default prefix, as /healthz does (helpline/views.py says why).
            channel = await layer.new_channel()
            await layer.send(channel, {"type": "health.probe"})
            message = await layer.receive(channel)
            return bool(message.get("type") == "health.probe")
    except Exception:
        return False
    finally:
        forget = getattr(layer, "forget_channel", None)
        if channel and forget is not None:
            await forget(channel)


async def report(*, answered: bool) -> None:
    """Record one answer (or failure) of the store; on a change, tell every socket of this worker."""
    if answered == (not _state["down"]):
        return
    _state["down"] = not answered
    if answered:
        logger.warning("live-state store answers again")
    else:
        logger.warning("live-state store does not answer")
    targets = list(_watchers)
    results = await asyncio.gather(
        *[(t.store_back() if answered else t.store_down()) for t in targets], return_exceptions=True
    )
    for result in results:
        if isinstance(result, Exception):
            logger.error("a socket failed to handle a store %s: %s", "recovery" if answered else "outage",
                         result.__class__.__name__)
