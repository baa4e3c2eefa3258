"""The janitor: one background task per worker process that acts on due deadlines.

Grace periods and idle time-outs are deadlines in the live-state store; `pop_due` hands each
one to exactly one worker, so any number of workers can run a janitor. Each tick also tells
chat.health whether the store answered, which is how this worker's sockets learn of an outage
and of the store's return. It also samples staffed
capacity once a minute (one worker per minute, by lock) into aggregate counters.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import time
import weakref

from django.conf import settings

from chat import health, live
from chat.store import live_store
from chat.store.base import StoreUnavailable

logger = logging.getLogger(__name__)
_task: asyncio.Task[None] | None = None
TICK_SECONDS = 0.5
# Tests switch this off and call tick() themselves, so time-outs happen exactly when they say.
AUTOSTART = True


def ensure_running() -> None:
    """Start this process's janitor if it is not running (called by every consumer's connect)."""
    global _task
    if not AUTOSTART:
        return
    loop = asyncio.get_running_loop()
    if _task is None or _task.done() or _task.get_loop() is not loop:
        _task = loop.create_task(run_forever(), name="helpline-janitor")


# helpline/asgi.py makes the collector's full collections rare (they pause a busy worker for
# 100-500 ms); the janitor still runs one every ten minutes, so the cyclic garbage of closed
# sockets cannot pile up for hours in a quiet worker. At that interval a pause touches about
# 0.1% of the time (docs/PERFORMANCE.md).
FULL_COLLECTION_SECONDS = 600.0
_collected_at = time.monotonic()


def collect_when_due(moment: float) -> bool:
    """A full garbage collection if the last one is FULL_COLLECTION_SECONDS old (monotonic time)."""
    global _collected_at
    if moment - _collected_at < FULL_COLLECTION_SECONDS:
        return False
    _collected_at = moment
    gc.collect()
    return True


async def run_forever() -> None:
    while True:
        collect_when_due(time.monotonic())
        try:
            await tick()
        except StoreUnavailable:
            await health.report(answered=False)
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("janitor tick failed")
        else:
            # Back from an outage only when this worker's channel-layer subscription is back too
            # (chat.health.layer_answers says why).
            await health.report(answered=not health.is_down() or await health.layer_answers())
        await asyncio.sleep(TICK_SECONDS)


# The store's instance marker as last seen, per store object (a new object starts afresh).
_markers: weakref.WeakKeyDictionary[object, str] = weakref.WeakKeyDictionary()


async def tick() -> None:
    store = live_store()
    moment = time.time()
    marker = await store.instance_marker()
    seen = _markers.get(store)
    if seen and marker != seen:
        # Redis restarted (however briefly): what this worker's sockets were part of is gone.
        await health.report(answered=False)
    _markers[store] = marker
    for kind, sid in await store.pop_due(moment):
        await handle(kind, sid, moment)
    if await store.try_lock(f"sample:{int(moment // 60)}", 120):
        await live.do_sample_capacity()


async def handle(kind: str, sid: str, moment: float) -> None:
    store = live_store()
    chat = await store.get_chat(sid)
    if chat is None:
        return
    if kind == "sgrace":
        if not chat.seeker_online:
            await live.do_end_chat(sid=sid, reason="seeker_lost", ended_by="dropped")
    elif kind == "cgrace":
        if not chat.counsellor_online:
            await live.do_requeue(sid=sid)
    elif kind == "sidle":
        queued = chat.state == "queued"
        limit = settings.SEEKER_QUEUE_IDLE_SECONDS if queued else settings.SEEKER_CHAT_IDLE_SECONDS
        quiet_since = chat.last_seeker_activity or chat.enqueued_at
        if moment - quiet_since < limit - settings.IDLE_WARNING_SECONDS - 1:
            await live.arm_idle(sid, queued=queued, since=quiet_since)  # there was activity: look again later
            return
        await live.do_warn_idle(chat=chat, moment=moment)
    elif kind == "sidle_end":
        quiet_since = chat.last_seeker_activity or chat.enqueued_at
        if moment - quiet_since < settings.IDLE_WARNING_SECONDS:
            await live.arm_idle(sid, queued=chat.state == "queued", since=quiet_since)
            return
        await live.do_end_chat(sid=sid, reason="idle", ended_by="timeout")
