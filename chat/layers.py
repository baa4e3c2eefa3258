"""Channel layers that survive a Redis outage.

channels-redis raises redis' ConnectionError from `send`, `group_send`, `group_add` and `receive`
while Redis is down. A consumer's receive loop in Channels has no error handling, so an exception
from `receive` ends the consumer and Daphne closes the socket with 1011 ("internal error"). These
subclasses change two things and nothing else:

- `send`, `group_send`, `group_add` and `group_discard` raise `StoreUnavailable` instead, which
  the consumers already answer with the documented `store_unavailable` frame;
- `receive` does not raise: it hands the consumer one `layer.unavailable` event, then waits a
  little before it asks Redis again, so the consumer stays open, tells its client, and picks up
  where it left off when Redis is back.

They keep nothing: no message is buffered here.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from channels_redis.core import RedisChannelLayer
from channels_redis.pubsub import RedisPubSubChannelLayer
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from chat.bus import RELAY
from chat.store.base import StoreUnavailable

UNAVAILABLE = "layer.unavailable"
_ERRORS = (RedisConnectionError, RedisTimeoutError, OSError)
# How long a channel waits before it asks Redis again after a failed receive: short, so that a
# socket notices within a second or two that Redis is back, and long enough not to spin.
RETRY_SECONDS = (0.25, 0.5, 1.0, 1.0)


class ResilientLayerMixin:
    """Turns connection errors into `StoreUnavailable` (sends) and one event (receive)."""

    _failures: dict[str, int]

    def _base(self, name: str) -> Any:
        """The wrapped layer's method. The pub/sub layer has none on its class: it hands out
        per-event-loop proxies from __getattr__, which `super().name` does not reach."""
        parent = super()
        try:
            return getattr(parent, name)
        except AttributeError:
            return parent.__getattr__(name)  # type: ignore[attr-defined]

    async def new_channel(self, prefix: str = "specific.") -> str:
        try:
            channel: str = await self._base("new_channel")(prefix)
        except _ERRORS:
            # The pub/sub layer subscribes here. With Redis down, hand out the name anyway (as
            # pub/sub would) and let receive() subscribe once Redis is back, so that the socket
            # opens and can be told `store_unavailable` instead of failing with HTTP 500.
            channel = f"{getattr(self, 'prefix', '')}{prefix}{uuid.uuid4().hex}"
        return channel

    async def send(self, channel: str, message: dict[str, Any]) -> None:
        try:
            await self._base("send")(channel, message)
        except _ERRORS as exc:
            raise StoreUnavailable(exc.__class__.__name__) from None

    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        try:
            await self._base("group_send")(group, message)
        except _ERRORS as exc:
            raise StoreUnavailable(exc.__class__.__name__) from None

    async def group_add(self, group: str, channel: str) -> None:
        try:
            await self._base("group_add")(group, channel)
        except _ERRORS as exc:
            raise StoreUnavailable(exc.__class__.__name__) from None

    async def group_discard(self, group: str, channel: str) -> None:
        try:
            await self._base("group_discard")(group, channel)
        except _ERRORS as exc:
            raise StoreUnavailable(exc.__class__.__name__) from None

    async def receive(self, channel: str) -> dict[str, Any]:
        failures = self._failure_counts().get(channel, 0)
        if failures:
            await asyncio.sleep(RETRY_SECONDS[min(failures, len(RETRY_SECONDS)) - 1])
        try:
            message: dict[str, Any] = await self._base("receive")(channel)
        except _ERRORS:
            self._failure_counts()[channel] = failures + 1
            return {"type": UNAVAILABLE, "first": failures == 0}
        if failures:
            self._failure_counts().pop(channel, None)
        return message

    async def forget_channel(self, channel: str) -> None:
        """Stop listening on a channel made for one probe (chat.health.layer_answers, /healthz).

        The pub/sub layer unsubscribes a channel only when a receive on it is cancelled; a probe
        whose receive succeeded would otherwise stay subscribed, with its queue, for the life of
        the worker. The list-based layer keeps nothing per channel in the process."""
        inner_getter = getattr(self, "_get_layer", None)
        if inner_getter is None:
            return
        inner = inner_getter()
        if channel in inner.channels:
            del inner.channels[channel]
            try:
                await inner._get_shard(channel).unsubscribe(channel)
            except _ERRORS:
                pass  # the connection is gone, and its subscriptions with it

    def _failure_counts(self) -> dict[str, int]:
        if not hasattr(self, "_failures"):
            self._failures = {}
        return self._failures


class ResilientRedisChannelLayer(ResilientLayerMixin, RedisChannelLayer):
    pass


def raw_frame(data: bytes) -> dict[str, Any] | None:
    """A relayed frame published by the store itself (chat.store.redis, RELAY_FROM_STORE): the
    frame's JSON text as it goes to the socket, not a serialized event. It starts with `{`, which
    neither a msgpack map nor a Fernet token (the layer's own formats) ever does."""
    if data[:1] == b"{":
        return {"type": RELAY, "text": data.decode()}
    return None


class ResilientRedisPubSubChannelLayer(ResilientLayerMixin, RedisPubSubChannelLayer):
    def deserialize(self, message: bytes) -> dict[str, Any]:
        return raw_frame(message) or super().deserialize(message)  # type: ignore[no-any-return]
