"""`status` and `take_next`: breaks, the concurrent-chat limit, and the queue moving up.

Through both websocket endpoints in process, against the in-memory and the Redis store."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from asgiref.sync import sync_to_async

from chat.loadtest.provision import ProvisionedCounsellor
from chat.store.base import LiveStore
from tests.chat.live_helpers import Counsellor, Seeker

# Serialized rollback keeps the shipped defaults (triage questions, opening hours) between tests.
pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("no_background_janitor", "fresh_content_caches"),
]


async def test_it_refuses_to_take_a_chat_while_on_a_break(
    live_store: LiveStore, certified_counsellor: ProvisionedCounsellor
) -> None:
    worker = Counsellor(certified_counsellor)
    await worker.start(available=False)
    await worker.send({"type": "take_next"})
    assert (await worker.expect("error"))["code"] == "not_available"
    await worker.send({"type": "status", "state": "available"})
    await worker.expect("status", state="available")
    await worker.send({"type": "take_next"})
    assert (await worker.expect("error"))["code"] == "queue_empty"
    await worker.close()


async def test_waiting_seekers_move_up_together_and_hear_nothing_more_once_taken(
    live_store: LiveStore, root_public: bytes, certified_counsellor: ProvisionedCounsellor
) -> None:
    seekers = [Seeker(root_public) for _ in range(4)]
    for seeker in seekers:
        await seeker.join({"concern": "own_thoughts"})
        await seeker.expect("queue")
    await seekers[1].send({"type": "leave"})
    # One round of the board (chat.positions, once a second) tells those behind, and only them.
    assert (await seekers[2].expect("queue", timeout=3))["position"] == 2
    assert (await seekers[3].expect("queue", timeout=3))["position"] == 3
    assert await seekers[0].nothing(1.2)
    worker = Counsellor(certified_counsellor)
    await worker.start()
    assert (await worker.take())["session"] == seekers[0].session
    await seekers[0].expect("assigned")
    assert (await seekers[2].expect("queue", timeout=3))["position"] == 1
    assert await seekers[0].nothing(1.5)  # taken: no more positions
    assert all(f["type"] != "queue" for f in seekers[0].seen[seekers[0].seen.index({"type": "assigned"}):])
    for seeker in seekers:
        await seeker.close()
    await worker.close()


async def test_it_never_exceeds_a_counsellors_limit(
    live_store: LiveStore, root_public: bytes, staff: Callable[..., ProvisionedCounsellor]
) -> None:

    one = await sync_to_async(staff)("limited", chat_limit=1)
    seekers = [Seeker(root_public) for _ in range(2)]
    for seeker in seekers:
        await seeker.join({})
    worker = Counsellor(one)
    await worker.start()
    await worker.take()
    await worker.send({"type": "take_next"})
    assert (await worker.expect("error"))["code"] == "at_limit"
    for socket in (*seekers, worker):
        await socket.close()
