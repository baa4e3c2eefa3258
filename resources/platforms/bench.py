"""Benchmark: how many impressions one Daphne worker serves, and how fast.

    python -m resources.platforms.bench --redis redis://127.0.0.1:6379/<db>
    python -m resources.platforms.bench --redis ... --rate 2000 --seconds 20 --connections 32

Starts one worker (`python -m helpline.serve`, as production runs it) on a free loopback port with
a fresh SQLite database and static files in a temporary directory, Redis at --redis (the bench
FLUSHES that database: never give it one that others use), and one partner with the example
variants. Then it sends `/embed/<code>/?lang=...` at a fixed rate from keep-alive connections
(open loop: each request has a scheduled time, and its latency counts from that time, so a
stalled server cannot hide its queue), and prints the achieved rate, latency percentiles, errors,
and whether every answered impression reached the counters after a flush. Not part of `make test`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
CODE = "bench-partner"
TARGET_RATE = 2000
TARGET_P99_MS = 50.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _env(tmp: Path, redis_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_SETTINGS"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "helpline.settings",
            "SECRET_KEY": "bench-secret-" + "z" * 40,
            "HELPLINE_DEMO": "1",
            "HELPLINE_VAR_DIR": str(tmp),
            "STATIC_ROOT": str(tmp / "static"),
            "SERVE_STATIC": "1",
            "DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite3'}",
            "REDIS_URL": redis_url,
            "PYTHONUNBUFFERED": "1",
            "LOG_LEVEL": "WARNING",
        }
    )
    return env


def _manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=REPO, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise SystemExit(result.stdout + result.stderr)
    return result.stdout


SETUP = f"""
from resources.platforms.models import Partner
from resources.platforms.service import do_save_partner
for code in ("{CODE}", "warm-partner"):
    do_save_partner(actor=None, partner=Partner(name=code, code=code, allowed_origins="https://bench.example"),
                    changed=["name"], with_examples=True)
