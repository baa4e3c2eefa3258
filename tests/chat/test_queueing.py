from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from chat.domain import Presence
from chat.queueing import ahead_of, capacity, queue_score, requeue_score, shared_queue_keys, wait_estimate


def presence(uid: int, **kwargs) -> Presence:
    base = {"user_id": uid, "state": "available", "online": True, "limit": 2, "languages": ("en",)}
    base.update(kwargs)
    return Presence(**base)


def test_it_puts_crisis_ahead_of_earlier_normal_chats() -> None:
    normal = queue_score(enqueued_at=1000, priority="normal", ageing_seconds=600)
    crisis = queue_score(enqueued_at=1500, priority="crisis", ageing_seconds=600)
    assert crisis < normal


@given(st.floats(min_value=0, max_value=1e6), st.sampled_from(["crisis", "raised", "normal"]))
def test_nobody_starves(joined: float, newer_priority: str) -> None:
    # A normal chat that has waited three ageing periods is ahead of anything that joins later.
    old = queue_score(enqueued_at=joined, priority="normal", ageing_seconds=600)
    newer = queue_score(enqueued_at=joined + 3 * 600 + 1, priority=newer_priority, ageing_seconds=600)
    assert old < newer


def test_it_puts_a_requeued_chat_at_the_head() -> None:
    back = requeue_score(enqueued_at=5000, priority="normal", ageing_seconds=600)
    assert back < queue_score(enqueued_at=0, priority="crisis", ageing_seconds=600)


def test_it_counts_queues_that_share_counsellors() -> None:
    people = [presence(1, languages=("en", "de")), presence(2, languages=("fr",))]
    keys = shared_queue_keys(people, "en", "self", ["en:self", "de:self", "fr:self"])
    assert keys == ["de:self", "en:self"]
    assert shared_queue_keys([], "en", "self", ["de:self"]) == ["en:self"]


def test_it_counts_capacity_of_available_eligible_counsellors() -> None:
    people = [presence(1), presence(2, state="break"), presence(3, languages=("de",)), presence(4, online=False)]
    assert capacity(people, "en", "self") == 2


def test_it_estimates_waits_honestly() -> None:
    assert wait_estimate(position=1, slots=0, mean_handle_seconds=600) is None
    assert wait_estimate(position=1, slots=4, mean_handle_seconds=600) == 300
    assert wait_estimate(position=5, slots=4, mean_handle_seconds=600) == 900
    assert wait_estimate(position=3, slots=2, mean_handle_seconds=None) == 1800


@given(st.integers(1, 500), st.integers(1, 50), st.floats(60, 7200))
def test_a_later_place_never_waits_less(position: int, slots: int, mean: float) -> None:
    first = wait_estimate(position=position, slots=slots, mean_handle_seconds=mean)
    later = wait_estimate(position=position + 1, slots=slots, mean_handle_seconds=mean)
    assert first is not None and later is not None and later >= first >= 0


@given(st.lists(st.tuples(st.sampled_from(["en:self", "de:self", "en:other"]),
                          st.floats(min_value=0, max_value=1e9, allow_nan=False)), max_size=40),
       st.floats(min_value=0, max_value=1e9, allow_nan=False),
       st.sets(st.sampled_from(["en:self", "de:self", "en:other", "nl:self"])))
def test_ahead_of_counts_exactly_the_lower_scores_in_the_given_queues(
    queued: list[tuple[str, float]], score: float, keys: set[str]
) -> None:
    by_key: dict[str, list[float]] = {}
    for key, value in queued:
        by_key.setdefault(key, []).append(value)
    scores = {key: sorted(values) for key, values in by_key.items()}
    assert ahead_of(score, scores, keys) == sum(1 for key, value in queued if key in keys and value < score)
