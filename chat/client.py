"""The Python reference client of the chat protocol (docs/PROTOCOL.md), for tests, the load test
and anyone writing another client. Real end-to-end encryption through chat.e2ee; websockets
through the `websockets` library.

    seeker = SeekerClient(url, root_public=root_key)
    await seeker.connect(); await seeker.join(triage={"concern": "own_thoughts"})
    counsellor = CounsellorClient(url, cookie=..., identity_private=..., cert=..., sig_cert=...)
    await counsellor.connect(); await counsellor.set_status("available")
    session = await counsellor.take_next()
    await asyncio.gather(seeker.handshake(), counsellor.handshake(session))
    await seeker.send_text("hello"); await counsellor.next_text(session)
"""

from __future__ import annotations

import asyncio
import functools
import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

import websockets
from websockets.asyncio.client import ClientConnection

from chat import e2ee

Frame = dict[str, Any]


class ClientError(Exception):
    pass


def origin_for(url: str) -> str:
    parsed = urlparse(url)
    scheme = "https" if parsed.scheme == "wss" else "http"
    return f"{scheme}://{parsed.netloc}"


def envelope(body: str, **extra: Any) -> str:
    return json.dumps({"t": "text", "body": body, **extra}, separators=(",", ":"))


@dataclass
class Conversation:
    """One chat's cipher state on one side, with what was received in order."""

    session: str
    cipher: e2ee.ChatCipher | None = None
    received: list[str] = field(default_factory=list)
    acked: int = 0
    unacked: dict[int, str] = field(default_factory=dict)  # seq -> ct, until the peer acks
    inbox: asyncio.Queue[str] = field(default_factory=asyncio.Queue)
    ended: str = ""
    gaps: int = 0  # messages dropped because one before them had not arrived yet


def open_message(conversation: Conversation, frame: Frame) -> bool:
    """Decrypt a `msg` into the conversation; a redelivered one is dropped by its sequence number.

    False when the message is not taken: one that comes before its predecessor (a gap) is
    dropped and waits for its redelivery; one that cannot be trusted (a failed decryption) marks
    the chat as ended with the reason, as docs/PROTOCOL.md section 7 asks, and other chats go on.
    """
    assert conversation.cipher is not None
    try:
        result = conversation.cipher.open(frame["seq"], frame["ct"])
    except e2ee.ProtocolError as exc:
        if exc.code == "gap":
            # A message is still on its way: after a store fail-over the server redelivers what
            # it kept, in order. This one is dropped unacknowledged (the cipher is unchanged) and
            # comes again; docs/PROTOCOL.md section 7.
            conversation.gaps += 1
            return False
        conversation.ended = f"protocol_error:{exc.code}"
        return False
    if result is not e2ee.DUPLICATE:
        conversation.received.append(str(result))
        conversation.inbox.put_nowait(str(result))
    return True


