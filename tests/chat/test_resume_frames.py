"""`resume` after a dropped socket: nothing lost, nothing shown twice.

Through both websocket endpoints in process, against the in-memory and the Redis store."""

from __future__ import annotations

import pytest

from chat.loadtest.provision import ProvisionedCounsellor
from chat.store.base import LiveStore
from tests.chat.live_helpers import Seeker, Socket, open_chat

# Serialized rollback keeps the shipped defaults (triage questions, opening hours) between tests.
pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("no_background_janitor", "fresh_content_caches"),
]


async def test_a_seeker_resumes_and_gets_what_was_not_acknowledged(
    live_store: LiveStore, root_public: bytes, certified_counsellor: ProvisionedCounsellor
) -> None:
    seeker, worker, session = await open_chat(root_public, certified_counsellor)
    await seeker.comm.disconnect()
    await worker.expect("peer", session=session, state="reconnecting")
    await worker.say(session, "are you still there?")

    back = Seeker(root_public)
    back.cipher, back.session = seeker.cipher, seeker.session
    await back.connect()
    await back.send({"type": "resume", "token": seeker.token})
    assert (await back.expect("welcome"))["session"] == session
    assert await back.hear() == "are you still there?"
    await worker.expect("peer", session=session, state="back")
    # A resend of a frame the server already has is dropped, not delivered twice.
    seq = await back.say("yes")
    assert await worker.hear(session) == "yes"
    assert back.cipher is not None
    await back.send({"type": "msg", "seq": seq, "ct": "A" * 400})
    assert await worker.nothing(0.3)
    await back.close()
    await worker.close()


async def test_an_unknown_resume_token_ends_clearly(live_store: LiveStore) -> None:
    socket = Socket("/ws/seeker/")
    await socket.connect()
    await socket.send({"type": "resume", "token": "A" * 43})
    assert (await socket.receive())["code"] == "bad_token"
    assert (await socket.receive())["type"] == "ended"
    await socket.close()
