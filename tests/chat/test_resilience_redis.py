"""Redis stopped and started under live chats, with two Daphne workers.

The test runs its own throwaway redis-server (no persistence, like production) on a free port, so
that it can kill and restart it without touching anyone else's Redis. While Redis is down every
socket gets the documented `error {code: "store_unavailable"}` within 5 s and stays open; HTTP
pages answer without a 500; when Redis is back (empty), both sides of each chat that was live are
told it ended (`interrupted`), and new chats work without restarting Daphne.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

from chat.client import SeekerClient
from tests.chat.resilience_helpers import WORKER_ENV, connect_pairs, http_status
from tests.conftest import LiveServer, free_port, missing_service

pytestmark = pytest.mark.integration

CHATS = 6


class ThrowawayRedis:
    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.directory = directory
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--daemonize", "no", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                redis.Redis(port=self.port, socket_connect_timeout=0.5).ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def crash(self) -> None:
        """SIGKILL: what a crash or an out-of-memory kill looks like; nothing is kept."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)


@pytest.fixture
def throwaway_redis(tmp_path: Path) -> Iterator[ThrowawayRedis]:
    if shutil.which("redis-server") is None:
        missing_service("redis-server is not installed")
    server = ThrowawayRedis(tmp_path)
    server.start()
    yield server
    server.crash()


def store_unavailable(frame: dict[str, Any]) -> bool:
    return frame.get("type") == "error" and frame.get("code") == "store_unavailable"


async def test_it_survives_redis_going_away_and_coming_back_empty(
    daphne_server: Any, live_database: Any, throwaway_redis: ThrowawayRedis
) -> None:
    database_url = live_database()
    env = dict(WORKER_ENV)
    seeker_worker: LiveServer = daphne_server(redis_url=throwaway_redis.url, database_url=database_url, **env)
    counsellor_worker: LiveServer = daphne_server(redis_url=throwaway_redis.url, database_url=database_url, **env)
    people, root_public = seeker_worker.provision(1, chat_limit=CHATS)
    pairs, (counsellor,) = await connect_pairs(
        seeker_url=seeker_worker.ws_url, counsellor_url=counsellor_worker.ws_url, people=people,
        root_public=root_public, chats=CHATS, per_counsellor=CHATS,
    )
    for pair in pairs:
        await pair.seeker.send_text("before the outage")
        assert (await pair.counsellor.next_text(pair.session))["body"] == "before the outage"
    statuses: list[int] = []
    marks = {id(c): c.mark() for c in [counsellor, *(p.seeker for p in pairs)]}

    throwaway_redis.crash()
    down_at = time.monotonic()
    told = [counsellor.expect(store_unavailable, 5, since=marks[id(counsellor)])]
    told += [p.seeker.expect(store_unavailable, 5, since=marks[id(p.seeker)]) for p in pairs]
    await asyncio.gather(*told)
    told_after = time.monotonic() - down_at
    assert not counsellor.closed.is_set() and not any(p.seeker.closed.is_set() for p in pairs)

    # Pages keep working while Redis is down; the health check says what is wrong (503, not 500).
    for server in (seeker_worker, counsellor_worker):
        statuses += [http_status(server.url + "/"), http_status(server.url + "/exit"),
                     http_status(server.url + "/healthz")]
    assert 500 not in statuses, statuses
    assert http_status(seeker_worker.url + "/healthz") == 503
    # A new socket is answered too, and told the same.
    newcomer = SeekerClient(seeker_worker.ws_url, root_public=root_public)
    await newcomer.connect()
    await newcomer.send({"type": "join", "v": 1, "lang": "en", "triage": {}})
    await newcomer.expect(store_unavailable, 5)
    await newcomer.close()

    throwaway_redis.start()
    up_at = time.monotonic()
    ended = [p.seeker.expect(lambda f: f.get("type") == "ended", 5) for p in pairs]
    ended += [counsellor.expect(lambda f, s=p.session: f.get("type") == "ended" and f.get("session") == s, 5)
              for p in pairs]
    frames = await asyncio.gather(*ended)
    ended_after = time.monotonic() - up_at
    assert {f["reason"] for f in frames} == {"interrupted"}
    assert not counsellor.closed.is_set() and not any(p.seeker.closed.is_set() for p in pairs)
    print(f"\nstore_unavailable on every socket {told_after:.2f} s after Redis died; "
          f"'ended interrupted' on both sides {ended_after:.2f} s after it came back")

    # New chats work at once, on the same Daphne processes, with the same counsellor socket.
    for server in (seeker_worker, counsellor_worker):
        deadline = time.monotonic() + 10
        while (status := http_status(server.url + "/healthz")) != 200 and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
        assert status == 200
    healthy_after = time.monotonic() - up_at
    seeker = SeekerClient(seeker_worker.ws_url, root_public=root_public)
    await seeker.connect()
    assert (await seeker.join(triage={}))["type"] == "welcome"
    await counsellor.set_status("available")
    session = await counsellor.take_next()
    await asyncio.gather(seeker.handshake(), counsellor.handshake(session))
    await seeker.send_text("after the outage")
    assert (await counsellor.next_text(session))["body"] == "after the outage"
    await counsellor.send_text(session, "welcome back")
    assert (await seeker.next_text())["body"] == "welcome back"
    statuses += [http_status(s.url + path) for s in (seeker_worker, counsellor_worker) for path in ("/", "/exit")]
    assert 500 not in statuses, statuses
    print(f"health check 200 again on both workers {healthy_after:.2f} s after Redis came back")

    for client in [seeker, counsellor, *(p.seeker for p in pairs)]:
        await client.close()
    for server in (seeker_worker, counsellor_worker):
        logs = server.logs()
        assert "Exception inside application" not in logs
        assert "Traceback" not in logs


