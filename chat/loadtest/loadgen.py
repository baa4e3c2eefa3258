"""The load generator behind `manage.py loadtest` and `python -m chat.loadtest.bench`.

It speaks the real protocol with the Python reference client (chat.client), with real end-to-end
encryption on both sides: N seekers join, M counsellors claim them, every pair runs the
handshake, then every pair sends messages open-loop at a fixed rate for a fixed time. The load
generator keeps nothing but numbers: the message bodies are made up here ("<pair> <counter>
<scheduled time>") and never leave this process except encrypted.

Open loop: each pair's send times are fixed in advance (a fixed interval with a random phase),
and nobody waits for a reply before the next send, so a slow server cannot slow the load down
and hide its own latency. Latency is measured from the scheduled send time to the moment the
receiver has decrypted the message; a message is lost if it has not arrived when the drain time
is over, and duplicated if it arrives twice.
"""

from __future__ import annotations

import asyncio
import functools
import gc
import ipaddress
import json
import math
import os
import random
import resource
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

from chat import e2ee
from chat.client import ClientError, CounsellorClient, SeekerClient
from chat.loadtest.provision import ProvisionedCounsellor

# SeekerConsumer allows 30 new connections a minute per (keyed) address: on loopback, the load
# test gives each address at most this many seekers.
SEEKERS_PER_ADDRESS = 25


def quiet_collector() -> None:
    """Move everything alive into the collector's permanent generation and make collections of
    what is left rare: a short-lived measuring process can afford to keep a few cycles."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 50, 1000)


@dataclass(frozen=True)
class LoadConfig:
    url: str  # or several, comma-separated: sockets go to each in turn (one per worker, no balancer)
    pairs: int
    rate: float  # messages per second per pair, alternating direction
    duration: float
    connect_concurrency: int = 50
    drain_seconds: float = 5.0
    spread_addresses: bool = True
    server_pids: tuple[int, ...] = ()
    progress: bool = True


def percentiles(values: list[float]) -> dict[str, float | None]:
    """p50/p90/p99/max in milliseconds (nearest-rank), from values in seconds."""
    if not values:
        return {"p50": None, "p90": None, "p99": None, "max": None, "count": 0}
    ordered = sorted(values)

    def rank(p: float) -> float:
        return ordered[min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))]

    return {
        "p50": round(rank(50) * 1000, 3), "p90": round(rank(90) * 1000, 3), "p99": round(rank(99) * 1000, 3),
        "max": round(ordered[-1] * 1000, 3), "count": len(ordered),
    }


def local_addresses(url: str, count: int, *, spread: bool) -> list[tuple[str, int] | None]:
    """Loopback source addresses for `count` seekers, SEEKERS_PER_ADDRESS each (None: let the OS pick)."""
    host = urlparse(url).hostname or ""
    try:
        loopback = ipaddress.ip_address(host).is_loopback and ipaddress.ip_address(host).version == 4
    except ValueError:
        loopback = host == "localhost"
    if not spread or not loopback:
        return [None] * count
    # A fresh 127.B.0.0/16 each run, so that runs in the same minute do not share addresses.
    base = random.randrange(1, 255)
    out: list[tuple[str, int] | None] = []
    for i in range(count):
        n = i // SEEKERS_PER_ADDRESS  # 250 addresses per /24
        out.append((f"127.{base}.{n // 250}.{1 + n % 250}", 0))
    return out


class Recorder:
    """What the receivers saw: latency per message, and counters to find losses and duplicates."""

    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.seen: dict[tuple[int, int], int] = {}
        self.sent: set[tuple[int, int]] = set()
        # A frame the receiver's cipher had already opened (the relay sent it twice).
        self.cipher_duplicates = 0

    def on_body(self, body: str, arrived: float) -> None:
        pair, counter, scheduled = body.split(" ")
        key = (int(pair), int(counter))
        times = self.seen.get(key, 0)
        self.seen[key] = times + 1
        if times == 0:
            self.latencies.append(arrived - float(scheduled))


class LoadSeeker(SeekerClient):
    def __init__(self, *args: Any, recorder: Recorder, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.recorder = recorder

    async def on_frame(self, frame: dict[str, Any]) -> None:
        conversation = self.conversation
        if frame.get("type") == "msg" and conversation is not None and conversation.cipher is not None:
            result = conversation.cipher.open(frame["seq"], frame["ct"])
            if result is e2ee.DUPLICATE:
                self.recorder.cipher_duplicates += 1
            else:
                self.recorder.on_body(json.loads(str(result))["body"], time.monotonic())
            await self.send_raw(f'{{"type":"ack","seq":{int(frame["seq"])}}}')
            return
        await super().on_frame(frame)


class LoadCounsellor(CounsellorClient):
    def __init__(self, *args: Any, recorder: Recorder, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.recorder = recorder
        self.ready_at: dict[str, float] = {}

    async def on_frame(self, frame: dict[str, Any]) -> None:
        kind, session = frame.get("type"), frame.get("session")
        if kind == "msg" and session in self.chats and self.chats[session].cipher is not None:
            cipher = self.chats[session].cipher
            assert cipher is not None
            result = cipher.open(frame["seq"], frame["ct"])
            if result is e2ee.DUPLICATE:
                self.recorder.cipher_duplicates += 1
            else:
                self.recorder.on_body(json.loads(str(result))["body"], time.monotonic())
            await self.send_raw(f'{{"type":"ack","session":"{session}","seq":{int(frame["seq"])}}}')
            return
        await super().on_frame(frame)
        if kind == "hs_confirm" and isinstance(session, str):
            self.ready_at[session] = time.monotonic()


@dataclass
class Pair:
    index: int
    seeker: LoadSeeker
    counsellor: LoadCounsellor
    session: str
    sent: int = 0


@dataclass
class ProcessSample:
    cpu_seconds: float
    rss_kb: int
    at: float


def sample_process(pid: int) -> ProcessSample | None:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            stat = handle.read().rsplit(")", 1)[1].split()
        with open(f"/proc/{pid}/status") as handle:
            rss = next(int(line.split()[1]) for line in handle if line.startswith("VmRSS:"))
    except (OSError, StopIteration, IndexError, ValueError):
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    return ProcessSample((int(stat[11]) + int(stat[12])) / ticks, rss, time.monotonic())


def own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@dataclass
class Phase:
    name: str
    started: float = field(default_factory=time.monotonic)


class Progress:
    """One line on stderr: a bar while sending, then nothing (the figures follow)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.tty = sys.stderr.isatty()
        self.last = 0.0

    def show(self, label: str, done: float, total: float, extra: str = "", *, force: bool = False) -> None:
        if not self.enabled:
            return
        moment = time.monotonic()
        if not force and moment - self.last < (0.5 if self.tty else 5.0):
            return
        self.last = moment
        share = 0.0 if total <= 0 else min(1.0, done / total)
        bar = "#" * int(share * 30)
        line = f"{label:<10} [{bar:<30}] {share * 100:5.1f}% {extra}"
        sys.stderr.write(("\r" + line) if self.tty else (line + "\n"))
        sys.stderr.flush()

    def end(self) -> None:
        if self.enabled and self.tty:
            sys.stderr.write("\n")
            sys.stderr.flush()


