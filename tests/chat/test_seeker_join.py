"""`join` on the seeker socket: the welcome, crisis contacts, a closed or full service, leaving the queue, a block.

Through both websocket endpoints in process, against the in-memory and the Redis store."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import sync_to_async

from chat.loadtest.provision import ProvisionedCounsellor
from chat.store.base import LiveStore
from helpline import metrics
from tests.chat.live_helpers import Seeker, acounter, open_chat

# Serialized rollback keeps the shipped defaults (triage questions, opening hours) between tests.
pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("no_background_janitor", "fresh_content_caches"),
]


async def test_it_welcomes_a_seeker_into_the_queue(live_store: LiveStore, root_public: bytes) -> None:
    seeker = Seeker(root_public)
    welcome = await seeker.join({"concern": "own_thoughts"})
    assert welcome["type"] == "welcome"
    assert len(welcome["session"]) == 22 and len(welcome["token"]) == 43
    assert set(welcome["rules"]) == {"queue_idle_seconds", "chat_idle_seconds", "idle_warning_seconds", "grace_seconds"}
    queue = await seeker.expect("queue")
    assert queue["position"] == 1 and queue["eta_seconds"] is None  # nobody on shift: no honest estimate
    chat = await live_store.get_chat(seeker.session)
    assert chat is not None and chat.pathway == "self" and chat.priority == "normal"
    assert await acounter(metrics.CHAT_QUEUED) == 1
    await seeker.close()


async def test_it_shows_crisis_contacts_at_once_and_raises_priority(live_store: LiveStore, root_public: bytes) -> None:
    calm = Seeker(root_public)
    await calm.join({"concern": "own_thoughts"})
    urgent = Seeker(root_public)
    await urgent.join({"concern": "own_thoughts", "self_harm": "yes"})
    crisis = await urgent.expect("crisis")
    assert isinstance(crisis["contacts"], list)
    queue = await urgent.expect("queue")
    assert queue["position"] == 1  # ahead of the calmer chat that joined first
    assert (await live_store.get_chat(urgent.session)).priority == "crisis"  # type: ignore[union-attr]
    await calm.close()
    await urgent.close()


async def test_it_ignores_unknown_triage_codes(live_store: LiveStore, root_public: bytes) -> None:
    seeker = Seeker(root_public)
    assert (await seeker.join({"nonsense": "whatever", "concern": "no_such_option"}))["type"] == "welcome"
    await seeker.close()


async def test_it_says_when_the_service_is_closed(live_store: LiveStore, root_public: bytes) -> None:

    from helpline.models import OpeningHours

    await sync_to_async(OpeningHours.objects.all().delete)()
    seeker = Seeker(root_public)
    closed = await seeker.join({})
    assert closed["type"] == "closed"
    assert await seeker.expect_close() == 1000
    assert await acounter(metrics.CONTACT_ATTEMPTED, "when=closed") == 1


async def test_it_says_honestly_when_the_queue_is_full(
    live_store: LiveStore, root_public: bytes, settings: Any
) -> None:
    settings.QUEUE_MAX_LENGTH = 1
    first = Seeker(root_public)
    await first.join({})
    second = Seeker(root_public)
    assert (await second.join({}))["type"] == "full"
    assert await second.expect_close() == 1000
    assert await acounter(metrics.CONTACT_ATTEMPTED, "when=full") == 1
    await first.close()


async def test_it_counts_leaving_the_queue_as_abandonment(live_store: LiveStore, root_public: bytes) -> None:
    seeker = Seeker(root_public)
    await seeker.join({})
    await seeker.send({"type": "leave"})
    await seeker.expect("ended", reason="seeker_left")
    assert await live_store.get_chat(seeker.session) is None
    assert await acounter(metrics.CHAT_ABANDONED) == 1
    await seeker.close()


async def test_a_blocked_connection_cannot_start_another_chat(
    live_store: LiveStore, root_public: bytes, certified_counsellor: ProvisionedCounsellor
) -> None:
    seeker, worker, session = await open_chat(root_public, certified_counsellor)
    await worker.send({"type": "block", "session": session})
    await seeker.expect("ended", reason="blocked")
    again = Seeker(root_public)
    refused = await again.join({})
    assert refused == {"type": "error", "code": "blocked", "message": refused["message"]}
    for socket in (seeker, worker):
        await socket.close()
