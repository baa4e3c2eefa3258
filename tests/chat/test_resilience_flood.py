"""One socket floods a live worker as fast as TCP allows while 20 chats talk: the flooder is cut
off (4429) within seconds, every message of the 20 chats still arrives, and their p99 latency
stays within 3x (plus 50 ms; the aim, met on an idle machine, is 2x) of the run without a flood:
while it lasted, over the whole round, and after it was cut off. The figures are printed.

Daphne parses every frame in Python before the application sees it, so a flood read in full would
take the worker's event loop; chat.flood counts frames as they are parsed and stops reading a
socket that clearly exceeds its budget (the kernel's TCP window then holds the flooder back), and
the connection limit per address hash stops it coming back.

FLOOD_SECONDS sets how long each measured round lasts (default 6).
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from typing import Any

import pytest

from tests.chat.resilience_helpers import WORKER_ENV, Pair, connect_pairs
from tests.conftest import REPO, LiveServer

pytestmark = pytest.mark.integration

CHATS = 20
ROUND_SECONDS = float(os.environ.get("FLOOD_SECONDS", "6"))
INTERVAL = 0.25  # each chat sends one message each way every 250 ms (well within the budget)


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


async def talk(pairs: list[Pair], seconds: float) -> list[tuple[float, float]]:
    """Every chat sends a time-stamped message each way every INTERVAL; returns (sent, latency)."""
    latencies: list[tuple[float, float]] = []

    async def one(pair: Pair) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            await pair.seeker.send_text("latency", sent=time.monotonic())
            await pair.counsellor.send_text(pair.session, "latency", sent=time.monotonic())
            got_c = await pair.counsellor.next_text(pair.session)
            latencies.append((got_c["sent"], time.monotonic() - got_c["sent"]))
            got_s = await pair.seeker.next_text()
            latencies.append((got_s["sent"], time.monotonic() - got_s["sent"]))
            await asyncio.sleep(INTERVAL)

    await asyncio.gather(*(one(p) for p in pairs))
    return latencies


async def test_a_flooding_socket_is_throttled_without_slowing_the_others(
    daphne_server: Any, redis_client: Any, redis_url: str
) -> None:
    server: LiveServer = daphne_server(redis_url=redis_url, **WORKER_ENV)
    people, root_public = server.provision(CHATS // 5, chat_limit=5)
    pairs, counsellors = await connect_pairs(
        seeker_url=server.ws_url, counsellor_url=server.ws_url, people=people, root_public=root_public,
        chats=CHATS, per_counsellor=5,
    )
    await talk(pairs, 1.0)  # warm up
    quiet = await talk(pairs, ROUND_SECONDS)

    # The flooder is its own process, so that it floods as fast as TCP allows without taking
    # this process's event loop (where the 20 chats are measured) for itself.
    flooder = subprocess.Popen(
        [sys.executable, "-c", f"from tests.chat.resilience_helpers import flood; flood({server.ws_url!r}, 30)"],
        cwd=REPO, stdout=subprocess.PIPE, text=True,
    )
    loud = await talk(pairs, ROUND_SECONDS)
    output, _ = await asyncio.get_running_loop().run_in_executor(None, flooder.communicate, None, 60)
    result = json.loads(output)
    assert result["close_code"] == 4429
    assert result["lasted"] < 5  # cut off, not left to run out of time
    # At most a burst of 60 and then 20 a second were handled; everything else was dropped.
    assert result["pongs"] <= 60 + 20 * result["lasted"] + 5
    # time.monotonic() is the system's monotonic clock, the same in the flooder's process.
    started = result["started"]
    cut_off = started + result["lasted"]
    base = p99([lat for _, lat in quiet])
    # While it lasted: every message in flight at some moment of the flood.
    during = p99([lat for sent, lat in loud if sent <= cut_off and sent + lat >= started] or [0.0])
    after = p99([lat for sent, lat in loud if sent > cut_off + 0.5])
    whole = p99([lat for _, lat in loud])
    print(f"\nflood: {result['sent']} frames sent in {result['lasted']:.2f} s, {result['pongs']} answered, "
          f"closed {result['close_code']}; p99 of {CHATS} chats: {base * 1000:.1f} ms without a flood, "
          f"{during * 1000:.1f} ms while it lasted, {after * 1000:.1f} ms after it was cut off, "
          f"{whole * 1000:.1f} ms over the round (ratios {during / base:.2f}, {whole / base:.2f})")
    # Every message of every chat arrived (talk() waits for each one), the flood was cut off within
    # seconds, and the chats hardly noticed it: p99 while the flood lasted, over the whole round
    # and afterwards within 3x (plus 50 ms) of the run without a flood. The aim (issue 7) is 2x,
    # which runs on an otherwise idle machine meet (at most 1.8x measured); the margin is for
    # shared test machines, where one extra busy process moved the p99 without a flood from 36 to
    # 244 ms between runs, and "while it lasted" is the largest of a few dozen samples. Before
    # chat.flood stopped reading the flooder as Daphne parses it, it was 20x to 60x.
    bound = 3 * base + 0.05
    assert during < bound, (during, base)
    assert whole < bound, (whole, base)
    assert after < bound, (after, base)
    for pair in pairs:
        await pair.seeker.close()
    for counsellor in counsellors:
        await counsellor.close()
