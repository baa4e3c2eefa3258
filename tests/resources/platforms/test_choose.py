"""Which variant an impression shows: weights, languages, paused partners; SRI and caching of the
component's one asset."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter as Tally

from django.test import Client

from helpline.models import OpeningHours
from resources.platforms import catalogue
from resources.platforms.choose import pick_variant
from resources.platforms.models import MessageVariant, Partner
from tests.resources.platforms.conftest import variant_ids


def test_it_splits_by_the_configured_weights(partner: Partner) -> None:
    first, second = variant_ids(partner, "en")
    MessageVariant.objects.filter(pk=first).update(weight=1)
    MessageVariant.objects.filter(pk=second).update(weight=3)
    catalogue.clear()
    entry = catalogue.partner("example-search")
    assert entry is not None
    picks = Tally(pick_variant(entry, "en", draw=step / 1000).id for step in range(1000))  # type: ignore[union-attr]
    assert picks == {first: 250, second: 750}


def test_it_splits_evenly_by_default_with_real_draws(partner: Partner) -> None:
    entry = catalogue.partner("example-search")
    assert entry is not None
    picks = Tally(pick_variant(entry, "en").id for _ in range(4000))  # type: ignore[union-attr]
    first, second = variant_ids(partner, "en")
    # Binomial(4000, 0.5): 5 standard deviations either side is 1842..2158.
    assert 1842 <= picks[first] <= 2158
    assert picks[first] + picks[second] == 4000


def test_it_leaves_out_inactive_and_zero_weight_variants(partner: Partner) -> None:
    first, second = variant_ids(partner, "en")
    MessageVariant.objects.filter(pk=first).update(weight=0)
    MessageVariant.objects.filter(pk=second).update(active=False)
    catalogue.clear()
    entry = catalogue.partner("example-search")
    assert entry is not None
    assert pick_variant(entry, "en", draw=0.5) is None


def test_it_serves_its_stylesheet_hashed_with_integrity_and_cached_for_a_year(partner: Partner) -> None:
    client = Client(HTTP_HOST="localhost")
    html = client.get("/embed/example-search/").content.decode()
    found = re.search(
        r'<link rel="stylesheet" href="([^"]+)" integrity="(sha384-[^"]+)" crossorigin="anonymous">', html
    )
    assert found is not None
    href = found.group(1)
    assert re.fullmatch(r"/static/platforms/css/embed\.[0-9a-f]{12}\.css", href)
    asset = client.get(href)
    assert asset.status_code == 200
    assert asset.headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_it_says_the_chat_is_open_when_it_is(partner: Partner) -> None:
    OpeningHours.objects.all().delete()
    for weekday in range(7):
        OpeningHours.objects.create(weekday=weekday, opens=dt.time(0), closes=dt.time(0))
    html = Client(HTTP_HOST="localhost").get("/embed/example-search/?lang=de").content.decode()
    assert "Unser anonymer Chat ist jetzt geöffnet." in html
