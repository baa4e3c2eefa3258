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


async def test_sockets_share_one_redis_pool_for_the_key(settings, redis_url: str, redis_client) -> None:
    """Each consumer is its own asyncio task, and `django.core.cache.cache` is a new backend (with
    its own Redis pool) in each task: 200 sockets once held 400 Redis connections open."""
    import asyncio

    settings.CACHES = {"default": {"BACKEND": "helpline.cache.FailSoftRedisCache", "LOCATION": redis_url}}

    def clients() -> int:
        return len(redis_client.client_list())

    before = clients()
    keys = await asyncio.gather(*(
        asyncio.ensure_future(scope_address_key({"client": (f"198.51.100.{i % 200}", 1)})) for i in range(200)
    ))
    assert len(set(keys)) == 200
    assert clients() - before <= 8  # one pool, used from the few threads of the executor
    request = RequestFactory().get("/", REMOTE_ADDR="198.51.100.7")
    assert keys[7] == address_key(request)
