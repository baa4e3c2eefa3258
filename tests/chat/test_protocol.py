"""Every outgoing frame has one builder in chat.protocol, and each builds the shape docs/PROTOCOL.md
states (sections 3.3 and 3.4): the fields the tables list, in that order, and nothing else."""

from __future__ import annotations

import json
from typing import Any

import pytest

from chat import protocol
from chat.domain import Chat, Presence

SESSION = "S" * 22
TOKEN = "T" * 43
EPH = "E" * 87
SIG = "G" * 86
CERT = "C" * 200
MAC = "M" * 43
CT = "A" * 400


def shape(text: str) -> list[tuple[str, Any]]:
    """The frame's members in order (the builders put `type` first)."""
    return list(json.loads(text).items())


def a_chat(**changes: Any) -> Chat:
    chat = Chat(sid=SESSION, token=TOKEN, priority="raised", pathway="self", language="de", enqueued_at=100.0,
                score=1.0, triage={"q1": "a"}, addr="hash", seeker_channel="s!", counsellor_channel="c!")
    return chat.copy(**changes)


def test_every_declared_frame_type_has_its_builder() -> None:
    declared = (protocol.SEEKER_OUT | protocol.COUNSELLOR_OUT) - {"store_unavailable"}  # an error code, not a type
    builders = {name.removesuffix("_frame") for name in dir(protocol) if name.endswith("_frame")}
    assert declared <= builders


def test_it_refuses_an_undeclared_type_or_ending_reason_or_error_code() -> None:
    with pytest.raises(ValueError):
        protocol._frame("surprise")
    with pytest.raises(ValueError):
        protocol.ended_frame(reason="because")
    with pytest.raises(ValueError):
        protocol.error_frame("oops", "no such code")


# --- 3.3 to the help-seeker -------------------------------------------------------------------------


def test_welcome_has_the_token_the_session_and_the_rules() -> None:
    rules = {"queue_idle_seconds": 900, "chat_idle_seconds": 600, "idle_warning_seconds": 60, "grace_seconds": 120}
    assert shape(protocol.welcome_frame(token=TOKEN, session=SESSION, rules=rules)) == [
        ("type", "welcome"), ("token", TOKEN), ("session", SESSION), ("rules", rules)]


def test_queue_has_the_position_and_an_estimate_or_null() -> None:
    assert shape(protocol.queue_frame(position=3, eta_seconds=240)) == [
        ("type", "queue"), ("position", 3), ("eta_seconds", 240)]
    assert json.loads(protocol.queue_frame(position=1, eta_seconds=None))["eta_seconds"] is None


def test_closed_says_when_it_opens_or_null() -> None:
    assert shape(protocol.closed_frame(opens_at="2026-12-02T08:00:00Z")) == [
        ("type", "closed"), ("opens_at", "2026-12-02T08:00:00Z")]
    assert shape(protocol.closed_frame(opens_at=None)) == [("type", "closed"), ("opens_at", None)]


def test_full_assigned_requeued_pong_and_feedback_thanks_have_no_fields() -> None:
    assert protocol.full_frame() == '{"type":"full"}'
    assert protocol.assigned_frame() == '{"type":"assigned"}'
    assert protocol.requeued_frame() == '{"type":"requeued"}'
    assert protocol.pong_frame() == '{"type":"pong"}'
    assert protocol.feedback_thanks_frame() == '{"type":"feedback_thanks"}'


def test_crisis_lists_the_contacts() -> None:
    contacts = [{"name": "Line", "phone": "116 123"}]
    assert shape(protocol.crisis_frame(contacts=contacts)) == [("type", "crisis"), ("contacts", contacts)]


def test_hs_offer_carries_the_counsellors_half_and_no_session() -> None:
    assert shape(protocol.hs_offer_frame(cert=CERT, sig_cert=SIG, eph=EPH, sig=SIG)) == [
        ("type", "hs_offer"), ("cert", CERT), ("sig_cert", SIG), ("eph", EPH), ("sig", SIG)]


def test_idle_warning_gives_the_seconds_left() -> None:
    assert shape(protocol.idle_warning_frame(seconds=60)) == [("type", "idle_warning"), ("seconds", 60)]


def test_error_has_a_code_and_a_message() -> None:
    assert shape(protocol.error_frame("rate_limited", "slow down")) == [
        ("type", "error"), ("code", "rate_limited"), ("message", "slow down")]


# --- both sockets: the seeker's form has no session, the counsellor's names the chat ------------------


def test_msg_is_the_fast_text_of_seq_and_ct() -> None:
    assert protocol.msg_frame(7, CT) == json.dumps({"type": "msg", "seq": 7, "ct": CT}, separators=(",", ":"))
    assert protocol.msg_frame(7, CT, SESSION) == json.dumps(
        {"type": "msg", "session": SESSION, "seq": 7, "ct": CT}, separators=(",", ":"))
    head, tail = protocol.msg_frame_parts(7, SESSION)
    assert head + CT + tail == protocol.msg_frame(7, CT, SESSION)
    # What the relay builds is exactly what the fast parser takes back.
    assert protocol.parse_frame(protocol.msg_frame(7, CT), protocol.SEEKER_IN) == protocol.Frame(
        "msg", {"seq": 7, "ct": CT})


