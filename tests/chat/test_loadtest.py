"""`manage.py loadtest` against live servers (a small smoke run; the big runs are `make bench`)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from chat.loadtest.loadgen import SEEKERS_PER_ADDRESS, local_addresses, percentiles
from tests.conftest import REPO, LiveServer, free_port

FIELDS = {
    "pairs", "counsellors", "rate_per_pair", "duration_seconds", "sent", "received", "lost", "duplicated",
    "throughput_per_second", "latency_ms", "claim_ms", "handshake_ms", "generator_cpu_percent", "errors",
}


def run_loadtest(env: dict[str, str], url: str, out: Path, *extra: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "manage.py", "loadtest", "--url", url, "--pairs", "3", "--rate", "2", "--duration", "2",
         "--drain", "3", "--quiet", "--json", str(out), *extra],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=240,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "relay" in done.stdout and "lost 0" in done.stdout
    return dict(json.loads(out.read_text()))


def test_it_measures_the_percentiles_by_nearest_rank() -> None:
    figures = percentiles([i / 1000 for i in range(1, 101)])
    assert (figures["p50"], figures["p90"], figures["p99"], figures["max"]) == (50.0, 90.0, 99.0, 100.0)
    assert percentiles([])["p50"] is None


def test_it_spreads_seekers_over_loopback_addresses_only_for_a_loopback_server() -> None:
    spread = local_addresses("ws://127.0.0.1:8000", SEEKERS_PER_ADDRESS * 2 + 1, spread=True)
    assert len({a for a in spread}) == 3
    assert all(a is not None and a[0].startswith("127.") for a in spread)
    assert local_addresses("wss://helpline.example", 5, spread=True) == [None] * 5
    assert local_addresses("ws://127.0.0.1:8000", 2, spread=False) == [None, None]


@pytest.mark.redis
async def test_it_runs_real_encrypted_chats_against_a_live_server_and_cleans_up(
    daphne_server: Any, redis_url: str, tmp_path: Path
) -> None:
    server: LiveServer = daphne_server(redis_url=redis_url)
    result = run_loadtest(server.env, server.ws_url, tmp_path / "out.json", "--provision",
                          "--server-pid", str(server.process.pid))
    assert FIELDS <= result.keys()
    assert result["pairs"] == 3 and result["counsellors"] == 3 and not result["errors"]
    assert result["sent"] >= 9 and result["received"] == result["sent"]
    assert result["lost"] == 0 and result["duplicated"] == 0
    assert result["latency_ms"]["count"] == result["sent"] and result["claim_ms"]["count"] == 3
    assert result["server"]["cpu_percent"] >= 0 and result["server"]["memory_per_connection_kb"] is not None
    # The provisioned counsellors are gone, and nothing was logged about the chats.
    check = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c",
         "from django.contrib.auth import get_user_model as g; print(g().objects.filter("
         "username__startswith='loadtest-').count())"],
        cwd=REPO, env=server.env, capture_output=True, text=True, timeout=60,
    )
    assert check.stdout.strip().splitlines()[-1] == "0", check.stderr[-2000:]
    assert "loadtest" not in server.logs() and "Traceback" not in server.logs()


def test_it_drives_the_websockets_baseline_with_the_same_frames(
    daphne_server: Any, tmp_path: Path
) -> None:
    # The Daphne server only supplies a database and settings to provision from; the load goes
    # to B0 (chat/loadtest/baseline.py), which must speak the same frames.
    server: LiveServer = daphne_server()
    port = free_port()
    baseline = subprocess.Popen([sys.executable, "-m", "chat.loadtest.baseline", "--port", str(port)], cwd=REPO)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                    break
            except OSError:
                assert time.monotonic() < deadline, "the baseline did not start"
                time.sleep(0.1)
        result = run_loadtest(server.env, f"ws://127.0.0.1:{port}", tmp_path / "b0.json", "--provision")
    finally:
        baseline.terminate()
        baseline.wait(10)
    assert result["pairs"] == 3 and result["lost"] == 0 and result["duplicated"] == 0 and not result["errors"]
    assert result["received"] == result["sent"] >= 9


def test_it_runs_the_bench_from_the_entry_point_the_makefile_names() -> None:
    makefile = (REPO / "Makefile").read_text()
    module = makefile.split("\nbench:", 1)[1].split("-m ", 1)[1].split()[0]
    assert module == "chat.loadtest.bench"
    done = subprocess.run([sys.executable, "-m", module, "--help"], cwd=REPO, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "--only" in done.stdout
    for doc in ("README.md", "docs/PERFORMANCE.md"):
        assert "python -m chat.bench" not in (REPO / doc).read_text(), doc
