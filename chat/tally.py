"""How a chat becomes statistics: what every live event counts, declared in one table.

Pure: no I/O. Each function names the `(metric, dims)` counts of one event; the `do_*` action of
that event (chat.live) hands them to helpline.counters in one database trip. A dimension whose
value is a tuple counts each of its codes under the same name (a wrap-up's referrals and risks).
Nothing here describes one person: flow counts go to hourly totals; the breakdowns (priority,
pathway, language, wrap-up, feedback) are released only in batches of at least k by
helpline.stats (docs/PRIVACY.md), which also reads these metric names back into reports.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import NamedTuple

from chat.domain import Chat, Presence
from helpline import metrics


class Count(NamedTuple):
    """Add `n` to `metric`'s total and to each of its dimensions."""

    metric: str
    dims: Mapping[str, object] = {}
    n: int = 1


def attempted(when: str) -> list[Count]:
    """Someone tried to start a chat: `open`, `closed`, `full` or `blocked`."""
    return [Count(metrics.CONTACT_ATTEMPTED, {"when": when})]


def joined(chat: Chat, *, landing: bool, crisis_reason: str | None) -> list[Count]:
    """A chat entered the queue; from a landing page (`landing`); with crisis contacts shown."""
    counted = [
        *attempted("open"),
        Count(metrics.CHAT_QUEUED, {"priority": chat.priority, "pathway": chat.pathway, "language": chat.language}),
    ]
    if landing:
        counted.append(Count(metrics.LANDING_CHAT_STARTED, {"source": chat.source}))
    if crisis_reason:
        counted.append(Count(metrics.CRISIS_SHOWN, {"reason": crisis_reason}))
    return counted


def answered(chat: Chat, *, moment: float) -> list[Count]:
    """A counsellor took the chat for the first time (not a reassignment)."""
    return [
        Count(metrics.CHAT_ANSWERED, {"priority": chat.priority, "pathway": chat.pathway, "language": chat.language}),
        Count(metrics.WAIT_SECONDS, {"bin": metrics.bin_label(moment - chat.enqueued_at, metrics.WAIT_BINS)}),
    ]


def ended(chat: Chat, *, moment: float, ended_by: str) -> list[Count]:
    """The chat ended: abandoned in the queue, dropped, or completed; and how long it lasted."""
    counted: list[Count] = []
    if chat.state == "queued" and not chat.answered_at:
        counted.append(Count(metrics.CHAT_ABANDONED, {"priority": chat.priority, "language": chat.language}))
        counted.append(Count(metrics.ABANDON_WAIT_SECONDS,
                             {"bin": metrics.bin_label(moment - chat.enqueued_at, metrics.WAIT_BINS)}))
    elif ended_by == "dropped":
        counted.append(Count(metrics.CHAT_DROPPED, {"priority": chat.priority}))
    else:
        counted.append(Count(metrics.CHAT_COMPLETED, {
            "priority": chat.priority, "pathway": chat.pathway, "language": chat.language, "ended_by": ended_by,
        }))
    if chat.answered_at:
        counted.append(Count(metrics.CHAT_DURATION_SECONDS,
                             {"bin": metrics.bin_label(moment - chat.answered_at, metrics.DURATION_BINS)}))
    return counted


def requeued(chat: Chat) -> list[Count]:
    """The counsellor did not come back: the chat is in the queue again."""
    return [Count(metrics.CHAT_REQUEUED, {"priority": chat.priority})]


def wrapup_filed(*, concern: str, protective_action: bool, outcome: str, referrals: Iterable[str],
                 risk: Iterable[str]) -> list[Count]:
    """A counsellor filed a chat's wrap-up (codes checked by helpline.wrapup.check_wrapup)."""
    return [Count(metrics.WRAPUP_FILED, {
        "concern": concern, "protective_action": "yes" if protective_action else "no", "outcome": outcome,
        "referral": tuple(referrals), "risk": tuple(risk),
    })]


def feedback_given(answers: Mapping[str, str]) -> list[Count]:
    """The seeker's feedback after a chat (known question and option codes only); nothing if empty."""
    return [Count(metrics.FEEDBACK_GIVEN, dict(answers))] if answers else []


def capacity_sampled(people: Iterable[Presence], chats: Iterable[Chat]) -> list[Count]:
    """One minute's sample of staffed capacity: available counsellors, their slots, and live chats."""
    available = [p for p in people if p.online and p.state == "available"]
    live = list(chats)
    counted: list[Count] = []
    if available:
        counted.append(Count(metrics.CAPACITY_COUNSELLOR_MINUTES, n=len(available)))
        counted.append(Count(metrics.CAPACITY_SLOT_MINUTES, n=sum(p.limit for p in available)))
    if live:
        counted.append(Count(metrics.LOAD_CHAT_MINUTES, n=len(live)))
    return counted
