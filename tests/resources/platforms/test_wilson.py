"""Wilson intervals and the variant comparison (pure)."""

from __future__ import annotations

import pytest

from resources.platforms.wilson import Arm, compare_arms, wilson_interval


def test_it_matches_known_wilson_values() -> None:
    # 490 click-throughs in 2.8 million displays (the reThink pilot's order of magnitude).
    interval = wilson_interval(490, 2_800_000)
    assert interval.rate == pytest.approx(0.000175)
    assert interval.low == pytest.approx(0.0001602, rel=1e-3)
    assert interval.high == pytest.approx(0.0001912, rel=1e-3)
    # A textbook value: 81 of 263 -> about (0.2553, 0.3662).
    textbook = wilson_interval(81, 263)
    assert (round(textbook.low, 4), round(textbook.high, 4)) == (0.2553, 0.3662)


def test_it_stays_inside_zero_and_one() -> None:
    assert wilson_interval(0, 10).low == 0.0
    assert wilson_interval(10, 10).high == 1.0
    assert wilson_interval(0, 0).high == 1.0


def test_it_refuses_impossible_counts() -> None:
    with pytest.raises(ValueError):
        wilson_interval(11, 10)


def test_it_says_a_small_difference_is_not_yet_meaningful() -> None:
    verdict = compare_arms([Arm("A", 12, 10_000), Arm("B", 15, 10_000)])
    assert not verdict.meaningful
    assert verdict.best is None
    assert verdict.reason.startswith("Not yet meaningful")


def test_it_calls_a_clear_difference() -> None:
    verdict = compare_arms([Arm("A", 50, 100_000), Arm("B", 400, 100_000), Arm("C", 60, 100_000)])
    assert verdict.meaningful
    assert verdict.best == "B"


def test_it_never_decides_from_suppressed_counts() -> None:
    verdict = compare_arms([Arm("A", None, 100_000), Arm("B", 400, 100_000)])
    assert not verdict.meaningful
    assert "fewer than two" in verdict.reason
