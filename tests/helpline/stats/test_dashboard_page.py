"""The statistics page as a manager reads it: staff chrome, readable labels, nothing cut, printable."""

from __future__ import annotations

import io
import re
from html import unescape

import pytest
from django.core.management import call_command
from django.test import Client

from helpline.stats.charts import Bar, bar_chart, wrap_label
from helpline.stats.labels import code_label


@pytest.fixture
def busy_month(db: None) -> None:
    call_command("seed_stats", days=30, seed=7, stdout=io.StringIO())


def test_it_wears_the_staff_chrome(manager_client: Client, busy_month: None) -> None:
    html = manager_client.get("/manage/stats/?by=day").content.decode()
    assert "data-quick-exit" not in html and "quick-exit." not in html
    assert 'aria-label="Staff"' in html and "Sign out" in html
    assert 'aria-label="Main"' not in html


def test_it_shows_readable_labels_for_every_code(manager_client: Client, busy_month: None) -> None:
    html = manager_client.get("/manage/stats/?by=day").content.decode()
    labels = [unescape(text) for text in re.findall(r'<tspan x="[\d.]+" y="[\d.]+">([^<]*)</tspan>', html)]
    assert labels
    lowered = {label.lower() for label in labels}
    for raw in ("concerned_other", "concerned other", "blocked", "self", "open", "seeker"):
        assert raw not in lowered, raw
    assert "Worried about someone else" in html and "Connection blocked" in html
    assert "About their own thoughts" in html


def test_it_never_cuts_a_label() -> None:
    label = "Chats started from a landing page, counted once per visit"
    figure = bar_chart(ident="x", title="t", desc="d", bars=[Bar(label, 10, "10"), Bar("Short", 5, "5")])
    spans = re.findall(r"<tspan [^>]*>([^<]*)</tspan>", figure.svg)
    assert " ".join(spans[:-1]) == label and spans[-1] == "Short"
    assert all(len(line) <= 34 for line in spans)
    assert wrap_label("a" * 80) == ["a" * 34, "a" * 34, "a" * 12]


def test_it_puts_demand_and_capacity_in_one_chart_with_a_legend(manager_client: Client, busy_month: None) -> None:
    html = manager_client.get("/manage/stats/?by=day").content.decode()
    assert html.count('id="heat-demand-capacity-title"') == 1
    chart = html[html.index('id="heat-demand-capacity-title"'):]
    chart = chart[: chart.index("</svg>")]
    assert "Contacts attempted</text>" in chart and "Counsellor-hours staffed</text>" in chart
    assert 'class="cell capacity"' in chart


def test_it_is_printable(manager_client: Client, busy_month: None) -> None:
    from django.conf import settings

    css = (settings.BASE_DIR / "helpline/static/helpline/css/stats.css").read_text()
    assert "@media print" in css and "details.chart-data" in css


def test_it_translates_wrapup_codes_as_the_form_labels_them() -> None:
    from django.utils import translation

    with translation.override("en"):
        assert code_label("none", "referral") == "No referral"
        assert code_label("none", "risk") == "No risk noted"
        assert code_label("de", "language") == "Deutsch"
        assert code_label("first-steps", "module") == "First steps"
    with translation.override("de"):
        assert code_label("none", "referral") == "Kein Verweis"
        assert code_label("concerned_other", "pathway") != "Worried about someone else"
