"""Charts are self-describing SVG with escaped text, and withheld values never scale them."""

from __future__ import annotations

import re

from helpline.stats.charts import Bar, bar_chart, heatmap_chart, histogram_chart, line_chart


def test_it_escapes_every_label() -> None:
    figure = bar_chart(ident="x", title="<b>Title</b>", desc="a & b", bars=[Bar('<script>"', 3.0, "3")])
    assert "<script>" not in figure.svg and "&lt;script&gt;&quot;" in figure.svg
    assert "&lt;b&gt;Title&lt;/b&gt;" in figure.svg and "a &amp; b" in figure.svg
    assert "&lt;script&gt;" in figure.table


def test_it_titles_and_describes_each_chart() -> None:
    figure = line_chart(ident="s", title="Over time", desc="Per day", labels=["a", "b"],
                        series=[("Answered", [1.0, None], ["10", "<5"])])
    assert 'role="img"' in figure.svg and 'aria-labelledby="s-title s-desc"' in figure.svg
    assert '<title id="s-title">Over time</title>' in figure.svg
    assert "<caption" in figure.table and "<td>&lt;5</td>" in figure.table


def test_it_scales_the_axis_by_published_values_only() -> None:
    # A withheld bar must not stretch the axis: its size would hint at its value.
    with_hidden = histogram_chart(ident="h", title="t", desc="d",
                                  bars=[Bar("0-30", 40.0, "40"), Bar("30-60", None, "x")])
    without = histogram_chart(ident="h", title="t", desc="d", bars=[Bar("0-30", 40.0, "40"), Bar("30-60", 0.0, "0")])
    ticks = re.findall(r'class="tick"[^>]*>([^<]*)<', with_hidden.svg)
    assert ticks == re.findall(r'class="tick"[^>]*>([^<]*)<', without.svg)
    assert "50" in ticks  # a round maximum above 40
    assert 'class="bar withheld"' in with_hidden.svg


def test_it_breaks_a_line_at_a_withheld_point() -> None:
    figure = line_chart(ident="s", title="t", desc="d", labels=["1", "2", "3", "4"],
                        series=[("A", [5.0, 6.0, None, 7.0], ["5", "6", "x", "7"])])
    assert figure.svg.count("<polyline") == 1 and figure.svg.count("<circle") == 1


def test_it_hatches_withheld_heatmap_cells() -> None:
    figure = heatmap_chart(ident="m", title="t", desc="d", row_labels=["Mon"], col_labels=["00", "01"],
                           values=[[None, 9.0]], texts=[["<5", "9"]])
    assert figure.svg.count('class="cell withheld"') == 1
    assert "<td>&lt;5</td><td>9</td>" in figure.table
