"""`manage.py flush_impressions`."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django.test import Client

from helpline.models import Counter
from resources.platforms import tally
from resources.platforms.models import Partner


def test_it_flushes_what_is_pending(partner: Partner, visitor: Client) -> None:
    visitor.get("/embed/example-search/")  # counted and flushed on the first look
    visitor.get("/embed/example-search/")
    visitor.get("/embed/example-search/")
    out = StringIO()
    call_command("flush_impressions", stdout=out)
    assert out.getvalue().strip() == "2 impressions flushed"
    assert Counter.objects.get(metric=tally.IMPRESSION, dimension="").value == 3
