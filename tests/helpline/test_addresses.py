from __future__ import annotations

from django.core.cache import cache
from django.test import RequestFactory

from helpline.addresses import address_key, do_rotate_key, scope_address_key


def test_it_hashes_the_address_with_a_secret_key() -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.9")
    key = address_key(request)
    assert "203.0.113.9" not in key
    assert len(key) == 32
    assert address_key(request) == key
    other = RequestFactory().get("/", REMOTE_ADDR="203.0.113.10")
    assert address_key(other) != key


def test_it_unlinks_old_hashes_when_the_key_is_replaced() -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.9")
    before = address_key(request)
    do_rotate_key()
    assert address_key(request) != before


async def test_it_hashes_socket_addresses_the_same_way() -> None:
    cache.clear()
    request = RequestFactory().get("/", REMOTE_ADDR="198.51.100.4")
    assert await scope_address_key({"client": ("198.51.100.4", 51000)}) == address_key(request)
