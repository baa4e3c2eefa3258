"""Websocket consumers: parse, call one service function, reply. Nothing here keeps state that
matters beyond the socket, logs a frame, or reads an address (only the keyed hash of it)."""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from channels.consumer import get_handler_name
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.layers import get_channel_layer
from django.conf import settings

from chat import flood, health, janitor, live, positions, protocol
from chat.access import StaffIdentity, refresh_staff_session, socket_staff_identity
from chat.domain import Chat, Presence
from chat.store.base import StoreUnavailable
from helpline.addresses import scope_address_key

logger = logging.getLogger(__name__)

try:  # Daphne (through autobahn) raises this when a consumer sends to a socket that has closed.
    from autobahn.exception import Disconnected as _Disconnected

    CLIENT_GONE: tuple[type[BaseException], ...] = (_Disconnected,)
except ImportError:  # another ASGI server
    CLIENT_GONE = ()

MAX_VIOLATIONS = 5
# The `ended` reason when live state was lost (Redis restarted): the chat cannot go on.
REASON_INTERRUPTED = "interrupted"
# The counsellor socket re-checks its staff session every 30 ticks of 2 s (a minute).
SESSION_CHECK_TICKS = 30


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


class BaseConsumer(AsyncWebsocketConsumer):
    schemas: dict[str, protocol.Schema] = {}
    throttled: int

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        # Daphne's `receive` is the `get` of this socket's queue of frames read but not yet handled.
        self.backlog = getattr(getattr(receive, "__self__", None), "qsize", None)
        self.flood_seen = False
        # Under Daphne: count frames as they are parsed and stop reading a flood (chat.flood).
        flood.guard(send, allowance=self.flood_allowance, max_backlog=MAX_BACKLOG, tripped=self.flood_tripped)
        # What channels.consumer.AsyncConsumer.__call__ does, with a cheaper dispatch loop.
        self.scope = scope
        self.channel_layer = get_channel_layer(self.channel_layer_alias)
        self.base_send = send
        sources = [receive]
        if self.channel_layer is not None:
            self.channel_name = await self.channel_layer.new_channel()
            self.channel_receive = functools.partial(self.channel_layer.receive, self.channel_name)
            sources.append(self.channel_receive)
        try:
            await dispatch_from(sources, self.dispatch)
        except StopConsumer:
            pass

    def flood_allowance(self) -> float:
        budget = getattr(self, "budget", None)
        return FLOOD_BURSTS * (budget.burst if budget is not None else 60)

    def flood_tripped(self) -> None:
        self.flood_seen = True

    def flooded(self) -> bool:
        """The gate stopped reading, or more frames wait than any budget allows."""
        return self.flood_seen or (self.backlog is not None and self.backlog() > MAX_BACKLOG)

    async def websocket_flood(self, message: dict[str, Any]) -> None:
        """chat.flood stopped reading this socket: say so and close (4429), once."""
        await self.cut_off_flood()

    async def cut_off_flood(self) -> None:
        if self.throttled < MAX_THROTTLED:
            self.throttled = MAX_THROTTLED
            await self.send(text_data=protocol.error_frame("rate_limited", "too many frames; slow down"))
            await self.close_flood()

    async def websocket_connect(self, message: dict[str, Any]) -> None:
        self.violations = 0
        self.throttled = 0
        self.told_unavailable = False
        self.last_activity = time.monotonic()
        self.budget = FrameBudget(frames_per_second=20, burst=60, bytes_per_second=512 * 1024)
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
            if self.throttled == MAX_THROTTLED:
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
        except Exception:
            # Never a stack trace to the client, never the frame in the log.
            logger.exception("%s failed handling a %s frame", type(self).__name__, frame.type)
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

    async def relay_text(self, event: dict[str, Any]) -> None:
        await self.send(text_data=event["text"])

    async def seeker_close(self, event: dict[str, Any]) -> None:
        await self.close(code=event.get("code", 1000))