"""

COUNTED = f"""
from helpline.models import Counter
rows = Counter.objects.filter(metric="platform.impression", dimension__startswith="source={CODE}_")
print(sum(rows.values_list("value", flat=True)))
"""


async def hello_application(scope: dict, receive: object, send: object) -> None:
    """The baseline: bare Daphne answering a page of the same size with no work at all."""
    if scope["type"] != "http":
        return
    body = b"x" * 3000  # about the size of the embed page with its headers
    headers = [(b"content-type", b"text/html"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})  # type: ignore[operator]
    await send({"type": "http.response.body", "body": body})  # type: ignore[operator]


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _connection(
    host: str,
    port: int,
    paths: list[str],
    start: float,
    interval: float,
    count: int,
    offset: float,
    latencies: list[float],
    errors: list[str],
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        for i in range(count):
            scheduled = start + offset + i * interval
            delay = scheduled - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            path = paths[i % len(paths)]
            writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept-Language: en\r\n\r\n".encode())
            head = await reader.readuntil(b"\r\n\r\n")
            status = head[9:12]
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            await reader.readexactly(length)
            latencies.append((time.perf_counter() - scheduled) * 1000)
            if status != b"200":
                errors.append(status.decode())
    finally:
        writer.close()


async def _load(
    port: int, *, rate: float, seconds: float, connections: int, code: str = CODE
) -> tuple[list[float], list[str], float]:
    paths = [f"/embed/{code}/?lang=en", f"/embed/{code}/?lang=de"]
    per_connection = int(rate * seconds / connections)
    interval = connections / rate
    latencies: list[float] = []
    errors: list[str] = []
    start = time.perf_counter() + 0.2
    await asyncio.gather(
        *(
            _connection(
                "127.0.0.1", port, paths, start, interval, per_connection, c * interval / connections, latencies, errors
            )
            for c in range(connections)
        )
    )
    elapsed = time.perf_counter() - start
    return latencies, errors, elapsed


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


@dataclass
class Phase:
    name: str
    latencies: list[float]
    errors: list[str]
    elapsed: float
    cpu: float

    def line(self) -> str:
        n = len(self.latencies)
        return (
            f"{self.name:<28} {n / self.elapsed:6.0f}/s  p50 {statistics.median(self.latencies):7.1f} ms  "
            f"p90 {_percentile(self.latencies, 0.9):7.1f} ms  p99 {_percentile(self.latencies, 0.99):7.1f} ms  "
            f"errors {len(self.errors)}  worker CPU {1000 * self.cpu / max(n, 1):.3f} ms/request "
            f"(= {n / self.cpu if self.cpu else 0:,.0f}/s per core)"
        )


def _wait_healthy(port: int, server: subprocess.Popen[bytes], log: Path, path: str = "/healthz") -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2):
                return
        except Exception:
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("the worker did not start:\n" + log.read_text()) from None
            time.sleep(0.2)


def _measure(name: str, pid: int, port: int, *, rate: float, seconds: float, connections: int, code: str) -> Phase:
    before = _cpu_seconds(pid)
    latencies, errors, elapsed = asyncio.run(
        _load(port, rate=rate, seconds=seconds, connections=connections, code=code)
    )
    return Phase(name, latencies, errors, elapsed, _cpu_seconds(pid) - before)


def run(*, redis_url: str, rate: float, seconds: float, connections: int, baseline: bool) -> bool:
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    phases: list[Phase] = []
    with tempfile.TemporaryDirectory(prefix="platforms-bench-") as tmp_name:
        tmp = Path(tmp_name)
        env = _env(tmp, redis_url)
        _manage(env, "migrate", "--noinput", "-v0")
        _manage(env, "collectstatic", "--noinput", "-v0")
        _manage(env, "shell", "-c", SETUP)
        port = _free_port()
        log_path = tmp / "daphne.log"
        server = subprocess.Popen(
            [sys.executable, "-m", "helpline.serve", "--bind", "127.0.0.1", "--port", str(port)],
            cwd=REPO,
            env=env,
            stdout=log_path.open("wb"),
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_healthy(port, server, log_path)
            # Warm up on another partner: imports, the snapshot, rendered pages, Redis connections.
            _measure("warm-up", server.pid, port, rate=200, seconds=3, connections=8, code="warm-partner")
            phases.append(
                _measure(
                    "embed (fast path)",
                    server.pid,
                    port,
                    rate=rate,
                    seconds=seconds,
                    connections=connections,
                    code=CODE,
                )
            )
            time.sleep(2)  # one push interval: the worker hands its last impressions to Redis
        finally:
            server.terminate()
            server.wait(10)
        _manage(env, "flush_impressions")
        counted = int(_manage(env, "shell", "-c", COUNTED).strip().splitlines()[-1])
        if baseline:
            hello_port = _free_port()
            hello = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "daphne",
                    "-v",
                    "0",
                    "-b",
                    "127.0.0.1",
                    "-p",
                    str(hello_port),
                    "resources.platforms.bench:hello_application",
                ],
                cwd=REPO,
                env=env,
                stdout=log_path.open("ab"),
                stderr=subprocess.STDOUT,
            )
            try:
                _wait_healthy(hello_port, hello, log_path, path="/")
                _measure("warm-up", hello.pid, hello_port, rate=200, seconds=2, connections=8, code=CODE)
                phases.append(
                    _measure(
                        "baseline: bare Daphne",
                        hello.pid,
                        hello_port,
                        rate=rate,
                        seconds=seconds,
                        connections=connections,
                        code=CODE,
                    )
                )
            finally:
                hello.terminate()
                hello.wait(10)
    embed = phases[0]
    answered = len(embed.latencies)
    achieved = answered / embed.elapsed
    p99 = _percentile(embed.latencies, 0.99)
    ok = achieved >= TARGET_RATE * 0.98 and p99 < TARGET_P99_MS and not embed.errors and counted == answered
    print(
        f"warning component: one Daphne worker, {connections} keep-alive connections, open loop at {rate:.0f}/s "
        f"for {seconds:.0f} s (load average before: {os.getloadavg()[0]:.1f})"
    )
    for phase in phases:
        print("  " + phase.line())
    print(f"  counted: {counted} impressions in the counters after the flush (answered: {answered})")
    print(f"  target >= {TARGET_RATE}/s with p99 < {TARGET_P99_MS:.0f} ms: {'met' if ok else 'NOT met'}")
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--redis", default=os.environ.get("BENCH_REDIS_URL", ""), help="Redis URL (FLUSHED)")
    parser.add_argument("--rate", type=float, default=TARGET_RATE)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--baseline", action="store_true", help="also measure bare Daphne on the same load")
    args = parser.parse_args()
    if not args.redis:
        raise SystemExit("give --redis redis://127.0.0.1:6379/<db> (or BENCH_REDIS_URL); that database is flushed")
    sys.exit(
        0
        if run(
            redis_url=args.redis,
            rate=args.rate,
            seconds=args.seconds,
            connections=args.connections,
            baseline=args.baseline,
        )
        else 1
    )


if __name__ == "__main__":
    main()
