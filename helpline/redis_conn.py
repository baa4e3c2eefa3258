"""Redis connections built from settings: the one place that knows URL, sharded hosts and Sentinel.

Keeps nothing. It only says how to reach Redis, for the three users of it:

- the channel layer (channels-redis), which can shard across several hosts (REDIS_HOSTS) or
  follow a Sentinel-monitored master (REDIS_SENTINELS + REDIS_SENTINEL_MASTER);
- the live-state store (chat.store.redis.RedisStore) and
- the cache (rate limits and the address-hash key, helpline/addresses.py),

which both need one Redis (multi-key atomic operations cannot span shards): REDIS_URL, else the
first of REDIS_HOSTS, else the Sentinel master. `channel_layer_hosts` and `cache_config` are pure
and used by helpline/settings.py; `make_redis_client` builds a client from the loaded settings.
"""

from __future__ import annotations

from typing import Any

import redis
import redis.asyncio
import redis.asyncio.sentinel
import redis.sentinel
from django.core.exceptions import ImproperlyConfigured
from redis.asyncio.retry import Retry
from redis.backoff import ConstantBackoff

# Connections to the Sentinels themselves (not to the master) give up quickly.
_SENTINEL_KWARGS = {"socket_timeout": 2.0, "socket_connect_timeout": 2.0}


def parse_sentinels(items: list[str]) -> list[tuple[str, int]]:
    """`host:port` entries (IPv6 as `[::1]:26379`) as the (host, port) pairs redis-py expects."""
    sentinels = []
    for item in items:
        host, _, port = item.rpartition(":")
        host = host.removeprefix("[").removesuffix("]")
        if not host or not port.isdigit():
            raise ImproperlyConfigured(f"REDIS_SENTINELS entries must be host:port (got {item!r})")
        sentinels.append((host, int(port)))
    return sentinels


def _auth(password: str) -> dict[str, str]:
    return {"password": password} if password else {}


def channel_layer_hosts(
    *, hosts: list[str], sentinels: list[str], master_name: str, db: int, password: str
) -> list[str | dict[str, Any]]:
    """The `hosts` list of the channels-redis layer.

    channels-redis shards channels and groups across every entry by consistent hashing, so all
    workers must list the same hosts in the same order. A Sentinel entry is a dict with
    `sentinels` and `master_name`; other keys are passed to each master connection.
    """
    if sentinels:
        return [{
            "sentinels": parse_sentinels(sentinels), "master_name": master_name, "db": db, **_auth(password),
            "sentinel_kwargs": dict(_SENTINEL_KWARGS),
            # After a fail-over the layer's pub/sub connection must find the new master at once:
            # redis-py's default (three retries, backoff up to 10 s) kept sockets deaf for up to
            # eight seconds in the fail-over test (docs/RESILIENCE.md).
            "socket_connect_timeout": 1.0, "retry": Retry(ConstantBackoff(0.1), 2),
        }]
    if password:
        return [{"address": url, "password": password} for url in hosts]
    return list(hosts)


def store_shares_layer_server(*, url: str, hosts: list[str], sentinels: list[str]) -> bool:
    """True when the store's Redis (REDIS_URL, else the first host) is the layer's only server.

    Redis pub/sub channels span all databases of a server, so the database number does not
    matter; several layer hosts shard channels by name, so then no single server has them all.
    """
    if sentinels:
        return True  # one master holds the store, the cache and the layer
    if len(hosts) != 1:
        return False
    from urllib.parse import urlsplit

    def server(address: str) -> tuple[str, int, str]:
        parts = urlsplit(address)
        return (parts.hostname or "localhost", parts.port or 6379, parts.path if parts.scheme == "unix" else "")

    return server(url or hosts[0]) == server(hosts[0])


def cache_config(*, url: str, sentinels: list[str], master_name: str, db: int, password: str) -> dict[str, Any]:
    """Django's CACHES["default"] on one Redis, or on the Sentinel master through SentinelMasterPool."""
    if sentinels:
        return {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            # Django needs a location; the pool below ignores it and asks the Sentinels.
            "LOCATION": f"redis://{master_name}/{db}",
            "OPTIONS": {
                "pool_class": "helpline.redis_conn.SentinelMasterPool",
                "sentinels": parse_sentinels(sentinels),
                "master_name": master_name,
                "db": db,
                **_auth(password),
            },
        }
    return {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": url,
        "OPTIONS": _auth(password),
    }


class SentinelMasterPool(redis.sentinel.SentinelConnectionPool):
    """A connection pool to the current Sentinel master, in the shape Django's RedisCache builds.

    Django calls `pool_class.from_url(LOCATION, **OPTIONS)`; the URL is ignored. After a
    fail-over, the pool's connections reconnect to the newly promoted master.
    """

    @classmethod
    def from_url(cls, url: str, **options: Any) -> SentinelMasterPool:  # type: ignore[override]
        sentinels = options.pop("sentinels")
        master_name = options.pop("master_name")
        manager = redis.sentinel.Sentinel(sentinels, sentinel_kwargs=_SENTINEL_KWARGS)
        return cls(master_name, manager, **options)


def redis_client_kwargs() -> dict[str, Any]:
    """How to reach the one Redis of the store and the cache, from the loaded settings.

    Either {"url": ..., "password": ...} or {"sentinels": [(host, port)], "master_name": ...,
    "db": ..., "password": ...}; "password" only when REDIS_PASSWORD is set. Raises
    ImproperlyConfigured when no Redis is configured (one-process mode has none).
    """
    from django.conf import settings

    password = settings.REDIS_PASSWORD
    if settings.REDIS_SENTINELS:
        return {
            "sentinels": parse_sentinels(settings.REDIS_SENTINELS),
            "master_name": settings.REDIS_SENTINEL_MASTER,
            "db": settings.REDIS_SENTINEL_DB,
            **_auth(password),
        }
    url = settings.REDIS_URL or (settings.REDIS_HOSTS[0] if settings.REDIS_HOSTS else "")
    if not url:
        raise ImproperlyConfigured("no Redis is configured: set REDIS_URL (or REDIS_HOSTS, or REDIS_SENTINELS)")
    return {"url": url, **_auth(password)}


def make_redis_client(*, async_: bool = True, **options: Any) -> redis.asyncio.Redis | redis.Redis:
    """A redis-py client (asyncio by default) for the store and the cache, following Sentinel.

    `options` go to the client's connections (socket_timeout, health_check_interval, ...).
    """
    kwargs = {**redis_client_kwargs(), **options}
    if "sentinels" in kwargs:
        sentinels = kwargs.pop("sentinels")
        master_name = kwargs.pop("master_name")
        if async_:
            return redis.asyncio.sentinel.Sentinel(sentinels, sentinel_kwargs=_SENTINEL_KWARGS).master_for(
                master_name, **kwargs
            )
        return redis.sentinel.Sentinel(sentinels, sentinel_kwargs=_SENTINEL_KWARGS).master_for(master_name, **kwargs)
    url = kwargs.pop("url")
    if async_:
        return redis.asyncio.Redis.from_url(url, **kwargs)
    return redis.Redis.from_url(url, **kwargs)