async def _bounded(limit: int, jobs: list[Callable[[], Any]]) -> list[Any]:
    gate = asyncio.Semaphore(limit)

    async def one(job: Callable[[], Any]) -> Any:
        async with gate:
            try:
                return await job()
            except Exception as exc:  # every failure is counted in the report, none stops the run
                return exc

    return await asyncio.gather(*(one(job) for job in jobs))


async def run_load(
    config: LoadConfig, *, counsellors: list[ProvisionedCounsellor], root_public: Any
) -> dict[str, Any]:
    """Run one load test and return its figures (see docs/PERFORMANCE.md for every field)."""
    progress = Progress(config.progress)
    recorder = Recorder()
    errors: dict[str, int] = {}

    def failed(kind: str, outcome: Any) -> bool:
        if isinstance(outcome, BaseException):
            label = f"{kind}:{type(outcome).__name__}:{str(outcome)[:60]}"
            errors[label] = errors.get(label, 0) + 1
            return True
        return False

    before = {pid: sample_process(pid) for pid in config.server_pids}
    cpu_before = own_cpu_seconds()
    started = time.monotonic()

    # 1. Counsellors sign in and become available.
    urls = [u.strip().rstrip("/") for u in config.url.split(",") if u.strip()]
    # Counsellor sockets are spread over loopback addresses too: the server allows
    # STAFF_CONNECTIONS_PER_MINUTE (30) from one address, and 100 counsellors from 127.0.0.1 would
    # have 70 refused.
    staff_addresses = local_addresses(urls[0], len(counsellors), spread=config.spread_addresses)
    staff = [
        LoadCounsellor(urls[i % len(urls)], cookie=c.cookie, identity_private=c.identity_private, cert=c.cert,
                       sig_cert=c.sig_cert, recorder=recorder, local_addr=staff_addresses[i])
        for i, c in enumerate(counsellors)
    ]

    async def start_counsellor(client: LoadCounsellor) -> LoadCounsellor:
        await client.connect()
        await client.hello()
        await client.set_status("available")
        return client

    outcomes = await _bounded(config.connect_concurrency, [functools.partial(start_counsellor, c) for c in staff])
    staff = [c for c, o in zip(staff, outcomes, strict=True) if not failed("counsellor_connect", o)]

    # 2. Seekers connect and join the queue.
    addresses = local_addresses(urls[0], config.pairs, spread=config.spread_addresses)
    # Sockets alternate between the workers, so that a chat's two sides are often on different
    # workers (and messages cross through Redis), as they are behind a balancer.
    seekers = [LoadSeeker(urls[i % len(urls)], root_public=root_public, recorder=recorder, local_addr=addr)
               for i, addr in enumerate(addresses)]
    joined: list[LoadSeeker] = []

    async def start_seeker(client: LoadSeeker) -> LoadSeeker:
        await client.connect()
        welcome = await client.join(triage={}, lang="en")
        if welcome["type"] != "welcome":
            raise ClientError(f"join refused: {welcome.get('type')} {welcome.get('code', '')}")
        joined.append(client)
        progress.show("connect", len(joined), config.pairs)
        return client

    outcomes = await _bounded(config.connect_concurrency, [functools.partial(start_seeker, s) for s in seekers])
    seekers = [s for s, o in zip(seekers, outcomes, strict=True) if not failed("seeker_join", o)]
    progress.show("connect", len(seekers), config.pairs, force=True)
    progress.end()
    connected_at = time.monotonic()
    connected = {pid: sample_process(pid) for pid in config.server_pids}
    by_session = {s.conversation.session: s for s in seekers if s.conversation is not None}

    # The generator's own garbage collector must not show up as server latency: with a thousand
    # sockets, a full collection here stalled every measurement in flight for up to 270 ms (claims
    # that ended at the same instant, docs/PERFORMANCE.md). What exists now lives until the end.
    quiet_collector()

    # 3. Counsellors claim the waiting chats (one at a time each, all counsellors at once).
    claim_latencies: list[float] = []
    handshake_latencies: list[float] = []
    pairs: list[Pair] = []
    per_counsellor = math.ceil(len(seekers) / max(1, len(staff)))

    async def claim_all(client: LoadCounsellor) -> None:
        for _ in range(per_counsellor):
            begun = time.monotonic()
            try:
                session = await client.take_next(timeout=60)
            except ClientError as exc:
                if str(exc) in ("queue_empty", "at_limit"):
                    return
                raise
            claimed = time.monotonic()
            claim_latencies.append(claimed - begun)
            seeker = by_session.get(session)
            if seeker is None:
                continue  # somebody else's chat (a shared deployment): leave it alone
            try:
                await asyncio.gather(seeker.handshake(60), client.handshake(session, 60))
            except ClientError as exc:
                failed("handshake", exc)
                continue
            handshake_latencies.append(client.ready_at.get(session, time.monotonic()) - claimed)
            pairs.append(Pair(len(pairs), seeker, client, session))

    outcomes = await asyncio.gather(*(claim_all(c) for c in staff), return_exceptions=True)
    for outcome in outcomes:
        failed("claim", outcome)
    for client in [*staff, *seekers]:
        client.record_frames = False
        client.frames.clear()

    quiet_collector()

    # 4. Open-loop messages.
    interval = 1.0 / config.rate if config.rate > 0 else math.inf
    cpu_send_start = own_cpu_seconds()
    server_send_start = {pid: sample_process(pid) for pid in config.server_pids}
    send_start = time.monotonic() + 0.2
    send_end = send_start + config.duration

    async def send_loop(pair: Pair) -> None:
        phase = random.random() * interval  # timing jitter, not security
        k = 0
        while True:
            scheduled = send_start + phase + k * interval
            if scheduled >= send_end:
                return
            delay = scheduled - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            body = f"{pair.index} {k} {scheduled:.6f}"
            recorder.sent.add((pair.index, k))
            try:
                if k % 2 == 0:
                    await pair.seeker.send_text(body)
                else:
                    await pair.counsellor.send_text(pair.session, body)
            except Exception as exc:
                failed("send", exc)
                return
            k += 1

    async def show_progress() -> None:
        while time.monotonic() < send_end:
            await asyncio.sleep(0.5)
            progress.show("send", time.monotonic() - send_start, config.duration,
                          f"sent {len(recorder.sent)} received {len(recorder.seen)}")

    if pairs and config.duration > 0:
        ticker = asyncio.get_running_loop().create_task(show_progress())
        await asyncio.gather(*(send_loop(p) for p in pairs))
        ticker.cancel()
        progress.show("send", config.duration, config.duration,
                      f"sent {len(recorder.sent)} received {len(recorder.seen)}", force=True)
        progress.end()
    send_done = time.monotonic()
    server_send_end = {pid: sample_process(pid) for pid in config.server_pids}
    cpu_send_end = own_cpu_seconds()

    # 5. Drain: wait for what is still on its way.
    drain_until = time.monotonic() + config.drain_seconds
    while time.monotonic() < drain_until and not recorder.sent <= recorder.seen.keys():
        await asyncio.sleep(0.05)

    # 6. Leave cleanly: each counsellor ends its chats and files their wrap-ups (so the same
    # accounts can take chats again), then every socket closes.
    async def finish(client: LoadCounsellor) -> None:
        for pair in pairs:
            if pair.counsellor is client:
                await client.end(pair.session)
                reply = await client.wrapup(pair.session, concern="own_thoughts", protective_action="no",
                                            referrals=["none"], risk=["none"], outcome="support_given")
                if reply.get("type") != "wrapup_saved":
                    failed("wrapup", ClientError(str(reply.get("code"))))

    for outcome in await asyncio.gather(*(finish(c) for c in staff), return_exceptions=True):
        failed("wrapup", outcome)
    await asyncio.gather(*(c.close() for c in [*seekers, *staff]), return_exceptions=True)

    lost = len(recorder.sent - recorder.seen.keys())
    duplicated = sum(n - 1 for n in recorder.seen.values() if n > 1) + recorder.cipher_duplicates
    send_wall = max(1e-9, send_done - send_start)
    connections = len(seekers) + len(staff)
    result: dict[str, Any] = {
        "url": config.url,
        "pairs": len(pairs),
        "pairs_requested": config.pairs,
        "counsellors": len(staff),
        "rate_per_pair": config.rate,
        "duration_seconds": config.duration,
        "sent": len(recorder.sent),
        "received": len(recorder.seen),
        "lost": lost,
        "duplicated": duplicated,
        "throughput_per_second": round(len(recorder.latencies) / send_wall, 1) if config.duration > 0 else 0.0,
        "latency_ms": percentiles(recorder.latencies),
        "claim_ms": percentiles(claim_latencies),
        "handshake_ms": percentiles(handshake_latencies),
        "setup_seconds": round(connected_at - started, 2),
        "errors": errors,
        "generator_cpu_percent": (
            round(100 * (cpu_send_end - cpu_send_start) / send_wall, 1) if pairs and config.duration > 0 else None
        ),
        "generator_cpu_seconds_total": round(own_cpu_seconds() - cpu_before, 2),
    }
    if config.server_pids:
        result["server"] = server_figures(before, connected, server_send_start, server_send_end, connections)
    return result


