"""A socket's frame budget, its reader loop, and the gate that cuts a flood off where Daphne reads it.

Keeps nothing beyond the socket: its budget's tokens and a count of the frames read in the current
second.

`FrameBudget` is what every socket may send (docs/PROTOCOL.md 3.6); `dispatch_from` hands the
consumer its events one at a time; `guard` cuts off a flooding socket before its frames reach
the application.

Why the gate works where Daphne reads, not only in the consumer: Daphne (through autobahn) reads a
client's bytes in chunks of 64 KiB, parses every frame of a chunk in one go and puts each on the
application's queue. A socket that writes as fast as TCP allows fills the queue with thousands of
frames per chunk; the consumer reaches them only between chunks, and every chunk blocks the event
loop that all the other sockets of the worker share. Measured
(tests/chat/test_resilience_flood.py): the consumer needed one to three seconds to see the flood,
and the other chats' p99 latency went from about 60 ms to 1.2 to 2.8 s meanwhile. The gate below
counts frames as Daphne parses them; once a socket clearly exceeds what its budget could ever let
through (three times its burst within a second, or a backlog the consumer cannot have caused), it
stops reading the connection (the kernel's TCP window then holds the flooder back at no cost to
us), drops the frames already read but not yet queued, and tells the consumer, which says
`rate_limited` and closes with 4429 as documented.
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Awaitable, Callable
from typing import Any


class FrameBudget:
    """Per-socket token buckets for frames and bytes: bursts pass, a flood is cut off.

    A chat's normal traffic (a person typing, acknowledgements, a resend of what was not
    acknowledged after a reconnect) stays far inside it; the counsellor's socket gets a budget
    scaled by its chat limit.
    """

    def __init__(self, *, frames_per_second: float, burst: int, bytes_per_second: float) -> None:
        self.rate, self.burst, self.byte_rate = frames_per_second, float(burst), bytes_per_second
        self.tokens, self.byte_tokens = float(burst), bytes_per_second * 2
        self.stamp = time.monotonic()

    def take(self, size: int) -> bool:
        """True if a frame of `size` bytes fits now (and takes it from the budget)."""
        moment = time.monotonic()
        elapsed, self.stamp = moment - self.stamp, moment
        self.tokens = min(self.burst, self.tokens + elapsed * self.rate)
        self.byte_tokens = min(self.byte_rate * 2, self.byte_tokens + elapsed * self.byte_rate)
        if self.tokens < 1 or self.byte_tokens < size:
            return False
        self.tokens -= 1
        self.byte_tokens -= size
        return True


# A socket that sends this many frames in a row beyond its budget is closed with 4429. Daphne
# reads and parses every frame a client sends whatever the consumer does, so a flood is only
# cheap once it is closed.
MAX_THROTTLED = 20
# Frames read from one socket and waiting for its consumer: far more than the largest budget lets
# through in a second. Under a flood Daphne parses faster than the consumer is scheduled, so the
# budget alone would see only a trickle; the waiting queue shows the flood at once.
MAX_BACKLOG = 2000
# Under Daphne, chat.flood cuts a socket off as it is read once it sends more than this many
# times its burst within a second: well beyond what the budget lets through (burst + a second's
# rate + MAX_THROTTLED), so only a socket that would be closed anyway is cut off earlier.
FLOOD_BURSTS = 3


async def dispatch_from(sources: list[Callable[[], Awaitable[Any]]], dispatch: Callable[[Any], Awaitable[None]]
                        ) -> None:
    """Hand every event from `sources` (the socket, the channel layer) to `dispatch`, one at a time.

    channels.utils.await_many_dispatch does this with a new task and an `asyncio.wait` for every
    event, four times per relayed message with its acknowledgement. Here one long-lived reader per
    source hands its events over through a one-place box, so a source is not read further until
    its last event was taken (Daphne's queue of unhandled frames still shows a backlog to the
    flood check) and an event costs two wake-ups, not a task.
    """
    box: asyncio.Queue[tuple[Any, BaseException | None]] = asyncio.Queue(maxsize=1)

    async def read(source: Callable[[], Awaitable[Any]]) -> None:
        while True:
            try:
                event = await source()
            except asyncio.CancelledError:
                raise
            except BaseException as exc:  # handed over, raised by the loop as await_many_dispatch does
                await box.put((None, exc))
                return
            await box.put((event, None))

    readers = [asyncio.ensure_future(read(source)) for source in sources]
    try:
        while True:
            event, error = await box.get()
            if error is not None:
                raise error
            await dispatch(event)
    finally:
        for reader in readers:
            reader.cancel()
            try:
                await reader
            except asyncio.CancelledError:
                pass


# An event the gate puts on the application's queue; Channels dispatches it to `websocket_flood`.
FLOOD_EVENT = {"type": "websocket.flood"}


class FrameWindow:
    """Frames counted per one-second window (pure: the caller gives the time)."""

    def __init__(self, *, now: float) -> None:
        self.start, self.count = now, 0

    def add(self, *, now: float) -> int:
        """Count one frame; return how many the current window holds."""
        if now - self.start >= 1.0:
            self.start, self.count = now, 0
        self.count += 1
        return self.count


def daphne_protocol(send: Any) -> Any:
    """Daphne's websocket protocol under an ASGI `send`, or None.

    Daphne hands each application `partial(server.handle_reply, protocol)`; Channels' session
    middleware wraps it in a method of an object that keeps it as `real_send`. Anything else
    (another server, the test communicator) gives None.
    """
    for _ in range(5):
        if isinstance(send, functools.partial):
            return send.args[0] if send.args else None
        send = getattr(getattr(send, "__self__", None), "real_send", None)
        if send is None:
            return None
    return None


def guard(send: Any, *, allowance: Callable[[], float], max_backlog: int, tripped: Callable[[], None]) -> bool:
    """Put the gate in front of the consumer under Daphne; False (and nothing done) elsewhere.

    `allowance()` is how many frames a second the socket may send before it counts as a flood;
    `tripped()` is called once, when it does (the gate has then stopped reading the connection).
    """
    protocol = daphne_protocol(send)
    transport: Any = getattr(protocol, "transport", None)
    deliver = getattr(protocol, "onMessage", None)
    if deliver is None or not hasattr(transport, "pauseProducing"):
        return False
    window = FrameWindow(now=time.monotonic())
    shut = False

    def on_message(payload: bytes, is_binary: bool) -> None:
        nonlocal shut
        if shut:
            return  # read before the pause took effect: dropped without reaching the queue
        queue = getattr(protocol, "application_queue", None)
        backlog = queue.qsize() if queue is not None else 0
        if window.add(now=time.monotonic()) > allowance() or backlog > max_backlog:
            shut = True
            transport.pauseProducing()
            if queue is not None:
                queue.put_nowait(dict(FLOOD_EVENT))
            tripped()
            return
        deliver(payload, is_binary)

    protocol.onMessage = on_message
    return True


def discard_input(send: Any) -> bool:
    """After the close frame is out: read what the client still sends and throw it away unparsed.

    Closing a TCP connection with unread bytes makes the kernel reset it, and the reset can
    overtake the close frame (the client then sees 1006, not 4429). So the connection is read
    again, at the cost of a recv per chunk, until the client closes or autobahn's close-handshake
    timeout (a second) drops it. False (and nothing done) when not under Daphne.
    """
    protocol = daphne_protocol(send)
    transport: Any = getattr(protocol, "transport", None)
    if protocol is None or not hasattr(transport, "resumeProducing"):
        return False
    protocol.dataReceived = lambda data: None
    transport.resumeProducing()
    return True
