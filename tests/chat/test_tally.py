"""What each live event counts (chat.tally), and that helpline.counters writes those counts as the
hourly rows the statistics read."""

from __future__ import annotations

from typing import Any

import pytest

from chat import tally
from chat.domain import Chat, Presence
from helpline import metrics
from helpline.counters import do_count_many
from helpline.models import Counter

T0 = 1_000_000.0


def a_chat(**changes: Any) -> Chat:
    chat = Chat(sid="S" * 22, token="T" * 43, priority="crisis", pathway="self", language="en", enqueued_at=T0,
                score=0.0, source="poster")
    return chat.copy(**changes)


def test_it_counts_a_refused_attempt_by_when() -> None:
    for when in ("closed", "full", "blocked"):
        assert tally.attempted(when) == [(metrics.CONTACT_ATTEMPTED, {"when": when}, 1)]


def test_it_counts_a_join_with_its_breakdowns_landing_page_and_crisis_reason() -> None:
    assert tally.joined(a_chat(), landing=True, crisis_reason="self_harm") == [
        (metrics.CONTACT_ATTEMPTED, {"when": "open"}, 1),
        (metrics.CHAT_QUEUED, {"priority": "crisis", "pathway": "self", "language": "en"}, 1),
        (metrics.LANDING_CHAT_STARTED, {"source": "poster"}, 1),
        (metrics.CRISIS_SHOWN, {"reason": "self_harm"}, 1),
    ]
    assert [c.metric for c in tally.joined(a_chat(), landing=False, crisis_reason=None)] == [
        metrics.CONTACT_ATTEMPTED, metrics.CHAT_QUEUED]


def test_it_counts_an_answer_with_the_wait_binned() -> None:
    assert tally.answered(a_chat(), moment=T0 + 45) == [
        (metrics.CHAT_ANSWERED, {"priority": "crisis", "pathway": "self", "language": "en"}, 1),
        (metrics.WAIT_SECONDS, {"bin": metrics.bin_label(45, metrics.WAIT_BINS)}, 1),
    ]


def test_it_counts_leaving_the_queue_as_abandonment_with_the_wait() -> None:
    assert tally.ended(a_chat(), moment=T0 + 400, ended_by="seeker") == [
        (metrics.CHAT_ABANDONED, {"priority": "crisis", "language": "en"}, 1),
        (metrics.ABANDON_WAIT_SECONDS, {"bin": metrics.bin_label(400, metrics.WAIT_BINS)}, 1),
    ]


def test_it_counts_a_dropped_chat_and_its_duration() -> None:
    chat = a_chat(state="active", answered_at=T0 + 60)
    assert tally.ended(chat, moment=T0 + 960, ended_by="dropped") == [
        (metrics.CHAT_DROPPED, {"priority": "crisis"}, 1),
        (metrics.CHAT_DURATION_SECONDS, {"bin": metrics.bin_label(900, metrics.DURATION_BINS)}, 1),
    ]


def test_it_counts_a_completed_chat_by_who_ended_it() -> None:
    chat = a_chat(state="active", answered_at=T0 + 60)
    dims = {"priority": "crisis", "pathway": "self", "language": "en", "ended_by": "counsellor"}
    assert tally.ended(chat, moment=T0 + 100, ended_by="counsellor")[0] == (metrics.CHAT_COMPLETED, dims, 1)


def test_it_counts_a_requeue_by_priority() -> None:
    assert tally.requeued(a_chat()) == [(metrics.CHAT_REQUEUED, {"priority": "crisis"}, 1)]


def test_it_counts_feedback_only_when_there_is_some() -> None:
    assert tally.feedback_given({"helpful": "yes"}) == [(metrics.FEEDBACK_GIVEN, {"helpful": "yes"}, 1)]
    assert tally.feedback_given({}) == []


def test_it_samples_available_capacity_and_live_chats() -> None:
    people = [Presence(user_id=1, state="available", online=True, limit=2),
              Presence(user_id=2, state="available", online=True, limit=3),
              Presence(user_id=3, state="break", online=True, limit=2),
              Presence(user_id=4, state="available", online=False, limit=2)]
    assert tally.capacity_sampled(people, [a_chat(state="active")]) == [
        (metrics.CAPACITY_COUNSELLOR_MINUTES, {}, 2),
        (metrics.CAPACITY_SLOT_MINUTES, {}, 5),
        (metrics.LOAD_CHAT_MINUTES, {}, 1),
    ]
    assert tally.capacity_sampled([], []) == []


def rows() -> dict[tuple[str, str], int]:
    return {(c.metric, c.dimension): c.value for c in Counter.objects.all()}


@pytest.mark.django_db
def test_a_wrapup_becomes_one_row_per_code_under_its_total() -> None:
    Counter.objects.all().delete()
    do_count_many(tally.wrapup_filed(concern="own_thoughts", protective_action=True, outcome="referred",
                                     referrals=("therapy", "gp"), risk=("none",)))
    assert rows() == {
        (metrics.WRAPUP_FILED, ""): 1,
        (metrics.WRAPUP_FILED, "concern=own_thoughts"): 1,
        (metrics.WRAPUP_FILED, "protective_action=yes"): 1,
        (metrics.WRAPUP_FILED, "outcome=referred"): 1,
        (metrics.WRAPUP_FILED, "referral=therapy"): 1,
        (metrics.WRAPUP_FILED, "referral=gp"): 1,
        (metrics.WRAPUP_FILED, "risk=none"): 1,
    }


@pytest.mark.django_db
def test_a_sample_adds_its_n_to_the_total() -> None:
    Counter.objects.all().delete()
    people = [Presence(user_id=1, state="available", online=True, limit=2)]
    do_count_many(tally.capacity_sampled(people, []))
    do_count_many(tally.capacity_sampled(people, []))
    assert rows() == {(metrics.CAPACITY_COUNSELLOR_MINUTES, ""): 2, (metrics.CAPACITY_SLOT_MINUTES, ""): 4}
