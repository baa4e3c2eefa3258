"""The embed's fast path (resources.platforms.asgi) answers exactly what the Django view answers."""

from __future__ import annotations

from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.testing import HttpCommunicator
from django.core.asgi import get_asgi_application
from django.test import Client

from resources.platforms import tally
from resources.platforms.asgi import EmbedFastPath
from resources.platforms.models import MessageVariant, Partner

# Transactional (a worker thread reaches the database). Serialized rollback, as every transactional
# test in the suite: a flush without it recreates content types under new ids, and the next test
# that restores the shipped defaults then fails.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# Daphne adds these to every response; the test client's view has no server in front.
SERVER_ADDED = {"date", "server"}


@pytest.fixture
def one_variant(partner: Partner) -> Partner:
    """The partner with one active German variant, so both paths must show the same page."""
    MessageVariant.objects.filter(partner=partner, language="de").exclude(
        pk=partner.variants.filter(language="de").order_by("pk").first().pk  # type: ignore[union-attr]
    ).update(active=False)
    return partner


async def _get(
    app: Any,
    path: str,
    *,
    query: bytes = b"",
    host: bytes = b"localhost",
    method: str = "GET",
    accept_language: bytes = b"en",
) -> dict[str, Any]:
    communicator = HttpCommunicator(app, method, path, headers=[(b"host", host), (b"accept-language", accept_language)])
    communicator.scope["query_string"] = query
    response = await communicator.get_response()
    return response


def _django(path: str) -> Any:
    return Client(HTTP_HOST="localhost", HTTP_ACCEPT_LANGUAGE="en").get(path)


async def test_it_answers_with_the_views_page_and_headers(one_variant: Partner, close_thread_connections: None) -> None:
    app = EmbedFastPath(get_asgi_application())
    fast = await _get(app, "/embed/example-search/", query=b"lang=de")
    slow = await database_sync_to_async(_django)("/embed/example-search/?lang=de")
    assert fast["status"] == 200
    assert fast["body"] == slow.content
    fast_headers = {name.decode(): value.decode() for name, value in fast["headers"]}
    slow_headers = {name.lower(): value for name, value in slow.headers.items()}
    assert fast_headers == {k: v for k, v in slow_headers.items() if k not in SERVER_ADDED}
    assert "set-cookie" not in fast_headers


async def test_it_counts_impressions_without_io(partner: Partner, close_thread_connections: None) -> None:
    app = EmbedFastPath(get_asgi_application())
    await _get(app, "/embed/example-search/")
    tally.impressions().local.take()
    for _ in range(5):
        await _get(app, "/embed/example-search/", query=b"lang=en")
    counts = tally.impressions().local.take()
    assert sum(counts.values()) == 5
    assert all(source.startswith("example-search_") for _, source in counts)


async def test_it_shows_the_generic_message_for_unknown_codes(db: None, close_thread_connections: None) -> None:
    app = EmbedFastPath(get_asgi_application())
    response = await _get(app, "/embed/no-such-partner/", query=b"lang=de")
    assert response["status"] == 200
    assert "Anonyme Hilfe ist jetzt erreichbar" in response["body"].decode()
    assert tally.impressions().local.take() == {}


async def test_it_hands_everything_else_to_django(partner: Partner, close_thread_connections: None) -> None:
    app = EmbedFastPath(get_asgi_application())
    # Django answers other methods (CSRF refuses the POST before the view would say 405).
    assert (await _get(app, "/embed/example-search/", method="POST"))["status"] in (403, 405)
    assert (await _get(app, "/embed/example-search/", host=b"evil.example"))["status"] == 400
    json_response = await _get(app, "/embed/example-search/message.json", query=b"lang=en")
    assert json_response["status"] == 200
    assert (b"access-control-allow-origin", b"*") in [(name.lower(), value) for name, value in json_response["headers"]]


async def test_it_lets_django_answer_when_it_cannot_render(
    partner: Partner, close_thread_connections: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = EmbedFastPath(get_asgi_application())

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a template went missing")

    monkeypatch.setattr(EmbedFastPath, "page", broken)
    response = await _get(app, "/embed/example-search/", query=b"lang=en")
    assert response["status"] == 200
    assert b'<main class="warning"' in response["body"]
