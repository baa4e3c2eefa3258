"""Relay in one round trip: the Redis store publishes a kept frame to the receiving socket's
pub/sub channel itself (RELAY_FROM_STORE), and the pub/sub layer hands it to the consumer as the
same `relay.text` event that `bus.send_to` would have sent."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Awaitable

import pytest
import redis.asyncio as aioredis

from chat import protocol
from chat.domain import Chat, Presence
from chat.layers import ResilientRedisPubSubChannelLayer, raw_frame
from chat.store.redis import RedisStore
from helpline.redis_conn import store_shares_layer_server

pytestmark = pytest.mark.usefixtures("redis_client")


def a_chat() -> Chat:
    return Chat(sid=secrets.token_urlsafe(16), token=secrets.token_urlsafe(32), priority="normal", pathway="self",
                language="en", enqueued_at=1.0, score=1.0, triage={})


async def active_chat(store: RedisStore, *, seeker_channel: str, counsellor_channel: str) -> Chat:
    chat = a_chat()
    await store.create_chat(chat, max_queue=10)
    await store.update_chat(chat.sid, seeker_channel=seeker_channel)
    await store.set_presence(Presence(user_id=7, name="c", state="available", limit=2, languages=("en",),
                                      channel=counsellor_channel, online=True))
    assert (await store.claim_next(7, now=2)).chat is not None
    await store.update_chat(chat.sid, state="active")
    return chat


async def next_event(layer: ResilientRedisPubSubChannelLayer, channel: str) -> dict[str, object]:
    return await asyncio.wait_for(layer.receive(channel), 5)


async def published(redis_url: str, channels: list[str], action: Awaitable[object]) -> list[bytes]:
    """What `action` publishes on `channels`, seen by a plain subscriber. (A timed-out
    layer.receive would unsubscribe its channel, so the layer cannot tell "nothing came".)"""
    client = aioredis.Redis.from_url(redis_url)
    subscriber = client.pubsub()
    await subscriber.subscribe(*channels)
    while await subscriber.get_message(timeout=0.2) is not None:
        pass  # the subscribe confirmations
    await action
    seen = []
    while (message := await subscriber.get_message(timeout=0.3)) is not None:
        seen.append(message["data"])
    await subscriber.aclose()
    await client.aclose()
    return seen


async def test_a_kept_frame_and_its_ack_reach_the_other_socket_through_the_layer(redis_url: str) -> None:
    layer = ResilientRedisPubSubChannelLayer(hosts=[redis_url])
    store = RedisStore(redis_url, publishes=True)
    seeker, counsellor = await layer.new_channel(), await layer.new_channel()
    chat = await active_chat(store, seeker_channel=seeker, counsellor_channel=counsellor)
    ct = "Q" * 300
    head, tail = protocol.msg_frame_parts(1, chat.sid)
    assert await store.append_frame(chat.sid, "s", 1, ct, now=3, publish=(head, tail)) == ("ok", counsellor)
    event = await next_event(layer, counsellor)
    assert event == {"type": "relay.text", "text": protocol.msg_frame(1, ct, chat.sid)}

    # A resend, a gap and someone else's frame are refused and publish nothing.
    async def refused() -> None:
        assert (await store.append_frame(chat.sid, "s", 1, ct, now=3, publish=(head, tail)))[0] == "dup"
        assert (await store.append_frame(chat.sid, "s", 3, ct, now=3, publish=protocol.msg_frame_parts(3)))[0] == "gap"
        assert (await store.append_frame(chat.sid, "c", 1, ct, now=3, counsellor=8,
                                         publish=protocol.msg_frame_parts(1)))[0] == "not_yours"
        assert await store.ack_frames(chat.sid, "s", 1, counsellor=8, publish='{"type":"ack","seq":1}') is None

    assert await published(redis_url, [seeker, counsellor], refused()) == []

    ack = f'{{"type":"ack","session":"{chat.sid}","seq":1}}'
    assert await store.ack_frames(chat.sid, "c", 1, counsellor=7, publish=ack) == seeker
    assert await next_event(layer, seeker) == {"type": "relay.text", "text": ack}
    assert await store.pending_frames(chat.sid, "s") == []
    await layer.flush()


async def test_a_store_that_does_not_publish_leaves_delivery_to_the_caller(redis_url: str) -> None:
    layer = ResilientRedisPubSubChannelLayer(hosts=[redis_url])
    store = RedisStore(redis_url, publishes=False)
    seeker, counsellor = await layer.new_channel(), await layer.new_channel()
    chat = await active_chat(store, seeker_channel=seeker, counsellor_channel=counsellor)
    append = store.append_frame(chat.sid, "s", 1, "A" * 40, now=3, publish=protocol.msg_frame_parts(1))
    assert await published(redis_url, [counsellor], append) == []
    assert await store.pending_frames(chat.sid, "s") == [(1, "A" * 40)]
    await layer.flush()


async def test_the_layer_still_reads_its_own_serialized_events(redis_url: str) -> None:
    layer = ResilientRedisPubSubChannelLayer(hosts=[redis_url])
    channel = await layer.new_channel()
    await layer.send(channel, {"type": "relay.text", "text": '{"type":"pong"}', "kind": "x"})
    assert await next_event(layer, channel) == {"type": "relay.text", "text": '{"type":"pong"}', "kind": "x"}
    assert raw_frame(layer.serialize({"type": "a"})) is None
    await layer.flush()


@pytest.mark.parametrize(("url", "hosts", "sentinels", "shared"), [
    ("redis://127.0.0.1:6379/1", ["redis://127.0.0.1:6379/1"], [], True),
    ("redis://127.0.0.1:6379/1", ["redis://127.0.0.1:6379/4"], [], True),  # pub/sub spans databases
    ("", ["redis://10.0.0.1:6379/0"], [], True),
    ("redis://10.0.0.2:6379/0", ["redis://10.0.0.1:6379/0"], [], False),
    ("redis://10.0.0.1:6380/0", ["redis://10.0.0.1:6379/0"], [], False),
    ("redis://10.0.0.1/0", ["redis://10.0.0.1/0", "redis://10.0.0.2/0"], [], False),  # sharded layer
    ("", [], ["10.0.0.5:26379"], True),
])
def test_the_store_publishes_only_on_the_layers_one_server(url: str, hosts: list[str], sentinels: list[str],
                                                            shared: bool) -> None:
    assert store_shares_layer_server(url=url, hosts=hosts, sentinels=sentinels) is shared
