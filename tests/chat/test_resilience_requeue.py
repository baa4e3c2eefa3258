"""A counsellor gone past the grace period, with two live workers: the chat goes back to the head of
the queue with its priority, the seeker is told, and a second counsellor on the other worker takes
it, runs a fresh handshake and completes the chat."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from chat.client import SeekerClient
from tests.chat.resilience_helpers import WORKER_ENV, counsellor_client
from tests.conftest import LiveServer

pytestmark = pytest.mark.integration

GRACE = 5  # the settings' minimum


async def test_it_requeues_at_the_head_and_a_second_counsellor_completes_the_chat(
    daphne_server: Any, live_database: Any, redis_client: Any, redis_url: str
) -> None:
    database_url = live_database()
    env = {**WORKER_ENV, "COUNSELLOR_GRACE_SECONDS": str(GRACE)}
    first_worker: LiveServer = daphne_server(redis_url=redis_url, database_url=database_url, **env)
    second_worker: LiveServer = daphne_server(redis_url=redis_url, database_url=database_url, **env)
    (one, two), root_public = first_worker.provision(2)

    seeker = SeekerClient(first_worker.ws_url, root_public=root_public)
    await seeker.connect()
    await seeker.join(triage={"concern": "own_thoughts"})
    first = counsellor_client(second_worker.ws_url, one)
    await first.connect()
    await first.hello()
    await first.set_status("available")
    session = await first.take_next()
    await asyncio.gather(seeker.handshake(), first.handshake(session))
    await seeker.send_text("hello")
    assert (await first.next_text(session))["body"] == "hello"

    # Someone else joins and waits; then the first counsellor's connection is lost for good.
    later = SeekerClient(second_worker.ws_url, root_public=root_public)
    await later.connect()
    await later.join(triage={"concern": "own_thoughts"})
    mark = seeker.mark()
    first.drop()
    dropped_at = time.monotonic()
    await seeker.expect(lambda f: f.get("type") == "peer" and f.get("state") == "reconnecting", 5, since=mark)
    await seeker.expect("requeued", GRACE + 5, since=mark)
    requeued_after = time.monotonic() - dropped_at
    assert GRACE - 0.5 <= requeued_after <= GRACE + 3
    queue = [m.decode() for m in redis_client.zrange("hl:queue", 0, -1)]
    assert queue[0] == session and len(queue) == 2  # ahead of the person who joined later
    assert redis_client.hget(f"hl:chat:{session}", "priority") == b"normal"

    # A second counsellor, on the other worker, takes it and a fresh handshake follows.
    second = counsellor_client(first_worker.ws_url, two)
    await second.connect()
    await second.hello()
    await second.set_status("available")
    assert await second.take_next() == session
    await asyncio.gather(seeker.handshake(), second.handshake(session))
    assert seeker.pseudonym == two.username
    await seeker.send_text("are you there?")
    assert (await second.next_text(session))["body"] == "are you there?"
    await second.send_text(session, "yes, I am here now")
    assert (await seeker.next_text())["body"] == "yes, I am here now"
    await second.end(session)
    await seeker.expect(lambda f: f.get("type") == "ended" and f.get("reason") == "counsellor_ended", 5)
    saved = await second.wrapup(session, concern="own_thoughts", protective_action="yes", referrals=["therapy"],
                                risk=["none"], outcome="support_given")
    assert saved["type"] == "wrapup_saved"
    print(f"\nrequeued {requeued_after:.2f} s after the counsellor dropped (grace {GRACE} s)")
    for client in (seeker, later, second):
        await client.close()
