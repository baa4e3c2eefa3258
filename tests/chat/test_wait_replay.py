"""Honest waiting (issue 18): the pure `measured_wait` and a replayed simulated day.

The replay runs a day of arrivals (busier in the evening) for two languages against a few
counsellors taking chats first come first served, keeps the last hour of measured waits per
language (as the store keeps them with a TTL), asks `measured_wait` at every arrival, and prints
how far each estimate was from the wait that chat really had (median and p90 absolute error).
"""

from __future__ import annotations

import heapq
import random
import statistics

from chat.queueing import WaitAdvice, WaitSample, measured_wait


def test_nobody_online_is_said_not_a_number() -> None:
    samples = [WaitSample(1, 300.0)] * 5
    assert measured_wait(position=3, free_slots=0, online_slots=0, samples=samples) == WaitAdvice("nobody_online")


def test_free_counsellor_means_quick() -> None:
    assert measured_wait(position=1, free_slots=2, online_slots=2, samples=[]) == WaitAdvice("quick")
    assert measured_wait(position=2, free_slots=2, online_slots=4, samples=[]) == WaitAdvice("quick")


def test_too_few_samples_is_unknown() -> None:
    advice = measured_wait(position=3, free_slots=0, online_slots=2, samples=[WaitSample(1, 120.0)])
    assert advice == WaitAdvice("unknown")


def test_estimate_is_median_wait_per_place_times_position_in_minutes() -> None:
    samples = [WaitSample(1, 100.0), WaitSample(2, 400.0), WaitSample(1, 5000.0)]  # per place 100, 200, 5000
    assert measured_wait(position=3, free_slots=0, online_slots=2, samples=samples) == WaitAdvice("estimate", 600)
    assert measured_wait(position=1, free_slots=0, online_slots=2, samples=samples[:1] * 3).seconds == 120


def _simulate_day(seed: int) -> list[tuple[str, float]]:
    rng = random.Random(seed)
    counsellors, handle_mean, day = 3, 900.0, 24 * 3600.0
    t, arrivals = 0.0, []
    while t < day:
        hour = t / 3600.0
        rate = (10.0 if 17 <= hour < 23 else 4.0 if 8 <= hour < 17 else 1.0) / 3600.0
        t += rng.expovariate(rate)
        arrivals.append((t, rng.choice(("de", "en"))))
    free_at = [0.0] * counsellors
    heapq.heapify(free_at)
    started: list[float] = []  # start times of chats taken so far, to count the queue at an arrival
    samples: dict[str, list[tuple[float, WaitSample]]] = {"de": [], "en": []}
    pending: list[tuple[float, str, WaitSample]] = []  # samples become known when the chat is taken
    errors: list[tuple[str, float]] = []
    for at, language in arrivals:
        heapq.heapify(pending)
        while pending and pending[0][0] <= at:
            taken, lang, sample = heapq.heappop(pending)
            samples[lang].append((taken, sample))
        recent = [s for when, s in samples[language] if at - when <= 3600.0]  # the store's one-hour TTL
        waiting_ahead = sum(1 for s in started if s > at)
        free = sum(1 for f in free_at if f <= at)
        position = waiting_ahead + 1
        advice = measured_wait(position=position, free_slots=free, online_slots=counsellors, samples=recent)
        start = max(at, heapq.heappop(free_at))
        heapq.heappush(free_at, start + rng.expovariate(1.0 / handle_mean))
        started.append(start)
        real = start - at
        pending.append((start, language, WaitSample(position, real)))
        if advice.kind == "estimate":
            assert advice.seconds is not None
            errors.append(("estimate", abs(advice.seconds - real)))
        elif advice.kind == "quick":
            errors.append(("quick", real))
    return errors


def _median_p90(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return statistics.median(ordered), ordered[int(0.9 * (len(ordered) - 1))]


def test_replayed_day_reports_estimate_error() -> None:
    told = [e for seed in (1, 2, 3) for e in _simulate_day(seed)]
    assert len(told) > 250
    for kind in ("estimate", "quick"):
        errors = [e for k, e in told if k == kind]
        assert len(errors) > 30, kind
        median, p90 = _median_p90(errors)
        print(f"\nwait replay, told {kind!r}: {len(errors)} chats,", end=" ")
        print(f"median error {median / 60:.1f} min, p90 {p90 / 60:.1f} min")
    estimate_median, _ = _median_p90([e for k, e in told if k == "estimate"])
    assert estimate_median < 900.0, "the median estimate should be within a quarter of an hour of the real wait"
