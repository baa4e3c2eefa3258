"""The funnel per partner and variant: impressions, clicks to each destination, chats started
and secure messages left, in aggregate only.

Keeps nothing of its own. Every step is an hourly counter (helpline.counters) whose one dimension
is the source code `<partner>_<variant>` (rules.source_for):

- impressions: platform.impression, counted through resources.platforms.tally (batched);
- clicks: platform.click and platform.click.<destination>, counted by the /go/ redirect, rate
  limited per keyed address hash like every reading count (resources.counting);
- chats started: landing.chat_started, counted by the live path when a chat joins with the source
  code that the /go/ redirect put on the chat page (resources.landing.valid_source accepts it);
- secure messages left: landing.message_left [source], for the secure-message mailbox (chat.mailbox)
  to count when a message is left from a page that carries a source code.

The report publishes no count from 1 to k-1, and protects each column's total so that a small
count cannot be worked out from it (helpline.stats.suppression.protect_line).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Final

from django.http import HttpRequest

from helpline import metrics
from helpline.stats.suppression import Published, protect_line
from resources.counting import do_count_reading
from resources.platforms import rules
from resources.platforms.tally import IMPRESSION
from resources.platforms.wilson import Arm, Interval, Verdict, compare_arms, wilson_interval

CLICK: Final = "platform.click"  # [source]
CHAT_STARTED: Final = metrics.LANDING_CHAT_STARTED  # [source]
MESSAGE_LEFT: Final = "landing.message_left"  # [source]


def click_metric(destination: str) -> str:
    if destination not in rules.DESTINATIONS:
        raise ValueError("not a destination")
    return f"{CLICK}.{destination}"


STEPS: Final[tuple[tuple[str, str], ...]] = (
    (IMPRESSION, "Impressions"),
    (CLICK, "Clicks"),
    *((click_metric(d), f"… to {d}") for d in rules.DESTINATIONS),
    (CHAT_STARTED, "Chats started"),
    (MESSAGE_LEFT, "Secure messages left"),
)


def do_count_click(request: HttpRequest, *, source: str, destination: str) -> bool:
    """Count one click (the total and its destination); False if this address hash counted too many."""
    if not do_count_reading(request, CLICK, dims={"source": source}):
        return False
    do_count_reading(request, click_metric(destination), dims={"source": source})
    return True


# --- The report -------------------------------------------------------------------------------


def read_counts(*, start: date, end: date) -> dict[str, dict[int, dict[str, int]]]:
    """partner code -> variant id -> metric -> total over [start, end] (UTC days)."""
    from helpline.models import Counter

    since = datetime.combine(start, time(0), tzinfo=UTC)
    until = datetime.combine(end + timedelta(days=1), time(0), tzinfo=UTC)
    wanted = [metric for metric, _ in STEPS]
    totals: dict[str, dict[int, dict[str, int]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    rows = Counter.objects.filter(
        metric__in=wanted, hour__gte=since, hour__lt=until, dimension__startswith="source="
    ).values_list("metric", "dimension", "value")
    for metric, dim, value in rows:
        parsed = rules.parse_source(dim.removeprefix("source="))
        if parsed is None:
            continue
        code, variant = parsed
        totals[code][variant][metric] += int(value)
    return totals


@dataclass(frozen=True)
class VariantRow:
    variant_id: int
    label: str
    language: str
    cells: tuple[Published, ...]  # one per STEPS entry
    click_through: Interval | None  # only when clicks and impressions are both published


@dataclass(frozen=True)
class PartnerFunnel:
    code: str
    name: str
    rows: tuple[VariantRow, ...]
    totals: tuple[Published, ...]
    verdict: Verdict


def build_funnel(
    *,
    code: str,
    name: str,
    counts: dict[int, dict[str, int]],
    labels: dict[int, tuple[str, str]],
    k: int,
) -> PartnerFunnel:
    """Pure: one partner's table with small counts suppressed and the variants compared."""
    variant_ids = sorted(counts)
    columns: list[list[Published]] = []
    totals: list[Published] = []
    for metric, _ in STEPS:
        protected = protect_line([counts[v].get(metric, 0) for v in variant_ids], k=k)
        columns.append(list(protected.cells))
        totals.append(protected.total)
    rows = []
    arms = []
    for index, variant in enumerate(variant_ids):
        cells = tuple(column[index] for column in columns)
        impressions, clicks = cells[0], cells[1]
        interval = None
        if impressions.shown and clicks.shown and impressions.value:
            interval = wilson_interval(min(clicks.value or 0, impressions.value), impressions.value)
        label, language = labels.get(variant, (f"Variant {variant} (removed)", ""))
        rows.append(VariantRow(variant, label, language, cells, interval))
        arms.append(
            Arm(label, clicks.value if clicks.shown else None, impressions.value if impressions.shown else None)
        )
    return PartnerFunnel(code, name, tuple(rows), tuple(totals), compare_arms(arms))


def funnel_report(*, start: date, end: date, k: int) -> list[PartnerFunnel]:
    from resources.platforms.models import MessageVariant, Partner

    counts = read_counts(start=start, end=end)
    names = dict(Partner.objects.values_list("code", "name"))
    labels: dict[int, tuple[str, str]] = {0: ("Generic message", "")}
    for vid, label, language in MessageVariant.objects.values_list("id", "label", "language"):
        labels[vid] = (label, language)
    report = []
    for code in sorted(set(names) | set(counts)):
        if code not in names:
            continue  # a deleted partner's old counts stay in the counters but are not listed
        report.append(build_funnel(code=code, name=names[code], counts=counts.get(code, {}), labels=labels, k=k))
    return report


def step_labels() -> Sequence[str]:
    return [label for _, label in STEPS]
