"""Channel-layer sends (chat.bus): raw and typed events, the retry when an inbox is full, and the
work that runs after the reply."""

from __future__ import annotations

import asyncio
import logging
import time

import pytest
from channels.layers import InMemoryChannelLayer

from chat import bus


@pytest.fixture
def small_layer(monkeypatch: pytest.MonkeyPatch) -> InMemoryChannelLayer:
    """A real in-memory layer whose inboxes hold one event, so that a second send finds it full."""
    found = InMemoryChannelLayer(capacity=1)
    monkeypatch.setattr(bus, "layer", lambda: found)
    return found


async def test_it_sends_a_frame_as_raw_relay_text(small_layer: InMemoryChannelLayer) -> None:
    await bus.send_to("specific.a!1", '{"type":"pong"}')
    assert await small_layer.receive("specific.a!1") == {"type": "relay.text", "text": '{"type":"pong"}'}


async def test_it_sends_a_typed_event_named_for_its_handler(small_layer: InMemoryChannelLayer) -> None:
    await bus.send_event("specific.a!1", bus.CHAT_ENDED, '{"type":"ended"}', session="S" * 22)
    assert await small_layer.receive("specific.a!1") == {
        "type": "chat.ended", "text": '{"type":"ended"}', "session": "S" * 22}
    await bus.close_socket("specific.a!1", code=4409)
    assert await small_layer.receive("specific.a!1") == {"type": "socket.close", "code": 4409}
    assert all(kind.replace(".", "_").isidentifier() for kind in bus.EVENTS)


async def test_it_sends_nothing_to_a_socket_that_has_no_channel(small_layer: InMemoryChannelLayer) -> None:
    await bus.send_to("", "{}")
    assert small_layer.channels == {}


async def test_it_waits_for_a_full_inbox_to_drain(small_layer: InMemoryChannelLayer) -> None:
    await bus.send_to("specific.a!1", "first")
    second = asyncio.ensure_future(bus.send_to("specific.a!1", "second"))
    await asyncio.sleep(0.05)
    assert not second.done()  # retrying while the inbox is full
    assert (await small_layer.receive("specific.a!1"))["text"] == "first"
    await asyncio.wait_for(second, 1.0)
    assert (await small_layer.receive("specific.a!1"))["text"] == "second"


async def test_it_gives_up_on_one_event_when_the_inbox_stays_full(
    small_layer: InMemoryChannelLayer, caplog: pytest.LogCaptureFixture
) -> None:
    await bus.send_to("specific.a!1", "first")
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="chat.bus"):
        await bus.send_to("specific.a!1", "dropped")
    assert time.monotonic() - started >= sum(bus.FULL_RETRY_SECONDS) * 0.9
    assert "stayed full" in caplog.text and "dropped" not in caplog.text  # never the frame itself
    assert (await small_layer.receive("specific.a!1"))["text"] == "first"


async def test_settle_waits_for_the_work_after_the_reply() -> None:
    done: list[str] = []

    async def bookkeeping(name: str, pause: float) -> None:
        await asyncio.sleep(pause)
        done.append(name)

    bus.after_reply(bookkeeping("counters", 0.05))
    bus.after_reply(bookkeeping("audit", 0.01))
    assert done == []  # the caller goes on at once
    await bus.settle()
    assert sorted(done) == ["audit", "counters"]


async def test_a_failure_after_the_reply_is_logged_by_type_only(caplog: pytest.LogCaptureFixture) -> None:
    async def failing() -> None:
        raise ValueError("session S123 detail")

    with caplog.at_level(logging.ERROR, logger="chat.bus"):
        bus.after_reply(failing())
        await bus.settle()
    assert "ValueError" in caplog.text and "S123" not in caplog.text
