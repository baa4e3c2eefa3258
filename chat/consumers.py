"""The two websocket state machines: the help-seeker's socket and the counsellor's.

Each handler validates the socket's state, calls one action of chat.live, and sends what it
returns; events from other sockets arrive typed (chat.bus) and are handled by the method of the same
name. Nothing here writes live state or audit rows, keeps state that matters beyond the socket,
logs a frame, or reads an address (only the keyed hash of it). The reading loop, the frame budget
and store outages are chat.sockets'.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from django.conf import settings

from chat import bus, flood, janitor, live, positions, protocol, resync
from chat.access import StaffIdentity, check_connection_rate, refresh_staff_session, socket_staff_identity
from chat.domain import Chat, Presence
from chat.sockets import BaseConsumer
from chat.store import live_store
from chat.store.base import StoreUnavailable
from helpline.addresses import scope_address_key

# The `ended` reason when live state was lost (Redis restarted): the chat cannot go on.
REASON_INTERRUPTED = "interrupted"
# The counsellor socket re-checks its staff session every 30 ticks of 2 s (a minute).
SESSION_CHECK_TICKS = 30


class SeekerConsumer(BaseConsumer):
    """`/ws/seeker/`: anonymous. The only identifier is the chat id the server made up."""

    schemas = protocol.SEEKER_IN

    async def connect(self) -> None:
        self.sid: str | None = None
        self.state = "new"  # new | queued | chat | ended
        self.confirmed = False  # this socket completed a handshake (chat.resync)
        self.feedback_sent = False
        self.addr = await scope_address_key(self.scope)
        await self.accept()
        try:
            janitor.ensure_running()
            limit = settings.SEEKER_CONNECTIONS_PER_MINUTE
            if not await check_connection_rate(kind="conn", addr=self.addr, limit=limit):
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
        """Redis may have restarted empty or failed over to a replica that lacks the last writes:
        chat.resync compares and says what to do (`ended: interrupted`, or go on)."""
        await super().store_back()
        if not self.need_chat():
            return
        async with self.turn:
            await self.resync()

    async def resync(self) -> None:
        try:
            action = await resync.do_resync_seeker(
                sid=self.sid, socket_state=self.state, confirmed=self.confirmed,  # type: ignore[arg-type]
                channel=self.channel_name, send=lambda text: self.send(text_data=text))
        except StoreUnavailable:
            return
        if action in ("gone", "interrupted"):
            self.stop_position_updates()
            self.state = "ended"
        elif action == "assigned":
            self.stop_position_updates()
            self.state = "chat"
        elif action == "requeue_watch":
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
        self.confirmed = outcome.chat.hs == "done"
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
        else:
            self.confirmed = True

    async def on_msg(self, frame: protocol.Frame) -> None:
        if self.state != "chat":
            await self.violation("not_in_chat", "no chat is open")
            return
        reply = await live.do_relay(sid=self.sid, sender="s", seq=frame["seq"], ct=frame["ct"])  # type: ignore[arg-type]
        if reply:
            if protocol.is_frame_of(reply, "ended"):
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
        await self.send(text_data=protocol.pong_frame())

    # -- events from other sockets and the janitor (chat.bus) ------------------------------------------
    async def chat_assigned(self, event: dict[str, Any]) -> None:
        """A counsellor took the chat (or asks for a new handshake): start the handshake."""
        self.state, self.confirmed = "chat", False
        self.stop_position_updates()
        await self.send(text_data=event["text"])

    async def chat_requeued(self, event: dict[str, Any]) -> None:
        """The counsellor did not come back: waiting again, with position updates."""
        self.state, self.confirmed = "queued", False
        self.start_position_updates()
        await self.send(text_data=event["text"])

    async def chat_ended(self, event: dict[str, Any]) -> None:
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
        self.budget = flood.FrameBudget(frames_per_second=20 * scale, burst=60 * scale,
                                        bytes_per_second=512 * 1024 * scale)
        try:
            if self.staff.is_supervisor:
                await self.channel_layer.group_add(bus.SUPERVISORS_GROUP, self.channel_name)
            presence, frames = await self.register()
        except StoreUnavailable:
            await self.send(text_data=protocol.error_frame("store_unavailable", "live state is unavailable"))
            await self.close(code=protocol.CLOSE_UNAVAILABLE)
            return
        await self.send(text_data=protocol.hello_frame(
            counsellor=self.staff.user_id, name=self.staff.pseudonym, supervisor=self.staff.is_supervisor,
        ))
        await self.send(text_data=protocol.status_frame(presence))
        await self.send_frames(frames)
        self.ticker = asyncio.get_running_loop().create_task(self.tick())

    async def too_many_connections(self) -> bool:
        """Connection attempts per keyed address hash, counted before the session is looked up."""
        addr = await scope_address_key(self.scope)
        try:
            limit = settings.STAFF_CONNECTIONS_PER_MINUTE
            return not await check_connection_rate(kind="staffconn", addr=addr, limit=limit)
        except StoreUnavailable:
            return False  # cannot count now; the session check still applies

    async def register(self) -> tuple[Presence, list[str]]:
        """Presence for this socket, and the frames of the counsellor's chats (which it now carries)."""
        assert self.staff is not None
        outcome = await live.do_counsellor_connect(presence=Presence(
            user_id=self.staff.user_id, name=self.staff.pseudonym, state="break", limit=self.staff.limit,
            languages=self.staff.languages, pathways=self.staff.pathways, channel=self.channel_name, online=True,
            since=time.time(),
        ))
        self.sessions = set(outcome.sessions)
        return outcome.presence, outcome.frames

    async def store_back(self) -> None:
        """Register again (Redis may have restarted empty) and say which chats were lost."""
        await super().store_back()
        if self.staff is None:
            return
        async with self.turn:
            await self.register_again()

    async def register_again(self) -> None:
        assert self.staff is not None
        before = set(self.sessions)
        try:
            if self.staff.is_supervisor:
                await self.channel_layer.group_add(bus.SUPERVISORS_GROUP, self.channel_name)
            presence, frames = await self.register()
        except StoreUnavailable:
            return
        for sid in sorted(before - self.sessions):
            await self.send(text_data=protocol.ended_frame(reason=REASON_INTERRUPTED, session=sid))
        await self.send(text_data=protocol.status_frame(presence))
        await self.send_frames(frames)

    async def disconnect(self, code: int) -> None:
        if self.ticker is not None:
            self.ticker.cancel()
        if self.staff is None:
            return
        try:
            if self.staff.is_supervisor:
                await self.channel_layer.group_discard(bus.SUPERVISORS_GROUP, self.channel_name)
            await live.do_counsellor_disconnect(counsellor=self.staff.user_id, channel=self.channel_name)
        except StoreUnavailable:
            pass

    # -- events from other sockets (chat.bus) ------------------------------------------------------------
    async def chat_assigned(self, event: dict[str, Any]) -> None:
        """A supervisor gave this counsellor a chat: it is carried on this socket now."""
        self.sessions.add(event["session"])
        await self.send(text_data=event["text"])

    async def chat_ended(self, event: dict[str, Any]) -> None:
        self.sessions.discard(event["session"])
        await self.send(text_data=event["text"])

    async def chat_reassigned(self, event: dict[str, Any]) -> None:
        """A supervisor gave one of this counsellor's chats to someone else."""
        self.sessions.discard(event["session"])
        await self.send(text_data=event["text"])

    async def chat_help(self, event: dict[str, Any]) -> None:
        """To supervisors: a counsellor asks for help."""
        await self.send(text_data=event["text"])

    async def send_text(self, text: str) -> None:
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
                summary = await positions.queue_summary_frame()
                if summary != last_summary:
                    last_summary = summary
                    await self.send(text_data=summary)
                if self.staff is not None and self.staff.is_supervisor:
                    floor = await positions.floor_frame()
                    if floor != last_floor:
                        last_floor = floor
                        await self.send(text_data=floor)
            except StoreUnavailable:
                pass
            await asyncio.sleep(2.0)

    @property
    def uid(self) -> int:
        assert self.staff is not None
        return self.staff.user_id

    async def refused(self, code: str, message: str) -> None:
        await self.send(text_data=protocol.error_frame(code, message))

    async def send_status(self) -> None:
        await self.send(text_data=protocol.status_frame(await live_store().get_presence(self.uid)))

    async def on_status(self, frame: protocol.Frame) -> None:
        presence = await live.do_set_status(counsellor=self.uid, state=frame["state"])
        await self.send(text_data=protocol.status_frame(presence))

    async def on_take_next(self, frame: protocol.Frame) -> None:
        result = await live.do_take_next(counsellor=self.uid, reply=self.send_text)
        if result.chat is not None:
            self.sessions.add(result.chat.sid)
        else:
            messages = {
                "not_available": "set your status to available first",
                "at_limit": "you are at your chat limit",
                "wrapup_required": "file the wrap-up of your last chat first",
                "queue_empty": "nobody you can serve is waiting",
            }
            await self.refused(result.refusal, messages.get(result.refusal, "cannot take a chat now"))
        await self.send_status()

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
        if not await live.do_counsellor_end(counsellor=self.uid, sid=frame["session"]):
            await self.violation("not_allowed", "this chat is not yours")
            return
        await self.send_status()

    async def on_wrapup(self, frame: protocol.Frame) -> None:
        await self.send(text_data=await live.do_wrapup(counsellor=self.uid, frame=frame))
        await self.send_status()

    async def on_block(self, frame: protocol.Frame) -> None:
        if not await live.do_block(counsellor=self.uid, sid=frame["session"]):
            await self.refused("not_allowed", "this chat is not yours")

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

    async def on_assign(self, frame: protocol.Frame) -> None:
        if self.staff is None or not self.staff.is_supervisor:
            await self.violation("not_allowed", "only supervisors can assign chats")
            return
        result = await live.do_assign(supervisor=self.uid, sid=frame["session"], counsellor=frame["counsellor"])
        if result.chat is None:
            await self.refused(result.refusal, "the chat could not be assigned")

    async def on_set_offline(self, frame: protocol.Frame) -> None:
        if self.staff is None or not self.staff.is_supervisor:
            await self.violation("not_allowed", "only supervisors can change another counsellor's status")
            return
        if await live.do_set_offline(supervisor=self.uid, counsellor=frame["counsellor"]) is None:
            await self.refused("not_allowed", "that counsellor is not signed in")

    async def on_ping(self, frame: protocol.Frame) -> None:
        await self.send(text_data=protocol.pong_frame())
