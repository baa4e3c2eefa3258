"""Statistics for service managers, read from the hourly counters only (helpline.models.Counter).

Reads, never writes. `fetch` runs three grouped SQL queries (series per bucket, totals per
dimension, hour-of-week); `build_report` is pure and turns those sums into the published report,
with every count passed through helpline.stats.suppression. Buckets are in the service time zone;
the counters' hours are UTC.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Q, Sum
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay, TruncDay, TruncHour, TruncMonth, TruncWeek

from helpline import metrics as m
from helpline.models import Counter
from helpline.stats.suppression import (
    WITHHELD,
    ProtectedLine,
    ProtectedTable,
    Published,
    primary_status,
    protect_line,
    protect_table,
    publish,
    suppress_small_counts,
)

TRUNC = {"hour": TruncHour, "day": TruncDay, "week": TruncWeek, "month": TruncMonth}
MAX_DAYS = {"hour": 31, "day": 366, "week": 3 * 366, "month": 5 * 366}

# The flow of a contact, in the order the time series and funnel show it.
FLOW = (m.CONTACT_ATTEMPTED, m.CHAT_QUEUED, m.CHAT_ANSWERED, m.CHAT_ABANDONED, m.CHAT_DROPPED, m.CHAT_COMPLETED)
CAPACITY = (m.CAPACITY_COUNSELLOR_MINUTES, m.CAPACITY_SLOT_MINUTES, m.LOAD_CHAT_MINUTES)
# Which flow metrics carry each filterable dimension (helpline/metrics.py).
FILTERS: dict[str, tuple[str, ...]] = {
    "priority": (m.CHAT_QUEUED, m.CHAT_ANSWERED, m.CHAT_ABANDONED, m.CHAT_DROPPED, m.CHAT_COMPLETED),
    "pathway": (m.CHAT_QUEUED, m.CHAT_ANSWERED, m.CHAT_COMPLETED),
    "language": (m.CHAT_QUEUED, m.CHAT_ANSWERED, m.CHAT_ABANDONED, m.CHAT_COMPLETED),
}
HISTOGRAMS = {
    m.WAIT_SECONDS: m.WAIT_BINS,
    m.ABANDON_WAIT_SECONDS: m.WAIT_BINS,
    m.CHAT_DURATION_SECONDS: m.DURATION_BINS,
}
# Breakdowns: (metric, dimension name). Each is a list of values with the metric's total.
BREAKDOWNS: tuple[tuple[str, str], ...] = (
    (m.CONTACT_ATTEMPTED, "when"),
    (m.CHAT_QUEUED, "priority"),
    (m.CHAT_QUEUED, "pathway"),
    (m.CHAT_QUEUED, "language"),
    (m.CHAT_ANSWERED, "priority"),
    (m.CHAT_ABANDONED, "priority"),
    (m.CHAT_COMPLETED, "ended_by"),
    (m.CRISIS_SHOWN, "reason"),
    (m.WRAPUP_FILED, "concern"),
    (m.WRAPUP_FILED, "protective_action"),
    (m.WRAPUP_FILED, "outcome"),
    (m.WRAPUP_FILED, "referral"),
    (m.WRAPUP_FILED, "risk"),
    (m.LANDING_VISIT, "source"),
    (m.LANDING_CHAT_STARTED, "source"),
    (m.ARTICLE_VIEW, "article"),
    (m.MODULE_COMPLETED, "module"),
    (m.MODULE_STEP_COMPLETED, "module"),
)


@dataclass(frozen=True)
class Query:
    start: date
    end: date  # inclusive
    by: str
    tz: ZoneInfo
    filter: tuple[str, str] | None = None

    @property
    def filter_dimension(self) -> str:
        return f"{self.filter[0]}={self.filter[1]}" if self.filter else ""

    def utc_range(self) -> tuple[datetime, datetime]:
        """The UTC instants of local midnight at the start and after the end (end exclusive)."""
        start = datetime.combine(self.start, time.min, self.tz)
        end = datetime.combine(self.end + timedelta(days=1), time.min, self.tz)
        return start.astimezone(ZoneInfo("UTC")), end.astimezone(ZoneInfo("UTC"))


def check_query(*, start: date, end: date, by: str) -> str | None:
    """A reason the query cannot be answered, or None."""
    if by not in TRUNC:
        return "Group by hour, day, week or month."
    if end < start:
        return "The end date is before the start date."
    if (end - start).days + 1 > MAX_DAYS[by]:
        return f"Grouping by {by} is limited to {MAX_DAYS[by]} days: choose a shorter range or a coarser grouping."
    return None


def bucket_starts(query: Query) -> list[datetime]:
    """Naive local start of every bucket the range touches, in order."""
    first = datetime.combine(query.start, time.min)
    last = datetime.combine(query.end, time.max)
    if query.by == "week":
        first -= timedelta(days=first.weekday())
    elif query.by == "month":
        first = first.replace(day=1)
    starts = []
    current = first
    while current <= last:
        starts.append(current)
        if query.by == "hour":
            current += timedelta(hours=1)
        elif query.by == "day":
            current += timedelta(days=1)
        elif query.by == "week":
            current += timedelta(weeks=1)
        else:
            current = (current.replace(day=28) + timedelta(days=4)).replace(day=1)
    return starts


@dataclass
class Sums:
    """Unpublished sums straight from the database: never shown without suppression."""

    series: dict[str, dict[datetime, int]] = field(default_factory=lambda: defaultdict(dict))
    totals: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))
    week_hours: dict[str, dict[tuple[int, int], int]] = field(default_factory=lambda: defaultdict(dict))


def fetch(query: Query) -> Sums:
    """Three grouped queries; the database adds up the hourly rows."""
    start, end = query.utc_range()
    rows = Counter.objects.filter(hour__gte=start, hour__lt=end)
    sums = Sums()
    flow = FILTERS[query.filter[0]] if query.filter else FLOW
    series = (
        rows.filter(Q(metric__in=flow, dimension=query.filter_dimension) | Q(metric__in=CAPACITY, dimension=""))
        .annotate(bucket=TRUNC[query.by]("hour", tzinfo=query.tz))
        .values("metric", "bucket")
        .annotate(total=Sum("value"))
    )
    for row in series:
        bucket = row["bucket"].astimezone(query.tz).replace(tzinfo=None)
        sums.series[row["metric"]][bucket] = int(row["total"])
    if query.filter:
        return sums
    for row in rows.values("metric", "dimension").annotate(total=Sum("value")):
        sums.totals[row["metric"]][row["dimension"]] = int(row["total"])
    week = (
        rows.filter(metric__in=(m.CONTACT_ATTEMPTED, m.CAPACITY_COUNSELLOR_MINUTES), dimension="")
        .annotate(weekday=ExtractIsoWeekDay("hour", tzinfo=query.tz), hour_of_day=ExtractHour("hour", tzinfo=query.tz))
        .values("metric", "weekday", "hour_of_day")
        .annotate(total=Sum("value"))
    )
    for row in week:
        sums.week_hours[row["metric"]][(int(row["weekday"]) - 1, int(row["hour_of_day"]))] = int(row["total"])
    return sums


def filter_options(query: Query) -> dict[str, list[str]]:
    """The values of each filterable dimension that occur in the range (for the filter lists)."""
    start, end = query.utc_range()
    dims = (
        Counter.objects.filter(hour__gte=start, hour__lt=end, metric=m.CHAT_QUEUED)
        .exclude(dimension="")
        .values_list("dimension", flat=True)
        .distinct()
    )
    options: dict[str, list[str]] = {name: [] for name in FILTERS}
    for dim in dims:
        name, _, value = dim.partition("=")
        if name in options:
            options[name].append(value)
    return options


# --- Pure rollups ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Quantile:
    seconds: float
    open_ended: bool  # the quantile lies in the last, open bin: "at least" this many seconds


def histogram_quantile(counts: Sequence[int], bins: Sequence[int], q: float) -> Quantile | None:
    """Estimate a quantile from fixed bins by linear interpolation inside the bin that holds it."""
    total = sum(counts)
    if total <= 0:
        return None
    target = q * total
    below = 0
    for index, count in enumerate(counts):
        if count and below + count >= target:
            if index == len(bins) - 1:
                return Quantile(float(bins[index]), True)
            low, high = bins[index], bins[index + 1]
            return Quantile(low + (high - low) * (target - below) / count, False)
        below += count
    return Quantile(float(bins[-1]), True)


@dataclass(frozen=True)
class Rate:
    percent: float | None  # None when withheld
    reason: str = ""


def rate(numerator: Published, denominator: Published) -> Rate:
    """A share is published only when both counts are: otherwise it would reveal the small one."""
    if not numerator.shown or not denominator.shown:
        return Rate(None, "withheld")
    if not denominator.value:
        return Rate(None, "none")
    return Rate(100.0 * (numerator.value or 0) / denominator.value)


@dataclass(frozen=True)
class Series:
    metric: str
    line: ProtectedLine | None  # None: this metric is not split by the chosen filter


@dataclass(frozen=True)
class Breakdown:
    metric: str
    dimension: str
    labels: list[str]
    line: ProtectedLine | None  # None: several values per contact, so no total is implied
    cells: list[Published]
    total: Published


@dataclass(frozen=True)
class Histogram:
    metric: str
    labels: list[str]
    line: ProtectedLine
    median: Quantile | None  # None unless the total is at least k
    p90: Quantile | None


@dataclass(frozen=True)
class Heatmap:
    demand: ProtectedTable  # 7 weekdays (Monday first) x 24 hours; margins treated as known
    counsellor_hours: list[list[float]]


@dataclass(frozen=True)
class Report:
    query: Query
    k: int
    buckets: list[datetime]
    series: list[Series]
    counsellor_hours: list[float]
    slot_hours: list[float]
    mean_concurrent: list[float | None]
    totals: dict[str, Published]
    answered_rate: Rate
    abandonment_rate: Rate
    histograms: dict[str, Histogram]
    breakdowns: list[Breakdown]
    feedback: list[Breakdown]
    heatmap: Heatmap | None
    capacity_hours: float
    mean_concurrent_total: float | None


def _values_for(values: Mapping[datetime, int], buckets: Sequence[datetime]) -> list[int]:
    return [values.get(b, 0) for b in buckets]


def _breakdown(metric: str, name: str, dims: Mapping[str, int], *, k: int) -> Breakdown | None:
    prefix = f"{name}="
    pairs = sorted((d[len(prefix) :], v) for d, v in dims.items() if d.startswith(prefix) and v > 0)
    total = dims.get("", 0)
    if not pairs:
        return None
    labels = [label for label, _ in pairs]
    values = [v for _, v in pairs]
    total_published = publish(total, primary_status(total, k=k))
    if sum(values) > total:
        # Several values per contact (a multiple choice): the values do not add up to the total,
        # so each is suppressed on its own and the total stays as it is everywhere else.
        return Breakdown(metric, name, labels, None, suppress_small_counts(values, k=k), total_published)
    line = protect_line(values, k=k, total=total)
    return Breakdown(metric, name, labels, line, line.cells, line.total)


def _feedback(dims: Mapping[str, int], *, k: int) -> list[Breakdown]:
    questions = sorted({d.split("=", 1)[0] for d in dims if "=" in d})
    found = []
    for question in questions:
        breakdown = _breakdown(m.FEEDBACK_GIVEN, question, dims, k=k)
        if breakdown is not None:
            found.append(breakdown)
    return found


def build_report(sums: Sums, query: Query, *, k: int) -> Report:
    buckets = bucket_starts(query)
    available = FILTERS[query.filter[0]] if query.filter else FLOW
    series: list[Series] = []
    totals: dict[str, Published] = {}
    for metric in FLOW:
        if metric not in available:
            series.append(Series(metric, None))
            continue
        line = protect_line(_values_for(sums.series.get(metric, {}), buckets), k=k)
        series.append(Series(metric, line))
        totals[metric] = line.total

    counsellor = [v / 60 for v in _values_for(sums.series.get(m.CAPACITY_COUNSELLOR_MINUTES, {}), buckets)]
    slots = [v / 60 for v in _values_for(sums.series.get(m.CAPACITY_SLOT_MINUTES, {}), buckets)]
    load = _values_for(sums.series.get(m.LOAD_CHAT_MINUTES, {}), buckets)
    answered = next(s.line for s in series if s.metric == m.CHAT_ANSWERED)
    minutes = [_bucket_minutes(b, query) for b in buckets]
    # Mean concurrent chats describes chats, so it is shown only where the answered count is.
    mean_concurrent: list[float | None] = [
        (load[i] / minutes[i]) if answered is not None and answered.cells[i].shown and minutes[i] else None
        for i in range(len(buckets))
    ]
    answered_total = totals.get(m.CHAT_ANSWERED, Published(None, WITHHELD))
    range_minutes = sum(minutes)
    mean_concurrent_total = (
        sum(load) / range_minutes if answered_total.shown and range_minutes else None
    )

    queued = totals.get(m.CHAT_QUEUED, Published(None, WITHHELD))
    abandoned = totals.get(m.CHAT_ABANDONED, Published(None, WITHHELD))

    histograms: dict[str, Histogram] = {}
    breakdowns: list[Breakdown] = []
    feedback: list[Breakdown] = []
    heatmap = None
    if not query.filter:
        for metric, bins in HISTOGRAMS.items():
            labels = m.bin_labels(bins)
            dims = sums.totals.get(metric, {})
            counts = [dims.get(f"bin={label}", 0) for label in labels]
            line = protect_line(counts, k=k, total=max(dims.get("", 0), sum(counts)))
            # Quantiles come from the true bins, but are published only for k or more chats.
            enough = sum(counts) >= k
            histograms[metric] = Histogram(
                metric,
                labels,
                line,
                histogram_quantile(counts, bins, 0.5) if enough else None,
                histogram_quantile(counts, bins, 0.9) if enough else None,
            )
        for metric, name in BREAKDOWNS:
            breakdown = _breakdown(metric, name, sums.totals.get(metric, {}), k=k)
            if breakdown is not None:
                breakdowns.append(breakdown)
        feedback = _feedback(sums.totals.get(m.FEEDBACK_GIVEN, {}), k=k)
        for metric in (m.LANDING_VISIT, m.LANDING_CHAT_STARTED, m.WRAPUP_FILED, m.FEEDBACK_GIVEN, m.CRISIS_SHOWN,
                       m.ARTICLE_VIEW, m.MODULE_COMPLETED, m.SELF_ASSESSMENT_VIEW, m.CHAT_REQUEUED):
            value = sums.totals.get(metric, {}).get("", 0)
            totals[metric] = publish(value, primary_status(value, k=k))
        if query.by != "hour":
            demand = [[sums.week_hours[m.CONTACT_ATTEMPTED].get((d, h), 0) for h in range(24)] for d in range(7)]
            hours = [
                [sums.week_hours[m.CAPACITY_COUNSELLOR_MINUTES].get((d, h), 0) / 60 for h in range(24)]
                for d in range(7)
            ]
            # The weekday and hour totals follow from the daily and hourly series of other
            # queries, so the heatmap is protected as if a reader knew them.
            heatmap = Heatmap(protect_table(demand, k=k, known_margins=True), hours)

    return Report(
        query=query,
        k=k,
        buckets=buckets,
        series=series,
        counsellor_hours=counsellor,
        slot_hours=slots,
        mean_concurrent=mean_concurrent,
        totals=totals,
        answered_rate=rate(totals.get(m.CHAT_ANSWERED, Published(None, WITHHELD)), queued),
        abandonment_rate=rate(abandoned, queued),
        histograms=histograms,
        breakdowns=breakdowns,
        feedback=feedback,
        heatmap=heatmap,
        capacity_hours=sum(counsellor),
        mean_concurrent_total=mean_concurrent_total,
    )


def _bucket_minutes(start: datetime, query: Query) -> int:
    """Minutes of the bucket that fall inside the range (DST-aware)."""
    tz = query.tz
    if query.by == "hour":
        end = start + timedelta(hours=1)
    elif query.by == "day":
        end = start + timedelta(days=1)
    elif query.by == "week":
        end = start + timedelta(weeks=1)
    else:
        end = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    low = max(start, datetime.combine(query.start, time.min))
    high = min(end, datetime.combine(query.end + timedelta(days=1), time.min))
    if high <= low:
        return 0
    seconds = (high.replace(tzinfo=tz).astimezone(ZoneInfo("UTC")) - low.replace(tzinfo=tz).astimezone(ZoneInfo("UTC")))
    return int(seconds.total_seconds() // 60)


def report(query: Query, *, k: int) -> Report:
    return build_report(fetch(query), query, k=k)

