"""Bad input on either socket: documented error frames, close codes, the frame budget.

Through both websocket endpoints in process, against the in-memory and the Redis store."""

from __future__ import annotations

import json

import pytest

from chat.store.base import LiveStore
from tests.chat.live_helpers import Seeker, Socket

# Serialized rollback keeps the shipped defaults (triage questions, opening hours) between tests.
pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("no_background_janitor", "fresh_content_caches"),
]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("not json", "bad_frame"),
        ("[1, 2]", "bad_frame"),
        ('{"type": "launch"}', "unknown_type"),
        ('{"type": "join", "v": 2}', "bad_frame"),
        ('{"type": "join", "v": 1, "triage": {"Bad Code": "x"}}', "bad_frame"),
        ('{"type": "msg", "seq": 1, "ct": "!!"}', "bad_frame"),
        ('{"type": "ping", "extra": 1}', "bad_frame"),
        ("x" * 70000, "too_large"),
    ],
)
async def test_it_answers_bad_frames_with_a_documented_error(
    live_store: LiveStore, root_public: bytes, text: str, code: str
) -> None:
    socket = Socket("/ws/seeker/")
    await socket.connect()
    await socket.send_raw(text)
    error = await socket.receive()
    assert error == {"type": "error", "code": code, "message": error["message"]}
    assert "Traceback" not in error["message"]
    await socket.close()


async def test_it_closes_a_socket_after_repeated_violations(live_store: LiveStore) -> None:
    socket = Socket("/ws/seeker/")
    await socket.connect()
    for _ in range(5):
        await socket.send_raw("{")
    assert await socket.expect_close() == 4400


async def test_it_refuses_binary_frames(live_store: LiveStore) -> None:
    socket = Socket("/ws/seeker/")
    await socket.connect()
    await socket.comm.send_to(bytes_data=b"\x00\x01")
    assert (await socket.receive())["code"] == "bad_frame"
    await socket.close()


async def test_it_refuses_messages_before_a_chat(live_store: LiveStore, root_public: bytes) -> None:
    seeker = Seeker(root_public)
    await seeker.join({})
    await seeker.send({"type": "msg", "seq": 1, "ct": "A" * 400})
    assert (await seeker.expect("error"))["code"] == "not_in_chat"
    await seeker.close()


async def test_it_refuses_a_foreign_origin(live_store: LiveStore) -> None:
    from channels.testing import WebsocketCommunicator

    from helpline.asgi import application

    comm = WebsocketCommunicator(application, "/ws/seeker/", headers=[(b"origin", b"https://evil.example")])
    connected, _ = await comm.connect()
    assert not connected


async def test_a_flooding_socket_is_throttled(live_store: LiveStore, root_public: bytes) -> None:
    seeker = Seeker(root_public)
    await seeker.join({})
    for _ in range(200):
        await seeker.send({"type": "ping"})
    codes = []
    while True:
        assert not await seeker.comm.receive_nothing(2), codes
        output = await seeker.comm.receive_output(1)
        if output["type"] == "websocket.close":
            break
        frame = json.loads(output["text"])
        codes.append(frame.get("code") or frame["type"])
    # A burst of 60 passes; what comes faster is dropped, said once, and the socket is closed.
    assert output["code"] == 4429
    assert codes.count("rate_limited") == 1
    assert 55 <= codes.count("pong") <= 70
