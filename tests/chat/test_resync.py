"""chat.resync.resync_action: what a seeker socket does when the store is back after an outage or a
Sentinel fail-over that may have lost the last writes (pure; the fail-over test runs it live)."""

from __future__ import annotations

from chat.domain import Chat
from chat.resync import resync_action


def chat(**changes: object) -> Chat:
    base = Chat(sid="s1", token="t", priority="normal", pathway="", language="en", enqueued_at=1.0, score=1.0)
    return base.copy(**changes)


def test_it_says_interrupted_when_the_chat_is_gone() -> None:
    assert resync_action(socket_state="chat", confirmed=True, chat=None) == "gone"
    assert resync_action(socket_state="queued", confirmed=False, chat=None) == "gone"


def test_it_goes_on_with_a_chat_the_store_still_has() -> None:
    assert resync_action(socket_state="chat", confirmed=True, chat=chat(state="active", hs="done")) == "resync"


def test_it_ends_a_chat_whose_claim_was_lost() -> None:
    assert resync_action(socket_state="chat", confirmed=True, chat=chat(state="queued")) == "interrupted"


def test_it_ends_a_chat_whose_confirmed_handshake_was_lost() -> None:
    lost = chat(state="assigned", hs="offer", counsellor=3)
    assert resync_action(socket_state="chat", confirmed=True, chat=lost) == "interrupted"


def test_it_leaves_a_handshake_under_way_alone() -> None:
    under_way = chat(state="assigned", hs="init", counsellor=3)
    assert resync_action(socket_state="chat", confirmed=False, chat=under_way) == "none"


def test_it_starts_a_handshake_that_never_started() -> None:
    claimed = chat(state="assigned", hs="", counsellor=3)
    assert resync_action(socket_state="chat", confirmed=False, chat=claimed) == "restart_handshake"


def test_it_tells_a_waiting_seeker_who_was_claimed_meanwhile() -> None:
    claimed = chat(state="assigned", counsellor=3)
    assert resync_action(socket_state="queued", confirmed=False, chat=claimed) == "assigned"
    assert resync_action(socket_state="queued", confirmed=False, chat=chat(state="queued")) == "requeue_watch"
