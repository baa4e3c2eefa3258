"""`assign` and the floor: what supervisors may do and see (metadata, never content).

Through both websocket endpoints in process, against the in-memory and the Redis store."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from asgiref.sync import sync_to_async

from chat.loadtest.provision import ProvisionedCounsellor
from chat.store.base import LiveStore
from tests.chat.live_helpers import Counsellor, Seeker, connect_pair

# Serialized rollback keeps the shipped defaults (triage questions, opening hours) between tests.
pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("no_background_janitor", "fresh_content_caches"),
]


async def test_a_supervisor_reassigns_a_live_chat_and_a_new_handshake_follows(
    live_store: LiveStore, root_public: bytes, staff: Callable[..., ProvisionedCounsellor]
) -> None:

    first = await sync_to_async(staff)("first")
    second = await sync_to_async(staff)("second")
    boss = await sync_to_async(staff)("boss", role="supervisor")
    seeker = Seeker(root_public)
    await seeker.join({})
    one, two, supervisor = Counsellor(first), Counsellor(second), Counsellor(boss)
    for socket in (one, two, supervisor):
        await socket.start()
    session = await connect_pair(seeker, one)
    await seeker.say("before")
    assert await one.hear(session) == "before"
    await supervisor.send({"type": "assign", "session": session, "counsellor": second.user_id})
    await one.expect("reassigned", session=session)
    await two.expect("chat", session=session)
    hs = await seeker.handshake_start()
    chs = await two.answer_handshake(session)
    await seeker.handshake_finish(hs)
    await two.finish_handshake(session, chs)
    await seeker.say("after")
    assert await two.hear(session) == "after"
    for socket in (seeker, one, two, supervisor):
        await socket.close()


async def test_a_supervisor_sees_the_floor_without_content(
    live_store: LiveStore, root_public: bytes, staff: Callable[..., ProvisionedCounsellor]
) -> None:

    boss = await sync_to_async(staff)("boss", role="supervisor")
    seeker = Seeker(root_public)
    await seeker.join({"concern": "own_thoughts"})
    supervisor = Counsellor(boss)
    await supervisor.connect()
    floor = await supervisor.expect("floor")
    assert floor["queue"][0]["session"] == seeker.session
    assert "triage" not in json.dumps(floor) and "token" not in json.dumps(floor)
    await seeker.close()
    await supervisor.close()


async def test_an_ordinary_counsellor_cannot_assign(
    live_store: LiveStore, certified_counsellor: ProvisionedCounsellor
) -> None:
    worker = Counsellor(certified_counsellor)
    await worker.start()
    await worker.send({"type": "set_offline", "counsellor": certified_counsellor.user_id})
    assert (await worker.expect("error"))["code"] == "not_allowed"
    await worker.close()
