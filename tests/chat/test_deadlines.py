"""Deadlines the janitor acts on: grace periods after a drop, idle warnings and time-outs, `ping`.

Through both websocket endpoints in process, against the in-memory and the Redis store."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from asgiref.sync import sync_to_async

from chat import janitor
from chat.loadtest.provision import ProvisionedCounsellor
from chat.store.base import LiveStore
from helpline import metrics
from tests.chat.live_helpers import Counsellor, Seeker, acounter, connect_pair, open_chat

# Serialized rollback keeps the shipped defaults (triage questions, opening hours) between tests.
pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("no_background_janitor", "fresh_content_caches"),
]


async def test_a_seeker_gone_past_the_grace_period_counts_as_dropped(
    live_store: LiveStore, root_public: bytes, certified_counsellor: ProvisionedCounsellor, settings: Any
) -> None:
    seeker, worker, session = await open_chat(root_public, certified_counsellor)
    await seeker.comm.disconnect()
    await worker.expect("peer", session=session, state="reconnecting")
    await live_store.set_deadline("sgrace", session, time.time() - 1)
    await janitor.tick()
    await worker.expect("ended", session=session, reason="seeker_lost")
    assert await acounter(metrics.CHAT_DROPPED) == 1
    await worker.close()


async def test_a_counsellor_gone_past_grace_sends_the_chat_back_to_the_head_of_the_queue(
    live_store: LiveStore, root_public: bytes, staff: Callable[..., ProvisionedCounsellor]
) -> None:

    first = await sync_to_async(staff)("first")
    second = await sync_to_async(staff)("second")
    seeker = Seeker(root_public)
    await seeker.join({})
    later = Seeker(root_public)
    await later.join({"self_harm": "yes"})
    one = Counsellor(first)
    await one.start()
    await one.take()  # the crisis chat
    await one.take()  # our seeker
    hs = await seeker.handshake_start()
    chs = await one.answer_handshake(seeker.session)
    await seeker.handshake_finish(hs)
    await one.finish_handshake(seeker.session, chs)
    await one.close()
    await seeker.expect("peer", state="reconnecting")
    await live_store.set_deadline("cgrace", seeker.session, time.time() - 1)
    await janitor.tick()
    await seeker.expect("requeued")
    queued = await live_store.queued_chats()
    assert queued[0].sid == seeker.session

    two = Counsellor(second)
    await two.start()
    session = await connect_pair(seeker, two)
    await seeker.say("hello again")
    assert await two.hear(session) == "hello again"
    for socket in (seeker, later, two):
        await socket.close()


async def test_idle_seekers_are_warned_then_timed_out(
    live_store: LiveStore, root_public: bytes, settings: Any
) -> None:
    seeker = Seeker(root_public)
    await seeker.join({})
    await live_store.update_chat(seeker.session, last_seeker_activity=time.time() - settings.SEEKER_QUEUE_IDLE_SECONDS)
    await live_store.set_deadline("sidle", seeker.session, time.time() - 1)
    await janitor.tick()
    warning = await seeker.expect("idle_warning")
    assert warning["seconds"] == settings.IDLE_WARNING_SECONDS
    await live_store.set_deadline("sidle_end", seeker.session, time.time() - 1)
    await janitor.tick()
    await seeker.expect("ended", reason="idle")
    await seeker.close()


async def test_a_ping_keeps_an_idle_seeker(live_store: LiveStore, root_public: bytes, settings: Any) -> None:
    seeker = Seeker(root_public)
    await seeker.join({})
    await seeker.send({"type": "ping"})
    await seeker.expect("pong")
    await live_store.set_deadline("sidle", seeker.session, time.time() - 1)
    await janitor.tick()
    assert await live_store.get_chat(seeker.session) is not None
    assert not [f for f in seeker.seen if f["type"] == "idle_warning"]
    await seeker.close()
