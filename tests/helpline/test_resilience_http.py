"""HTTP under abuse and under a Redis outage: rate limits keyed by the address hash, and pages that
keep working (no 500) when the cache cannot be reached."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import caches
from django.test import Client, RequestFactory

from helpline.addresses import address_key, scope_address_key

pytestmark = pytest.mark.django_db

# Nothing listens on port 1: every cache call fails at once, as while Redis restarts.
DEAD_REDIS = {"default": {"BACKEND": "helpline.cache.FailSoftRedisCache", "LOCATION": "redis://127.0.0.1:1/0",
                          "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}}


@pytest.fixture
def fresh_cache(settings: Any) -> None:
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "resilience-http"}}
    caches["default"].clear()


def test_it_limits_the_quick_exit_per_address_hash(fresh_cache: None) -> None:
    client = Client(REMOTE_ADDR="203.0.113.7")
    statuses = [client.get("/exit").status_code for _ in range(121)]
    assert statuses[:120] == [303] * 120
    assert statuses[120] == 429
    assert Client(REMOTE_ADDR="203.0.113.8").get("/exit").status_code == 303  # someone else


def test_it_limits_the_health_check_generously(fresh_cache: None) -> None:
    client = Client(REMOTE_ADDR="203.0.113.7")
    statuses = {client.get("/healthz").status_code for _ in range(600)}
    assert 429 not in statuses
    assert client.get("/healthz").status_code == 429


def test_pages_keep_working_while_the_cache_is_down(settings: Any) -> None:
    settings.CACHES = DEAD_REDIS
    settings.RATELIMIT_FAIL_OPEN = True
    client = Client(REMOTE_ADDR="203.0.113.7")
    assert client.get("/").status_code == 200
    assert client.get("/exit").status_code == 303
    assert client.post("/exit").status_code == 204
    assert client.get("/healthz").status_code in (200, 503)


async def test_the_address_hash_falls_back_to_a_key_of_this_process(settings: Any) -> None:
    settings.CACHES = DEAD_REDIS
    request = RequestFactory().get("/", REMOTE_ADDR="198.51.100.4")
    key = address_key(request)
    assert len(key) == 32 and "198.51.100.4" not in key
    assert await scope_address_key({"client": ("198.51.100.4", 1)}) == key
