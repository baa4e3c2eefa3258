"""Hypothesis fuzzing of both socket endpoints: arbitrary, malformed, oversized and out-of-order frames.

Each example opens a fresh socket (in process, WebsocketCommunicator, memory store), sends a short
sequence of frames, and checks: no unhandled exception (the application never dies and never
answers `server_error`), every reply is a declared frame, every frame that breaks its schema gets
an `error` with the documented code (unless the socket was closed with a documented code first),
and a chat that is going on at the same time (a bystander seeker and counsellor) receives nothing.

FUZZ_EXAMPLES sets the number of examples per endpoint (default 2000).
"""

from __future__ import annotations

import asyncio
import json
import os
import string
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from channels.testing import WebsocketCommunicator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chat import protocol
from chat.loadtest.provision import ProvisionedCounsellor
from chat.store import get_store
from helpline.asgi import application
from tests.chat.live_helpers import ORIGIN, Counsellor, Seeker, connect_pair

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "2000"))
CLOSE_CODES = {1000, protocol.CLOSE_BAD_FRAME, protocol.CLOSE_UNAUTHENTICATED, protocol.CLOSE_FORBIDDEN,
               protocol.CLOSE_IDLE, protocol.CLOSE_SUPERSEDED, protocol.CLOSE_RATE_LIMITED, protocol.CLOSE_UNAVAILABLE}
B64 = string.ascii_letters + string.digits + "-_"
BYSTANDER = {"session": ""}


# --- Strategies ---------------------------------------------------------------------------------------


def b64(low: int, high: int) -> st.SearchStrategy[str]:
    return st.integers(low, high).flatmap(lambda n: st.text(B64, min_size=n, max_size=n))


anything = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63) | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=8,
)
codes = st.from_regex(r"[a-z0-9_]{1,32}", fullmatch=True) | st.text(max_size=34)
FIELD_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "v": st.sampled_from([1, 2, 0, "1", True]),
    "lang": st.sampled_from(["en", "de", "xx-YY", "EN", ""]),
    "triage": st.dictionaries(codes, codes, max_size=18),
    "source": codes,
    "token": b64(42, 44),
    "eph": b64(86, 88),
    "mac": b64(42, 44),
    "seq": st.integers(-3, 2**54),
    "ct": b64(362, 420),
    "answers": st.dictionaries(codes, codes, max_size=18),
    "state": st.sampled_from(["available", "break", "offline", "busy"]),
    "session": st.builds(lambda: BYSTANDER["session"]) | b64(21, 23),
    "cert": b64(178, 265),
    "sig_cert": b64(85, 87),
    "sig": b64(85, 87),
    "counsellor": st.integers(-1, 2**32),
    "concern": codes, "protective_action": st.sampled_from(["yes", "no", "maybe"]), "outcome": codes,
    "referrals": st.lists(codes, max_size=9), "risk": st.lists(codes, max_size=9),
}


def frames_for(schemas: dict[str, protocol.Schema]) -> st.SearchStrategy[str | bytes]:
    def declared(kind: str) -> st.SearchStrategy[str]:
        names = sorted(schemas[kind])
        chosen = st.lists(st.sampled_from(names), unique=True) if names else st.just([])
        body = chosen.flatmap(lambda picked: st.fixed_dictionaries(
            {name: FIELD_VALUES.get(name, anything) | anything for name in picked}))
        extra = st.just({}) | st.dictionaries(st.text(max_size=6), anything, max_size=1)
        return st.tuples(body, extra).map(lambda pair: json.dumps({**pair[0], **pair[1], "type": kind}))

    return st.one_of(
        st.sampled_from(sorted(schemas)).flatmap(declared),  # valid or nearly valid, in any order
        st.text(max_size=120),  # arbitrary text
        st.builds(lambda n, c: c * n, st.integers(65_000, 70_000), st.sampled_from(["x", "é", "{"])),  # oversized
        st.integers(1, 3000).map(lambda depth: "[" * depth + "]" * depth),  # deeply nested
        st.binary(max_size=40),  # binary frames
        anything.map(lambda value: json.dumps(value)),  # JSON that is not an object, or has no type
    )


# --- Fixtures --------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _in_process(no_background_janitor: None, settings: Any) -> None:
    settings.LIVE_STORE = "chat.store.memory.MemoryStore"
    settings.SEEKER_CONNECTIONS_PER_MINUTE = 10**9
    settings.STAFF_CONNECTIONS_PER_MINUTE = 10**9
    get_store.cache_clear()


@pytest.fixture
def fuzz_loop() -> Iterator[asyncio.AbstractEventLoop]:
    """One event loop for the whole fuzz run: Hypothesis runs each example synchronously on it."""
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


@pytest.fixture
def bystanders(
    fuzz_loop: asyncio.AbstractEventLoop, root_public: bytes, staff: Callable[..., ProvisionedCounsellor],
    fresh_content_caches: None,
) -> Iterator[tuple[Seeker, Counsellor]]:
    """A chat going on beside the fuzzing: it must never receive anything from it."""
    seeker = Seeker(root_public)
    counsellor = Counsellor(staff("bystander"))

    async def start() -> None:
        await seeker.join({})
        await counsellor.start()
        BYSTANDER["session"] = await connect_pair(seeker, counsellor)
        await seeker.say("a message before the fuzzing")
        assert await counsellor.hear(BYSTANDER["session"]) == "a message before the fuzzing"
        await drain(seeker.comm)
        await drain(counsellor.comm)

    async def stop() -> None:
        await seeker.close()
        await counsellor.close()

    fuzz_loop.run_until_complete(start())
    yield seeker, counsellor
    fuzz_loop.run_until_complete(stop())
    get_store.cache_clear()