def test_ack_names_the_session_only_towards_a_counsellor() -> None:
    assert shape(protocol.ack_frame(4)) == [("type", "ack"), ("seq", 4)]
    assert shape(protocol.ack_frame(4, SESSION)) == [("type", "ack"), ("session", SESSION), ("seq", 4)]


def test_peer_names_the_session_only_towards_a_counsellor() -> None:
    assert shape(protocol.peer_frame(state="back")) == [("type", "peer"), ("state", "back")]
    assert shape(protocol.peer_frame(state="reconnecting", session=SESSION)) == [
        ("type", "peer"), ("session", SESSION), ("state", "reconnecting")]


def test_ended_has_a_reason_and_towards_a_counsellor_the_session() -> None:
    assert shape(protocol.ended_frame(reason="idle")) == [("type", "ended"), ("reason", "idle")]
    assert shape(protocol.ended_frame(reason="seeker_left", session=SESSION)) == [
        ("type", "ended"), ("session", SESSION), ("reason", "seeker_left")]
    assert protocol.is_frame_of(protocol.ended_frame(reason="gone"), "ended")
    assert not protocol.is_frame_of(protocol.pong_frame(), "ended")


# --- 3.4 to a counsellor --------------------------------------------------------------------------------


def test_hello_names_the_counsellor() -> None:
    assert shape(protocol.hello_frame(counsellor=7, name="Sam", supervisor=False)) == [
        ("type", "hello"), ("counsellor", 7), ("name", "Sam"), ("supervisor", False)]


def test_status_gives_state_load_limit_and_due_wrapups() -> None:
    presence = Presence(user_id=7, state="available", limit=2, active=1, wrapups=(SESSION,))
    assert shape(protocol.status_frame(presence)) == [
        ("type", "status"), ("state", "available"), ("active", 1), ("limit", 2), ("wrapups", [SESSION])]
    assert shape(protocol.status_frame(None)) == [
        ("type", "status"), ("state", "offline"), ("active", 0), ("limit", 0), ("wrapups", [])]


def test_chat_gives_the_metadata_and_the_wait_but_never_the_token_or_address() -> None:
    chat = a_chat(state="assigned", answered_at=160.0, hs="init")
    text = protocol.chat_frame(chat, moment=500.0)
    assert shape(text) == [
        ("type", "chat"), ("session", SESSION), ("triage", {"q1": "a"}), ("priority", "raised"), ("pathway", "self"),
        ("language", "de"), ("waited", 60), ("state", "assigned"), ("hs", "init")]
    assert TOKEN not in text and "hash" not in text


def test_hs_init_and_hs_confirm_name_the_session() -> None:
    assert shape(protocol.hs_init_frame(session=SESSION, eph=EPH)) == [
        ("type", "hs_init"), ("session", SESSION), ("eph", EPH)]
    assert shape(protocol.hs_confirm_frame(session=SESSION, mac=MAC)) == [
        ("type", "hs_confirm"), ("session", SESSION), ("mac", MAC)]


def test_reassigned_and_wrapup_saved_name_the_session() -> None:
    assert shape(protocol.reassigned_frame(session=SESSION)) == [("type", "reassigned"), ("session", SESSION)]
    assert shape(protocol.wrapup_saved_frame(session=SESSION)) == [("type", "wrapup_saved"), ("session", SESSION)]


def test_queue_summary_gives_totals_by_priority_and_language() -> None:
    by = {"crisis": {"count": 1, "longest_wait": 30}}
    assert shape(protocol.queue_summary_frame(total=1, by_priority=by, by_language={"en": by["crisis"]})) == [
        ("type", "queue_summary"), ("total", 1), ("by_priority", by), ("by_language", {"en": by["crisis"]})]


def test_floor_gives_metadata_only() -> None:
    live = a_chat(state="active", counsellor=7, answered_at=160.0, help_requested=True)
    waiting = a_chat(sid="W" * 22)
    person = Presence(user_id=7, name="Sam", state="available", limit=2, active=1, online=True,
                      wrapups=(SESSION,), languages=("de", "en"))
    text = protocol.floor_frame(chats=[live], queued=[waiting], counsellors=[person], moment=400.0)
    assert json.loads(text) == {
        "type": "floor",
        "chats": [{"session": SESSION, "priority": "raised", "language": "de", "pathway": "self", "counsellor": 7,
                   "state": "active", "waited": 60, "duration": 240, "help": True, "seeker_online": True,
                   "counsellor_online": True}],
        "queue": [{"session": "W" * 22, "priority": "raised", "language": "de", "pathway": "self", "waited": 300}],
        "counsellors": [{"id": 7, "name": "Sam", "state": "available", "online": True, "active": 1, "limit": 2,
                         "wrapups": 1, "languages": ["de", "en"]}],
    }
    assert TOKEN not in text and '"q1"' not in text and "hash" not in text


def test_help_gives_the_chats_metadata() -> None:
    assert shape(protocol.help_frame(session=SESSION, counsellor=7, counsellor_name="Sam", priority="crisis",
                                     language="en", minutes=12)) == [
        ("type", "help"), ("session", SESSION), ("counsellor", 7), ("counsellor_name", "Sam"), ("priority", "crisis"),
        ("language", "en"), ("minutes", 12)]
