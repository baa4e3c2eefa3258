"""`make bench` (`python -m chat.loadtest.bench`): the service against its baselines, in one run.

Starts every server itself, runs the same load (`manage.py loadtest`, real encrypted chats)
against each, one after the other, and prints one table with absolute figures and each server's
ratio to B0 measured in the same run (so a busy machine shifts all rows alike):

- B0: chat/loadtest/baseline.py, a minimal relay written directly on `websockets`;
- S1: Daphne + Channels, in-memory layer and store (one process);
- S2: Daphne + channels-redis core layer, Redis store;
- S3: Daphne + channels-redis pub/sub layer, Redis store.

Then the claim benchmark (1,000 waiting chats, 100 counsellors: at the store level against
Redis, and end to end through the sockets) and the idle-socket measurement (5,000 sockets on one
Daphne worker, 10,000 on two). It writes the figures as JSON (var/bench.json by default).

It needs Redis and FLUSHES the Redis database it is given (BENCH_REDIS_URL, default
redis://127.0.0.1:6379/15) before each server; the database is BENCH_DATABASE_URL (default: a
fresh SQLite file in a temporary directory). It keeps nothing else; the counsellor accounts it
makes are in that database only. The benchmark reports; it never fails the build.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
SERVERS = {
    "B0": "websockets relay (baseline)",
    "S1": "Daphne + in-memory layer",
    "S2": "Daphne + channels-redis core",
    "S3": "Daphne + channels-redis pub/sub",
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.tmp = Path(tempfile.mkdtemp(prefix="helpline-bench-"))
        self.redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
        self.database_url = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{self.tmp / 'bench.sqlite3'}")
        self.python = sys.executable
        self.results: dict[str, Any] = {"machine": machine(), "args": vars(args), "runs": {}}

    def env(self, kind: str = "S2") -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_SETTINGS", "REDIS"))}
        env.update({
            "DJANGO_SETTINGS_MODULE": "helpline.settings", "SECRET_KEY": "bench-secret-" + "b" * 40,
            "HELPLINE_DEMO": "1", "HELPLINE_VAR_DIR": str(self.tmp), "DATABASE_URL": self.database_url,
            "SERVE_STATIC": "1", "LOG_LEVEL": "WARNING", "PYTHONUNBUFFERED": "1",
            # The load puts every chat in the queue at once and gives each counsellor up to 10.
            "QUEUE_MAX_LENGTH": "20000", "DEFAULT_CHAT_LIMIT": "10",
        })
        if kind in ("S2", "S3"):
            env["REDIS_URL"] = self.redis_url
            env["CHANNEL_LAYER"] = "core" if kind == "S2" else "pubsub"
        return env

    # -- servers -----------------------------------------------------------------------------------
    def flush_redis(self) -> None:
        import redis

        client = redis.Redis.from_url(self.redis_url)
        client.flushdb()
        client.close()

    def start(self, kind: str, port: int) -> subprocess.Popen[bytes]:
        if kind == "B0":
            command = [self.python, "-m", "chat.loadtest.baseline", "--port", str(port)]
        else:
            command = [self.python, "-m", "helpline.serve", "--bind", "127.0.0.1", "--port", str(port)]
        log = (self.tmp / f"server-{kind}-{port}.log").open("wb")
        process = subprocess.Popen(command, cwd=REPO, env=self.env(kind), stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{kind} exited: {(self.tmp / f'server-{kind}-{port}.log').read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                    if response.status == 200:
                        return process
            except Exception:
                if time.monotonic() > deadline:
                    raise
            time.sleep(0.2)

    @staticmethod
    def stop(process: subprocess.Popen[bytes]) -> None:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(15)

    def loadtest(self, kind: str, ports: list[int], pids: list[int], *, pairs: int, counsellors: int, rate: float,
                 duration: float, label: str) -> dict[str, Any]:
        out = self.tmp / f"{label}.json"
        command = [
            self.python, "manage.py", "loadtest", "--url", ",".join(f"ws://127.0.0.1:{p}" for p in ports),
            "--pairs", str(pairs), "--counsellors", str(counsellors), "--rate", str(rate), "--duration", str(duration),
            "--counsellors-json", str(self.people), "--json", str(out),
            *[arg for pid in pids for arg in ("--server-pid", str(pid))],
        ]
        print(f"\n== {kind} {label} ({len(ports)} process(es)): {pairs} pairs, {counsellors} counsellors, "
              f"{rate}/s per pair, {duration} s", flush=True)
        done = subprocess.run(command, cwd=REPO, env=self.env(kind), check=False)
        if done.returncode != 0 or not out.exists():
            return {"failed": True, "returncode": done.returncode}
        return dict(json.loads(out.read_text()))

    # -- the run -------------------------------------------------------------------------------------
    def prepare(self) -> None:
        subprocess.run([self.python, "manage.py", "migrate", "--noinput", "-v0"], cwd=REPO, env=self.env("S1"),
                       check=True)
        wanted = max(self.args.pairs, self.args.claim_counsellors, max(self.args.ladder_pairs, default=0))
        if self.args.only:
            wanted = self.args.claim_counsellors
        print(f"provisioning {wanted} counsellors ...", flush=True)
        # Up to 10 chats each: the claim run gives 100 counsellors 1,000 waiting chats.
        done = subprocess.run([self.python, "-m", "chat.loadtest.provision", str(wanted), "counsellor", "10"], cwd=REPO,
                              env=self.env("S1"), check=True, capture_output=True)
        self.people = self.tmp / "counsellors.json"
        self.people.write_bytes(done.stdout)

    def run_server(self, kind: str) -> None:
        args = self.args
        self.flush_redis()
        # Daphne with Redis runs as it is deployed on two cores: two workers. B0 and S1 are one
        # process by construction (S1 keeps everything in that process's memory).
        workers = args.workers if kind in ("S2", "S3") else 1
        ports = [free_port() for _ in range(workers)]
        processes = [self.start(kind, port) for port in ports]
        pids = [p.pid for p in processes]
        runs: dict[str, Any] = {"processes": workers}
        try:
            runs["main"] = self.loadtest(kind, ports, pids, pairs=args.pairs, counsellors=args.pairs,
                                         rate=args.rate, duration=args.duration, label=f"{kind}-main")
            # The throughput ladder: more pairs each step; a step passes with p99 <= 100 ms and
            # nothing lost. It stops after two failed steps in a row (one may be noise from other
            # work on the machine), and the figure is the best passing step.
            ladder: list[dict[str, Any]] = []
            misses = 0
            for pairs in args.ladder_pairs:
                step = self.loadtest(kind, ports, pids, pairs=pairs, counsellors=pairs,
                                     rate=args.ladder_rate, duration=args.ladder_duration,
                                     label=f"{kind}-ladder-{pairs}")
                ladder.append(step)
                misses = 0 if passed(step) else misses + 1
                if misses >= 2:
                    break
            runs["ladder"] = ladder
            good = [s["throughput_per_second"] for s in ladder if passed(s)]
            runs["max_throughput_p99_100ms"] = max(good) if good else 0.0
            if kind != "B0" and args.claim_chats and args.claim_counsellors:
                runs["claim"] = self.loadtest(kind, ports, pids, pairs=args.claim_chats,
                                              counsellors=args.claim_counsellors, rate=0, duration=0,
                                              label=f"{kind}-claim")
        finally:
            for process in processes:
                self.stop(process)
        self.results["runs"][kind] = runs
        self.save()

    def run_claim(self, kind: str) -> None:
        """Only the end-to-end claim run (1,000 waiting chats, 100 counsellors) against one server."""
        self.flush_redis()
        workers = self.args.workers if kind in ("S2", "S3") else 1
        ports = [free_port() for _ in range(workers)]
        processes = [self.start(kind, port) for port in ports]
        try:
            claim = self.loadtest(kind, ports, [p.pid for p in processes], pairs=self.args.claim_chats,
                                  counsellors=self.args.claim_counsellors, rate=0, duration=0, label=f"{kind}-claim")
        finally:
            for process in processes:
                self.stop(process)
        self.results["runs"][kind] = {"processes": workers, "claim": claim}
        self.save()

    def save(self) -> None:
        path = Path(self.args.json)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.results, indent=2) + "\n")

    def claim_store(self) -> None:
        """Claim latency of the Lua script alone: 1,000 queued chats, 100 counsellors claiming at once."""
        os.environ.update(self.env("S2"))
        import django

        django.setup()
        from chat.store.base import Chat, Presence
        from chat.store.redis import RedisStore

        self.flush_redis()
        store = RedisStore(self.redis_url)
        chats, counsellors = self.args.claim_chats, self.args.claim_counsellors

        async def timed(make: Callable[[], Awaitable[Any]], *, tasks: int, each: int) -> list[float]:
            latencies: list[float] = []

            async def one() -> None:
                for _ in range(each):
                    begun = time.perf_counter()
                    await make()
                    latencies.append(time.perf_counter() - begun)

            await asyncio.gather(*(one() for _ in range(tasks)))
            return latencies

        async def run() -> dict[str, Any]:
            out: dict[str, Any] = {}
            # Baselines measured in the same run and through the same client and pool: a PING from
            # one coroutine (the floor of any round trip), and PINGs from as many coroutines as
            # there are counsellors (the floor of a burst from one process).
            await store.ping()  # open the first connection
            out["ping_serial_ms"] = percentiles(await timed(store.ping, tasks=1, each=chats))
            out["ping_burst_ms"] = percentiles(await timed(store.ping, tasks=counsellors, each=chats // counsellors))
            moment = time.time()
            for i in range(chats):
                await store.create_chat(Chat(sid=f"bench{i:06d}", token=f"tok{i:06d}", priority="normal",
                                             pathway="", language="en", enqueued_at=moment, score=moment + i),
                                        max_queue=chats + 1)
            for uid in range(1, counsellors + 1):
                await store.set_presence(Presence(user_id=uid, name=f"c{uid}", state="available",
                                                  limit=chats // counsellors + 1, languages=("en",), pathways=(),
                                                  channel=f"chan{uid}", online=True, since=moment))
            latencies: list[float] = []

            async def claimer(uid: int) -> None:
                while True:
                    begun = time.perf_counter()
                    result = await store.claim_next(uid, now=time.time())
                    if result.chat is None:
                        return
                    latencies.append(time.perf_counter() - begun)

            # As a worker does after start-up (helpline/asgi.py): what exists now is never garbage,
            # so the collector stops walking it (a full collection walked it for 26 ms mid-burst).
            gc.collect()
            gc.freeze()
            slowlog_before = await store.r.slowlog_len()
            await asyncio.gather(*(claimer(uid) for uid in range(1, counsellors + 1)))
            out["claim_ms"] = percentiles(latencies)
            out["slowlog_new_entries"] = int(await store.r.slowlog_len()) - int(slowlog_before)
            # The script alone, one claim at a time (no burst): its own cost in Redis plus one round trip.
            for i in range(chats):
                await store.requeue(f"bench{i:06d}", score=moment + i)
            for uid in range(1, counsellors + 1):
                await store.update_presence(uid, limit=chats)
            serial: list[float] = []
            for n in range(chats):
                begun = time.perf_counter()
                result = await store.claim_next(1 + n % counsellors, now=time.time())
                if result.chat is None:
                    break
                serial.append(time.perf_counter() - begun)
            out["claim_serial_ms"] = percentiles(serial)
            return out

        from chat.loadtest.loadgen import percentiles

        figures = asyncio.run(run())
        self.results["claim_store"] = {"chats": chats, "counsellors": counsellors,
                                       "load_average": os.getloadavg(), **figures}
        print(json.dumps(self.results["claim_store"], indent=1), flush=True)
        self.flush_redis()
        self.save()

    def idle(self) -> None:
        """Memory per socket and idle CPU: N connected seeker sockets held open and silent."""
        from chat.loadtest.loadgen import sample_process

        figures = []
        for workers, total in ((1, self.args.idle), (2, 2 * self.args.idle)):
            if total <= 0:
                continue
            self.flush_redis()
            ports = [free_port() for _ in range(workers)]
            processes = [self.start("S3", port) for port in ports]
            try:
                time.sleep(2)
                before = [sample_process(p.pid) for p in processes]
                held = asyncio.run(hold_idle(ports, total, [p.pid for p in processes]))
                figures.append({"workers": workers, "sockets": total, **held,
                                "rss_mb_before": round(sum(b.rss_kb for b in before if b) / 1024, 1)})
                print(f"idle: {workers} worker(s), {held['connected']} sockets, {held['memory_per_socket_kb']} KB "
                      f"each, idle CPU {held['idle_cpu_percent']}% of one core", flush=True)
            finally:
                for process in processes:
                    self.stop(process)
        self.results["idle"] = figures
        self.save()


async def hold_idle(ports: list[int], total: int, pids: list[int]) -> dict[str, Any]:
    import websockets

    from chat.loadtest.loadgen import SEEKERS_PER_ADDRESS, sample_process

    gate = asyncio.Semaphore(200)
    sockets: list[Any] = []
    failures = 0

    async def one(i: int) -> None:
        nonlocal failures
        n = i // SEEKERS_PER_ADDRESS
        port = ports[i % len(ports)]
        async with gate:
            try:
                sockets.append(await websockets.connect(
                    f"ws://127.0.0.1:{port}/ws/seeker/", origin=f"http://127.0.0.1:{port}",  # type: ignore[arg-type]
                    local_addr=(f"127.200.{n // 250}.{1 + n % 250}", 0), open_timeout=30, ping_interval=None,
                ))
            except Exception:
                failures += 1

    before = [sample_process(pid) for pid in pids]
    await asyncio.gather(*(one(i) for i in range(total)))
    await asyncio.sleep(5)  # let the accept work settle before measuring idle
    settled = [sample_process(pid) for pid in pids]
    await asyncio.sleep(10)
    after = [sample_process(pid) for pid in pids]
    open_now = sum(1 for s in sockets if s.close_code is None)
    for s in sockets:
        s.transport.abort()
    rss_delta = sum(a.rss_kb - b.rss_kb for a, b in zip(after, before, strict=True) if a and b)
    cpu = sum((a.cpu_seconds - s.cpu_seconds) / (a.at - s.at) for a, s in zip(after, settled, strict=True) if a and s)
    return {
        "connected": open_now, "failed": failures,
        "memory_per_socket_kb": round(rss_delta / max(1, open_now), 1),
        "idle_cpu_percent": round(cpu * 100, 1),
        "rss_mb_after": round(sum(a.rss_kb for a in after if a) / 1024, 1),
    }


def passed(step: dict[str, Any]) -> bool:
    p99 = (step.get("latency_ms") or {}).get("p99")
    return not step.get("failed") and p99 is not None and p99 <= 100 and not step.get("lost")


def machine() -> dict[str, Any]:
    model = ""
    try:
        model = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")),
                     "")
    except OSError:
        pass
    return {"cpus": os.cpu_count(), "model": model, "load_average_at_start": os.getloadavg(),
            "python": sys.version.split()[0]}


def table(results: dict[str, Any]) -> str:
    runs = results["runs"]
    base = runs.get("B0", {})
    base_main = base.get("main", {})
    base_max = base.get("max_throughput_p99_100ms") or 0

    def ratio(value: float | None, reference: float | None) -> str:
        return f"{value / reference:.2f}x" if value and reference else "-"

    def ms(value: float | None) -> str:
        return "-" if value is None else f"{value:.1f}"

    lines = [
        "| server | p50 ms | p90 ms | p99 ms | max ms | lost | dup | msg/s | server CPU % | KB/conn "
        "| handshake p99 ms | max msg/s (p99<=100 ms) | p99 vs B0 | max msg/s vs B0 | claim p99 ms (1,000 waiting) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for kind in SERVERS:
        if kind not in runs:
            continue
        main = runs[kind].get("main", {})
        lat = main.get("latency_ms", {})
        server = main.get("server", {})
        claim = runs[kind].get("claim", {}).get("claim_ms", {})
        lines.append(
            f"| {kind} {SERVERS[kind]} ({runs[kind].get('processes', 1)} proc.) | {ms(lat.get('p50'))} "
            f"| {ms(lat.get('p90'))} | {ms(lat.get('p99'))} "
            f"| {ms(lat.get('max'))} | {main.get('lost', '-')} | {main.get('duplicated', '-')} "
            f"| {main.get('throughput_per_second', '-')} | {server.get('cpu_percent', '-')} "
            f"| {server.get('memory_per_connection_kb', '-')} | {ms(main.get('handshake_ms', {}).get('p99'))} "
            f"| {runs[kind].get('max_throughput_p99_100ms', '-')} "
            f"| {ratio(lat.get('p99'), base_main.get('latency_ms', {}).get('p99'))} "
            f"| {ratio(runs[kind].get('max_throughput_p99_100ms'), base_max)} | {ms(claim.get('p99'))} |"
        )
    store = results.get("claim_store")
    if store:
        c = store["claim_ms"]
        lines.append(f"\nClaim at the store level ({store['chats']} waiting, {store['counsellors']} counsellors at "
                     f"once): p50 {ms(c['p50'])} ms, p99 {ms(c['p99'])} ms, max {ms(c['max'])} ms")
        for label, name in (("one at a time", "claim_serial_ms"), ("PING, one at a time", "ping_serial_ms"),
                            (f"PING, {store['counsellors']} at once", "ping_burst_ms")):
            if name in store:
                f = store[name]
                lines.append(f"  {label}: p50 {ms(f['p50'])} ms, p99 {ms(f['p99'])} ms, max {ms(f['max'])} ms")
    for idle in results.get("idle", []):
        lines.append(f"Idle: {idle['connected']} sockets on {idle['workers']} worker(s): "
                     f"{idle['memory_per_socket_kb']} KB each, idle CPU {idle['idle_cpu_percent']}% of one core")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Benchmark the live path against its baselines.")
    parser.add_argument("--servers", default="B0,S1,S2,S3", help="which servers, comma-separated")
    parser.add_argument("--pairs", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=1.0, help="messages per second per pair")
    parser.add_argument("--duration", type=float, default=30.0)
    parser.add_argument("--ladder-pairs", default="25,50,100,200,400,800",
                        help="pairs of each step of the throughput ladder (stops after two steps with p99 > 100 ms)")
    parser.add_argument("--ladder-rate", type=float, default=4.0)
    parser.add_argument("--ladder-duration", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=2, help="Daphne workers for S2 and S3")
    parser.add_argument("--claim-chats", type=int, default=1000)
    parser.add_argument("--claim-counsellors", type=int, default=100)
    parser.add_argument("--idle", type=int, default=5000, help="idle sockets per worker (0: skip)")
    parser.add_argument("--json", default=str(REPO / "var" / "bench.json"))
    parser.add_argument("--quick", action="store_true", help="a small, fast run to try the bench out")
    parser.add_argument("--only", choices=["claim", "claim-store"],
                        help="claim: only the claim benchmarks (store level, then end to end on --servers, "
                             "default S3); claim-store: only the store level (no servers, no database)")
    args = parser.parse_args(argv)
    args.ladder_pairs = [int(x) for x in str(args.ladder_pairs).split(",") if x]
    if args.quick:
        args.pairs, args.duration, args.ladder_pairs, args.ladder_duration = 50, 5.0, [20, 40], 5.0
        args.claim_chats, args.claim_counsellors, args.idle = 100, 10, 500
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    bench = Bench(args)
    if args.only == "claim-store":
        bench.claim_store()
        print("\n" + table(bench.results))
        return
    if args.only == "claim":
        bench.claim_store()
        bench.prepare()
        servers = args.servers if args.servers != parser.get_default("servers") else "S3"
        for kind in [k.strip() for k in servers.split(",") if k.strip() and k.strip() != "B0"]:
            bench.run_claim(kind)
        bench.results["finished_load_average"] = os.getloadavg()
        bench.save()
        print("\n" + table(bench.results))
        print(f"\nfigures: {args.json}")
        return
    bench.prepare()
    for kind in [k.strip() for k in args.servers.split(",") if k.strip()]:
        bench.run_server(kind)
    if args.claim_chats and args.claim_counsellors:
        bench.claim_store()
    if args.idle:
        bench.idle()
    bench.results["finished_load_average"] = os.getloadavg()
    bench.save()
    print("\n" + table(bench.results))
    print(f"\nfigures: {args.json}")


if __name__ == "__main__":
    main()