class BaseClient:
    path = ""

    def __init__(
        self, base_url: str, *, headers: dict[str, str] | None = None, auto_ack: bool = True,
        local_addr: tuple[str, int] | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.headers = headers or {}
        self.auto_ack = auto_ack
        # The load test spreads its sockets over loopback addresses (127.0.x.y) with this.
        self.local_addr = local_addr
        self.ws: ClientConnection | None = None
        self.frames: list[Frame] = []  # every frame received, in order (tests read it)
        # A long-running client (the load test) stops keeping every frame once it is set up.
        self.record_frames = True
        self._waiters: list[tuple[Callable[[Frame], bool], asyncio.Future[Frame]]] = []
        self._reader: asyncio.Task[None] | None = None
        self.close_code: int | None = None
        self.closed = asyncio.Event()
        # While the connection is down or being resumed, messages are sealed and kept (unacked)
        # but not sent: the resume sends them, in order, after the server has taken the socket.
        self.resuming = False

    async def connect(self, base_url: str | None = None) -> None:
        url = (base_url or self.base_url).rstrip("/")
        self.closed = asyncio.Event()
        self.close_code = None
        extra: dict[str, Any] = {"local_addr": self.local_addr} if self.local_addr else {}
        self.ws = await websockets.connect(
            url + self.path, origin=origin_for(url),  # type: ignore[arg-type]
            additional_headers=self.headers, max_size=2**20, open_timeout=10, ping_interval=None, **extra,
        )
        self.base_url = url
        self._reader = asyncio.get_running_loop().create_task(self._read())

    async def reconnect(self, fallback_urls: Iterable[str] = (), *, within: float = 30.0) -> None:
        """Connect again, to this client's server or else to each fallback in turn (any worker
        will do), with backoff from 50 ms to 1 s, for at most `within` seconds."""
        candidates = [self.base_url, *(u.rstrip("/") for u in fallback_urls if u.rstrip("/") != self.base_url)]
        deadline = time.monotonic() + within
        delay = 0.05
        while True:
            for url in candidates:
                try:
                    await self.connect(url)
                    return
                except (TimeoutError, OSError, websockets.InvalidHandshake):
                    continue
            if time.monotonic() > deadline:
                raise ClientError("could not reconnect to any server")
            await asyncio.sleep(delay)
            delay = min(delay * 2, 1.0)

    async def _read(self) -> None:
        assert self.ws is not None
        try:
            async for raw in self.ws:
                frame = json.loads(raw)
                if self.record_frames:
                    self.frames.append(frame)
                await self.on_frame(frame)
                for waiter in list(self._waiters):
                    predicate, future = waiter
                    if not future.done() and predicate(frame):
                        future.set_result(frame)
                        self._waiters.remove(waiter)
        except websockets.ConnectionClosed:
            pass
        finally:
            self.close_code = self.ws.close_code
            self.closed.set()
            for _, future in self._waiters:
                if not future.done():
                    future.set_exception(ClientError(f"socket closed ({self.close_code}) while waiting"))
            self._waiters.clear()

    async def on_frame(self, frame: Frame) -> None:
        """Subclasses act on frames here (decrypt, acknowledge)."""

    async def send(self, frame: Frame) -> None:
        assert self.ws is not None
        await self.ws.send(json.dumps(frame, separators=(",", ":")))

    async def send_message(self, frame: Frame) -> None:
        """Send a `msg` unless the connection is down or resuming (then the resume sends it)."""
        if self.resuming or self.closed.is_set():
            return
        try:
            await self.send(frame)
        except websockets.ConnectionClosed:
            pass  # kept as unacknowledged; the resume resends it

    async def resend(self, unacked: dict[int, str], frame: Callable[[int, str], Frame]) -> None:
        """Send every unacknowledged message again, in order, including ones sealed meanwhile."""
        sent = 0
        while True:
            pending = [(seq, ct) for seq, ct in sorted(unacked.items()) if seq > sent]
            if not pending:
                return
            for seq, ct in pending:
                await self.send(frame(seq, ct))
                sent = seq

    async def send_raw(self, text: str) -> None:
        assert self.ws is not None
        await self.ws.send(text)

    async def expect(self, kind: str | Callable[[Frame], bool], timeout: float = 10.0, *, since: int = 0) -> Frame:
        """Wait for a frame of this type (or matching the predicate), including ones already seen."""
        predicate = (lambda f: f.get("type") == kind) if isinstance(kind, str) else kind
        for frame in self.frames[since:]:
            if predicate(frame):
                return frame
        future: asyncio.Future[Frame] = asyncio.get_running_loop().create_future()
        if self.closed.is_set():
            raise ClientError(f"socket closed ({self.close_code})")
        self._waiters.append((predicate, future))
        return await asyncio.wait_for(future, timeout)

    async def expect_new(self, kind: str | Callable[[Frame], bool], timeout: float = 10.0) -> Frame:
        return await self.expect(kind, timeout, since=len(self.frames))

    def mark(self) -> int:
        return len(self.frames)

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self._reader is not None:
            await asyncio.wait([self._reader], timeout=5)

    def drop(self) -> None:
        """Simulate a lost connection: the socket goes away without a clean close."""
        if self.ws is not None:
            self.ws.transport.abort()


class SeekerClient(BaseClient):
    path = "/ws/seeker/"

    def __init__(self, base_url: str, *, root_public: Any, revoked: Iterable[str] = (), **kwargs: Any) -> None:
        super().__init__(base_url, **kwargs)
        self.root_public = root_public
        self.revoked = tuple(revoked)
        self.token = ""
        self.conversation: Conversation | None = None
        self._handshake: e2ee.SeekerHandshake | None = None
        self.pseudonym = ""

    async def join(self, *, triage: dict[str, str] | None = None, lang: str = "en", source: str | None = None) -> Frame:
        frame: Frame = {"type": "join", "v": 1, "lang": lang, "triage": triage or {}}
        if source:
            frame["source"] = source
        await self.send(frame)
        reply = await self.expect(lambda f: f.get("type") in ("welcome", "closed", "full", "error"))
        if reply["type"] == "welcome":
            self.token = reply["token"]
            self.conversation = Conversation(reply["session"])
        return reply

    async def resume(self, fallback_urls: Iterable[str] = ()) -> Frame:
        """Reconnect (to any worker) and resume with the token; resend what the server may not
        have kept. The server drops resends it already has, and this client drops redelivered
        messages by sequence number, so every message arrives exactly once."""
        mark = self.mark()
        self.resuming = True
        try:
            await self.reconnect(fallback_urls)
            await self.send({"type": "resume", "token": self.token})
            reply = await self.expect(lambda f: f.get("type") in ("welcome", "ended", "error"), since=mark)
            conversation = self.conversation
            if reply["type"] == "welcome" and conversation is not None and conversation.cipher is not None:
                await self.resend(conversation.unacked, lambda seq, ct: {"type": "msg", "seq": seq, "ct": ct})
        finally:
            self.resuming = False
        return reply

    async def on_frame(self, frame: Frame) -> None:
        kind = frame.get("type")
        conversation = self.conversation
        if conversation is None:
            return
        if kind == "assigned":
            conversation.cipher = None
            conversation.unacked.clear()
            self._handshake = e2ee.SeekerHandshake(conversation.session, self.root_public, self.revoked)
            await self.send({"type": "hs_init", "eph": self._handshake.init()})
        elif kind == "hs_offer" and self._handshake is not None:
            try:
                mac, cipher = self._handshake.accept_offer(frame["cert"], frame["sig_cert"], frame["eph"], frame["sig"])
            except e2ee.ProtocolError as exc:
                conversation.ended = f"handshake_refused:{exc.code}"
                await self.send({"type": "leave"})
                return
            certificate = self._handshake.certificate
            self.pseudonym = certificate.pseudonym if certificate is not None else ""
            conversation.cipher = cipher
            await self.send({"type": "hs_confirm", "mac": mac})
        elif kind == "msg" and conversation.cipher is not None:
            if not open_message(conversation, frame):
                return
            if self.auto_ack:
                await self.send({"type": "ack", "seq": frame["seq"]})
        elif kind == "ack":
            for seq in [s for s in conversation.unacked if s <= frame["seq"]]:
                del conversation.unacked[seq]
            conversation.acked = max(conversation.acked, frame["seq"])
        elif kind == "ended":
            conversation.ended = frame.get("reason", "ended")
        elif kind == "welcome" and not self.resuming and conversation.cipher is not None:
            # `welcome` on an open socket: the store is back after an outage or a fail-over, and
            # may have refused or lost messages meanwhile; send again what is unacknowledged.
            await self.resend(conversation.unacked, lambda seq, ct: {"type": "msg", "seq": seq, "ct": ct})

    async def handshake(self, timeout: float = 10.0) -> None:
        """Wait until the handshake that follows `assigned` has completed on this side."""
        deadline = time.monotonic() + timeout
        while self.conversation is None or self.conversation.cipher is None:
            if self.conversation is not None and self.conversation.ended:
                raise ClientError(self.conversation.ended)
            if time.monotonic() > deadline:
                raise ClientError("handshake timed out")
            await asyncio.sleep(0.01)

    async def send_text(self, body: str, **extra: Any) -> int:
        conversation = self.conversation
        if conversation is None or conversation.cipher is None:
            raise ClientError("no chat is open")
        seq, ct = conversation.cipher.seal(envelope(body, **extra))
        conversation.unacked[seq] = ct
        await self.send_message({"type": "msg", "seq": seq, "ct": ct})
        return seq

    async def next_text(self, timeout: float = 10.0) -> dict[str, Any]:
        assert self.conversation is not None
        return dict(json.loads(await asyncio.wait_for(self.conversation.inbox.get(), timeout)))

    async def leave(self) -> None:
        await self.send({"type": "leave"})


def _counsellor_msg(session: str, seq: int, ct: str) -> Frame:
    return {"type": "msg", "session": session, "seq": seq, "ct": ct}


class CounsellorClient(BaseClient):
    path = "/ws/counsellor/"

    def __init__(
        self, base_url: str, *, cookie: str, identity_private: Any, cert: bytes, sig_cert: bytes, **kwargs: Any
    ) -> None:
        super().__init__(base_url, headers={"Cookie": cookie}, **kwargs)
        self.identity_private = identity_private
        self.cert = cert
        self.sig_cert = sig_cert
        self.chats: dict[str, Conversation] = {}
        self._handshakes: dict[str, e2ee.CounsellorHandshake] = {}

    def conversation(self, session: str) -> Conversation:
        if session not in self.chats:
            self.chats[session] = Conversation(session)
        return self.chats[session]

    async def resume(self, fallback_urls: Iterable[str] = ()) -> Frame:
        """Reconnect (to any worker): the server moves this counsellor's chats to the new socket
        and redelivers what was not acknowledged; then resend what the server may not have kept."""
        mark = self.mark()
        self.resuming = True
        try:
            await self.reconnect(fallback_urls)
            hello = await self.expect("hello", since=mark)
            await self.resend_unacked()
        finally:
            self.resuming = False
        return hello

    async def on_frame(self, frame: Frame) -> None:
        kind = frame.get("type")
        session = frame.get("session")
        if not session:
            return
        conversation = self.conversation(session)
        if kind == "hs_init":
            handshake = e2ee.CounsellorHandshake(session, self.identity_private, self.cert, self.sig_cert)
            self._handshakes[session] = handshake
            conversation.cipher = None
            conversation.unacked.clear()
            await self.send({"type": "hs_offer", "session": session, **handshake.offer(frame["eph"])})
        elif kind == "hs_confirm" and session in self._handshakes:
            conversation.cipher = self._handshakes.pop(session).confirm(frame["mac"])
        elif kind == "msg" and conversation.cipher is not None:
            if not open_message(conversation, frame):
                return
            if self.auto_ack:
                await self.send({"type": "ack", "session": session, "seq": frame["seq"]})
        elif kind == "ack":
            for seq in [s for s in conversation.unacked if s <= frame["seq"]]:
                del conversation.unacked[seq]
            conversation.acked = max(conversation.acked, frame["seq"])
        elif kind == "ended":
            conversation.ended = frame.get("reason", "ended")
        elif kind == "chat" and frame.get("hs") == "done" and conversation.cipher is None:
            # Back after a reload without keys: ask the seeker for a fresh handshake.
            await self.send({"type": "rekey", "session": session})
        elif kind == "chat" and frame.get("hs") == "done" and not self.resuming:
            # The chat again on an open socket: the store is back after an outage or a fail-over
            # (docs/PROTOCOL.md 3.6); send again what it may have refused or lost meanwhile.
            await self.resend(conversation.unacked, functools.partial(_counsellor_msg, session))

    async def hello(self) -> Frame:
        return await self.expect("hello")

    async def set_status(self, state: str) -> Frame:
        mark = self.mark()
        await self.send({"type": "status", "state": state})
        return await self.expect("status", since=mark)

    async def take_next(self, timeout: float = 10.0) -> str:
        mark = self.mark()
        await self.send({"type": "take_next"})
        reply = await self.expect(lambda f: f.get("type") in ("chat", "error"), timeout, since=mark)
        if reply["type"] == "error":
            raise ClientError(reply["code"])
        session = str(reply["session"])
        self.conversation(session)
        return session

    async def handshake(self, session: str, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while self.conversation(session).cipher is None:
            if time.monotonic() > deadline:
                raise ClientError("handshake timed out")
            await asyncio.sleep(0.01)

    async def send_text(self, session: str, body: str, **extra: Any) -> int:
        conversation = self.conversation(session)
        if conversation.cipher is None:
            raise ClientError("no keys for this chat")
        seq, ct = conversation.cipher.seal(envelope(body, **extra))
        conversation.unacked[seq] = ct
        await self.send_message({"type": "msg", "session": session, "seq": seq, "ct": ct})
        return seq

    async def resend_unacked(self) -> None:
        for session, conversation in list(self.chats.items()):
            if conversation.cipher is not None:
                await self.resend(conversation.unacked, functools.partial(_counsellor_msg, session))

    async def next_text(self, session: str, timeout: float = 10.0) -> dict[str, Any]:
        return dict(json.loads(await asyncio.wait_for(self.conversation(session).inbox.get(), timeout)))

    async def end(self, session: str) -> None:
        await self.send({"type": "end", "session": session})

    async def wrapup(self, session: str, **fields: Any) -> Frame:
        mark = self.mark()
        await self.send({"type": "wrapup", "session": session, **fields})
        return await self.expect(lambda f: f.get("type") in ("wrapup_saved", "error"), since=mark)
