"""Turn a published report into figures, headline figures and export tables. Pure: no I/O.

Everything here reads `helpline.stats.aggregate.Report`, whose counts are already suppressed; the
only unsuppressed numbers it touches are staffed hours, which describe the rota, not contacts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from helpline import metrics as m
from helpline.stats import labels
from helpline.stats.aggregate import Breakdown, Quantile, Rate, Report
from helpline.stats.charts import (
    Bar,
    Figure,
    bar_chart,
    data_table,
    demand_capacity_chart,
    histogram_chart,
    line_chart,
)
from helpline.stats.suppression import Published
from helpline.wrapup import FEEDBACK_QUESTION_TEXTS

METRIC_LABELS = {
    m.CONTACT_ATTEMPTED: "Contacts attempted",
    m.CHAT_QUEUED: "Joined the queue",
    m.CHAT_ANSWERED: "Answered",
    m.CHAT_ABANDONED: "Left the queue",
    m.CHAT_DROPPED: "Connection lost during the chat",
    m.CHAT_COMPLETED: "Completed",
    m.CHAT_REQUEUED: "Returned to the queue",
    m.CRISIS_SHOWN: "Crisis contacts shown at once",
    m.WRAPUP_FILED: "Wrap-ups filed",
    m.FEEDBACK_GIVEN: "Feedback given",
    m.LANDING_VISIT: "Landing-page visits",
    m.LANDING_CHAT_STARTED: "Chats started from a landing page",
    m.ARTICLE_VIEW: "Article views",
    m.MODULE_STEP_COMPLETED: "Self-help module steps completed",
    m.MODULE_COMPLETED: "Self-help modules completed",
    m.SELF_ASSESSMENT_VIEW: "Self-assessment opened",
    m.WAIT_SECONDS: "Wait before an answer",
    m.ABANDON_WAIT_SECONDS: "Time in the queue before leaving",
    m.CHAT_DURATION_SECONDS: "Chat duration",
}
DIMENSION_LABELS = {
    "when": "when",
    "priority": "priority",
    "pathway": "pathway",
    "language": "language",
    "ended_by": "who ended it",
    "reason": "reason",
    "concern": "concern category",
    "protective_action": "protective action agreed",
    "outcome": "outcome",
    "referral": "referral",
    "risk": "risk flag",
    "source": "source",
    "article": "article",
    "module": "module",
}
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
# Which breakdowns the dashboard shows in which section; the export has them all.
SECTIONS = (
    ("Demand", ((m.CONTACT_ATTEMPTED, "when"), (m.CHAT_QUEUED, "priority"), (m.CHAT_QUEUED, "pathway"),
                (m.CHAT_QUEUED, "language"), (m.CRISIS_SHOWN, "reason"))),
    ("Outcomes", ((m.CHAT_COMPLETED, "ended_by"), (m.WRAPUP_FILED, "outcome"), (m.WRAPUP_FILED, "protective_action"),
                  (m.WRAPUP_FILED, "referral"), (m.WRAPUP_FILED, "risk"), (m.CHAT_ANSWERED, "priority"),
                  (m.CHAT_ABANDONED, "priority"))),
    ("Concerns", ((m.WRAPUP_FILED, "concern"),)),
    ("Self-help and landing pages", ((m.LANDING_VISIT, "source"), (m.LANDING_CHAT_STARTED, "source"),
                                     (m.ARTICLE_VIEW, "article"), (m.MODULE_COMPLETED, "module"),
                                     (m.MODULE_STEP_COMPLETED, "module"))),
)


def code_label(code: str, dimension: str = "") -> str:
    return labels.code_label(code, dimension)


def bucket_label(start: datetime, by: str) -> str:
    if by == "hour":
        return start.strftime("%a %d %b %H:00")
    if by == "day":
        return start.strftime("%a %d %b %Y")
    if by == "week":
        return "w/c " + start.strftime("%d %b %Y")
    return start.strftime("%b %Y")


def tick_label(start: datetime, by: str) -> str:
    if by == "hour":
        return start.strftime("%d %b %H:00")
    if by in ("day", "week"):
        return start.strftime("%d %b")
    return start.strftime("%b %Y")


def duration_text(quantile: Quantile | None) -> str:
    if quantile is None:
        return "not published"
    seconds = round(quantile.seconds)
    text = f"{seconds // 60} min {seconds % 60} s" if seconds >= 60 else f"{seconds} s"
    return f"at least {text}" if quantile.open_ended else text


def rate_text(value: Rate) -> str:
    if value.percent is None:
        return "not published" if value.reason == "withheld" else "no chats"
    return f"{value.percent:.1f}%"


def _value(cell: Published) -> float | None:
    return float(cell.value) if cell.shown and cell.value is not None else None


@dataclass(frozen=True)
class Headline:
    label: str
    text: str


@dataclass(frozen=True)
class Section:
    title: str
    figures: list[Figure]


@dataclass(frozen=True)
class ExportTable:
    name: str
    headers: list[str]
    rows: list[list[str | int | float | None]]


def headlines(report: Report) -> list[Headline]:
    k = report.k
    wait = report.histograms.get(m.WAIT_SECONDS)
    items = []
    if m.CONTACT_ATTEMPTED in report.totals:
        items.append(Headline("Contacts attempted", report.totals[m.CONTACT_ATTEMPTED].text(k)))
    items += [
        Headline("Answered rate (answered / joined the queue)", rate_text(report.answered_rate)),
        Headline("Abandonment rate (left the queue / joined the queue)", rate_text(report.abandonment_rate)),
    ]
    if wait is not None:
        items += [Headline("Median wait", duration_text(wait.median)),
                  Headline("90th percentile wait", duration_text(wait.p90))]
    items.append(Headline("Counsellor-hours staffed", f"{report.capacity_hours:,.0f}"))
    if report.mean_concurrent_total is not None:
        items.append(Headline("Mean concurrent chats", f"{report.mean_concurrent_total:.2f}"))
    return items


def series_figure(report: Report) -> Figure:
    k = report.k
    labels = [bucket_label(b, report.query.by) for b in report.buckets]
    shown = [s for s in report.series if s.line is not None]
    plotted = [s for s in shown if s.metric in (m.CONTACT_ATTEMPTED, m.CHAT_QUEUED, m.CHAT_ANSWERED,
                                                  m.CHAT_ABANDONED)]
    extra = [
        ("Counsellor-hours", [f"{h:,.1f}" for h in report.counsellor_hours]),
        ("Mean concurrent chats", ["x" if v is None else f"{v:.2f}" for v in report.mean_concurrent]),
    ]
    table_series = [
        (METRIC_LABELS[s.metric], [_value(c) for c in s.line.cells], [c.text(k) for c in s.line.cells])
        for s in shown
        if s.line is not None
    ]
    figure = line_chart(
        ident="series",
        title="Contacts over time",
        desc=(
            f"{', '.join(METRIC_LABELS[s.metric] for s in plotted)} per {report.query.by}, "
            "in the service time zone. Gaps are counts withheld to protect small numbers."
        ),
        labels=labels,
        tick_labels=[tick_label(b, report.query.by) for b in report.buckets],
        series=[t for t in table_series if t[0] in {METRIC_LABELS[s.metric] for s in plotted}],
        extra_columns=extra,
    )
    # The table lists every flow metric, not only the plotted ones.
    headers = ["", *(t[0] for t in table_series), *(name for name, _ in extra)]
    rows = [[label, *(t[2][i] for t in table_series), *(e[1][i] for e in extra)] for i, label in enumerate(labels)]
    return Figure(figure.svg, data_table("Contacts over time", headers, rows, ident="series"))


def breakdown_bars(breakdown: Breakdown, k: int) -> list[Bar]:
    bars = [Bar(code_label(label, breakdown.dimension), _value(cell), cell.text(k)) for label, cell in zip(
        breakdown.labels, breakdown.cells, strict=True)]
    if breakdown.line is not None and breakdown.line.rest is not None:
        rest = breakdown.line.rest
        bars.append(Bar(str(labels.NOT_RECORDED), _value(rest), rest.text(k)))
    return bars


def breakdown_title(breakdown: Breakdown) -> str:
    if breakdown.dimension in FEEDBACK_QUESTION_TEXTS:
        return f"Feedback: {FEEDBACK_QUESTION_TEXTS[breakdown.dimension]}"
    dimension = DIMENSION_LABELS.get(breakdown.dimension, code_label(breakdown.dimension))
    return f"{METRIC_LABELS.get(breakdown.metric, breakdown.metric)} by {dimension}"


def breakdown_figure(breakdown: Breakdown, k: int, ident: str) -> Figure:
    title = breakdown_title(breakdown)
    total = breakdown.total.text(k)
    if breakdown.line is not None and breakdown.line.withheld:
        desc = f"Total {total}. Every value is withheld: there are too few to show them safely."
    elif breakdown.line is None:
        desc = f"Total {total}. One contact can have several values, so the values need not add up to the total."
    else:
        desc = f"Total {total}."
    return bar_chart(ident=ident, title=title, desc=desc, bars=breakdown_bars(breakdown, k))


def sections(report: Report) -> list[Section]:
    k = report.k
    by_key = {(b.metric, b.dimension): b for b in report.breakdowns}
    found = []
    for number, (title, keys) in enumerate(SECTIONS):
        figures = [
            breakdown_figure(by_key[key], k, f"b{number}-{index}")
            for index, key in enumerate(keys)
            if key in by_key
        ]
        if title == "Outcomes":
            figures += [breakdown_figure(b, k, f"fb-{i}") for i, b in enumerate(report.feedback)]
        if figures:
            found.append(Section(title, figures))
    return found


def histogram_figures(report: Report) -> list[Figure]:
    k = report.k
    figures = []
    for number, (metric, histogram) in enumerate(report.histograms.items()):
        bars = [Bar(label, _value(cell), cell.text(k)) for label, cell in zip(
            histogram.labels, histogram.line.cells, strict=True)]
        bins = m.WAIT_BINS if metric != m.CHAT_DURATION_SECONDS else m.DURATION_BINS
        markers = [
            (name, _bin_position(q, bins))
            for name, q in (("median", histogram.median), ("90th percentile", histogram.p90))
            if q is not None
        ]
        desc = (
            f"Counts per fixed bin of seconds, total {histogram.line.total.text(k)}. "
            f"Median {duration_text(histogram.median)}, 90th percentile {duration_text(histogram.p90)}."
        )
        figures.append(histogram_chart(ident=f"h{number}", title=METRIC_LABELS[metric], desc=desc, bars=bars,
                                       markers=markers))
    return figures


def _bin_position(quantile: Quantile, bins: Sequence[int]) -> float:
    """Where a number of seconds falls on an axis of equal-width bins."""
    for index in range(len(bins) - 1):
        if bins[index] <= quantile.seconds < bins[index + 1]:
            return index + (quantile.seconds - bins[index]) / (bins[index + 1] - bins[index])
    return float(len(bins) - 1) + (0.5 if not quantile.open_ended else 0.0)


def funnel_figures(report: Report) -> list[Figure]:
    k = report.k
    totals = report.totals
    flow = [metric for metric in (m.CONTACT_ATTEMPTED, m.CHAT_QUEUED, m.CHAT_ANSWERED, m.CHAT_COMPLETED)
            if metric in totals]
    landing = [metric for metric in (m.LANDING_VISIT, m.LANDING_CHAT_STARTED) if metric in totals]
    figures = [
        bar_chart(ident="funnel-flow", title="From contact to completed chat",
                  desc="Totals for the whole range at each step.",
                  bars=[Bar(METRIC_LABELS[x], _value(totals[x]), totals[x].text(k)) for x in flow]),
    ]
    if landing:
        figures.append(bar_chart(
            ident="funnel-landing", title="From landing page to chat",
            desc="Landing-page visits and the chats started from a landing page.",
            bars=[Bar(METRIC_LABELS[x], _value(totals[x]), totals[x].text(k)) for x in landing]))
    return figures


def heatmap_figures(report: Report) -> list[Figure]:
    if report.heatmap is None:
        return []
    k = report.k
    demand = report.heatmap.demand
    hours = [f"{h:02d}" for h in range(24)]
    desc = ("Contacts attempted in each hour of the week over the whole range, in the service time zone. "
            "Hatched cells are withheld to protect small numbers.")
    if demand.withheld:
        desc += " Every cell is withheld: there are too few contacts to show them safely."
    return [
        demand_capacity_chart(
            ident="heat-demand-capacity", title="Demand and staffed capacity by hour of week",
            desc=desc + " Under each day's demand row, a second row shows the counsellor-hours staffed.",
            row_labels=WEEKDAYS, col_labels=hours,
            demand=[[_value(c) for c in row] for row in demand.cells],
            demand_texts=[[c.text(k) for c in row] for row in demand.cells],
            capacity=report.heatmap.counsellor_hours,
            capacity_texts=[[f"{v:,.0f}" for v in row] for row in report.heatmap.counsellor_hours],
            names=("Contacts attempted", "Counsellor-hours staffed", "Withheld (small number)"),
        )
    ]


def export_tables(report: Report) -> list[ExportTable]:
    """Every published table, with cells as numbers or the markers "<k" and "x"."""
    k = report.k
    tables = []
    series = [s for s in report.series if s.line is not None]
    tables.append(ExportTable(
        "series",
        ["bucket_start", *(s.metric for s in series), "counsellor_hours", "mean_concurrent_chats"],
        [
            [b.isoformat(), *(s.line.cells[i].json(k) for s in series if s.line is not None),
             round(report.counsellor_hours[i], 2),
             None if report.mean_concurrent[i] is None else round(report.mean_concurrent[i] or 0.0, 3)]
            for i, b in enumerate(report.buckets)
        ],
    ))
    tables.append(ExportTable("totals", ["metric", "total"], [[metric, cell.json(k)] for metric, cell in
                                                               report.totals.items()]))
    tables.append(ExportTable("headline", ["figure", "value"], [
        ["answered_rate_percent", report.answered_rate.percent],
        ["abandonment_rate_percent", report.abandonment_rate.percent],
        *[[f"{metric}.median", h.median.seconds if h.median else None] for metric, h in report.histograms.items()],
        *[[f"{metric}.p90", h.p90.seconds if h.p90 else None] for metric, h in report.histograms.items()],
        ["counsellor_hours", round(report.capacity_hours, 2)],
        ["mean_concurrent_chats", None if report.mean_concurrent_total is None else
         round(report.mean_concurrent_total, 3)],
    ]))
    for metric, histogram in report.histograms.items():
        bins: list[list[str | int | float | None]] = [
            [label, cell.json(k)] for label, cell in zip(histogram.labels, histogram.line.cells, strict=True)
        ]
        tables.append(ExportTable(metric, ["bin_seconds", "count"], [*bins, ["total", histogram.line.total.json(k)]]))
    for breakdown in [*report.breakdowns, *report.feedback]:
        rows: list[list[str | int | float | None]] = [
            [label, cell.json(k)] for label, cell in zip(breakdown.labels, breakdown.cells, strict=True)
        ]
        if breakdown.line is not None and breakdown.line.rest is not None:
            rows.append(["(not recorded)", breakdown.line.rest.json(k)])
        rows.append(["total", breakdown.total.json(k)])
        tables.append(ExportTable(f"{breakdown.metric} by {breakdown.dimension}", [breakdown.dimension, "count"],
                                  rows))
    if report.heatmap is not None:
        tables.append(ExportTable("demand by hour of week", ["weekday", *[f"{h:02d}" for h in range(24)]], [
            # The grand total is contact.attempted in the totals table.
            [WEEKDAYS[d], *(c.json(k) for c in row)] for d, row in enumerate(report.heatmap.demand.cells)
        ]))
        tables.append(ExportTable("counsellor hours by hour of week", ["weekday", *[f"{h:02d}" for h in range(24)]], [
            [WEEKDAYS[d], *(round(v, 2) for v in row)] for d, row in enumerate(report.heatmap.counsellor_hours)
        ]))
    return tables
