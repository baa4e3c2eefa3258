"""Queue ordering, position and wait estimates. Pure: no I/O.

Order: a chat's score is the time it joined minus a boost for its priority, so a crisis chat goes
ahead of chats that joined up to `3 x ageing` earlier, a raised one up to `1 x ageing` earlier.
Nobody starves: once a normal chat has waited that long, newer urgent chats queue behind it.
A chat whose counsellor was lost goes back to the head of the queue (REQUEUE_BOOST).
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from chat.domain import Presence

PRIORITY_BOOST = {"crisis": 3.0, "raised": 1.0, "normal": 0.0}
REQUEUE_BOOST = 10_000_000.0
DEFAULT_HANDLE_SECONDS = 1200.0


def queue_score(*, enqueued_at: float, priority: str, ageing_seconds: float) -> float:
    return enqueued_at - PRIORITY_BOOST.get(priority, 0.0) * ageing_seconds


def requeue_score(*, enqueued_at: float, priority: str, ageing_seconds: float) -> float:
    return queue_score(enqueued_at=enqueued_at, priority=priority, ageing_seconds=ageing_seconds) - REQUEUE_BOOST


def serving_counsellors(presences: Iterable[Presence], language: str, pathway: str) -> list[Presence]:
    """Counsellors online and not offline who could take a chat of this language and pathway."""
    return [p for p in presences if p.online and p.state != "offline" and p.serves(language, pathway)]


def shared_queue_keys(
    presences: Iterable[Presence], language: str, pathway: str, known_keys: Iterable[str]
) -> list[str]:
    """The queues that compete with this chat for the same counsellors.

    A chat's position counts the chats ahead of it in every queue served by a counsellor who
    could also serve this chat; with nobody online, only its own queue counts.
    """
    own = f"{language}:{pathway}"
    keys = {own}
    serving = serving_counsellors(presences, language, pathway)
    for key in known_keys:
        lang, _, path = key.partition(":")
        if any(p.serves(lang, path) for p in serving):
            keys.add(key)
    return sorted(keys)


def ahead_of(score: float, scores: Mapping[str, Sequence[float]], queue_keys: Iterable[str]) -> int:
    """How many of these (sorted) queue scores are ahead of `score`: its position minus one."""
    return sum(bisect_left(scores.get(key, ()), score) for key in queue_keys)


def capacity(presences: Iterable[Presence], language: str, pathway: str) -> int:
    """Chat slots of the counsellors who could serve this chat and are at work (not on a break)."""
    return sum(p.limit for p in serving_counsellors(presences, language, pathway) if p.state == "available")


def wait_estimate(*, position: int, slots: int, mean_handle_seconds: float | None) -> int | None:
    """Honest estimate of the wait in seconds, or None when no estimate would be honest.

    With `slots` chats handled at once and each taking the mean handling time, the chat at
    `position` starts after about ceil(position / slots) handling rounds, minus half a round
    (those being answered are on average half-way through).
    """
    if slots <= 0 or position <= 0:
        return None
    mean = mean_handle_seconds or DEFAULT_HANDLE_SECONDS
    rounds = math.ceil(position / slots) - 0.5
    return max(0, round(rounds * mean / 60.0) * 60)


# --- Honest waiting (issue 18): what the seeker is told, from measured recent waits ----------------

WaitKind = str  # "quick" | "nobody_online" | "estimate" | "unknown"


@dataclass(frozen=True)
class WaitSample:
    """One measured wait: the chat's position when it joined and how long it waited to be taken."""

    position: int
    waited_seconds: float


@dataclass(frozen=True)
class WaitAdvice:
    """What the seeker is told: `kind`, and with "estimate" a wait in whole minutes (seconds)."""

    kind: WaitKind
    seconds: int | None = None


MIN_SAMPLES = 3


def measured_wait(
    *, position: int, free_slots: int, online_slots: int, samples: Sequence[WaitSample]
) -> WaitAdvice:
    """What to tell a seeker at `position`, honestly.

    - an eligible counsellor is at work with a free slot and the seeker is within the free slots:
      "quick" (it should not be long);
    - no eligible counsellor is online: "nobody_online", never an invented number;
    - otherwise an estimate from measured recent waits of the same priority and language: the
      median wait per place in the queue (wait / position at joining) times this position, rounded
      up to a whole minute; with fewer than MIN_SAMPLES samples, "unknown".
    """
    if online_slots <= 0:
        return WaitAdvice("nobody_online")
    if position <= 0 or position <= free_slots:
        return WaitAdvice("quick")
    per_place = sorted(s.waited_seconds / max(1, s.position) for s in samples if s.waited_seconds >= 0)
    if len(per_place) < MIN_SAMPLES:
        return WaitAdvice("unknown")
    mid = len(per_place) // 2
    median = per_place[mid] if len(per_place) % 2 else (per_place[mid - 1] + per_place[mid]) / 2
    return WaitAdvice("estimate", max(60, math.ceil(median * position / 60.0) * 60))
