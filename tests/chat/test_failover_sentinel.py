"""A Redis Sentinel fail-over under 20 live chats, with two Daphne workers configured through Sentinel.

The test runs its own Redis primary, a replica and three Sentinels on free loopback ports
(tests/redis_sentinel.py); the live store, the channel layer and the cache of both workers reach
Redis only through the Sentinels. While the 20 chats write in both directions, the primary is
killed with SIGKILL. Then:

- every chat either goes on, with every message delivered exactly once and in order at both ends
  (what the store refused during the outage or the new master lacks is resent from the clients'
  unacknowledged outboxes when the store is back), or both people are told `ended: interrupted`;
- no page answers HTTP 500 at any moment;
- a new chat works within 10 s of the promotion.

It prints the seconds of disruption and the counts (docs/RESILIENCE.md has the figures).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import statistics
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from chat.client import ClientError, SeekerClient
from tests.chat.resilience_helpers import WORKER_ENV, Pair, connect_pairs, counsellor_client, http_status
from tests.conftest import LiveServer, missing_service
from tests.redis_sentinel import SentinelCluster

pytestmark = pytest.mark.integration

CHATS = 20
PER_COUNSELLOR = 5
INTERVAL = 0.2  # seconds between one side's messages: 10 messages a second per chat
TALK_AFTER_PROMOTION = 6.0  # seconds the chats go on writing after the new master is known


@pytest.fixture
def sentinel_cluster(tmp_path: Path) -> Iterator[SentinelCluster]:
    cluster = SentinelCluster(tmp_path)
    try:
        cluster.start()
    except FileNotFoundError as exc:
        cluster.stop()
        missing_service(str(exc))
    yield cluster
    cluster.stop()


class Tally:
    """What one side of one chat sent and received, with when."""

    def __init__(self) -> None:
        self.sent: list[str] = []
        self.received_at: list[float] = []


async def record(inbox: asyncio.Queue[str], tally: Tally) -> None:
    while True:
        await inbox.get()
        tally.received_at.append(time.monotonic())


async def converse(pair: Pair, index: int, stop: asyncio.Event) -> None:
    """Both sides write until told to stop or their chat ends; nothing waits for the other side."""
    assert pair.seeker.conversation is not None
    seeker_side, counsellor_side = pair.seeker.conversation, pair.counsellor.conversation(pair.session)
    j = 0
    while not stop.is_set() and not seeker_side.ended and not counsellor_side.ended:
        body_s, body_c = f"chat {index} seeker {j}", f"chat {index} counsellor {j}"
        pair.sent_by_seeker.append(body_s)
        await pair.seeker.send_text(body_s)
        pair.sent_by_counsellor.append(body_c)
        await pair.counsellor.send_text(pair.session, body_c)
        j += 1
        await asyncio.sleep(INTERVAL)


def bodies(texts: list[str]) -> list[str]:
    return [str(json.loads(t)["body"]) for t in texts]


async def try_new_chat(worker: LiveServer, counsellor: Any, root_public: bytes) -> None:
    """A seeker joins, the standby counsellor takes the chat, both talk; then it ends, wrapped up."""
    seeker = SeekerClient(worker.ws_url, root_public=root_public)
    session = ""
    await seeker.connect()
    try:
        reply = await seeker.join(triage={})
        assert reply["type"] == "welcome", reply
        session = await counsellor.take_next(timeout=3)
        await asyncio.gather(seeker.handshake(5), counsellor.handshake(session, 5))
        await seeker.send_text("after the fail-over")
        assert (await counsellor.next_text(session, 5))["body"] == "after the fail-over"
        await counsellor.send_text(session, "still here")
        assert (await seeker.next_text(5))["body"] == "still here"
    finally:
        await seeker.close()
        if session:
            # Whatever happened, the standby ends the chat and files its wrap-up, to try again.
            await counsellor.end(session)
            mark = counsellor.mark()
            await counsellor.send({"type": "wrapup", "session": session, "concern": "own_thoughts",
                                   "protective_action": "yes", "referrals": ["therapy"], "risk": ["none"],
                                   "outcome": "support_given"})
            await counsellor.expect(lambda f: f.get("type") == "wrapup_saved" and f.get("session") == session, 5,
                                    since=mark)


async def test_it_keeps_or_honestly_ends_every_chat_when_the_primary_dies(
    daphne_server: Any, live_database: Any, sentinel_cluster: SentinelCluster
) -> None:
    database_url = live_database()
    env = {**WORKER_ENV, **sentinel_cluster.worker_env()}
    first = daphne_server(database_url=database_url, **env)
    second = daphne_server(database_url=database_url, **env)
    people, root_public = first.provision(CHATS // PER_COUNSELLOR + 1, chat_limit=PER_COUNSELLOR)
    standby_person, people = people[-1], people[:-1]
    half = CHATS // 2
    # Seekers on both workers, their counsellors on the other one: relays cross in both directions.
    pairs_a, counsellors_a = await connect_pairs(
        seeker_url=first.ws_url, counsellor_url=second.ws_url, people=people[: len(people) // 2],
        root_public=root_public, chats=half, per_counsellor=PER_COUNSELLOR)
    pairs_b, counsellors_b = await connect_pairs(
        seeker_url=second.ws_url, counsellor_url=first.ws_url, people=people[len(people) // 2:],
        root_public=root_public, chats=CHATS - half, per_counsellor=PER_COUNSELLOR)
    pairs, counsellors = pairs_a + pairs_b, counsellors_a + counsellors_b
    standby = counsellor_client(first.ws_url, standby_person)
    await standby.connect()
    await standby.hello()
    await standby.set_status("available")

    tallies = {id(p): (Tally(), Tally()) for p in pairs}  # (seeker's inbox, counsellor's inbox)
    recorders = []
    for pair in pairs:
        assert pair.seeker.conversation is not None
        at_seeker, at_counsellor = tallies[id(pair)]
        recorders.append(asyncio.ensure_future(record(pair.seeker.conversation.inbox, at_seeker)))
        recorders.append(asyncio.ensure_future(record(pair.counsellor.conversation(pair.session).inbox,
                                                      at_counsellor)))
    statuses: list[int] = []
    polling = asyncio.Event()

    async def poll_pages() -> None:
        while not polling.is_set():
            for server in (first, second):
                for path in ("/", "/chat/", "/staff/login/", "/healthz"):
                    statuses.append(await asyncio.to_thread(http_status, server.url + path))
            await asyncio.sleep(0.1)

    stop = asyncio.Event()
    talking = [asyncio.ensure_future(converse(p, i, stop)) for i, p in enumerate(pairs)]
    pages = asyncio.ensure_future(poll_pages())
    await asyncio.sleep(2.0)

    old_master = sentinel_cluster.master_port()
    assert old_master == sentinel_cluster.redis_ports[0]
    marks = {id(c): c.mark() for c in [*counsellors, *(p.seeker for p in pairs)]}
    killed_at = time.monotonic()
    sentinel_cluster.kill(old_master)
    while sentinel_cluster.master_port() in (old_master, None):
        assert time.monotonic() - killed_at < 30, "no promotion within 30 s"
        await asyncio.sleep(0.05)
    promoted_at = time.monotonic()

    # New chats work within 10 s of the promotion (the standby counsellor's socket stayed open).
    new_chat_after = None
    attempts: list[str] = []
    while new_chat_after is None:
        try:
            await try_new_chat(first, standby, root_public)
            new_chat_after = time.monotonic() - promoted_at
        except (ClientError, AssertionError, TimeoutError) as exc:
            attempts.append(f"{time.monotonic() - promoted_at:.2f}s {exc.__class__.__name__}: {exc}")
            assert time.monotonic() - promoted_at < 10, f"no new chat within 10 s of the promotion: {attempts}"
            await asyncio.sleep(0.2)

    await asyncio.sleep(max(0.0, TALK_AFTER_PROMOTION - (time.monotonic() - promoted_at)))
    stop.set()
    await asyncio.gather(*talking)

    def settled() -> bool:
        for pair in pairs:
            assert pair.seeker.conversation is not None
            seeker_side, counsellor_side = pair.seeker.conversation, pair.counsellor.conversation(pair.session)
            if seeker_side.ended or counsellor_side.ended:
                if not (seeker_side.ended and counsellor_side.ended):
                    return False
            elif (len(counsellor_side.received) < len(pair.sent_by_seeker)
                  or len(seeker_side.received) < len(pair.sent_by_counsellor)):
                return False
        return True

    deadline = time.monotonic() + 20
    while not settled() and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    await asyncio.sleep(0.5)  # room for a late duplicate (none may be shown)
    polling.set()
    await pages

    continued = interrupted = 0
    gaps: list[float] = []
    for pair in pairs:
        assert pair.seeker.conversation is not None
        seeker_side, counsellor_side = pair.seeker.conversation, pair.counsellor.conversation(pair.session)
        got_by_counsellor, got_by_seeker = bodies(counsellor_side.received), bodies(seeker_side.received)
        if seeker_side.ended or counsellor_side.ended:
            # Both are told, and what they were shown is what the other wrote, once, in order.
            assert seeker_side.ended == counsellor_side.ended == "interrupted", (seeker_side.ended,
                                                                                counsellor_side.ended)
            assert got_by_counsellor == pair.sent_by_seeker[: len(got_by_counsellor)]
            assert got_by_seeker == pair.sent_by_counsellor[: len(got_by_seeker)]
            interrupted += 1
            continue
        assert got_by_counsellor == pair.sent_by_seeker  # exactly once, in order
        assert got_by_seeker == pair.sent_by_counsellor
        continued += 1
        for tally in tallies[id(pair)]:
            around = [t for t in tally.received_at if t > killed_at - 2]
            before = [t for t in tally.received_at if t <= killed_at]
            after = [t for t in tally.received_at if t > killed_at]
            if before and after:
                gaps.append(max(b - a for a, b in itertools.pairwise(around)))
    assert continued + interrupted == CHATS
    assert 500 not in statuses, sorted(set(statuses))
    told = sum(1 for c in [*counsellors, *(p.seeker for p in pairs)]
               if any(f.get("code") == "store_unavailable" for f in c.frames[marks[id(c)]:]))
    sent = sum(len(p.sent_by_seeker) + len(p.sent_by_counsellor) for p in pairs)
    redelivered = sum(
        len([f for f in c.frames if f.get("type") == "msg"]) for c in [*counsellors, *(p.seeker for p in pairs)]
    ) - sum(len(p.seeker.conversation.received) + len(p.counsellor.conversation(p.session).received)  # type: ignore[union-attr]
            for p in pairs)
    print(f"\nprimary killed: promotion after {promoted_at - killed_at:.2f} s; new chat worked "
          f"{new_chat_after:.2f} s after the promotion; {told} of {len(counsellors) + CHATS} sockets told "
          f"store_unavailable; chats continued {continued}, interrupted {interrupted}; "
          f"{sent} messages sent, every one delivered once ({redelivered} redelivered copies dropped by seq); "
          f"longest silence in a continued chat {max(gaps):.2f} s (median {statistics.median(gaps):.2f} s); "
          f"{len(statuses)} page requests, statuses {sorted(set(statuses))}; new-chat attempts before: {attempts}")
    assert new_chat_after < 10

    for task in recorders:
        task.cancel()
    for client in [standby, *counsellors, *(p.seeker for p in pairs)]:
        await client.close()
    for server in (first, second):
        logs = server.logs()
        assert "Exception inside application" not in logs
        assert "Traceback" not in logs
