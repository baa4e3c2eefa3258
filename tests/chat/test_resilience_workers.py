"""Several Daphne workers sharing Redis: any socket on any worker, and a worker killed with
SIGKILL in the middle of 50 conversations loses nothing. Every chat resumes on the surviving
worker within 5 s, and every message arrives exactly once and in order, at both ends.

RESILIENCE_CHATS raises the number of chats for a longer run (default 50).
"""

from __future__ import annotations

import asyncio
import os
import time
from typing import Any

import pytest

from chat.client import BaseClient
from tests.chat.resilience_helpers import WORKER_ENV, Pair, connect_pairs, wait_for
from tests.conftest import LiveServer

pytestmark = pytest.mark.integration

CHATS = int(os.environ.get("RESILIENCE_CHATS", "50"))
PER_COUNSELLOR = 5
MESSAGES = 12  # each way, per chat; the worker is killed after the first third


@pytest.fixture
def two_workers(daphne_server: Any, live_database: Any, redis_client: Any, redis_url: str) -> tuple[LiveServer, ...]:
    database_url = live_database()
    env = dict(WORKER_ENV)
    return (daphne_server(redis_url=redis_url, database_url=database_url, **env),
            daphne_server(redis_url=redis_url, database_url=database_url, **env))


async def converse(pair: Pair, index: int, *, start: int, stop: int) -> None:
    """Both sides write, whatever happens to their connection: the reference client keeps what it
    cannot send now and sends it when it has resumed."""
    for j in range(start, stop):
        body_s, body_c = f"chat {index} seeker {j}", f"chat {index} counsellor {j}"
        pair.sent_by_seeker.append(body_s)
        pair.sent_by_counsellor.append(body_c)
        await pair.seeker.send_text(body_s)
        await pair.counsellor.send_text(pair.session, body_c)
        await asyncio.sleep(0.02)


@pytest.mark.parametrize("victim", ["seekers", "counsellors"])
async def test_it_resumes_every_chat_on_the_other_worker_after_a_kill(
    two_workers: tuple[LiveServer, LiveServer], victim: str
) -> None:
    seeker_worker, counsellor_worker = two_workers
    people, root_public = seeker_worker.provision(-(-CHATS // PER_COUNSELLOR), chat_limit=PER_COUNSELLOR)
    pairs, counsellors = await connect_pairs(
        seeker_url=seeker_worker.ws_url, counsellor_url=counsellor_worker.ws_url, people=people,
        root_public=root_public, chats=CHATS, per_counsellor=PER_COUNSELLOR,
    )
    first = MESSAGES // 3
    await asyncio.gather(*(converse(p, i, start=0, stop=first) for i, p in enumerate(pairs)))

    killed, survivor = (seeker_worker, counsellor_worker) if victim == "seekers" else (counsellor_worker,
                                                                                        seeker_worker)
    dropped: list[BaseClient] = (
        [p.seeker for p in pairs] if victim == "seekers" else list(counsellors)
    )
    resumed_after: list[float] = []

    async def come_back(client: BaseClient, killed_at: float) -> None:
        await asyncio.wait_for(client.closed.wait(), 10)
        reply = await client.resume(fallback_urls=[survivor.ws_url])  # type: ignore[attr-defined]
        assert reply["type"] in ("welcome", "hello"), reply
        assert client.base_url == survivor.ws_url
        resumed_after.append(time.monotonic() - killed_at)

    # Kill the worker while the second part of every conversation is in flight.
    talking = asyncio.gather(*(converse(p, i, start=first, stop=MESSAGES) for i, p in enumerate(pairs)))
    await asyncio.sleep(0.15)
    killed_at = time.monotonic()
    killed.kill()  # SIGKILL: no disconnect handler runs, nothing is cleaned up
    await asyncio.gather(*(come_back(c, killed_at) for c in dropped))
    await talking

    def all_delivered() -> bool:
        return all(
            len(p.counsellor.conversation(p.session).received) >= MESSAGES
            and p.seeker.conversation is not None and len(p.seeker.conversation.received) >= MESSAGES
            for p in pairs
        )

    await wait_for(all_delivered, 20, "every message to arrive")
    await asyncio.sleep(0.5)  # room for any late duplicate to show up (none may)
    for pair in pairs:
        assert pair.seeker.conversation is not None
        got_by_counsellor = [_body(t) for t in pair.counsellor.conversation(pair.session).received]
        got_by_seeker = [_body(t) for t in pair.seeker.conversation.received]
        assert got_by_counsellor == pair.sent_by_seeker  # exactly once, in order
        assert got_by_seeker == pair.sent_by_counsellor
        seqs = [f["seq"] for f in pair.seeker.frames if f.get("type") == "msg"]
        assert sorted(set(seqs)) == list(range(1, MESSAGES + 1))  # redeliveries carry the same numbers
    # The side that stayed saw the other come back.
    stayed_frames = [f for c in counsellors for f in c.frames] if victim == "seekers" else [
        f for p in pairs for f in p.seeker.frames]
    assert sum(1 for f in stayed_frames if f.get("type") == "peer" and f.get("state") == "back") >= len(dropped)
    print(f"\n{victim}' worker killed: {len(dropped)} sockets resumed on the other worker; "
          f"slowest {max(resumed_after):.2f} s, median {sorted(resumed_after)[len(resumed_after) // 2]:.2f} s")
    assert max(resumed_after) < 5.0
    for pair in pairs:
        await pair.seeker.close()
    for counsellor in counsellors:
        await counsellor.close()


def _body(text: str) -> str:
    import json

    return str(json.loads(text)["body"])

