"""A Redis cache that answers "nothing cached" instead of raising while Redis is down.

The cache holds the address-hash key and the HTTP rate-limit counters (helpline.addresses,
django-ratelimit): nothing a page needs in order to work. Django's RedisCache raises on a
connection error, which would turn every page into a 500 while Redis restarts; this one logs a
warning (never a key or value) and behaves as an empty cache that cannot store anything:
reads return the default, `add` returns False, `incr` raises ValueError (which django-ratelimit
treats as "could not count", and RATELIMIT_FAIL_OPEN lets the request through).
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
_ERRORS = (RedisConnectionError, RedisTimeoutError, OSError)


def _unavailable(operation: str) -> None:
    logger.warning("cache unavailable during %s", operation)


class FailSoftRedisCache(RedisCache):
    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        try:
            return bool(super().add(key, value, timeout, version))
        except _ERRORS:
            _unavailable("add")
            return False

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        try:
            return super().get(key, default, version)
        except _ERRORS:
            _unavailable("get")
            return default

    def set(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        try:
            super().set(key, value, timeout, version)
        except _ERRORS:
            _unavailable("set")

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        try:
            return bool(super().touch(key, timeout, version))
        except _ERRORS:
            _unavailable("touch")
            return False

    def delete(self, key: Any, version: int | None = None) -> bool:
        try:
            return bool(super().delete(key, version))
        except _ERRORS:
            _unavailable("delete")
            return False

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        try:
            return int(super().incr(key, delta, version))
        except _ERRORS:
            _unavailable("incr")
            raise ValueError("the cache is unavailable") from None

    def get_many(self, keys: Any, version: int | None = None) -> dict[Any, Any]:
        try:
            return dict(super().get_many(keys, version))
        except _ERRORS:
            _unavailable("get_many")
            return {}

    def has_key(self, key: Any, version: int | None = None) -> bool:
        try:
            return bool(super().has_key(key, version))
        except _ERRORS:
            _unavailable("has_key")
            return False
