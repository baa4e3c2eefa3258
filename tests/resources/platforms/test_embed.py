"""The embed page: the message in the visitor's language, its policy, and nothing kept."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from helpline.models import OpeningHours
from resources.platforms import tally
from resources.platforms.models import MessageVariant, Partner
from tests.resources.platforms.conftest import PARTNER_ORIGIN, variant_ids

MAX_EMBED_BYTES = 20 * 1024


def _csp(response: object) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]  # type: ignore[attr-defined]
    return {part.split(" ", 1)[0]: part.split(" ", 1)[1] for part in (p.strip() for p in policy.split(";")) if part}


def test_it_shows_a_partner_variant_in_the_requested_language(partner: Partner, visitor: Client) -> None:
    response = visitor.get("/embed/example-search/?lang=de", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="de">' in html
    assert "Diese Suche kann zu illegalen Bildern führen" in html
    assert "Eine sichere Nachricht hinterlassen" in html


def test_it_follows_the_browsers_language_without_a_parameter(partner: Partner, visitor: Client) -> None:
    html = visitor.get("/embed/example-search/", HTTP_ACCEPT_LANGUAGE="de-AT,de;q=0.9").content.decode()
    assert '<html lang="de">' in html


def test_it_frames_only_on_the_partners_origins(partner: Partner, visitor: Client) -> None:
    response = visitor.get("/embed/example-search/")
    csp = _csp(response)
    assert csp["frame-ancestors"] == PARTNER_ORIGIN
    assert csp["default-src"] == "'none'"
    assert "script-src" not in csp  # default-src 'none': no script at all
    assert csp["sandbox"] == "allow-popups allow-popups-to-escape-sandbox allow-same-origin"
    assert "X-Frame-Options" not in response.headers
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"


def test_it_shows_the_generic_message_for_an_unknown_code(db: None, visitor: Client) -> None:
    for path in ("/embed/nobody-has-this/", "/embed/NOT%20A%20CODE/", "/embed/x/"):
        response = visitor.get(path + "?lang=de")
        assert response.status_code == 200
        assert "Anonyme Hilfe ist jetzt erreichbar" in response.content.decode()
        assert _csp(response)["frame-ancestors"] == "*"
    assert tally.impressions().tally.take() == {}


def test_it_shows_the_generic_message_for_a_paused_partner(paused_partner: Partner, visitor: Client) -> None:
    response = visitor.get("/embed/paused-host/")
    html = response.content.decode()
    assert "Paused heading" not in html
    assert "Anonymous help is available now" in html
    assert _csp(response)["frame-ancestors"] == "https://files.example.net"
    assert "/go/paused-host/0/chat/" in html


def test_it_shows_the_generic_message_in_a_language_without_variants(partner: Partner, visitor: Client) -> None:
    MessageVariant.objects.filter(partner=partner, language="de").update(active=False)
    html = visitor.get("/embed/example-search/?lang=de").content.decode()
    assert "Anonyme Hilfe ist jetzt erreichbar" in html
    assert "/go/example-search/0/chat/?lang=de" in html


def test_it_links_every_destination_in_a_new_top_level_context(partner: Partner, visitor: Client) -> None:
    html = visitor.get("/embed/example-search/?lang=en").content.decode()
    for destination in ("chat", "messages", "help", "assessment"):
        assert f'/{destination}/?lang=en" target="_blank" rel="noopener noreferrer"' in html
    assert "<script" not in html
    assert "<form" not in html


def test_it_counts_one_impression_per_load_in_the_live_store_not_the_database(
    partner: Partner, visitor: Client, django_assert_num_queries: object
) -> None:
    visitor.get("/embed/example-search/?lang=en")  # warms the catalogue (and the first look flushes)
    tally.impressions().tally.take()
    with django_assert_num_queries(0):  # type: ignore[operator]
        for _ in range(20):
            visitor.get("/embed/example-search/?lang=en")
    counts = tally.impressions().tally.take()
    english = variant_ids(partner, "en")
    assert sum(counts.values()) == 20
    assert {source for _, source in counts} <= {f"example-search_{v}" for v in english}


def test_it_stays_small_and_sets_no_cookie(partner: Partner, visitor: Client) -> None:
    visitor.cookies.load({"staff_session": "stale", "staff_csrftoken": "stale"})
    response = visitor.get("/embed/example-search/?lang=de")
    assert len(response.content) < MAX_EMBED_BYTES
    assert response.cookies == {}
    assert "Set-Cookie" not in response.headers
    assert "Cookie" not in response.headers.get("Vary", "")


def test_it_says_when_the_chat_opens(partner: Partner, visitor: Client) -> None:
    OpeningHours.objects.all().delete()
    OpeningHours.objects.create(weekday=(timezone.now().weekday() + 2) % 7, opens=dt.time(9), closes=dt.time(17))
    html = visitor.get("/embed/example-search/?lang=en").content.decode()
    assert "Our chat is closed now. It opens again on" in html


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_it_only_answers_get(partner: Partner, visitor: Client, method: str) -> None:
    assert getattr(visitor, method)("/embed/example-search/").status_code == 405
