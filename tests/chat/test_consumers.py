"""The live path through both websocket endpoints, against the in-memory and the Redis store."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from typing import Any

import pytest
from asgiref.sync import sync_to_async

from chat import bus, e2ee, janitor
from chat.loadtest.provision import ProvisionedCounsellor
from chat.store.base import LiveStore
from helpline import metrics
from helpline.models import AuditEvent, Counter
from tests.chat.live_helpers import Counsellor, Seeker, Socket, connect_pair, open_chat

# Serialized rollback keeps the shipped defaults (triage questions, opening hours) between tests.
pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("no_background_janitor", "fresh_content_caches"),
]


def counter(metric: str, dimension: str = "") -> int:
    return sum(Counter.objects.filter(metric=metric, dimension=dimension).values_list("value", flat=True))


async def acounter(metric: str, dimension: str = "") -> int:
    from asgiref.sync import sync_to_async

    return await sync_to_async(counter)(metric, dimension)


# --- Joining ----------------------------------------------------------------------------------------


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
    from asgiref.sync import sync_to_async

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


# --- Bad input --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("not json", "bad_frame"),
        ("[1, 2]", "bad_frame"),
        ('{"type": "launch"}', "unknown_type"),
        ('{"type": "join", "v": 2}', "bad_frame"),
        ('{"type": "join", "v": 1, "triage": {"Bad Code": "x"}}', "bad_frame"),
        ('{"type": "msg", "seq": 1, "ct": "!!"}', "bad_frame"),
        ('{"type": "ping", "extra": 1}', "bad_frame"),
        ("x" * 70000, "too_large"),
    ],
)
async def test_it_answers_bad_frames_with_a_documented_error(
    live_store: LiveStore, root_public: bytes, text: str, code: str
) -> None:
    socket = Socket("/ws/seeker/")
    await socket.connect()
    await socket.send_raw(text)
    error = await socket.receive()
    assert error == {"type": "error", "code": code, "message": error["message"]}
    assert "Traceback" not in error["message"]
    await socket.close()


async def test_it_closes_a_socket_after_repeated_violations(live_store: LiveStore) -> None:
    socket = Socket("/ws/seeker/")
    await socket.connect()
    for _ in range(5):
        await socket.send_raw("{")
    assert await socket.expect_close() == 4400


async def test_it_refuses_binary_frames(live_store: LiveStore) -> None:
    socket = Socket("/ws/seeker/")
    await socket.connect()
    await socket.comm.send_to(bytes_data=b"\x00\x01")
    assert (await socket.receive())["code"] == "bad_frame"
    await socket.close()


async def test_it_refuses_messages_before_a_chat(live_store: LiveStore, root_public: bytes) -> None:
    seeker = Seeker(root_public)
    await seeker.join({})
    await seeker.send({"type": "msg", "seq": 1, "ct": "A" * 400})
    assert (await seeker.expect("error"))["code"] == "not_in_chat"
    await seeker.close()


async def test_it_refuses_a_foreign_origin(live_store: LiveStore) -> None:
    from channels.testing import WebsocketCommunicator

    from helpline.asgi import application

    comm = WebsocketCommunicator(application, "/ws/seeker/", headers=[(b"origin", b"https://evil.example")])
    connected, _ = await comm.connect()
    assert not connected


# --- Counsellor socket -----------------------------------------------------------------------------


async def test_it_closes_the_counsellor_socket_without_a_verified_session(
    live_store: LiveStore, certified_counsellor: ProvisionedCounsellor
) -> None:
    from asgiref.sync import sync_to_async
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY

    anonymous = Socket("/ws/counsellor/")
    assert await anonymous.connect() == (False, 4401)

    def without_otp() -> str:
        session_key = certified_counsellor.cookie.split("=", 1)[1]
        session = SessionStore(session_key)
        del session[DEVICE_ID_SESSION_KEY]
        session.save()
        return certified_counsellor.cookie

    cookie = await sync_to_async(without_otp)()
    unverified = Socket("/ws/counsellor/", headers=[(b"cookie", cookie.encode())])
    assert await unverified.connect() == (False, 4401)


async def test_it_closes_the_socket_of_a_manager(
    live_store: LiveStore, staff: Callable[..., ProvisionedCounsellor]
) -> None:
    from asgiref.sync import sync_to_async

    manager = await sync_to_async(staff)("manager-1", role="manager")
    socket = Socket("/ws/counsellor/", headers=[(b"cookie", manager.cookie.encode())])
    assert await socket.connect() == (False, 4401)


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


# --- A whole chat -------------------------------------------------------------------------------------


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
    from asgiref.sync import sync_to_async

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


async def test_it_never_exceeds_a_counsellors_limit(
    live_store: LiveStore, root_public: bytes, staff: Callable[..., ProvisionedCounsellor]
) -> None:
    from asgiref.sync import sync_to_async

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


# --- Resilience within one process ----------------------------------------------------------------


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
    from asgiref.sync import sync_to_async

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


async def test_a_supervisor_reassigns_a_live_chat_and_a_new_handshake_follows(
    live_store: LiveStore, root_public: bytes, staff: Callable[..., ProvisionedCounsellor]
) -> None:
    from asgiref.sync import sync_to_async

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
    from asgiref.sync import sync_to_async

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


async def test_a_flooding_socket_is_throttled(live_store: LiveStore, root_public: bytes) -> None:
    seeker = Seeker(root_public)
    await seeker.join({})
    for _ in range(200):
        await seeker.send({"type": "ping"})
    codes = []
    while True:
        assert not await seeker.comm.receive_nothing(2), codes
        output = await seeker.comm.receive_output(1)
        if output["type"] == "websocket.close":
            break
        frame = json.loads(output["text"])
        codes.append(frame.get("code") or frame["type"])
    # A burst of 60 passes; what comes faster is dropped, said once, and the socket is closed.
    assert output["code"] == 4429
    assert codes.count("rate_limited") == 1
    assert 55 <= codes.count("pong") <= 70


async def test_the_server_refuses_an_offer_with_a_revoked_certificate(
    live_store: LiveStore, root_public: bytes, certified_counsellor: ProvisionedCounsellor
) -> None:
    from asgiref.sync import sync_to_async

    from chat.certificates import do_revoke
    from chat.models import IdentityKey

    keys = IdentityKey.objects.filter(user_id=certified_counsellor.user_id)
    await sync_to_async(lambda: [do_revoke(key=k) for k in keys])()
    seeker = Seeker(root_public)
    await seeker.join({})
    worker = Counsellor(certified_counsellor)
    await worker.start()
    chat = await worker.take()
    await seeker.handshake_start()
    init = await worker.expect("hs_init", session=chat["session"])
    handshake = e2ee.CounsellorHandshake(
        chat["session"], certified_counsellor.identity_private, certified_counsellor.cert, certified_counsellor.sig_cert
    )
    await worker.send({"type": "hs_offer", "session": chat["session"], **handshake.offer(init["eph"])})
    assert (await worker.expect("error"))["code"] == "not_allowed"
    assert await seeker.nothing(0.3)
    await seeker.close()
    await worker.close()


async def test_a_signed_out_counsellor_socket_is_closed(
    live_store: LiveStore, certified_counsellor: ProvisionedCounsellor, monkeypatch: pytest.MonkeyPatch
) -> None:
    from asgiref.sync import sync_to_async
    from django.contrib.sessions.models import Session

    from chat import consumers

    monkeypatch.setattr(consumers, "SESSION_CHECK_TICKS", 1)
    worker = Counsellor(certified_counsellor)
    await worker.start()
    await sync_to_async(Session.objects.filter(session_key=certified_counsellor.cookie.split("=", 1)[1]).delete)()
    assert await worker.expect_close(timeout=5) == 4401


async def test_work_on_the_socket_keeps_the_staff_session_alive(
    live_store: LiveStore, certified_counsellor: ProvisionedCounsellor, monkeypatch: pytest.MonkeyPatch
) -> None:
    import datetime as dt

    from asgiref.sync import sync_to_async
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from chat import consumers

    key = certified_counsellor.cookie.split("=", 1)[1]
    soon = timezone.now() + dt.timedelta(minutes=1)
    await sync_to_async(Session.objects.filter(session_key=key).update)(expire_date=soon)
    monkeypatch.setattr(consumers, "SESSION_CHECK_TICKS", 1)
    worker = Counsellor(certified_counsellor)
    await worker.start()
    await worker.send({"type": "ping"})
    await asyncio.sleep(2.5)
    session = await sync_to_async(Session.objects.get)(session_key=key)
    assert session.expire_date > soon + dt.timedelta(minutes=10)
    await worker.close()
