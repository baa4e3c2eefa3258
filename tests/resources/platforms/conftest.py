"""Partners shared by the platform tests: `partner` (two English variants, one German, allowed on
one origin), `paused_partner`, and a fresh impression tally for every test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client

from resources.platforms import catalogue, tally
from resources.platforms.models import MessageVariant, Partner

PARTNER_ORIGIN = "https://search.example.com"


@pytest.fixture(autouse=True)
def fresh_tally(settings: object) -> Iterator[tally.Impressions]:
    """Each test counts into its own in-memory tally, and reads a fresh catalogue."""
    fresh = tally.Impressions(tally.MemoryTally(), flush_seconds=3600)
    previous = tally._impressions
    tally._impressions = fresh
    catalogue.clear()
    yield fresh
    tally._impressions = previous
    catalogue.clear()


@pytest.fixture
def partner(db: None) -> Partner:
    found = Partner.objects.create(name="Example Search", code="example-search", allowed_origins=PARTNER_ORIGIN)
    for label, language, heading in (
        ("A: law first", "en", "This search can lead to illegal images"),
        ("B: help first", "en", "Help is here"),
        ("A: Gesetz zuerst", "de", "Diese Suche kann zu illegalen Bildern führen"),
    ):
        MessageVariant.objects.create(
            partner=found,
            label=label,
            language=language,
            heading=heading,
            body=f"{heading}. Anonymous help is available now.",
            action="Get help",
            weight=1,
            is_example=True,
        )
    return found


@pytest.fixture
def paused_partner(db: None) -> Partner:
    found = Partner.objects.create(
        name="Paused Host", code="paused-host", allowed_origins="https://files.example.net", enabled=False
    )
    MessageVariant.objects.create(
        partner=found, label="A", language="en", heading="Paused heading", body="Body", action="Go", weight=1
    )
    return found


@pytest.fixture
def visitor() -> Client:
    """A visitor's browser on a partner's page: no cookies of ours."""
    return Client(HTTP_HOST="localhost")


def variant_ids(partner: Partner, language: str) -> list[int]:
    return list(partner.variants.filter(language=language).order_by("id").values_list("id", flat=True))