# --- The checks -----------------------------------------------------------------------------------------


async def drain(comm: WebsocketCommunicator, quiet: float = 0.001) -> list[dict[str, Any]]:
    """Everything the application sent until it goes quiet (receive_nothing first: receive_output's
    own time-out would cancel the application)."""
    out: list[dict[str, Any]] = []
    while not await comm.receive_nothing(quiet, interval=0.0005):
        out.append(await comm.receive_output(1))
    return out


def expected_error(text: str | bytes, schemas: dict[str, protocol.Schema]) -> str | None:
    """The error code the protocol demands for this frame, or None if it parses."""
    if isinstance(text, bytes):
        return "bad_frame"
    try:
        protocol.parse_frame(text, schemas)
    except protocol.FrameError as exc:
        return exc.code
    return None


async def until_error(comm: WebsocketCommunicator, code: str) -> list[dict[str, Any]]:
    """Read until the error frame this bad frame must get (or a documented close) arrives."""
    replies: list[dict[str, Any]] = []
    while True:
        assert not await comm.receive_nothing(2, interval=0.001), f"no {code} error for a bad frame: {replies}"
        output = await comm.receive_output(1)
        replies.append(output)
        if output["type"] == "websocket.close":
            return replies
        frame = json.loads(output["text"])
        if frame["type"] == "error" and frame["code"] == code:
            return replies


class FuzzSocket:
    """One socket reused across examples until the server closes it (then a new one): opening a
    socket per example would spend most of the time on handshakes."""

    def __init__(self, path: str, headers: list[tuple[bytes, bytes]]) -> None:
        self.path, self.headers = path, headers
        self.comm: WebsocketCommunicator | None = None
        self.opened = 0

    async def get(self) -> tuple[WebsocketCommunicator, list[dict[str, Any]]]:
        if self.comm is not None:
            return self.comm, []
        self.comm = WebsocketCommunicator(application, self.path, headers=self.headers)
        connected, code = await self.comm.connect(timeout=5)
        assert connected, code
        self.opened += 1
        return self.comm, await drain(self.comm)

    async def closed(self) -> None:
        assert self.comm is not None
        await self.comm.disconnect()  # the client side of the close; raises if the application died
        self.comm = None

    async def close(self) -> None:
        if self.comm is not None:
            await self.comm.disconnect()  # raises if the application died
            self.comm = None


async def fuzz_one(socket: FuzzSocket, frames: list[str | bytes], schemas: dict[str, protocol.Schema],
                   declared: frozenset[str]) -> None:
    comm, outputs = await socket.get()
    closed = any(o["type"] == "websocket.close" for o in outputs)
    for text in frames:
        if closed:
            break
        key = "bytes" if isinstance(text, bytes) else "text"
        await comm.send_input({"type": "websocket.receive", key: text})
        code_needed = expected_error(text, schemas)
        replies = await until_error(comm, code_needed) if code_needed else []
        replies += await drain(comm, 0)
        outputs += replies
        closed = any(o["type"] == "websocket.close" for o in replies)
    for output in outputs:
        if output["type"] == "websocket.close":
            assert output.get("code", 1000) in CLOSE_CODES, output
            continue
        frame = json.loads(output["text"])
        assert frame["type"] in declared, frame
        if frame["type"] == "error":
            assert frame["code"] in protocol.ERROR_CODES and frame["code"] != "server_error", frame
            assert "Traceback" not in frame["message"] and len(frame["message"]) <= 200
    if closed:
        await socket.closed()


async def nothing_reached(seeker: Seeker, counsellor: Counsellor, quiet: float = 0) -> None:
    assert await drain(seeker.comm, quiet) == []
    for output in await drain(counsellor.comm, quiet):
        # The counsellor's screen refreshes the queue summary every 2 s; nothing else may arrive.
        assert json.loads(output["text"])["type"] in ("queue_summary", "status"), output


FUZZ_SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=False, database=None,
                         suppress_health_check=list(HealthCheck))


def fuzz(loop: asyncio.AbstractEventLoop, bystanders: tuple[Seeker, Counsellor], socket: FuzzSocket,
         schemas: dict[str, protocol.Schema], declared: frozenset[str]) -> None:
    seeker, counsellor = bystanders

    async def one(frames: list[str | bytes]) -> None:
        await fuzz_one(socket, frames, schemas, declared)
        await nothing_reached(seeker, counsellor)

    @FUZZ_SETTINGS
    @given(st.lists(frames_for(schemas), min_size=1, max_size=4))
    def run(frames: list[str | bytes]) -> None:
        loop.run_until_complete(one(frames))

    run()
    loop.run_until_complete(socket.close())
    loop.run_until_complete(nothing_reached(seeker, counsellor, quiet=0.3))
    assert socket.opened > 1  # the server did close sockets (violations, throttling) and new ones worked


def test_it_survives_anything_on_the_seeker_socket(
    fuzz_loop: asyncio.AbstractEventLoop, bystanders: tuple[Seeker, Counsellor]
) -> None:
    socket = FuzzSocket("/ws/seeker/", [ORIGIN])
    fuzz(fuzz_loop, bystanders, socket, protocol.SEEKER_IN, protocol.SEEKER_OUT)


def test_it_survives_anything_on_the_counsellor_socket(
    fuzz_loop: asyncio.AbstractEventLoop,
    bystanders: tuple[Seeker, Counsellor],
    staff: Callable[..., ProvisionedCounsellor],
) -> None:
    intruder = staff("fuzzer")
    socket = FuzzSocket("/ws/counsellor/", [ORIGIN, (b"cookie", intruder.cookie.encode())])
    fuzz(fuzz_loop, bystanders, socket, protocol.COUNSELLOR_IN, protocol.COUNSELLOR_OUT)
