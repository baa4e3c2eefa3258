"""What both websocket consumers share: the reading loop, the frame budget, parsing, and outages.

Keeps nothing beyond the socket: its budget, a count of violations, and whether it has told its
client that the store is unavailable. Logs no frame, reads no address. The two state machines that
build on this are in chat.consumers.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from typing import Any

from channels.consumer import get_handler_name
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.layers import get_channel_layer

from chat import flood, health, protocol
from chat.store.base import StoreUnavailable

logger = logging.getLogger(__name__)

try:  # Daphne (through autobahn) raises this when a consumer sends to a socket that has closed.
    from autobahn.exception import Disconnected as _Disconnected

    CLIENT_GONE: tuple[type[BaseException], ...] = (_Disconnected,)
except ImportError:  # another ASGI server
    CLIENT_GONE = ()

MAX_VIOLATIONS = 5


class BaseConsumer(AsyncWebsocketConsumer):
    schemas: dict[str, protocol.Schema] = {}
    throttled: int

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        # Daphne's `receive` is the `get` of this socket's queue of frames read but not yet handled.
        self.backlog = getattr(getattr(receive, "__self__", None), "qsize", None)
        self.flood_seen = False
        # Under Daphne: count frames as they are parsed and stop reading a flood (chat.flood).
        flood.guard(send, allowance=self.flood_allowance, max_backlog=flood.MAX_BACKLOG, tripped=self.flood_tripped)
        # What channels.consumer.AsyncConsumer.__call__ does, with a cheaper dispatch loop.
        self.scope = scope
        # Held while one event is handled, and by the store-back checks (chat.health), which run
        # in the janitor's task: what they send must not interleave with relayed frames.
        self.turn = asyncio.Lock()
        self.channel_layer = get_channel_layer(self.channel_layer_alias)
        self.base_send = send
        sources = [receive]
        if self.channel_layer is not None:
            self.channel_name = await self.channel_layer.new_channel()
            self.channel_receive = functools.partial(self.channel_layer.receive, self.channel_name)
            sources.append(self.channel_receive)
        try:
            await flood.dispatch_from(sources, self.dispatch)
        except StopConsumer:
            pass

    def flood_allowance(self) -> float:
        budget = getattr(self, "budget", None)
        return flood.FLOOD_BURSTS * (budget.burst if budget is not None else 60)

    def flood_tripped(self) -> None:
        self.flood_seen = True

    def flooded(self) -> bool:
        """The gate stopped reading, or more frames wait than any budget allows."""
        return self.flood_seen or (self.backlog is not None and self.backlog() > flood.MAX_BACKLOG)

    async def websocket_flood(self, message: dict[str, Any]) -> None:
        """chat.flood stopped reading this socket: say so and close (4429), once."""
        await self.cut_off_flood()

    async def cut_off_flood(self) -> None:
        if self.throttled < flood.MAX_THROTTLED:
            self.throttled = flood.MAX_THROTTLED
            await self.send(text_data=protocol.error_frame("rate_limited", "too many frames; slow down"))
            await self.close_flood()

    async def websocket_connect(self, message: dict[str, Any]) -> None:
        self.violations = 0
        self.throttled = 0
        self.told_unavailable = False
        self.last_activity = time.monotonic()
        self.budget = flood.FrameBudget(frames_per_second=20, burst=60, bytes_per_second=512 * 1024)
        health.watch(self)
        await super().websocket_connect(message)

    async def websocket_disconnect(self, message: dict[str, Any]) -> None:
        health.unwatch(self)
        await super().websocket_disconnect(message)

    # -- the live-state store (and the channel layer, both Redis) going away and coming back -------
    async def unavailable(self) -> None:
        await self.send(text_data=protocol.error_frame("store_unavailable", "please wait a moment and try again"))

    async def store_down(self) -> None:
        """chat.health: this worker cannot reach the store. Say so once; the socket stays open."""
        if not self.told_unavailable:
            self.told_unavailable = True
            await self.unavailable()

    async def store_back(self) -> None:
        """chat.health: the store answers again. Subclasses check what they were part of."""
        self.told_unavailable = False

    async def layer_unavailable(self, event: dict[str, Any]) -> None:
        """chat.layers: this socket's channel could not be read (Redis is down)."""
        await self.store_down()

    async def close_flood(self) -> None:
        """Close with 4429; under Daphne, stop parsing what the client still sends.

        Daphne parses every frame a client sends until the close handshake ends, and a flooding
        client does not stop to answer it; so what it still sends is read and thrown away
        unparsed (chat.flood.discard_input) until it closes or autobahn drops it a second later.
        (Elsewhere, e.g. in the test communicator, the close alone is enough.)
        """
        await self.close(code=protocol.CLOSE_RATE_LIMITED)
        flood.discard_input(self.base_send)

    async def dispatch(self, message: dict[str, Any]) -> None:
        # Channels closes stale database connections before every handler, which is a hop to the
        # sync thread for every frame and every relayed event. No handler here uses the database
        # on that thread: what touches it goes through database_sync_to_async (which closes stale
        # connections itself) or sync_to_async in worker threads. So the hop is skipped.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"no handler for message type {message['type']}")
        async with self.turn:
            await handler(message)

    async def send_frames(self, frames: list[str]) -> None:
        for text in frames:
            await self.send(text_data=text)

    async def violation(self, code: str, message: str) -> None:
        self.violations += 1
        await self.send(text_data=protocol.error_frame(code, message))
        if self.violations >= MAX_VIOLATIONS:
            await self.close(code=protocol.CLOSE_BAD_FRAME)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        self.last_activity = time.monotonic()
        size = len(text_data) if text_data is not None else len(bytes_data or b"")
        if self.flooded():
            await self.cut_off_flood()
            return
        if not self.budget.take(size):
            # Over budget: the frame is dropped (and said so once). Not waiting here is what makes
            # a flood cheap to end: its queued frames are counted off at once, then it is closed.
            self.throttled += 1
            if self.throttled == 1:
                await self.send(text_data=protocol.error_frame("rate_limited", "too many frames; slow down"))
            if self.throttled == flood.MAX_THROTTLED:
                await self.close_flood()
            return
        self.throttled = 0
        if bytes_data is not None:
            await self.violation("bad_frame", "only text frames are accepted")
            return
        try:
            frame = protocol.parse_frame(text_data, self.schemas)
        except protocol.FrameError as exc:
            await self.violation(exc.code, exc.message)
            return
        try:
            await getattr(self, "on_" + frame.type)(frame)
        except StoreUnavailable:
            await self.unavailable()
        except Exception as exc:
            # Never a stack trace to the client, never the frame in the log: the exception's type
            # only, since its message or a traceback can carry a session id or frame values.
            logger.error("%s failed handling a %s frame: %s", type(self).__name__, frame.type, exc.__class__.__name__)
            await self.send(text_data=protocol.error_frame("server_error", "something went wrong on our side"))

    async def send(self, text_data: str | None = None, bytes_data: bytes | None = None, close: bool = False) -> None:
        """Send, unless the client has already gone: a frame for a closed socket is not an error.

        Relayed ciphertext stays in the store until acknowledged, so nothing is lost; the other
        side learns of the drop through `peer` frames.
        """
        try:
            await super().send(text_data=text_data, bytes_data=bytes_data, close=close)
        except CLIENT_GONE:
            pass

    # -- events from other sockets (chat.bus) ------------------------------------------------------------
    async def relay_text(self, event: dict[str, Any]) -> None:
        """A frame that changes nothing here (ciphertext, acknowledgements, handshake halves, `peer`):
        forwarded unchanged. The raw path: the store may publish these itself (chat.layers)."""
        await self.send(text_data=event["text"])

    async def socket_close(self, event: dict[str, Any]) -> None:
        """This socket was superseded by a newer one of the same seeker or counsellor."""
        await self.close(code=event.get("code", 1000))
