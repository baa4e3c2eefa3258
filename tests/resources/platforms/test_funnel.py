"""The funnel per variant: small counts suppressed, totals protected, variants compared."""

from __future__ import annotations

from datetime import UTC, date, datetime

from helpline.counters import do_count_rows
from resources.platforms import funnel
from resources.platforms.models import Partner
from resources.platforms.tally import IMPRESSION
from tests.resources.platforms.conftest import variant_ids

K = 5


def _labels() -> dict[int, tuple[str, str]]:
    return {1: ("A", "en"), 2: ("B", "en"), 0: ("Generic message", "")}


def test_it_suppresses_small_counts_and_their_totals() -> None:
    counts = {1: {IMPRESSION: 1000, funnel.CLICK: 3}, 2: {IMPRESSION: 900, funnel.CLICK: 40}}
    table = funnel.build_funnel(code="p", name="P", counts=counts, labels=_labels(), k=K)
    a, b = table.rows
    clicks = [step for step, _ in funnel.STEPS].index(funnel.CLICK)
    assert a.cells[clicks].status == "small"
    assert a.cells[clicks].value is None
    # B's 40 and the total 43 together would give A's 3 away: one of them is withheld.
    assert not (b.cells[clicks].shown and table.totals[clicks].shown)
    assert a.click_through is None


def test_it_never_publishes_a_count_between_one_and_k_minus_one() -> None:
    counts = {v: {metric: n for (metric, _), n in zip(funnel.STEPS, range(1, 20), strict=False)} for v in (1, 2)}
    table = funnel.build_funnel(code="p", name="P", counts=counts, labels=_labels(), k=K)
    for row in table.rows:
        for cell in row.cells:
            assert not (cell.shown and cell.value is not None and 0 < cell.value < K)
    for cell in table.totals:
        assert not (cell.shown and cell.value is not None and 0 < cell.value < K)


def test_it_compares_variants_with_intervals() -> None:
    counts = {1: {IMPRESSION: 100_000, funnel.CLICK: 50}, 2: {IMPRESSION: 100_000, funnel.CLICK: 400}}
    table = funnel.build_funnel(code="p", name="P", counts=counts, labels=_labels(), k=K)
    assert table.verdict.meaningful
    assert table.verdict.best == "B"
    b = table.rows[1]
    assert b.click_through is not None
    assert b.click_through.low < 0.004 < b.click_through.high


def test_it_reads_the_counters_per_partner_and_variant(partner: Partner) -> None:
    first, second = variant_ids(partner, "en")
    hour = datetime(2026, 11, 30, 12, tzinfo=UTC)
    do_count_rows(IMPRESSION, ["", f"source=example-search_{first}"], n=2000, at=hour)
    do_count_rows(IMPRESSION, ["", f"source=example-search_{second}"], n=2100, at=hour)
    do_count_rows(funnel.CLICK, ["", f"source=example-search_{first}"], n=30, at=hour)
    do_count_rows(funnel.CLICK, ["", f"source=example-search_{second}"], n=33, at=hour)
    do_count_rows(funnel.CHAT_STARTED, ["", f"source=example-search_{second}"], n=7, at=hour)
    do_count_rows(funnel.CHAT_STARTED, ["", "source=some-landing-page"], n=9, at=hour)
    report = funnel.funnel_report(start=date(2026, 11, 30), end=date(2026, 11, 30), k=K)
    (table,) = report
    assert [row.label for row in table.rows] == ["A: law first", "B: help first"]
    chats = [step for step, _ in funnel.STEPS].index(funnel.CHAT_STARTED)
    assert table.rows[1].cells[chats].value == 7
    assert not table.verdict.meaningful
    assert table.verdict.reason.startswith("Not yet meaningful")
    assert funnel.funnel_report(start=date(2026, 12, 1), end=date(2026, 12, 1), k=K)[0].rows == ()
