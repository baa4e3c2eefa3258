"""A whole chat to its end: `end`, `wrapup` and the seeker's `feedback`, and what they count.

Through both websocket endpoints in process, against the in-memory and the Redis store."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async

from chat import bus
from chat.loadtest.provision import ProvisionedCounsellor
from chat.store.base import LiveStore
from helpline import metrics
from helpline.models import AuditEvent
from tests.chat.live_helpers import Counsellor, Seeker, acounter, connect_pair

# Serialized rollback keeps the shipped defaults (triage questions, opening hours) between tests.
pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("no_background_janitor", "fresh_content_caches"),
]


async def test_a_whole_encrypted_chat_with_wrapup_and_feedback(
    live_store: LiveStore, root_public: bytes, certified_counsellor: ProvisionedCounsellor
) -> None:
    seeker = Seeker(root_public)
    await seeker.join({"concern": "own_thoughts", "language": "en"}, source="campaign1")
    worker = Counsellor(certified_counsellor)
    await worker.start()
    session = await connect_pair(seeker, worker)
    assert session == seeker.session

    for i in range(3):
        await seeker.say(f"seeker says {i}")
        assert await worker.hear(session) == f"seeker says {i}"
        await worker.say(session, f"counsellor says {i}")
        assert await seeker.hear() == f"counsellor says {i}"
    assert (await worker.expect("ack", session=session))["seq"] >= 1

    await worker.send({"type": "end", "session": session})
    await seeker.expect("ended", reason="counsellor_ended")
    await worker.expect("ended", session=session)
    await worker.send({"type": "take_next"})
    assert (await worker.expect("error"))["code"] == "wrapup_required"
    await worker.send({
        "type": "wrapup", "session": session, "concern": "own_thoughts", "protective_action": "yes",
        "referrals": ["therapy"], "risk": ["none"], "outcome": "support_given",
    })
    await worker.expect("wrapup_saved", session=session)
    await seeker.send({"type": "feedback", "answers": {"helpful": "yes", "would_return": "unsure"}})
    await seeker.expect("feedback_thanks")

    assert await live_store.get_chat(session) is None
    assert await live_store.pending_frames(session, "s") == []
    assert (await live_store.get_presence(certified_counsellor.user_id)).wrapups == ()  # type: ignore[union-attr]
    await bus.settle()  # the claim's counters and audit row are written after its reply
    assert await acounter(metrics.CHAT_ANSWERED) == 1
    claims = await sync_to_async(list)(AuditEvent.objects.filter(action="chat.claim").values_list(
        "actor_name", "target"))
    assert claims == [(certified_counsellor.username, "normal")]  # who and the priority, never the chat
    assert await acounter(metrics.CHAT_COMPLETED, "ended_by=counsellor") == 1
    assert await acounter(metrics.WRAPUP_FILED, "referral=therapy") == 1
    assert await acounter(metrics.FEEDBACK_GIVEN, "helpful=yes") == 1
    assert await acounter(metrics.WAIT_SECONDS) == 1
    await seeker.close()
    await worker.close()
