"""Websocket consumers: parse, call one service function, reply. Nothing here keeps state that
matters beyond the socket, logs a frame, or reads an address (only the keyed hash of it)."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from channels.consumer import get_handler_name
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from chat import janitor, live, protocol
from chat.access import StaffIdentity, refresh_staff_session, socket_staff_identity
from chat.store.base import Presence, StoreUnavailable
from helpline.addresses import scope_address_key

logger = logging.getLogger(__name__)

MAX_VIOLATIONS = 5
# The counsellor socket re-checks its staff session every 30 ticks of 2 s (a minute).
SESSION_CHECK_TICKS = 30


class FrameBudget:
    """Per-socket token buckets for frames and bytes: a flood is throttled, then closed."""

    def __init__(self, *, frames_per_second: float, burst: int, bytes_per_second: float) -> None:
        self.rate, self.burst, self.byte_rate = frames_per_second, float(burst), bytes_per_second
        self.tokens, self.byte_tokens = float(burst), bytes_per_second * 2
        self.stamp = time.monotonic()

    def take(self, size: int) -> bool:
        moment = time.monotonic()
        elapsed, self.stamp = moment - self.stamp, moment
        self.tokens = min(self.burst, self.tokens + elapsed * self.rate)
        self.byte_tokens = min(self.byte_rate * 2, self.byte_tokens + elapsed * self.byte_rate)
        if self.tokens < 1 or self.byte_tokens < size:
            return False
        self.tokens -= 1
        self.byte_tokens -= size
        return True


class BaseConsumer(AsyncWebsocketConsumer):
    schemas: dict[str, protocol.Schema] = {}

    async def websocket_connect(self, message: dict[str, Any]) -> None:
        self.violations = 0
        self.throttled = 0
        self.last_activity = time.monotonic()
        self.budget = FrameBudget(frames_per_second=20, burst=60, bytes_per_second=512 * 1024)
        await super().websocket_connect(message)

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
        if not self.budget.take(size):
            self.throttled += 1
            if self.throttled in (1, 10):
                await self.send(text_data=protocol.error_frame("rate_limited", "too many frames; slow down"))
            if self.throttled >= 200:
                await self.close(code=protocol.CLOSE_RATE_LIMITED)
            return
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
            await self.send(text_data=protocol.error_frame("store_unavailable", "please wait a moment and try again"))
        except Exception:
            # Never a stack trace to the client, never the frame in the log.
            logger.exception("%s failed handling a %s frame", type(self).__name__, frame.type)
            await self.send(text_data=protocol.error_frame("server_error", "something went wrong on our side"))

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
        self.position_task: asyncio.Task[None] | None = None
        self.addr = await scope_address_key(self.scope)
        await self.accept()
        try:
            janitor.ensure_running()
            if await live.store().hit(f"conn:{self.addr}", 60) > settings.SEEKER_CONNECTIONS_PER_MINUTE:
                await self.send(text_data=protocol.error_frame("rate_limited", "too many connections; wait a minute"))
                await self.close(code=protocol.CLOSE_RATE_LIMITED)
        except StoreUnavailable:
            await self.send(text_data=protocol.error_frame("store_unavailable", "please wait a moment and try again"))

    async def disconnect(self, code: int) -> None:
        self.stop_position_updates()
        if self.sid and self.state in ("queued", "chat"):
            try:
                await live.do_seeker_disconnect(sid=self.sid, channel=self.channel_name)
            except StoreUnavailable:
                pass

    # -- position updates ------------------------------------------------------------------------
    def start_position_updates(self) -> None:
        if self.position_task is None or self.position_task.done():
            self.position_task = asyncio.get_running_loop().create_task(self.position_updates())

    def stop_position_updates(self) -> None:
        if self.position_task is not None:
            self.position_task.cancel()
            self.position_task = None

    async def position_updates(self) -> None:
        last: tuple[int, int | None] | None = None
        while self.state == "queued" and self.sid:
            await asyncio.sleep(1.0)
            try:
                chat = await live.store().get_chat(self.sid)
                if chat is None or chat.state != "queued":
                    return
                current = await live.queue_position(chat)
            except StoreUnavailable:
                continue
            if current != last:
                last = current
                await self.send(text_data=protocol.frame("queue", position=current[0], eta_seconds=current[1]))

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
            self.start_position_updates()
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
        self.staff: StaffIdentity | None = await socket_staff_identity(self.scope)
        self.ticker: asyncio.Task[None] | None = None
        if self.staff is None:
            await self.close(code=protocol.CLOSE_UNAUTHENTICATED)
            return
        await self.accept()
        janitor.ensure_running()
        if self.staff.is_supervisor:
            await self.channel_layer.group_add(live.SUPERVISORS_GROUP, self.channel_name)
        try:
            presence, frames = await live.do_counsellor_connect(presence=Presence(
                user_id=self.staff.user_id, name=self.staff.pseudonym, state="break", limit=self.staff.limit,
                languages=self.staff.languages, pathways=self.staff.pathways, channel=self.channel_name, online=True,
                since=time.time(),
            ))
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

    async def disconnect(self, code: int) -> None:
        if self.ticker is not None:
            self.ticker.cancel()
        if self.staff is None:
            return
        if self.staff.is_supervisor:
            await self.channel_layer.group_discard(live.SUPERVISORS_GROUP, self.channel_name)
        try:
            await live.do_counsellor_disconnect(counsellor=self.staff.user_id, channel=self.channel_name)
        except StoreUnavailable:
            pass

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
        result = await live.do_take_next(counsellor=self.uid)
        if result.chat is not None:
            # The audit names the counsellor and the chat's priority, never the chat itself.
            await audit(self.staff, "chat.claim", result.chat.priority)
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


async def audit(staff: StaffIdentity | None, action: str, target: str) -> None:
    from channels.db import database_sync_to_async
    from django.contrib.auth import get_user_model

    from helpline.audit import do_audit

    if staff is None:
        return

    @database_sync_to_async
    def write() -> None:
        user = get_user_model().objects.filter(pk=staff.user_id).first()
        do_audit(actor=user, action=action, target=target)

    await write()
