"""The counting redirect, and the source code it carries into the chat."""

from __future__ import annotations

import pytest
from django.test import Client

from helpline.models import Counter
from resources.landing import valid_source
from resources.platforms.funnel import CLICK, click_metric
from resources.platforms.models import Partner
from tests.resources.platforms.conftest import variant_ids


def _clicks(metric: str = CLICK) -> dict[str, int]:
    return dict(Counter.objects.filter(metric=metric).values_list("dimension", "value"))


def test_it_counts_a_click_and_opens_the_chat_with_the_source(
    partner: Partner, visitor: Client, clear_cache: None
) -> None:
    variant = variant_ids(partner, "de")[0]
    response = visitor.get(f"/go/example-search/{variant}/chat/?lang=de")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/de/chat/?src=example-search_{variant}"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.cookies == {}
    assert _clicks() == {"": 1, f"source=example-search_{variant}": 1}
    assert _clicks(click_metric("chat")) == {"": 1, f"source=example-search_{variant}": 1}


@pytest.mark.parametrize(
    ("destination", "location"),
    [("help", "/help/"), ("assessment", "/help/self-assessment/"), ("messages", "/mailbox/?src=example-search_0")],
)
def test_it_sends_each_destination_to_its_page(
    partner: Partner, visitor: Client, clear_cache: None, destination: str, location: str
) -> None:
    response = visitor.get(f"/go/example-search/0/{destination}/?lang=en")
    assert response.headers["Location"] == location
    assert _clicks(click_metric(destination)) == {"": 1, "source=example-search_0": 1}


def test_it_counts_nothing_for_made_up_codes_or_variants(
    partner: Partner, paused_partner: Partner, visitor: Client, clear_cache: None
) -> None:
    other = variant_ids(paused_partner, "en")[0]
    for path in (
        "/go/nobody/0/chat/",
        f"/go/example-search/{other}/chat/",
        "/go/example-search/01/chat/",
        "/go/example-search/0/elsewhere/",
        "/go/-/0/help/",
    ):
        response = visitor.get(path)
        assert response.status_code == 302
        assert "src=" not in response.headers["Location"]
    assert _clicks() == {}


def test_it_limits_how_often_one_address_counts(
    partner: Partner, visitor: Client, clear_cache: None, settings: object
) -> None:
    for _ in range(125):
        assert visitor.get("/go/example-search/0/help/").status_code == 302
    assert _clicks()["source=example-search_0"] == 120


def test_the_chat_accepts_the_partner_source_it_carries(partner: Partner) -> None:
    variant = variant_ids(partner, "en")[1]
    assert valid_source(f"example-search_{variant}") == f"example-search_{variant}"
    assert valid_source("example-search_0") == "example-search_0"
    assert valid_source("example-search_999999") is None
    assert valid_source("nobody_0") is None
