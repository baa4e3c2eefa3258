"""The native option: the current message as JSON, cacheable, CORS-open, cookie-free."""

from __future__ import annotations

import json

from django.test import Client

from resources.platforms import tally
from resources.platforms.models import MessageVariant, Partner
from tests.resources.platforms.conftest import variant_ids

KEYS = {
    "version",
    "partner",
    "language",
    "variant",
    "heading",
    "body",
    "action",
    "example",
    "chat",
    "links",
    "open_links_in",
}


def test_it_answers_with_the_message_in_the_requested_language(partner: Partner, visitor: Client) -> None:
    response = visitor.get("/embed/example-search/message.json?lang=de", HTTP_ORIGIN="https://search.example.com")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    body = json.loads(response.content)
    assert set(body) == KEYS
    assert body["partner"] == "example-search"
    assert body["language"] == "de"
    assert body["variant"] in variant_ids(partner, "de")
    assert body["heading"] == "Diese Suche kann zu illegalen Bildern führen"
    assert set(body["chat"]) == {"open", "opens_at"}
    assert body["links"]["chat"] == f"http://localhost/go/example-search/{body['variant']}/chat/?lang=de"
    assert set(body["links"]) == {"chat", "messages", "help", "assessment"}


def test_it_is_cors_open_cacheable_and_cookie_free(partner: Partner, visitor: Client) -> None:
    visitor.cookies.load({"staff_session": "stale"})
    response = visitor.get("/embed/example-search/message.json?lang=en")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response.headers
    assert response.headers["Cache-Control"] == "public, max-age=60"
    assert response.headers["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert response.headers["ETag"].startswith('"')
    assert "Vary" not in response.headers  # the language is in the address
    assert response.cookies == {}
    assert "Set-Cookie" not in response.headers


def test_it_varies_on_the_browsers_language_without_a_parameter(partner: Partner, visitor: Client) -> None:
    response = visitor.get("/embed/example-search/message.json", HTTP_ACCEPT_LANGUAGE="de")
    assert response.headers["Vary"] == "Accept-Language"
    assert json.loads(response.content)["language"] == "de"


def test_it_answers_not_modified_to_a_matching_etag(partner: Partner, visitor: Client) -> None:
    MessageVariant.objects.filter(partner=partner, language="en").exclude(id=variant_ids(partner, "en")[0]).update(
        active=False
    )
    first = visitor.get("/embed/example-search/message.json?lang=en")
    again = visitor.get("/embed/example-search/message.json?lang=en", HTTP_IF_NONE_MATCH=first.headers["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["Access-Control-Allow-Origin"] == "*"


def test_it_counts_each_fetch_as_an_impression(partner: Partner, visitor: Client) -> None:
    visitor.get("/embed/example-search/message.json?lang=de")
    tally.impressions().tally.take()
    for _ in range(3):
        visitor.get("/embed/example-search/message.json?lang=de")
    counts = tally.impressions().tally.take()
    assert sum(counts.values()) == 3


def test_it_gives_the_generic_message_for_an_unknown_code(db: None, visitor: Client) -> None:
    response = visitor.get("/embed/no-such-partner/message.json?lang=en")
    body = json.loads(response.content)
    assert response.status_code == 200
    assert body["partner"] is None
    assert body["variant"] == 0
    assert body["heading"] == "Anonymous help is available now"
    assert tally.impressions().tally.take() == {}
