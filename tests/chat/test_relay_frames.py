"""`msg` and `ack`: ciphertext only, and only between the chat's own two sides.

Through both websocket endpoints in process, against the in-memory and the Redis store."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from asgiref.sync import sync_to_async

from chat.loadtest.provision import ProvisionedCounsellor
from chat.store.base import LiveStore
from tests.chat.live_helpers import Counsellor, open_chat

# Serialized rollback keeps the shipped defaults (triage questions, opening hours) between tests.
pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("no_background_janitor", "fresh_content_caches"),
]


async def test_the_server_only_ever_sees_ciphertext(
    live_store: LiveStore, root_public: bytes, certified_counsellor: ProvisionedCounsellor
) -> None:
    seeker, worker, session = await open_chat(root_public, certified_counsellor)
    canary = "CANARY-plaintext-7f3a"
    await seeker.say(canary)
    frame = await worker.expect("msg", session=session)
    assert canary not in json.dumps(frame)
    pending = await live_store.pending_frames(session, "s")
    assert pending and all(canary not in ct for _, ct in pending)
    await seeker.close()
    await worker.close()


async def test_a_counsellor_cannot_touch_another_counsellors_chat(
    live_store: LiveStore, root_public: bytes, staff: Callable[..., ProvisionedCounsellor]
) -> None:

    mine = await sync_to_async(staff)("counsellor-a")
    theirs = await sync_to_async(staff)("counsellor-b")
    seeker, owner, session = await open_chat(root_public, mine)
    intruder = Counsellor(theirs)
    await intruder.start()
    for frame in (
        {"type": "msg", "session": session, "seq": 1, "ct": "A" * 400},
        {"type": "end", "session": session},
        {"type": "hs_offer", "session": session, "cert": "A" * 200, "sig_cert": "A" * 86, "eph": "A" * 87,
         "sig": "A" * 86},
        {"type": "assign", "session": session, "counsellor": theirs.user_id},
    ):
        await intruder.send(frame)
        assert (await intruder.expect("error"))["code"] == "not_allowed"
    assert (await live_store.get_chat(session)).counsellor == mine.user_id  # type: ignore[union-attr]
    for socket in (seeker, owner, intruder):
        await socket.close()
