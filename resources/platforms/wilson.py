"""Pure: click-through with an honest interval, and whether two variants differ yet.

The Wilson score interval (Wilson 1927) stays inside [0, 1] and keeps its coverage for the tiny
rates of a deterrence funnel (hundreds of clicks in millions of displays), where the textbook
"rate +- 1.96 standard errors" interval does not. Two variants are called different only when
their 95% intervals do not overlap: a conservative rule (it needs more data than a test of the
difference would) that a manager can check by eye on the page, and that never calls a difference
from numbers too small to publish.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

Z_95 = 1.959963984540054


@dataclass(frozen=True)
class Interval:
    rate: float
    low: float
    high: float


def wilson_interval(successes: int, trials: int, *, z: float = Z_95) -> Interval:
    """The Wilson score interval for `successes` out of `trials` (rates in [0, 1])."""
    if trials < 0 or successes < 0 or successes > trials:
        raise ValueError("need 0 <= successes <= trials")
    if trials == 0:
        return Interval(0.0, 0.0, 1.0)
    p = successes / trials
    z2 = z * z
    denominator = 1 + z2 / trials
    centre = (p + z2 / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials)) / denominator
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == trials else min(1.0, centre + half)
    return Interval(p, low, high)


@dataclass(frozen=True)
class Arm:
    """One variant's published numbers: None where a count is suppressed (below k)."""

    label: str
    clicks: int | None
    impressions: int | None


@dataclass(frozen=True)
class Verdict:
    meaningful: bool
    best: str | None  # the label of the variant that leads, when the lead is meaningful
    reason: str


def compare_arms(arms: Sequence[Arm]) -> Verdict:
    """Whether the leading variant's click-through is meaningfully higher than every other's.

    Suppressed or empty arms are left out (a count below k is never used to decide anything);
    with fewer than two arms left there is nothing to compare yet.
    """
    usable = [a for a in arms if a.clicks is not None and a.impressions]
    if len(usable) < 2:
        return Verdict(
            False, None, "Not yet meaningful: fewer than two variants have enough impressions and clicks to publish."
        )
    intervals = {a.label: wilson_interval(a.clicks or 0, a.impressions or 0) for a in usable}
    leader = max(usable, key=lambda a: (intervals[a.label].rate, a.label))
    lead = intervals[leader.label]
    overlapping = [a.label for a in usable if a is not leader and intervals[a.label].high >= lead.low]
    if overlapping:
        return Verdict(
            False,
            None,
            f"Not yet meaningful: the 95% intervals of {leader.label} and {', '.join(overlapping)} overlap; "
            "the difference may be chance.",
        )
    return Verdict(
        True,
        leader.label,
        f"{leader.label} has the highest click-through; its 95% interval does not overlap any other's.",
    )
