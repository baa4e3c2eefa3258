"""The only place that reads a client's network address, and only to hash it at once.

Rate limits, connection limits and blocks key on `address_key(...)`: an HMAC-SHA-256 of the
address under a random key that lives only in the cache (Redis without persistence, or process
memory in one-process mode) and is replaced every RATELIMIT_KEY_ROTATE_SECONDS (default daily).
The address itself is never stored or logged; once the key is replaced, old hashes cannot be
linked to anything, not even by the operator.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Mapping
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.cache import cache, caches
from django.http import HttpRequest

_KEY_NAME = "helpline:address-hmac-key"


def _new_key() -> str:
    return secrets.token_hex(32)


class _ProcessKey:
    """The fallback while the cache cannot be reached (helpline.cache answers "nothing"): a key of
    this process alone, replaced on the same schedule. Hashes made with it match nothing else,
    which only means that limits count per worker until the cache is back."""

    key: str = ""
    made: float = 0.0

    @classmethod
    def get(cls) -> bytes:
        if not cls.key or time.monotonic() - cls.made > settings.RATELIMIT_KEY_ROTATE_SECONDS:
            cls.key, cls.made = _new_key(), time.monotonic()
        return bytes.fromhex(cls.key)


def _current_key() -> bytes:
    key = cache.get(_KEY_NAME)
    if key is None:
        cache.add(_KEY_NAME, _new_key(), timeout=settings.RATELIMIT_KEY_ROTATE_SECONDS)
        key = cache.get(_KEY_NAME)
    return bytes.fromhex(key) if key else _ProcessKey.get()


class _SocketKey:
    """The key for websocket connections, read through one cache object per process.

    `django.core.cache.cache` is a different backend object in every asyncio task, and each
    socket's consumer is a task: reading the key through it from a consumer opened a Redis pool
    (and two connections) per socket and kept them for the socket's life: 4,002 Redis
    connections and 131 MB of parser buffers for 2,000 idle sockets (docs/PERFORMANCE.md).
    """

    backend: Any = None
    config: Any = None

    @classmethod
    def cache(cls) -> Any:
        config = settings.CACHES["default"]
        if cls.backend is None or cls.config is not config:  # tests change CACHES
            cls.backend, cls.config = caches.create_connection("default"), config
        return cls.backend

    @classmethod
    def read(cls) -> bytes:
        shared = cls.cache()
        key = shared.get(_KEY_NAME)
        if key is None:
            shared.add(_KEY_NAME, _new_key(), timeout=settings.RATELIMIT_KEY_ROTATE_SECONDS)
            key = shared.get(_KEY_NAME)
        return bytes.fromhex(key) if key else _ProcessKey.get()


async def _acurrent_key() -> bytes:
    return await sync_to_async(_SocketKey.read, thread_sensitive=False)()


def _digest(key: bytes, address: str) -> str:
    return hmac.new(key, address.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


def _request_address(request: HttpRequest) -> str:
    # Behind nginx, Daphne runs with --proxy-headers and puts the real address in REMOTE_ADDR.
    return str(request.META.get("REMOTE_ADDR", ""))


def _scope_address(scope: Mapping[str, Any]) -> str:
    client = scope.get("client") or ("", 0)
    return str(client[0])


def address_key(request: HttpRequest) -> str:
    """Keyed hash of a request's address, for django-ratelimit's `key=` (group, request)."""
    return _digest(_current_key(), _request_address(request))


def ratelimit_key(group: str, request: HttpRequest) -> str:
    return address_key(request)


async def scope_address_key(scope: Mapping[str, Any]) -> str:
    """Keyed hash of a websocket connection's address."""
    return _digest(await _acurrent_key(), _scope_address(scope))


def do_rotate_key() -> None:
    """Replace the key now (the daily timer does this by expiry; operators may force it)."""
    cache.set(_KEY_NAME, _new_key(), timeout=settings.RATELIMIT_KEY_ROTATE_SECONDS)
