"""Aggregate counts of reading, for the statistics page. Nothing here identifies a reader.

Each event adds one to an hourly counter (helpline.counters.do_count) with at most the content's
slug or the landing page's source code as its dimension. To keep the counts honest against a
script that reloads a page, counting (never reading) is rate-limited per keyed address hash
(helpline.addresses.ratelimit_key); the hash lives only in the cache, for the rate window.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.http import HttpRequest
from django_ratelimit.core import is_ratelimited

from helpline.addresses import ratelimit_key
from helpline.counters import do_count

# At most this many counted events of one kind per address hash; more are read but not counted.
COUNT_RATE = "120/h"


def do_count_reading(request: HttpRequest, metric: str, *, dims: Mapping[str, object] | None = None) -> bool:
    """Count one reading event unless this address hash has counted too many; True if counted."""
    if is_ratelimited(request, group=f"resources.count.{metric}", key=ratelimit_key, rate=COUNT_RATE, increment=True):
        return False
    do_count(metric, dims=dims)
    return True
