"""Server-rendered SVG charts, each with a title, a description and its data table. Pure: no I/O.

Charts take only published values (already suppressed): a withheld value is drawn as a gap or a
hatched cell and never scales an axis. Every text is escaped. Styling is by class (stats.css);
there is no script and no inline style, so the pages work under the strict CSP.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe

WIDTH = 720
SERIES_CLASSES = ("s1", "s2", "s3", "s4", "s5", "s6")


@dataclass(frozen=True)
class Figure:
    svg: SafeString
    table: SafeString
    title: str = ""  # shown above the chart (the SVG's own <title> is for assistive technology)


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # None: withheld
    text: str  # what the table and the label show ("12", "<5", "x", "34%")


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _nice_max(value: float) -> float:
    """A round axis maximum at or above value."""
    if value <= 0:
        return 1.0
    step = 1.0
    while step * 10 <= value:
        step *= 10
    for factor in (1, 2, 2.5, 5, 10):
        if step * factor >= value:
            return step * factor
    return step * 10


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"


def _open_svg(ident: str, title: str, desc: str, height: int) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" aria-labelledby="{_e(ident)}-title {_e(ident)}-desc" focusable="false">',
        f'<title id="{_e(ident)}-title">{_e(title)}</title>',
        f'<desc id="{_e(ident)}-desc">{_e(desc)}</desc>',
    ]


def data_table(caption: str, headers: Sequence[str], rows: Sequence[Sequence[str]], *, ident: str) -> SafeString:
    """A plain table in a focusable scrolling region (large tables scroll rather than overflow)."""
    parts = [
        f'<div class="table-scroll" role="region" tabindex="0" aria-labelledby="{_e(ident)}-caption">',
        '<table class="data">',
        f'<caption id="{_e(ident)}-caption">{_e(caption)}</caption>',
        "<thead><tr>",
        "".join(f'<th scope="col">{_e(h)}</th>' for h in headers),
        "</tr></thead><tbody>",
    ]
    for row in rows:
        head, *rest = row
        parts.append(f'<tr><th scope="row">{_e(head)}</th>' + "".join(f"<td>{_e(c)}</td>" for c in rest) + "</tr>")
    parts.append("</tbody></table></div>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


# Characters of a bar label per line: the label column is 260 px of 12 px text (about 6.5 px a
# character on average, so 36 fit; 34 leaves room for wide letters).
LABEL_CHARS = 34
LINE_HEIGHT = 14


def wrap_label(text: str, width: int = LABEL_CHARS) -> list[str]:
    """A label in lines of at most `width` characters, broken between words; never cut short.

    A single word longer than a line (a long slug) is broken inside the word, not dropped.
    """
    lines: list[str] = []
    current = ""
    for word in text.split():
        while len(word) > width:
            if current:
                lines.append(current)
                current = ""
            lines.append(word[:width])
            word = word[width:]
        if not current:
            current = word
        elif len(current) + 1 + len(word) <= width:
            current = f"{current} {word}"
        else:
            lines.append(current)
            current = word
    if current or not lines:
        lines.append(current)
    return lines


def bar_chart(*, ident: str, title: str, desc: str, bars: Sequence[Bar], value_header: str = "Count") -> Figure:
    """Horizontal bars, one per label; withheld bars are drawn as a hatched stub.

    Long labels wrap onto more lines (the row grows), so no label is ever cut.
    """
    label_width, right = 260, 70
    wrapped = [wrap_label(bar.label) for bar in bars]
    rows = [max(28, 10 + LINE_HEIGHT * len(lines)) for lines in wrapped]
    height = 20 + sum(rows) if bars else 48
    top = max((b.value for b in bars if b.value is not None), default=0.0)
    scale_max = _nice_max(top)
    span = WIDTH - label_width - right
    parts = _open_svg(ident, title, desc, height)
    y = 10
    for index, bar in enumerate(bars):
        row_height = rows[index]
        lines = wrapped[index]
        first = y + row_height / 2 - LINE_HEIGHT * (len(lines) - 1) / 2 + 4
        spans = "".join(
            f'<tspan x="{label_width - 8}" y="{first + LINE_HEIGHT * n:.1f}">{_e(line)}</tspan>'
            for n, line in enumerate(lines)
        )
        parts.append(f'<text class="label" text-anchor="end">{spans}</text>')
        y_bar = y + row_height / 2 - 9
        if bar.value is None:
            parts.append(f'<rect class="bar withheld" x="{label_width}" y="{y_bar:.1f}" width="24" height="18"/>')
        else:
            width = span * bar.value / scale_max
            parts.append(f'<rect class="bar" x="{label_width}" y="{y_bar:.1f}" width="{width:.1f}" height="18"/>')
        x_text = label_width + (24 if bar.value is None else span * bar.value / scale_max) + 6
        parts.append(f'<text class="value" x="{x_text:.1f}" y="{y_bar + 14:.1f}">{_e(bar.text)}</text>')
        y += row_height
    parts.append("</svg>")
    table = data_table(title, ["", value_header], [[b.label, b.text] for b in bars], ident=ident)
    return Figure(mark_safe("".join(parts)), table, title)  # noqa: S308 - every text above is escaped


def line_chart(
    *,
    ident: str,
    title: str,
    desc: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None], Sequence[str]]],
    extra_columns: Sequence[tuple[str, Sequence[str]]] = (),
    tick_labels: Sequence[str] | None = None,
) -> Figure:
    """Lines over time buckets; a withheld point breaks its line. series: (name, values, texts).

    tick_labels are short forms of labels for the axis; the table keeps the full labels.
    """
    legend_rows = (len(series) + 2) // 3
    left, right, top_pad, bottom = 56, 16, 16, 36 + 18 * legend_rows
    height = 260 + bottom
    plot_w, plot_h = WIDTH - left - right, height - top_pad - bottom
    count = max(1, len(labels))
    peak = max((v for _, values, _ in series for v in values if v is not None), default=0.0)
    scale_max = _nice_max(peak)

    def x_at(i: int) -> float:
        return left + (plot_w * (i + 0.5) / count)

    def y_at(v: float) -> float:
        return top_pad + plot_h * (1 - v / scale_max)

    parts = _open_svg(ident, title, desc, height)
    for step in range(5):
        value = scale_max * step / 4
        y = y_at(value)
        parts.append(f'<line class="grid" x1="{left}" x2="{WIDTH - right}" y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(f'<text class="tick" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{_fmt(value)}</text>')
    every = max(1, count // 8)
    ticks = tick_labels or labels
    for i in range(0, len(ticks), every):
        parts.append(f'<text class="tick" x="{x_at(i):.1f}" y="{height - bottom + 18}" text-anchor="middle">'
                     f"{_e(ticks[i])}</text>")
    for number, (name, values, _texts) in enumerate(series):
        css = SERIES_CLASSES[number % len(SERIES_CLASSES)]
        segment: list[str] = []
        segments: list[list[str]] = []
        for i, point in enumerate(values):
            if point is None:
                if segment:
                    segments.append(segment)
                segment = []
                continue
            segment.append(f"{x_at(i):.1f},{y_at(point):.1f}")
        if segment:
            segments.append(segment)
        for points in segments:
            if len(points) == 1:
                cx, cy = points[0].split(",")
                parts.append(f'<circle class="point {css}" cx="{cx}" cy="{cy}" r="3"/>')
            else:
                parts.append(f'<polyline class="line {css}" points="{" ".join(points)}"/>')
        legend_x = left + (number % 3) * 220
        legend_y = height - bottom + 36 + 18 * (number // 3)
        parts.append(f'<rect class="key {css}" x="{legend_x}" y="{legend_y - 6}" width="14" height="4"/>')
        parts.append(f'<text class="label" x="{legend_x + 20}" y="{legend_y}">{_e(name)}</text>')
    parts.append("</svg>")
    headers = ["", *(name for name, _, _ in series), *(name for name, _ in extra_columns)]
    rows = [
        [label, *(texts[i] for _, _, texts in series), *(texts[i] for _, texts in extra_columns)]
        for i, label in enumerate(labels)
    ]
    return Figure(mark_safe("".join(parts)), data_table(title, headers, rows, ident=ident), title)  # noqa: S308


def histogram_chart(
    *, ident: str, title: str, desc: str, bars: Sequence[Bar], markers: Sequence[tuple[str, float]] = ()
) -> Figure:
    """Vertical bars for fixed bins; markers (name, position in bins, e.g. 2.4) draw a dashed line."""
    left, right, top_pad, bottom = 56, 16, 24, 44
    height = 260
    plot_w, plot_h = WIDTH - left - right, height - top_pad - bottom
    count = max(1, len(bars))
    slot = plot_w / count
    scale_max = _nice_max(max((b.value for b in bars if b.value is not None), default=0.0))
    parts = _open_svg(ident, title, desc, height)
    for step in range(5):
        value = scale_max * step / 4
        y = top_pad + plot_h * (1 - value / scale_max)
        parts.append(f'<line class="grid" x1="{left}" x2="{WIDTH - right}" y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(f'<text class="tick" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{_fmt(value)}</text>')
    for i, bar in enumerate(bars):
        x = left + i * slot + 3
        if bar.value is None:
            parts.append(f'<rect class="bar withheld" x="{x:.1f}" y="{top_pad + plot_h - 12}" '
                         f'width="{slot - 6:.1f}" height="12"/>')
        else:
            h = plot_h * bar.value / scale_max
            parts.append(f'<rect class="bar" x="{x:.1f}" y="{top_pad + plot_h - h:.1f}" '
                         f'width="{slot - 6:.1f}" height="{h:.1f}"/>')
        parts.append(f'<text class="tick" x="{x + (slot - 6) / 2:.1f}" y="{height - bottom + 16}" '
                     f'text-anchor="middle">{_e(bar.label)}</text>')
    for number, (name, position) in enumerate(markers):
        x = left + position * slot
        parts.append(f'<line class="marker" x1="{x:.1f}" x2="{x:.1f}" y1="{top_pad - 10}" y2="{top_pad + plot_h}"/>')
        parts.append(f'<text class="label" x="{x + 4:.1f}" y="{top_pad - 2 + number * 14}">{_e(name)}</text>')
    parts.append("</svg>")
    table = data_table(title, ["Seconds", "Count"], [[b.label, b.text] for b in bars], ident=ident)
    return Figure(mark_safe("".join(parts)), table, title)  # noqa: S308 - every text above is escaped


def heatmap_chart(
    *,
    ident: str,
    title: str,
    desc: str,
    row_labels: Sequence[str],
    col_labels: Sequence[str],
    values: Sequence[Sequence[float | None]],
    texts: Sequence[Sequence[str]],
) -> Figure:
    """A grid of cells shaded by value; withheld cells are hatched. Rows are weekdays, columns hours."""
    left, top_pad = 48, 22
    cell_w = (WIDTH - left - 8) / max(1, len(col_labels))
    cell_h = 24
    height = top_pad + cell_h * len(row_labels) + 8
    peak = max((v for row in values for v in row if v is not None), default=0.0) or 1.0
    parts = _open_svg(ident, title, desc, int(height))
    for c, label in enumerate(col_labels):
        if c % 3 == 0:
            parts.append(f'<text class="tick" x="{left + c * cell_w + cell_w / 2:.1f}" y="{top_pad - 8}" '
                         f'text-anchor="middle">{_e(label)}</text>')
    for r, label in enumerate(row_labels):
        y = top_pad + r * cell_h
        parts.append(f'<text class="tick" x="{left - 6}" y="{y + 16}" text-anchor="end">{_e(label)}</text>')
        for c in range(len(col_labels)):
            x = left + c * cell_w
            value = values[r][c]
            if value is None:
                parts.append(f'<rect class="cell withheld" x="{x:.1f}" y="{y}" width="{cell_w - 1:.1f}" '
                             f'height="{cell_h - 1}"/>')
            else:
                shade = 0.06 + 0.94 * value / peak
                parts.append(f'<rect class="cell" x="{x:.1f}" y="{y}" width="{cell_w - 1:.1f}" '
                             f'height="{cell_h - 1}" fill-opacity="{shade:.2f}"/>')
    parts.append("</svg>")
    rows = [[label, *texts[r]] for r, label in enumerate(row_labels)]
    table = data_table(title, ["", *col_labels], rows, ident=ident)
    return Figure(mark_safe("".join(parts)), table, title)  # noqa: S308 - every text above is escaped


def demand_capacity_chart(
    *,
    ident: str,
    title: str,
    desc: str,
    row_labels: Sequence[str],
    col_labels: Sequence[str],
    demand: Sequence[Sequence[float | None]],
    demand_texts: Sequence[Sequence[str]],
    capacity: Sequence[Sequence[float]],
    capacity_texts: Sequence[Sequence[str]],
    names: tuple[str, str, str],
) -> Figure:
    """Demand and staffed capacity in one grid: for each weekday a demand row above a capacity row.

    Each measure has its own colour and its own scale, shown in the legend underneath (from 0 to the
    largest value); withheld demand cells are hatched. names: (demand, capacity, withheld).
    """
    demand_name, capacity_name, withheld_name = names
    left, top_pad, cell_h, gap = 96, 22, 18, 8
    cell_w = (WIDTH - left - 8) / max(1, len(col_labels))
    legend_h = 64
    height = top_pad + len(row_labels) * (2 * cell_h + gap) + legend_h
    demand_peak = max((v for row in demand for v in row if v is not None), default=0.0) or 1.0
    capacity_peak = max((v for row in capacity for v in row), default=0.0) or 1.0
    parts = _open_svg(ident, title, desc, int(height))
    for c, label in enumerate(col_labels):
        if c % 3 == 0:
            parts.append(f'<text class="tick" x="{left + c * cell_w + cell_w / 2:.1f}" y="{top_pad - 8}" '
                         f'text-anchor="middle">{_e(label)}</text>')
    for r, label in enumerate(row_labels):
        y = top_pad + r * (2 * cell_h + gap)
        parts.append(f'<text class="tick" x="{left - 6}" y="{y + cell_h + 4}" text-anchor="end">{_e(label)}</text>')
        for c in range(len(col_labels)):
            x = left + c * cell_w
            value = demand[r][c]
            if value is None:
                parts.append(f'<rect class="cell withheld" x="{x:.1f}" y="{y}" width="{cell_w - 1:.1f}" '
                             f'height="{cell_h - 1}"/>')
            else:
                shade = 0.06 + 0.94 * value / demand_peak
                parts.append(f'<rect class="cell" x="{x:.1f}" y="{y}" width="{cell_w - 1:.1f}" '
                             f'height="{cell_h - 1}" fill-opacity="{shade:.2f}"/>')
            shade = 0.06 + 0.94 * capacity[r][c] / capacity_peak
            parts.append(f'<rect class="cell capacity" x="{x:.1f}" y="{y + cell_h}" width="{cell_w - 1:.1f}" '
                         f'height="{cell_h - 1}" fill-opacity="{shade:.2f}"/>')
    # The legend: a ramp for each measure from 0 to its largest value, and the withheld swatch.
    legend_y = height - legend_h + 14
    for number, (name, css, peak) in enumerate(
        ((demand_name, "cell", demand_peak), (capacity_name, "cell capacity", capacity_peak))
    ):
        x0 = 8 + number * 240
        parts.append(f'<text class="label" x="{x0}" y="{legend_y}">{_e(name)}</text>')
        for step in range(5):
            parts.append(f'<rect class="{css}" x="{x0 + step * 22}" y="{legend_y + 8}" width="20" height="14" '
                         f'fill-opacity="{0.06 + 0.94 * step / 4:.2f}"/>')
        parts.append(f'<text class="tick" x="{x0}" y="{legend_y + 36}">0</text>')
        parts.append(f'<text class="tick" x="{x0 + 108}" y="{legend_y + 36}" text-anchor="end">{_fmt(peak)}</text>')
    parts.append(f'<rect class="cell withheld" x="488" y="{legend_y + 8}" width="20" height="14"/>')
    parts.append(f'<text class="label" x="488" y="{legend_y}">{_e(withheld_name)}</text>')
    parts.append("</svg>")
    rows = []
    for r, label in enumerate(row_labels):
        rows.append([f"{label} · {demand_name}", *demand_texts[r]])
        rows.append([f"{label} · {capacity_name}", *capacity_texts[r]])
    table = data_table(title, ["", *col_labels], rows, ident=ident)
    return Figure(mark_safe("".join(parts)), table, title)  # noqa: S308 - every text above is escaped