class SeekerConsumer(BaseConsumer):
    """`/ws/seeker/`: anonymous. The only identifier is the chat id the server made up."""

    schemas = protocol.SEEKER_IN

    async def connect(self) -> None:
        self.sid: str | None = None
        self.state = "new"  # new | queued | chat | ended
        self.feedback_sent = False
        self.addr = await scope_address_key(self.scope)
        await self.accept()
        try:
            janitor.ensure_running()
            if await live.store().hit(f"conn:{self.addr}", 60) > settings.SEEKER_CONNECTIONS_PER_MINUTE:
                await self.send(text_data=protocol.error_frame("rate_limited", "too many connections; wait a minute"))
                await self.close(code=protocol.CLOSE_RATE_LIMITED)
        except StoreUnavailable:
            await self.unavailable()

    async def disconnect(self, code: int) -> None:
        self.stop_position_updates()
        if self.sid and self.state in ("queued", "chat"):
            try:
                await live.do_seeker_disconnect(sid=self.sid, channel=self.channel_name)
            except StoreUnavailable:
                pass

    async def store_back(self) -> None:
        await super().store_back()
        if not self.need_chat():
            return
        try:
            chat = await live.store().get_chat(self.sid)  # type: ignore[arg-type]
        except StoreUnavailable:
            return
        if chat is None:
            # Redis came back empty: the chat is gone, and the person is told so plainly.
            self.stop_position_updates()
            self.state = "ended"
            await self.send(text_data=protocol.frame("ended", reason=REASON_INTERRUPTED))
        elif self.state == "queued":
            self.start_position_updates()

    # -- position updates (chat.positions computes them for every waiting socket at once) -----------
    def start_position_updates(self, chat: Chat | None = None, told: tuple[int, int | None] | None = None) -> None:
        if self.sid is not None:
            positions.board().watch(self.channel_name, self.sid, self.send_position, chat, told)

    def stop_position_updates(self) -> None:
        positions.board().unwatch(self.channel_name)

    async def send_position(self, text: str) -> None:
        if self.state == "queued":  # not after `assigned` or `ended`, whatever the board computed
            await self.send(text_data=text)

    # -- frames --------------------------------------------------------------------------------------
    def need_chat(self) -> bool:
        return self.sid is not None and self.state in ("queued", "chat")

    async def on_join(self, frame: protocol.Frame) -> None:
        if self.state != "new":
            await self.violation("not_allowed", "this socket has already joined")
            return
        outcome = await live.do_join(frame=frame, channel=self.channel_name, addr=self.addr)
        await self.send_frames(outcome.frames)
        if outcome.chat is not None:
            self.sid, self.state = outcome.chat.sid, "queued"
            self.start_position_updates(outcome.chat, outcome.position)
        elif outcome.close_code is not None:
            self.state = "ended"
            await self.close(code=outcome.close_code)

    async def on_resume(self, frame: protocol.Frame) -> None:
        if self.state != "new":
            await self.violation("not_allowed", "this socket has already joined")
            return
        outcome = await live.do_seeker_resume(token=frame["token"], channel=self.channel_name)
        await self.send_frames(outcome.frames)
        if outcome.chat is None:
            self.state = "ended"
            return
        self.sid = outcome.chat.sid
        self.state = "queued" if outcome.chat.state == "queued" else "chat"
        if self.state == "queued":
            self.start_position_updates()

    async def on_hs_init(self, frame: protocol.Frame) -> None:
        if not self.need_chat():
            await self.violation("not_in_chat", "join first")
            return
        error = await live.do_hs_init(sid=self.sid, eph=frame["eph"])  # type: ignore[arg-type]
        if error:
            await self.send(text_data=error)

    async def on_hs_confirm(self, frame: protocol.Frame) -> None:
        if not self.need_chat():
            await self.violation("not_in_chat", "join first")
            return
        error = await live.do_hs_confirm(sid=self.sid, mac=frame["mac"])  # type: ignore[arg-type]
        if error:
            await self.send(text_data=error)

    async def on_msg(self, frame: protocol.Frame) -> None:
        if self.state != "chat":
            await self.violation("not_in_chat", "no chat is open")
            return
        reply = await live.do_relay(sid=self.sid, sender="s", seq=frame["seq"], ct=frame["ct"])  # type: ignore[arg-type]
        if reply:
            if reply.startswith('{"type":"ended"'):
                self.state = "ended"
            await self.send(text_data=reply)

    async def on_ack(self, frame: protocol.Frame) -> None:
        if self.state == "chat":
            await live.do_ack(sid=self.sid, receiver="s", seq=frame["seq"])  # type: ignore[arg-type]

    async def on_leave(self, frame: protocol.Frame) -> None:
        if not self.need_chat():
            return
        self.stop_position_updates()
        sid, self.state = self.sid, "ended"
        await live.do_end_chat(sid=sid, reason="seeker_left", ended_by="seeker")  # type: ignore[arg-type]

    async def on_feedback(self, frame: protocol.Frame) -> None:
        if self.state != "ended" or self.sid is None or self.feedback_sent:
            await self.violation("not_allowed", "feedback is given once, after a chat")
            return
        self.feedback_sent = True
        await self.send(text_data=await live.do_feedback(answers=frame["answers"]))

    async def on_ping(self, frame: protocol.Frame) -> None:
        if self.need_chat():
            await live.do_seeker_ping(sid=self.sid)  # type: ignore[arg-type]
        await self.send(text_data=protocol.frame("pong"))

    # -- events from other sockets and the janitor ------------------------------------------------------
    async def relay_text(self, event: dict[str, Any]) -> None:
        kind = event.get("kind")
        if kind == "assigned":
            self.state = "chat"
            self.stop_position_updates()
        elif kind == "requeued":
            self.state = "queued"
            self.start_position_updates()
        elif kind == "ended":
            self.state = "ended"
            self.stop_position_updates()
        await self.send(text_data=event["text"])


