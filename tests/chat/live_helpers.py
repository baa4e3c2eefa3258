"""Helpers for the live-path tests: a seeker and a counsellor speaking the protocol over
Channels' WebsocketCommunicator, with real end-to-end encryption."""

from __future__ import annotations

import json
from typing import Any

from channels.testing import WebsocketCommunicator

from chat import e2ee
from chat.loadtest.provision import ProvisionedCounsellor
from helpline.asgi import application

ORIGIN = (b"origin", b"http://localhost")


def counter(metric: str, dimension: str = "") -> int:
    """The metric's total over all hours (for one dimension, such as "when=closed")."""
    from helpline.models import Counter

    return sum(Counter.objects.filter(metric=metric, dimension=dimension).values_list("value", flat=True))


async def acounter(metric: str, dimension: str = "") -> int:
    from asgiref.sync import sync_to_async

    return await sync_to_async(counter)(metric, dimension)


class Socket:
    def __init__(self, path: str, headers: list[tuple[bytes, bytes]] | None = None) -> None:
        self.comm = WebsocketCommunicator(application, path, headers=[ORIGIN, *(headers or [])])
        self.seen: list[dict[str, Any]] = []

    async def connect(self) -> tuple[bool, int | None]:
        connected, code = await self.comm.connect(timeout=5)
        return connected, code

    async def send(self, frame: dict[str, Any]) -> None:
        await self.comm.send_to(text_data=json.dumps(frame))

    async def send_raw(self, text: str) -> None:
        await self.comm.send_to(text_data=text)

    async def receive(self, timeout: float = 3) -> dict[str, Any]:
        output = await self.comm.receive_output(timeout)
        if output["type"] == "websocket.close":
            raise AssertionError(f"socket closed with {output.get('code')}")
        frame = json.loads(output["text"])
        self.seen.append(frame)
        return frame

    async def expect(self, kind: str, timeout: float = 3, **fields: Any) -> dict[str, Any]:
        """The next frame of this type, skipping queue updates and summaries on the way."""
        while True:
            frame = await self.receive(timeout)
            if frame["type"] == kind and all(frame.get(k) == v for k, v in fields.items()):
                return frame
            if frame["type"] not in ("hello", "queue", "queue_summary", "floor", "status", "peer", "pong", "ack"):
                raise AssertionError(f"expected {kind}, got {frame}")

    async def expect_close(self, timeout: float = 3) -> int:
        while True:
            output = await self.comm.receive_output(timeout)
            if output["type"] == "websocket.close":
                return int(output.get("code", 1000))

    async def nothing(self, timeout: float = 0.2) -> bool:
        return await self.comm.receive_nothing(timeout)

    async def close(self) -> None:
        await self.comm.disconnect()


class Seeker(Socket):
    def __init__(self, root_public: Any) -> None:
        super().__init__("/ws/seeker/")
        self.root_public = root_public
        self.session = ""
        self.token = ""
        self.cipher: e2ee.ChatCipher | None = None

    async def join(self, triage: dict[str, str] | None = None, **extra: Any) -> dict[str, Any]:
        await self.connect()
        await self.send({"type": "join", "v": 1, "lang": "en", "triage": triage or {}, **extra})
        welcome = await self.receive()
        if welcome["type"] == "welcome":
            self.session, self.token = welcome["session"], welcome["token"]
        return welcome

    async def handshake_start(self) -> e2ee.SeekerHandshake:
        await self.expect("assigned")
        handshake = e2ee.SeekerHandshake(self.session, self.root_public)
        await self.send({"type": "hs_init", "eph": handshake.init()})
        return handshake

    async def handshake_finish(self, handshake: e2ee.SeekerHandshake) -> None:
        offer = await self.expect("hs_offer")
        mac, self.cipher = handshake.accept_offer(offer["cert"], offer["sig_cert"], offer["eph"], offer["sig"])
        await self.send({"type": "hs_confirm", "mac": mac})

    async def say(self, text: str) -> int:
        assert self.cipher is not None
        seq, ct = self.cipher.seal(json.dumps({"t": "text", "body": text}))
        await self.send({"type": "msg", "seq": seq, "ct": ct})
        return seq

    async def hear(self) -> str:
        assert self.cipher is not None
        frame = await self.expect("msg")
        body = self.cipher.open(frame["seq"], frame["ct"])
        await self.send({"type": "ack", "seq": frame["seq"]})
        return str(json.loads(str(body))["body"])


class Counsellor(Socket):
    def __init__(self, who: ProvisionedCounsellor) -> None:
        super().__init__("/ws/counsellor/", headers=[(b"cookie", who.cookie.encode())])
        self.who = who
        self.ciphers: dict[str, e2ee.ChatCipher] = {}

    async def start(self, *, available: bool = True) -> None:
        connected, code = await self.connect()
        assert connected, code
        await self.expect("hello")
        if available:
            await self.send({"type": "status", "state": "available"})
            await self.expect("status", state="available")

    async def take(self) -> dict[str, Any]:
        await self.send({"type": "take_next"})
        return await self.expect("chat")

    async def answer_handshake(self, session: str) -> e2ee.CounsellorHandshake:
        init = await self.expect("hs_init", session=session)
        handshake = e2ee.CounsellorHandshake(session, self.who.identity_private, self.who.cert, self.who.sig_cert)
        await self.send({"type": "hs_offer", "session": session, **handshake.offer(init["eph"])})
        return handshake

    async def finish_handshake(self, session: str, handshake: e2ee.CounsellorHandshake) -> None:
        confirm = await self.expect("hs_confirm", session=session)
        self.ciphers[session] = handshake.confirm(confirm["mac"])

    async def say(self, session: str, text: str) -> int:
        seq, ct = self.ciphers[session].seal(json.dumps({"t": "text", "body": text}))
        await self.send({"type": "msg", "session": session, "seq": seq, "ct": ct})
        return seq

    async def hear(self, session: str) -> str:
        frame = await self.expect("msg", session=session)
        body = self.ciphers[session].open(frame["seq"], frame["ct"])
        await self.send({"type": "ack", "session": session, "seq": frame["seq"]})
        return str(json.loads(str(body))["body"])


async def connect_pair(seeker: Seeker, counsellor: Counsellor) -> str:
    """Counsellor takes the seeker's chat and both complete the handshake. Returns the session."""
    chat = await counsellor.take()
    session = chat["session"]
    hs = await seeker.handshake_start()
    chs = await counsellor.answer_handshake(session)
    await seeker.handshake_finish(hs)
    await counsellor.finish_handshake(session, chs)
    return str(session)


async def open_chat(
    root_public: Any, who: ProvisionedCounsellor, *, triage: dict[str, str] | None = None
) -> tuple[Seeker, Counsellor, str]:
    """A seeker joins, `who` comes on shift and takes the chat, and both finish the handshake."""
    seeker = Seeker(root_public)
    await seeker.join(triage or {})
    counsellor = Counsellor(who)
    await counsellor.start()
    return seeker, counsellor, await connect_pair(seeker, counsellor)