def server_figures(
    before: dict[int, ProcessSample | None],
    connected: dict[int, ProcessSample | None],
    send_start: dict[int, ProcessSample | None],
    send_end: dict[int, ProcessSample | None],
    connections: int,
) -> dict[str, Any]:
    """Server CPU while sending (percent of one core, summed over the processes) and memory."""
    cpu = 0.0
    rss_before = rss_connected = 0
    for pid in before:
        b, c, s, e = before[pid], connected[pid], send_start[pid], send_end[pid]
        if s is not None and e is not None and e.at > s.at:
            cpu += (e.cpu_seconds - s.cpu_seconds) / (e.at - s.at)
        if b is not None and c is not None:
            rss_before += b.rss_kb
            rss_connected += c.rss_kb
    return {
        "pids": sorted(before),
        "cpu_percent": round(cpu * 100, 1),
        "rss_mb_before": round(rss_before / 1024, 1),
        "rss_mb_connected": round(rss_connected / 1024, 1),
        "memory_per_connection_kb": round((rss_connected - rss_before) / connections, 1) if connections else None,
    }


def format_report(result: dict[str, Any]) -> str:
    def row(label: str, figures: dict[str, Any]) -> str:
        def ms(v: float | None) -> str:
            return "-" if v is None else f"{v:.1f}"
        return (f"  {label:<10} p50 {ms(figures['p50'])} ms  p90 {ms(figures['p90'])} ms  "
                f"p99 {ms(figures['p99'])} ms  max {ms(figures['max'])} ms  (n={figures['count']})")

    lines = [
        f"pairs {result['pairs']}/{result['pairs_requested']}  counsellors {result['counsellors']}  "
        f"rate {result['rate_per_pair']}/s per pair  duration {result['duration_seconds']} s",
        row("relay", result["latency_ms"]),
        row("handshake", result["handshake_ms"]),
        row("claim", result["claim_ms"]),
        f"  throughput {result['throughput_per_second']} messages/s  sent {result['sent']}  "
        f"received {result['received']}  lost {result['lost']}  duplicated {result['duplicated']}",
        f"  load generator CPU {result['generator_cpu_percent']}% of one core while sending",
    ]
    server = result.get("server")
    if server:
        lines.append(
            f"  server CPU {server['cpu_percent']}% of one core while sending; memory {server['rss_mb_before']} -> "
            f"{server['rss_mb_connected']} MB, {server['memory_per_connection_kb']} KB per connection"
        )
    for label, n in sorted(result["errors"].items()):
        lines.append(f"  error x{n}: {label}")
    return "\n".join(lines)
