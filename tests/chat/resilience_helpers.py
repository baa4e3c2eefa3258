"""Helpers for the resilience tests: live Daphne workers sharing one Redis, and pairs of reference
clients (seeker and counsellor) with a real encrypted chat between them."""

from __future__ import annotations

import asyncio
import http.client
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from chat.client import ClientError, CounsellorClient, SeekerClient
from chat.loadtest.provision import ProvisionedCounsellor

__all__ = ["Pair", "connect_pairs", "http_status", "open_client_chat", "wait_for"]

# Generous limits, so that many clients on one loopback address are not refused.
WORKER_ENV = {"SEEKER_CONNECTIONS_PER_MINUTE": "100000", "STAFF_CONNECTIONS_PER_MINUTE": "100000"}


@dataclass
class Pair:
    seeker: SeekerClient
    counsellor: CounsellorClient
    session: str
    sent_by_seeker: list[str] = field(default_factory=list)
    sent_by_counsellor: list[str] = field(default_factory=list)


def counsellor_client(url: str, who: ProvisionedCounsellor) -> CounsellorClient:
    return CounsellorClient(url, cookie=who.cookie, identity_private=who.identity_private, cert=who.cert,
                            sig_cert=who.sig_cert)


async def open_client_chat(
    url: str, who: ProvisionedCounsellor, root_public: bytes
) -> tuple[SeekerClient, CounsellorClient, str]:
    """One seeker joins at `url`, `who` takes the chat there, and both finish the handshake."""
    seeker = SeekerClient(url, root_public=root_public)
    counsellor = counsellor_client(url, who)
    await seeker.connect()
    welcome = await seeker.join(triage={"concern": "own_thoughts", "self_harm": "no"}, lang="en")
    assert welcome["type"] == "welcome"
    await counsellor.connect()
    await counsellor.hello()
    await counsellor.set_status("available")
    session = await counsellor.take_next()
    await asyncio.gather(seeker.handshake(), counsellor.handshake(session))
    assert seeker.pseudonym == who.username
    return seeker, counsellor, session


async def connect_pairs(
    *, seeker_url: str, counsellor_url: str, people: list[ProvisionedCounsellor], root_public: bytes, chats: int,
    per_counsellor: int,
) -> tuple[list[Pair], list[CounsellorClient]]:
    """`chats` seekers join on one worker; the counsellors, on the other, take them all."""
    seekers = [SeekerClient(seeker_url, root_public=root_public) for _ in range(chats)]
    await asyncio.gather(*(s.connect() for s in seekers))
    welcomes = await asyncio.gather(*(s.join(triage={"concern": "own_thoughts"}) for s in seekers))
    assert all(w["type"] == "welcome" for w in welcomes), welcomes
    counsellors = [counsellor_client(counsellor_url, who) for who in people]
    await asyncio.gather(*(c.connect() for c in counsellors))
    await asyncio.gather(*(c.hello() for c in counsellors))
    await asyncio.gather(*(c.set_status("available") for c in counsellors))
    by_session = {s.conversation.session: s for s in seekers if s.conversation is not None}
    pairs: list[Pair] = []
    for counsellor in counsellors:
        for _ in range(per_counsellor):
            if len(pairs) == chats:
                break
            session = await counsellor.take_next()
            pairs.append(Pair(by_session[session], counsellor, session))
    assert len(pairs) == chats
    await asyncio.gather(*(p.seeker.handshake(20) for p in pairs), *(p.counsellor.handshake(p.session, 20)
                                                                     for p in pairs))
    return pairs, counsellors


async def wait_for(condition: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise ClientError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


def http_status(url: str) -> int:
    """The status of one GET to a loopback server, without following redirects (the quick exit
    redirects to an outside site, which a test must never contact)."""
    parsed = urllib.parse.urlparse(url)
    assert parsed.hostname in ("127.0.0.1", "localhost"), url
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=5)
    try:
        connection.request("GET", parsed.path or "/")
        return int(connection.getresponse().status)
    finally:
        connection.close()


def flood(ws_url: str, seconds: float) -> None:
    """Run in its own process (`python -c`): one socket sends pings as fast as TCP lets it, until
    the server closes it or `seconds` pass; prints what happened as JSON."""
    import json
    import sys

    from websockets.exceptions import ConnectionClosed
    from websockets.sync.client import connect

    ping = json.dumps({"type": "ping"})
    sent, started = 0, time.monotonic()
    with connect(ws_url + "/ws/seeker/", origin=ws_url.replace("ws://", "http://"), max_queue=None,  # type: ignore[arg-type]
                 open_timeout=10) as ws:
        ws.send(json.dumps({"type": "join", "v": 1, "lang": "en", "triage": {}}))
        try:
            while time.monotonic() - started < seconds:
                ws.send(ping)
                sent += 1
        except (ConnectionClosed, OSError):
            pass
        lasted = time.monotonic() - started
        received: list[dict[str, Any]] = []
        try:
            while True:
                received.append(json.loads(ws.recv(timeout=2)))
        except (ConnectionClosed, TimeoutError, OSError):
            pass
        json.dump({"sent": sent, "started": started, "lasted": lasted, "close_code": ws.close_code,
                   "pongs": sum(1 for f in received if f.get("type") == "pong"),
                   "rate_limited": any(f.get("code") == "rate_limited" for f in received)}, sys.stdout)
