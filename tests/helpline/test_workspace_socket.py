"""The authorisation matrix of the counsellor socket: every message type against every persona.

Who may open `/ws/counsellor/` at all (anonymous, password only and managers may not: 4401), which
chat-scoped frames another counsellor is refused on someone else's chat, and which frames only
supervisors (and admins, docs/PROTOCOL.md 3.4) may send. Uses the in-memory live store.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from asgiref.sync import sync_to_async

from chat import e2ee, protocol
from chat.loadtest.provision import ProvisionedCounsellor
from tests.chat.live_helpers import Counsellor, Seeker, Socket, connect_pair
from tests.personas import make_staff, signed_in_client, ws_headers

# Transactional (the consumers reach the database from other threads). No serialized rollback: the
# opening hours the tests need are made here, so the suite's order does not matter.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

CT = "A" * 363  # the shape of a 272-byte ciphertext; never decrypted here
WRAPUP = {"concern": "own_thoughts", "protective_action": "yes", "referrals": ["none"], "risk": ["none"],
          "outcome": "support_given"}


@pytest.fixture(autouse=True)
def _open_all_day(no_background_janitor: None, fresh_content_caches: None) -> None:
    import datetime

    from helpline.models import OpeningHours

    midnight = datetime.time(0)
    for weekday in range(7):
        OpeningHours.objects.get_or_create(weekday=weekday, opens=midnight, closes=midnight)


def chat_frame(kind: str, session: str, who: ProvisionedCounsellor, counsellor_id: int = 1) -> dict[str, Any]:
    """A well-formed frame of each type, so that only authorisation can refuse it."""
    handshake = e2ee.CounsellorHandshake(session, who.identity_private, who.cert, who.sig_cert)
    seeker_eph = e2ee.b64e(e2ee.public_point(e2ee.generate_ephemeral().public_key()))
    frames: dict[str, dict[str, Any]] = {
        "hs_offer": {"session": session, **handshake.offer(seeker_eph)},
        "msg": {"session": session, "seq": 1, "ct": CT},
        "ack": {"session": session, "seq": 1},
        "end": {"session": session},
        "wrapup": {"session": session, **WRAPUP},
        "block": {"session": session},
        "rekey": {"session": session},
        "help": {"session": session},
        "assign": {"session": session, "counsellor": counsellor_id},
        "set_offline": {"counsellor": counsellor_id},
    }
    return {"type": kind, **frames[kind]}


CHAT_SCOPED = ["hs_offer", "msg", "ack", "end", "wrapup", "block", "rekey", "help"]
SUPERVISOR_ONLY = ["assign", "set_offline"]


def test_it_lists_every_counsellor_frame_type_in_the_matrix() -> None:
    assert set(protocol.COUNSELLOR_IN) == {*CHAT_SCOPED, *SUPERVISOR_ONLY, "status", "take_next", "ping"}


async def _headers_for(persona: str, staff: Callable[..., ProvisionedCounsellor]) -> list[tuple[bytes, bytes]]:
    if persona == "anonymous":
        return []
    if persona == "password_only":
        def password_only() -> list[tuple[bytes, bytes]]:
            return ws_headers(signed_in_client(make_staff("counsellor", username="half"), verified=False))

        return [h for h in await sync_to_async(password_only)() if h[0] == b"cookie"]
    who = await sync_to_async(staff)(persona, role=persona)
    return [(b"cookie", who.cookie.encode())]


@pytest.mark.parametrize("persona", ["anonymous", "password_only", "manager"])
async def test_it_closes_the_socket_before_any_frame_for(
    persona: str, memory_store: Any, staff: Callable[..., ProvisionedCounsellor]
) -> None:
    socket = Socket("/ws/counsellor/", headers=await _headers_for(persona, staff))
    connected, code = await socket.connect()
    assert (connected, code) == (False, protocol.CLOSE_UNAUTHENTICATED)


@pytest.mark.parametrize("persona", ["counsellor", "supervisor", "admin"])
async def test_it_opens_the_socket_and_answers_status_take_next_and_ping_for(
    persona: str, memory_store: Any, staff: Callable[..., ProvisionedCounsellor]
) -> None:
    socket = Socket("/ws/counsellor/", headers=await _headers_for(persona, staff))
    assert (await socket.connect())[0]
    hello = await socket.receive()
    assert hello["type"] == "hello" and hello["supervisor"] is (persona != "counsellor")
    await socket.send({"type": "status", "state": "available"})
    await socket.expect("status", state="available")
    await socket.send({"type": "take_next"})
    assert (await socket.expect("error"))["code"] == "queue_empty"
    await socket.send({"type": "ping"})
    await socket.expect("pong")
    await socket.close()


@pytest.mark.parametrize("kind", CHAT_SCOPED)
async def test_another_counsellor_is_refused_on_someone_elses_chat(
    kind: str, memory_store: Any, staff: Callable[..., ProvisionedCounsellor], org_root: Any
) -> None:
    owner_who, other_who = await sync_to_async(staff)("owner"), await sync_to_async(staff)("other")
    seeker = Seeker(e2ee.public_point(org_root.public_key()))
    owner, other = Counsellor(owner_who), Counsellor(other_who)
    await seeker.join()
    await owner.start()
    await other.start(available=False)
    session = await connect_pair(seeker, owner)

    await other.send(chat_frame(kind, session, other_who))
    if kind == "ack":
        # Ignored without a word: nothing of that chat is this counsellor's to acknowledge.
        await other.send({"type": "ping"})
        await other.expect("pong")
        assert not [f for f in other.seen if f["type"] in ("error", "ack", "msg")]
    else:
        error = await other.expect("error")
        assert error["code"] == "not_allowed"
    # The chat is untouched: both sides still talk, and the seeker heard nothing from the other.
    await seeker.say("still here")
    assert await owner.hear(session) == "still here"
    await owner.say(session, "me too")
    assert await seeker.hear() == "me too"
    state = await memory_store.get_chat(session)
    assert state.counsellor == owner_who.user_id and not state.help_requested
    for socket in (seeker, owner, other):
        await socket.close()


@pytest.mark.parametrize("kind", SUPERVISOR_ONLY)
@pytest.mark.parametrize("persona", ["counsellor", "supervisor", "admin"])
async def test_only_supervisors_and_admins_assign_and_set_offline(
    kind: str, persona: str, memory_store: Any, staff: Callable[..., ProvisionedCounsellor], org_root: Any
) -> None:
    holder_who, target_who = await sync_to_async(staff)("holder"), await sync_to_async(staff)("target")
    actor_who = await sync_to_async(staff)(f"actor-{persona}", role=persona)
    seeker = Seeker(e2ee.public_point(org_root.public_key()))
    holder, target, actor = Counsellor(holder_who), Counsellor(target_who), Counsellor(actor_who)
    await seeker.join()
    await holder.start()
    await target.start()
    await actor.start(available=False)
    session = await connect_pair(seeker, holder)

    await actor.send(chat_frame(kind, session, actor_who, counsellor_id=target_who.user_id))
    if persona == "counsellor":
        assert (await actor.expect("error"))["code"] == "not_allowed"
        state = await memory_store.get_chat(session)
        assert state.counsellor == holder_who.user_id
        assert (await memory_store.get_presence(target_who.user_id)).state == "available"
    elif kind == "assign":
        await holder.expect("reassigned", session=session)
        await target.expect("chat", session=session)
        await seeker.expect("assigned")
    else:
        await target.expect("status", state="offline")
    for socket in (seeker, holder, target, actor):
        await socket.close()


async def test_a_help_request_reaches_supervisors_with_metadata_only(
    memory_store: Any, staff: Callable[..., ProvisionedCounsellor], org_root: Any
) -> None:
    who, boss_who = await sync_to_async(staff)("asker"), await sync_to_async(staff)("boss", role="supervisor")
    seeker = Seeker(e2ee.public_point(org_root.public_key()))
    counsellor, boss = Counsellor(who), Counsellor(boss_who)
    await seeker.join(triage={"concern": "own_thoughts"})
    await counsellor.start()
    await boss.start(available=False)
    session = await connect_pair(seeker, counsellor)
    await seeker.say("a private sentence")
    await counsellor.hear(session)

    await counsellor.send({"type": "help", "session": session})
    alert = await boss.expect("help")
    assert set(alert) == {"type", "session", "counsellor", "counsellor_name", "priority", "language", "minutes"}
    assert alert["counsellor"] == who.user_id and alert["priority"] == "normal"
    assert "private" not in json.dumps(boss.seen) and "own_thoughts" not in json.dumps(alert)
    for socket in (seeker, counsellor, boss):
        await socket.close()