class CounsellorConsumer(BaseConsumer):
    """`/ws/counsellor/`: staff with a verified second factor; supervisors get the floor view."""

    schemas = protocol.COUNSELLOR_IN

    async def connect(self) -> None:
        self.staff: StaffIdentity | None = None
        self.ticker: asyncio.Task[None] | None = None
        self.sessions: set[str] = set()  # the chats this socket was told about, to say when one is lost
        if await self.too_many_connections():
            await self.accept()
            await self.send(text_data=protocol.error_frame("rate_limited", "too many connections; wait a minute"))
            await self.close(code=protocol.CLOSE_RATE_LIMITED)
            return
        self.staff = await socket_staff_identity(self.scope)
        if self.staff is None:
            await self.close(code=protocol.CLOSE_UNAUTHENTICATED)
            return
        await self.accept()
        janitor.ensure_running()
        # One counsellor socket carries several chats: its budget grows with the chat limit.
        scale = max(1, self.staff.limit)
        self.budget = FrameBudget(frames_per_second=20 * scale, burst=60 * scale, bytes_per_second=512 * 1024 * scale)
        try:
            if self.staff.is_supervisor:
                await self.channel_layer.group_add(live.SUPERVISORS_GROUP, self.channel_name)
            presence, frames = await self.register()
        except StoreUnavailable:
            await self.send(text_data=protocol.error_frame("store_unavailable", "live state is unavailable"))
            await self.close(code=protocol.CLOSE_UNAVAILABLE)
            return
        await self.send(text_data=protocol.frame(
            "hello", counsellor=self.staff.user_id, name=self.staff.pseudonym, supervisor=self.staff.is_supervisor,
        ))
        await self.send(text_data=self.status_frame(presence))
        await self.send_frames(frames)
        self.ticker = asyncio.get_running_loop().create_task(self.tick())

    async def too_many_connections(self) -> bool:
        """Connection attempts per keyed address hash, counted before the session is looked up."""
        addr = await scope_address_key(self.scope)
        try:
            return await live.store().hit(f"staffconn:{addr}", 60) > settings.STAFF_CONNECTIONS_PER_MINUTE
        except StoreUnavailable:
            return False  # cannot count now; the session check still applies

    async def register(self) -> tuple[Presence, list[str]]:
        """Presence for this socket, and the frames of the counsellor's chats (which it now carries)."""
        assert self.staff is not None
        presence, frames = await live.do_counsellor_connect(presence=Presence(
            user_id=self.staff.user_id, name=self.staff.pseudonym, state="break", limit=self.staff.limit,
            languages=self.staff.languages, pathways=self.staff.pathways, channel=self.channel_name, online=True,
            since=time.time(),
        ))
        self.sessions = {s for s in (chat_session(text) for text in frames) if s}
        return presence, frames

    async def store_back(self) -> None:
        """Register again (Redis may have restarted empty) and say which chats were lost."""
        await super().store_back()
        if self.staff is None:
            return
        before = set(self.sessions)
        try:
            if self.staff.is_supervisor:
                await self.channel_layer.group_add(live.SUPERVISORS_GROUP, self.channel_name)
            presence, frames = await self.register()
        except StoreUnavailable:
            return
        for sid in sorted(before - self.sessions):
            await self.send(text_data=protocol.frame("ended", session=sid, reason=REASON_INTERRUPTED))
        await self.send(text_data=self.status_frame(presence))
        await self.send_frames(frames)

    async def disconnect(self, code: int) -> None:
        if self.ticker is not None:
            self.ticker.cancel()
        if self.staff is None:
            return
        try:
            if self.staff.is_supervisor:
                await self.channel_layer.group_discard(live.SUPERVISORS_GROUP, self.channel_name)
            await live.do_counsellor_disconnect(counsellor=self.staff.user_id, channel=self.channel_name)
        except StoreUnavailable:
            pass

    async def relay_text(self, event: dict[str, Any]) -> None:
        kind, sid = event.get("kind"), event.get("session")
        if kind == "chat" and sid:
            self.sessions.add(sid)
        elif kind in ("ended", "reassigned") and sid:
            self.sessions.discard(sid)
        await self.send(text_data=event["text"])

    def audit_claim(self, chat: Chat) -> None:
        """On the database thread: the audit row of a claim."""
        write_audit(self.staff, "chat.claim", chat.priority)

    async def send_chat(self, text: str) -> None:
        """A `chat` frame for a chat this socket just took (what relay_text does for one sent here)."""
        if sid := chat_session(text):
            self.sessions.add(sid)
        await self.send(text_data=text)

    async def tick(self) -> None:
        """Push the queue summary (and, to supervisors, the floor) when it changes, at most each 2 s."""
        last_summary = last_floor = ""
        ticks = 0
        while True:
            ticks += 1
            if ticks % SESSION_CHECK_TICKS == 0:
                active = time.monotonic() - self.last_activity < SESSION_CHECK_TICKS * 2.0
                if not await refresh_staff_session(self.scope, active=active):
                    await self.close(code=protocol.CLOSE_UNAUTHENTICATED)
                    return
            try:
                summary = await live.queue_summary_frame()
                if summary != last_summary:
                    last_summary = summary
                    await self.send(text_data=summary)
                if self.staff is not None and self.staff.is_supervisor:
                    floor = await live.floor_frame()
                    if floor != last_floor:
                        last_floor = floor
                        await self.send(text_data=floor)
            except StoreUnavailable:
                pass
            await asyncio.sleep(2.0)

    @staticmethod
    def status_frame(presence: Presence | None) -> str:
        if presence is None:
            return protocol.frame("status", state="offline", active=0, limit=0, wrapups=[])
        return protocol.frame("status", state=presence.state, active=presence.active, limit=presence.limit,
                              wrapups=list(presence.wrapups))

    @property
    def uid(self) -> int:
        assert self.staff is not None
        return self.staff.user_id

    async def refused(self, code: str, message: str) -> None:
        await self.send(text_data=protocol.error_frame(code, message))

    async def on_status(self, frame: protocol.Frame) -> None:
        presence = await live.do_set_status(counsellor=self.uid, state=frame["state"])
        await self.send(text_data=self.status_frame(presence))
        await audit(self.staff, "counsellor.status", frame["state"])

    async def on_take_next(self, frame: protocol.Frame) -> None:
        # The audit names the counsellor and the chat's priority, never the chat itself. It is
        # written after the reply, in one database trip with the claim's counters (docs/PERFORMANCE.md).
        result = await live.do_take_next(counsellor=self.uid, reply=self.send_chat, record=self.audit_claim)
        if result.chat is None:
            messages = {
                "not_available": "set your status to available first",
                "at_limit": "you are at your chat limit",
                "wrapup_required": "file the wrap-up of your last chat first",
                "queue_empty": "nobody you can serve is waiting",
            }
            await self.refused(result.refusal, messages.get(result.refusal, "cannot take a chat now"))
        await self.send(text_data=self.status_frame(await live.store().get_presence(self.uid)))

    async def on_hs_offer(self, frame: protocol.Frame) -> None:
        error = await live.do_hs_offer(counsellor=self.uid, frame=frame)
        if error:
            await self.send(text_data=error)

    async def on_msg(self, frame: protocol.Frame) -> None:
        reply = await live.do_relay(sid=frame["session"], sender="c", seq=frame["seq"], ct=frame["ct"],
                                    counsellor=self.uid)
        if reply is live.NOT_YOURS:
            await self.violation("not_allowed", "this chat is not yours")
        elif reply:
            await self.send(text_data=reply)

    async def on_ack(self, frame: protocol.Frame) -> None:
        await live.do_ack(sid=frame["session"], receiver="c", seq=frame["seq"], counsellor=self.uid)

    async def on_end(self, frame: protocol.Frame) -> None:
        if await live.get_chat_for_counsellor(self.uid, frame["session"]) is None:
            await self.violation("not_allowed", "this chat is not yours")
            return
        await live.do_end_chat(sid=frame["session"], reason="counsellor_ended", ended_by="counsellor")
        await self.send(text_data=self.status_frame(await live.store().get_presence(self.uid)))

    async def on_wrapup(self, frame: protocol.Frame) -> None:
        await self.send(text_data=await live.do_wrapup(counsellor=self.uid, frame=frame))
        await self.send(text_data=self.status_frame(await live.store().get_presence(self.uid)))

    async def on_block(self, frame: protocol.Frame) -> None:
        if not await live.do_block(counsellor=self.uid, sid=frame["session"]):
            await self.refused("not_allowed", "this chat is not yours")
            return
        await audit(self.staff, "chat.block", "")

    async def on_rekey(self, frame: protocol.Frame) -> None:
        error = await live.do_rekey(counsellor=self.uid, sid=frame["session"])
        if error:
            await self.send(text_data=error)

    async def on_help(self, frame: protocol.Frame) -> None:
        assert self.staff is not None
        error = await live.do_ask_for_help(counsellor=self.uid, counsellor_name=self.staff.pseudonym,
                                           sid=frame["session"])
        if error:
            await self.send(text_data=error)
            return
        await audit(self.staff, "chat.help_requested", "")

    async def on_assign(self, frame: protocol.Frame) -> None:
        if self.staff is None or not self.staff.is_supervisor:
            await self.violation("not_allowed", "only supervisors can assign chats")
            return
        result = await live.do_assign(sid=frame["session"], counsellor=frame["counsellor"])
        if result.chat is None:
            await self.refused(result.refusal, "the chat could not be assigned")
            return
        await audit(self.staff, "chat.reassign" if result.previous_counsellor else "chat.assign",
                    f"counsellor:{frame['counsellor']}")

    async def on_set_offline(self, frame: protocol.Frame) -> None:
        if self.staff is None or not self.staff.is_supervisor:
            await self.violation("not_allowed", "only supervisors can change another counsellor's status")
            return
        presence = await live.do_set_status(counsellor=frame["counsellor"], state="offline")
        if presence is None:
            await self.refused("not_allowed", "that counsellor is not signed in")
            return
        await live.send_to(presence.channel, self.status_frame(presence))
        await audit(self.staff, "counsellor.set_offline", f"counsellor:{frame['counsellor']}")

    async def on_ping(self, frame: protocol.Frame) -> None:
        await self.send(text_data=protocol.frame("pong"))


def chat_session(text: str) -> str | None:
    """The session of a prebuilt `chat` frame (frames this module sent itself), else None."""
    if not text.startswith('{"type":"chat"'):
        return None
    import json

    return str(json.loads(text)["session"])


def write_audit(staff: StaffIdentity | None, action: str, target: str) -> None:
    """An audit row for a staff socket's action (sync: on the database thread)."""
    from django.contrib.auth import get_user_model

    from helpline.audit import do_audit

    if staff is not None:
        do_audit(actor=get_user_model().objects.filter(pk=staff.user_id).first(), action=action, target=target)


async def audit(staff: StaffIdentity | None, action: str, target: str) -> None:
    from channels.db import database_sync_to_async

    if staff is not None:
        await database_sync_to_async(write_audit)(staff, action, target)
