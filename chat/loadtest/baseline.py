"""B0: the smallest relay that speaks the same frames, written directly on `websockets`.

It is the yardstick for docs/PERFORMANCE.md: one process, one event loop, everything in memory,
no authentication, no store, no channel layer, no crypto on the server. Seekers queue, a
counsellor's `take_next` pairs the oldest seeker with it, and from then on every frame of the
pair is passed across with the same shapes as the real service (docs/PROTOCOL.md), so the same
load generator drives both. It keeps nothing after a socket closes and logs nothing. Never
deploy it: it has none of the service's guarantees.

    python -m chat.loadtest.baseline --port 8765
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
from collections import deque
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response


@dataclass
class Seeker:
    socket: ServerConnection
    session: str
    counsellor: Counsellor | None = None


@dataclass
class Counsellor:
    socket: ServerConnection
    uid: int
    chats: dict[str, Seeker] = field(default_factory=dict)


class Relay:
    def __init__(self) -> None:
        self.waiting: deque[Seeker] = deque()
        self.next_uid = 0

    async def seeker(self, socket: ServerConnection) -> None:
        me: Seeker | None = None
        try:
            async for raw in socket:
                frame = json.loads(raw)
                kind = frame.get("type")
                if kind == "join" and me is None:
                    me = Seeker(socket, secrets.token_urlsafe(16))
                    self.waiting.append(me)
                    await socket.send(json.dumps({"type": "welcome", "token": secrets.token_urlsafe(32),
                                                  "session": me.session, "rules": {}}))
                    await socket.send(json.dumps({"type": "queue", "position": len(self.waiting), "eta_seconds": None}))
                elif me is None or me.counsellor is None:
                    continue
                elif kind == "msg":
                    await me.counsellor.socket.send(
                        f'{{"type":"msg","session":"{me.session}","seq":{int(frame["seq"])},"ct":"{frame["ct"]}"}}')
                elif kind == "ack":
                    await me.counsellor.socket.send(
                        f'{{"type":"ack","session":"{me.session}","seq":{int(frame["seq"])}}}')
                elif kind == "hs_init":
                    await me.counsellor.socket.send(json.dumps(
                        {"type": "hs_init", "session": me.session, "eph": frame["eph"]}))
                elif kind == "hs_confirm":
                    await me.counsellor.socket.send(json.dumps(
                        {"type": "hs_confirm", "session": me.session, "mac": frame["mac"]}))
                elif kind == "leave":
                    await self.end(me)
        except ConnectionClosed:
            pass
        finally:
            if me is not None:
                if me in self.waiting:
                    self.waiting.remove(me)
                await self.end(me)

    async def end(self, seeker: Seeker) -> None:
        counsellor, seeker.counsellor = seeker.counsellor, None
        if counsellor is not None and counsellor.chats.pop(seeker.session, None) is not None:
            for socket, text in ((seeker.socket, json.dumps({"type": "ended", "reason": "ended"})),
                                 (counsellor.socket, json.dumps({"type": "ended", "session": seeker.session,
                                                                 "reason": "ended"}))):
                try:
                    await socket.send(text)
                except ConnectionClosed:
                    pass

    async def counsellor(self, socket: ServerConnection) -> None:
        self.next_uid += 1
        me = Counsellor(socket, self.next_uid)
        await socket.send(json.dumps({"type": "hello", "counsellor": me.uid, "name": f"b0-{me.uid}",
                                      "supervisor": False}))
        await socket.send(self.status(me, "break"))
        state = "break"
        try:
            async for raw in socket:
                frame = json.loads(raw)
                kind = frame.get("type")
                if kind == "status":
                    state = frame["state"]
                    await socket.send(self.status(me, state))
                elif kind == "take_next":
                    await self.take_next(me, state)
                    continue
                elif kind == "wrapup":
                    await socket.send(json.dumps({"type": "wrapup_saved", "session": frame["session"]}))
                    continue
                seeker = me.chats.get(frame.get("session", ""))
                if seeker is None:
                    continue
                if kind == "msg":
                    await seeker.socket.send(f'{{"type":"msg","seq":{int(frame["seq"])},"ct":"{frame["ct"]}"}}')
                elif kind == "ack":
                    await seeker.socket.send(f'{{"type":"ack","seq":{int(frame["seq"])}}}')
                elif kind == "hs_offer":
                    await seeker.socket.send(json.dumps(
                        {"type": "hs_offer", **{k: frame[k] for k in ("cert", "sig_cert", "eph", "sig")}}))
                elif kind == "end":
                    await self.end(seeker)
        except ConnectionClosed:
            pass
        finally:
            for seeker in list(me.chats.values()):
                await self.end(seeker)

    async def take_next(self, me: Counsellor, state: str) -> None:
        if state != "available" or not self.waiting:
            await me.socket.send(json.dumps({"type": "error", "code": "queue_empty", "message": "nobody waiting"}))
            return
        seeker = self.waiting.popleft()
        seeker.counsellor = me
        me.chats[seeker.session] = seeker
        await me.socket.send(json.dumps({"type": "chat", "session": seeker.session, "triage": {}, "priority": "normal",
                                         "pathway": "", "language": "en", "waited": 0, "state": "assigned",
                                         "hs": ""}))
        await seeker.socket.send(json.dumps({"type": "assigned"}))
        await me.socket.send(self.status(me, state))

    @staticmethod
    def status(me: Counsellor, state: str) -> str:
        return json.dumps({"type": "status", "state": state, "active": len(me.chats), "limit": 1000, "wrapups": []})

    async def handler(self, socket: ServerConnection) -> None:
        path = socket.request.path if socket.request is not None else ""
        if path.startswith("/ws/seeker/"):
            await self.seeker(socket)
        elif path.startswith("/ws/counsellor/"):
            await self.counsellor(socket)
        else:
            await socket.close(4404)


def health(connection: ServerConnection, request: Request) -> Response | None:
    if request.path == "/healthz":
        return connection.respond(HTTPStatus.OK, "ok\n")
    return None


async def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--bind", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args(argv)
    relay = Relay()
    options: dict[str, Any] = {"max_size": 2**17, "ping_interval": None, "process_request": health}
    async with serve(relay.handler, args.bind, args.port, **options) as server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
