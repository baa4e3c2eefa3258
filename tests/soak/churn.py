"""The churn soak behind `make soak`: people coming and going for an hour, workers restarted.

    make soak                                  # an hour (SOAK_SECONDS=3600), 200 chats
    SOAK_SECONDS=600 SOAK_RESTART_SECONDS=150 make soak

It starts its own redis-server (no persistence) on a free loopback port, a database of its own on
the PostgreSQL server of DATABASE_URL (created, migrated, dropped at the end) and two Daphne
workers, provisions counsellors, and then, with the Python reference client (real end-to-end
encryption on both sides):

- help-seekers arrive (Poisson, about SOAK_CHATS in the service at once), wait in the queue, some
  give up waiting and leave, the others chat: both sides write at random (a message every
  SOAK_MESSAGE_GAP seconds on average, each way), some seekers lose their connection once and
  resume after 1 to 5 s, and the chat ends after SOAK_CHAT_SECONDS on average (exponential), by
  either side, once everything written was delivered; the counsellor files the wrap-up;
- counsellors take chats up to their limit, go on break now and then (30 to 120 s) and come back;
- every SOAK_RESTART_SECONDS one worker (in turn) is restarted (SIGTERM, then started again on
  its port): its sockets resume on the other worker.

At the end everyone leaves and it reports, as JSON on stdout: messages sent, lost and duplicated
(each must be 0), chats by how they ended, Redis keys left that name an ended chat (must be 0),
and each worker's resident memory with its growth per hour (a least-squares slope over each
process's life after a warm-up). The exit status is 1 if anything must-be-zero is not.

The driver keeps only numbers and made-up message bodies; nothing it writes identifies anyone.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from websockets.exceptions import ConnectionClosed

from chat import e2ee
from chat.client import ClientError, CounsellorClient, SeekerClient
from chat.loadtest.provision import ProvisionedCounsellor

REPO = Path(__file__).resolve().parents[2]
# What a client call may raise while its socket is down or being resumed (a worker restart).
GONE = (ClientError, TimeoutError, OSError, ConnectionClosed)


def env_number(name: str, default: float) -> float:
    raw = os.environ.get(name, "")
    return float(raw) if raw.strip() else default


@dataclass
class SoakConfig:
    seconds: float = 3600.0
    chats: int = 200
    restart_seconds: float = 600.0
    counsellors: int = 50
    chat_limit: int = 5
    message_gap: float = 15.0
    chat_seconds: float = 240.0
    abandon_share: float = 0.1
    reconnect_share: float = 0.3
    break_every: float = 600.0
    seed: int = 1

    @classmethod
    def from_env(cls) -> SoakConfig:
        return cls(
            seconds=env_number("SOAK_SECONDS", 3600), chats=int(env_number("SOAK_CHATS", 200)),
            restart_seconds=env_number("SOAK_RESTART_SECONDS", 600),
            counsellors=int(env_number("SOAK_COUNSELLORS", 50)), chat_limit=int(env_number("SOAK_CHAT_LIMIT", 5)),
            message_gap=env_number("SOAK_MESSAGE_GAP", 15), chat_seconds=env_number("SOAK_CHAT_SECONDS", 240),
            abandon_share=env_number("SOAK_ABANDON_SHARE", 0.1),
            reconnect_share=env_number("SOAK_RECONNECT_SHARE", 0.3),
            break_every=env_number("SOAK_BREAK_EVERY", 600), seed=int(env_number("SOAK_SEED", 1)),
        )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rss_kib(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def slope_per_hour(samples: list[tuple[float, int]]) -> float | None:
    """Least-squares growth of resident memory, MiB per hour, from (seconds, KiB) samples."""
    if len(samples) < 3:
        return None
    xs, ys = [s[0] for s in samples], [s[1] / 1024 for s in samples]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    var = sum((x - mx) ** 2 for x in xs)
    if var == 0:
        return None
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / var * 3600


# --- the service under test ----------------------------------------------------------------------


class Worker:
    def __init__(self, index: int, env: dict[str, str], directory: Path) -> None:
        self.index = index
        self.port = free_port()
        self.env = env
        self.directory = directory
        self.process: subprocess.Popen[bytes] | None = None
        self.lives: list[dict[str, Any]] = []  # one per process: pid, started, samples

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def start(self) -> None:
        log = (self.directory / f"worker-{self.index}.log").open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "helpline.serve", "--bind", "127.0.0.1", "--port", str(self.port)],
            cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"worker {self.index} exited at start")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2) as response:
                    if response.status == 200:
                        break
            except Exception:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"worker {self.index} did not become healthy") from None
            time.sleep(0.2)
        self.lives.append({"pid": self.process.pid, "started": time.monotonic(), "samples": []})

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)

    def sample(self) -> None:
        if self.process is None or not self.lives:
            return
        kib = rss_kib(self.process.pid)
        if kib is not None:
            life = self.lives[-1]
            life["samples"].append((time.monotonic() - life["started"], kib))

    def logs(self) -> str:
        path = self.directory / f"worker-{self.index}.log"
        return path.read_text(errors="replace") if path.exists() else ""


class Services:
    """Own redis-server, own database on DATABASE_URL's server, two workers."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.redis_port = free_port()
        self.redis: subprocess.Popen[bytes] | None = None
        base = os.environ.get("DATABASE_URL", "")
        if not base.startswith(("postgres://", "postgresql://")):
            raise SystemExit("the soak needs DATABASE_URL=postgres://... (a database of its own is made there)")
        self.server_url = base.rsplit("/", 1)[0]
        self.database = f"{base.rsplit('/', 1)[1] or 'helpline'}_soak_{uuid.uuid4().hex[:6]}"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_SETTINGS", "REDIS"))}
        self.env.update({
            "DJANGO_SETTINGS_MODULE": "helpline.settings", "SECRET_KEY": "soak-" + "s" * 45, "HELPLINE_DEMO": "1",
            "HELPLINE_VAR_DIR": str(directory), "STATIC_ROOT": str(directory / "static"), "SERVE_STATIC": "1",
            "DATABASE_URL": f"{self.server_url}/{self.database}", "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "SEEKER_CONNECTIONS_PER_MINUTE": "100000", "STAFF_CONNECTIONS_PER_MINUTE": "100000",
            "STAFF_IDLE_MINUTES": "1440", "QUEUE_MAX_LENGTH": "1000", "PYTHONUNBUFFERED": "1", "LOG_LEVEL": "WARNING",
        })
        self.workers = [Worker(1, self.env, directory), Worker(2, self.env, directory)]

    def start(self) -> None:
        self.redis = subprocess.Popen(
            ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.directory)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        import psycopg

        with psycopg.connect(f"{self.server_url}/postgres", autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{self.database}"')
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=REPO, env=self.env, check=True)
        for worker in self.workers:
            worker.start()

    def provision(self, count: int, limit: int) -> tuple[list[ProvisionedCounsellor], bytes]:
        result = subprocess.run([sys.executable, "-m", "chat.loadtest.provision", str(count), "counsellor", str(limit)],
                                cwd=REPO, env=self.env, capture_output=True, text=True, check=True)
        data = json.loads(result.stdout)
        return [ProvisionedCounsellor.from_json(c) for c in data["counsellors"]], e2ee.b64d(data["root_public"])

    def redis_client(self) -> Any:
        import redis

        return redis.Redis(port=self.redis_port, decode_responses=True)

    def stop(self) -> None:
        for worker in self.workers:
            worker.stop()
        if self.redis is not None and self.redis.poll() is None:
            self.redis.kill()
            self.redis.wait(10)
        try:
            import psycopg

            with psycopg.connect(f"{self.server_url}/postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
        except Exception as exc:
            print(f"could not drop the soak database: {exc.__class__.__name__}", file=sys.stderr)


# --- the people ------------------------------------------------------------------------------------


class SoakSeeker(SeekerClient):
    """A seeker with what the soak needs: when its visit is over, and the pause before a resume."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.done = asyncio.Event()
        self.delays: list[float] = []


@dataclass
class Tally:
    arrived: int = 0
    refused: int = 0
    abandoned: int = 0
    chats: int = 0
    ended_by: dict[str, int] = field(default_factory=dict)
    sent: int = 0
    lost: int = 0
    duplicated: int = 0
    out_of_order: int = 0
    redelivered_dropped: int = 0
    seeker_reconnects: int = 0
    counsellor_reconnects: int = 0
    breaks: int = 0
    restarts: int = 0
    errors: list[str] = field(default_factory=list)
    ended_sessions: set[str] = field(default_factory=set)

    def error(self, text: str) -> None:
        if len(self.errors) < 50:
            self.errors.append(text)


class Soak:
    def __init__(self, config: SoakConfig, services: Services) -> None:
        self.config = config
        self.services = services
        self.rng = random.Random(config.seed)
        self.tally = Tally()
        self.root_public = b""
        self.waiting: dict[str, SoakSeeker] = {}  # session -> seeker, until a counsellor takes it
        self.in_service = 0  # seekers waiting or chatting
        self.closing = asyncio.Event()
        self.tasks: set[asyncio.Task[Any]] = set()
        self.stuck = 0

    def urls(self) -> list[str]:
        return [w.ws_url for w in self.services.workers]

    def spawn(self, coroutine: Any) -> None:
        task = asyncio.ensure_future(coroutine)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def keep_connected(self, client: SeekerClient | CounsellorClient, done: asyncio.Event,
                             delay: list[float]) -> None:
        """Resume (on any worker) whenever the socket closes, until `done`."""
        while not done.is_set():
            closed = asyncio.ensure_future(client.closed.wait())
            finished = asyncio.ensure_future(done.wait())
            await asyncio.wait([closed, finished], return_when=asyncio.FIRST_COMPLETED)
            closed.cancel()
            finished.cancel()
            if done.is_set():
                return
            await asyncio.sleep(delay.pop() if delay else self.rng.uniform(0.05, 0.5))
            urls = self.urls()
            self.rng.shuffle(urls)
            try:
                reply = await client.resume(fallback_urls=urls)
            except GONE as exc:
                self.tally.error(f"resume failed: {exc.__class__.__name__}")
                await asyncio.sleep(1)
                continue
            if isinstance(client, SeekerClient):
                self.tally.seeker_reconnects += 1
                if reply.get("type") != "welcome":
                    return
            else:
                self.tally.counsellor_reconnects += 1

    # -- seekers --------------------------------------------------------------------------------------
    async def arrivals(self) -> None:
        rate = self.config.chats / (self.config.chat_seconds + 10)
        while not self.closing.is_set():
            busy = self.in_service >= self.config.chats
            fill = self.in_service < 0.9 * self.config.chats
            await asyncio.sleep(self.rng.expovariate(rate * (5 if fill else 1)))
            if not busy:
                self.spawn(self.seeker_life())

    async def seeker_life(self) -> None:
        self.tally.arrived += 1
        self.in_service += 1
        seeker = SoakSeeker(self.rng.choice(self.urls()), root_public=self.root_public)
        try:
            await seeker.connect()
            reply = await seeker.join(triage={"concern": "own_thoughts"})
            if reply["type"] != "welcome" or seeker.conversation is None:
                self.tally.refused += 1
                return
            session = seeker.conversation.session
            if self.closing.is_set():
                await seeker.leave()
                return
            self.waiting[session] = seeker
            self.spawn(self.keep_connected(seeker, seeker.done, seeker.delays))
            if self.rng.random() < self.config.abandon_share:
                await asyncio.sleep(self.rng.uniform(2, 30))
                if session in self.waiting and seeker.conversation.cipher is None:
                    del self.waiting[session]
                    seeker.done.set()
                    await seeker.leave()
                    self.tally.abandoned += 1
                    return
            await seeker.done.wait()
        except GONE as exc:
            self.tally.error(f"seeker: {exc.__class__.__name__}: {exc}")
        finally:
            self.in_service -= 1
            await seeker.close()

    # -- counsellors ----------------------------------------------------------------------------------
    async def counsellor_life(self, who: ProvisionedCounsellor) -> None:
        counsellor = CounsellorClient(self.rng.choice(self.urls()), cookie=who.cookie,
                                      identity_private=who.identity_private, cert=who.cert, sig_cert=who.sig_cert)
        await counsellor.connect()
        await counsellor.hello()
        await counsellor.set_status("available")
        turn = asyncio.Lock()  # one request with a reply at a time (frames are trimmed between)
        active: set[str] = set()
        done = asyncio.Event()
        self.spawn(self.keep_connected(counsellor, done, []))
        next_break = time.monotonic() + self.rng.expovariate(1 / self.config.break_every)
        try:
            while not self.closing.is_set():
                if counsellor.resuming or counsellor.closed.is_set():
                    await asyncio.sleep(0.2)
                    continue
                if time.monotonic() > next_break:
                    if await self.status(counsellor, turn, "break"):
                        self.tally.breaks += 1
                        await asyncio.sleep(self.rng.uniform(30, 120))
                        while not await self.status(counsellor, turn, "available"):
                            await asyncio.sleep(1)
                    next_break = time.monotonic() + self.rng.expovariate(1 / self.config.break_every)
                if len(active) >= self.config.chat_limit or not self.waiting:
                    await asyncio.sleep(self.rng.uniform(0.5, 1.5))
                    continue
                session = ""
                async with turn:
                    try:
                        session = await counsellor.take_next(timeout=10)
                    except ClientError as exc:
                        if str(exc) not in ("queue_empty", "at_limit", "not_available") and "closed" not in str(exc):
                            self.tally.error(f"take_next: {exc}")
                    except GONE:
                        pass
                    if len(counsellor.frames) > 2000 and not counsellor.resuming:
                        counsellor.frames.clear()
                if session:
                    active.add(session)
                    self.spawn(self.chat_run(counsellor, turn, active, session))
                else:
                    await asyncio.sleep(self.rng.uniform(0.5, 2.0))
            deadline = time.monotonic() + 120
            while active and time.monotonic() < deadline:
                await asyncio.sleep(0.5)
        finally:
            done.set()
            await counsellor.close()

    async def status(self, counsellor: CounsellorClient, turn: asyncio.Lock, state: str) -> bool:
        async with turn:
            try:
                return (await counsellor.set_status(state)).get("state") == state
            except GONE:
                return False

    # -- one chat, both sides ---------------------------------------------------------------------------
    async def chat_run(self, counsellor: CounsellorClient, turn: asyncio.Lock, active: set[str], session: str) -> None:
        seeker: SoakSeeker | None = None
        try:
            deadline = time.monotonic() + 10
            while (seeker := self.waiting.pop(session, None)) is None and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            if seeker is None:
                # Taken as the seeker gave up: the chat has ended (seeker_left); file the wrap-up.
                await self.wait_ended(counsellor.conversation(session), 10)
                return
            self.tally.chats += 1
            await asyncio.gather(seeker.handshake(30), counsellor.handshake(session, 30))
            assert seeker.conversation is not None
            ours, theirs = seeker.conversation, counsellor.conversation(session)
            sent_s: list[str] = []
            sent_c: list[str] = []
            length = min(self.rng.expovariate(1 / self.config.chat_seconds), 3 * self.config.chat_seconds)
            stop = asyncio.Event()
            writers = [asyncio.ensure_future(self.write(lambda b: seeker.send_text(b), sent_s, f"{session[:6]} s",
                                                        stop, ours)),
                       asyncio.ensure_future(self.write(lambda b: counsellor.send_text(session, b), sent_c,
                                                        f"{session[:6]} c", stop, theirs))]
            if self.rng.random() < self.config.reconnect_share:
                await self.sleep_or_closing(self.rng.uniform(0, max(length, 1)))
                if not seeker.closed.is_set() and not self.closing.is_set():
                    seeker.delays.append(self.rng.uniform(1, 5))
                    seeker.drop()
            await self.sleep_or_closing(max(0.0, length))
            stop.set()
            await asyncio.gather(*writers)
            # Both sides end only once everything written was delivered and acknowledged.
            settle_by = time.monotonic() + 60
            while time.monotonic() < settle_by and not (ours.ended or theirs.ended) and (
                    ours.unacked or theirs.unacked or len(theirs.received) < len(sent_s)
                    or len(ours.received) < len(sent_c)):
                await asyncio.sleep(0.2)
            self.account(sent_s, theirs.received, counsellor, session)
            self.account(sent_c, ours.received, seeker, None)
            if not (ours.ended or theirs.ended):
                if self.rng.random() < 0.5:
                    await seeker.leave()
                else:
                    await counsellor.end(session)
            await self.wait_ended(theirs, 15)
        except (*GONE, AssertionError) as exc:
            self.tally.error(f"chat: {exc.__class__.__name__}: {exc}")
        finally:
            theirs_ = counsellor.conversation(session)
            if not theirs_.ended:
                # The driver gives this chat up (a handshake that did not finish): end it, so
                # that what the store keeps of it is deleted like any other.
                try:
                    await counsellor.end(session)
                except GONE:
                    pass
                await self.wait_ended(theirs_, 15)
            reason = theirs_.ended or "never_ended"
            self.tally.ended_by[reason] = self.tally.ended_by.get(reason, 0) + 1
            if theirs_.ended:
                self.tally.ended_sessions.add(session)
            if seeker is not None:
                seeker.done.set()
            await self.file_wrapup(counsellor, turn, session)
            active.discard(session)
            counsellor.chats.pop(session, None)

    async def write(self, send: Any, sent: list[str], prefix: str, stop: asyncio.Event, mine: Any) -> None:
        n = 0
        while not stop.is_set() and not mine.ended:
            try:
                await asyncio.wait_for(stop.wait(), self.rng.expovariate(1 / self.config.message_gap))
                return
            except TimeoutError:
                pass
            body = f"{prefix} {n}"
            sent.append(body)
            self.tally.sent += 1
            await send(body)
            n += 1

    def account(self, sent: list[str], received: list[str], receiver: Any, session: str | None) -> None:
        got = [str(json.loads(t)["body"]) for t in received]
        self.tally.lost += len(set(sent) - set(got))
        self.tally.duplicated += len(got) - len(set(got))
        self.tally.out_of_order += int(got != sent[: len(got)])
        # Copies the receiver dropped by seq (redeliveries); a counsellor's frames are trimmed now
        # and then, so for counsellors this is a lower bound.
        seqs = [f.get("seq") for f in receiver.frames if f.get("type") == "msg" and f.get("session") == session]
        self.tally.redelivered_dropped += max(0, len(seqs) - len(set(seqs)))

    async def wait_ended(self, conversation: Any, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not conversation.ended and time.monotonic() < deadline:
            await asyncio.sleep(0.1)

    async def file_wrapup(self, counsellor: CounsellorClient, turn: asyncio.Lock, session: str) -> None:
        for _ in range(20):
            async with turn:
                try:
                    mark = counsellor.mark()
                    await counsellor.send({"type": "wrapup", "session": session, "concern": "own_thoughts",
                                           "protective_action": "no", "referrals": ["none"], "risk": ["none"],
                                           "outcome": "support_given"})
                    reply = await counsellor.expect(
                        lambda f: (f.get("type") == "wrapup_saved" and f.get("session") == session)
                        or (f.get("type") == "error" and f.get("code") in ("not_allowed", "bad_frame")), 10,
                        since=mark)
                    if reply["type"] == "wrapup_saved":
                        return
                    if reply.get("code") == "bad_frame":
                        self.tally.error(f"wrap-up refused: {reply.get('message')}")
                        return
                except GONE:
                    pass
            await asyncio.sleep(1)  # not ended yet on the server (a drain in progress), or reconnecting
        self.tally.error("a wrap-up could not be filed")

    async def sleep_or_closing(self, seconds: float) -> None:
        try:
            await asyncio.wait_for(self.closing.wait(), seconds)
        except TimeoutError:
            pass

    # -- the run ----------------------------------------------------------------------------------------
    async def restarts(self) -> None:
        turn = 0
        while not self.closing.is_set():
            await self.sleep_or_closing(self.config.restart_seconds)
            if self.closing.is_set():
                return
            worker = self.services.workers[turn % 2]
            turn += 1
            await asyncio.to_thread(worker.stop)
            await asyncio.to_thread(worker.start)
            self.tally.restarts += 1
            print(f"[{self.elapsed():6.0f} s] worker {worker.index} restarted", file=sys.stderr)

    async def sampling(self) -> None:
        while True:
            for worker in self.services.workers:
                worker.sample()
            await asyncio.sleep(10)

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    async def progress(self) -> None:
        while True:
            await asyncio.sleep(60)
            t = self.tally
            print(f"[{self.elapsed():6.0f} s] in service {self.in_service}, waiting {len(self.waiting)}, "
                  f"chats {t.chats}, sent {t.sent}, abandoned {t.abandoned}, reconnects {t.seeker_reconnects}/"
                  f"{t.counsellor_reconnects}, errors {len(t.errors)}", file=sys.stderr)

    async def run(self) -> dict[str, Any]:
        people, self.root_public = await asyncio.to_thread(
            self.services.provision, self.config.counsellors, self.config.chat_limit)
        self.started = time.monotonic()
        counsellors = [asyncio.ensure_future(self.counsellor_life(p)) for p in people]
        background = [asyncio.ensure_future(c) for c in (self.arrivals(), self.restarts(), self.sampling(),
                                                         self.progress())]
        await asyncio.sleep(self.config.seconds)
        self.closing.set()
        # Everyone leaves: waiting seekers give up, chats end once what was written is delivered.
        deadline = time.monotonic() + 240
        while (self.tasks or not all(c.done() for c in counsellors)) and time.monotonic() < deadline:
            for session, seeker in list(self.waiting.items()):
                self.waiting.pop(session, None)
                seeker.done.set()
                try:
                    await seeker.leave()
                except GONE:
                    pass
            await asyncio.sleep(0.5)
        self.stuck = len(self.tasks) + sum(1 for c in counsellors if not c.done())
        for task in [*background, *self.tasks, *counsellors]:
            task.cancel()
        await asyncio.sleep(1.0)
        return self.report()

    def report(self) -> dict[str, Any]:
        r = self.services.redis_client()
        keys = list(r.scan_iter(match="*", count=1000))
        ended = self.tally.ended_sessions
        left = [k for k in keys if any(s in k for s in ended)]
        deadlines = [m for m in r.zrange("hl:deadlines", 0, -1) if m.split("|", 1)[-1] in ended]
        chat_keys = [k for k in keys if k.startswith(("hl:chat:", "hl:tok:", "hl:f:"))]
        memory = []
        for worker in self.services.workers:
            for life in worker.lives:
                warm = [s for s in life["samples"] if s[0] >= 60]
                memory.append({
                    "worker": worker.index, "lived_s": round(life["samples"][-1][0]) if life["samples"] else 0,
                    "rss_mib_first": round(warm[0][1] / 1024, 1) if warm else None,
                    "rss_mib_last": round(warm[-1][1] / 1024, 1) if warm else None,
                    "growth_mib_per_hour": (round(g, 1) if (g := slope_per_hour(warm)) is not None else None),
                })
        t = self.tally
        tracebacks = sum(w.logs().count("Traceback") for w in self.services.workers)
        return {
            "seconds": round(self.elapsed()), "target_chats": self.config.chats, "arrived": t.arrived,
            "refused": t.refused, "abandoned": t.abandoned, "chats": t.chats, "ended_by": t.ended_by,
            "messages_sent": t.sent, "lost": t.lost, "duplicated": t.duplicated, "out_of_order": t.out_of_order,
            "redelivered_copies_dropped": t.redelivered_dropped, "seeker_reconnects": t.seeker_reconnects,
            "counsellor_reconnects": t.counsellor_reconnects, "breaks": t.breaks, "worker_restarts": t.restarts,
            "redis_keys_left_for_ended_chats": len(left) + len(deadlines), "redis_chat_keys_left": len(chat_keys),
            "redis_keys_total": len(keys), "memory": memory, "tracebacks_in_worker_logs": tracebacks,
            "tasks_stuck_at_the_end": self.stuck, "errors": t.errors,
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", action="store_true", help="keep the working directory (logs) afterwards")
    args = parser.parse_args(argv)
    config = SoakConfig.from_env()
    if shutil.which("redis-server") is None:
        raise SystemExit("redis-server is needed")
    directory = Path(tempfile.mkdtemp(prefix="helpline-soak-"))
    services = Services(directory)
    print(f"soak: {config}; working directory {directory}", file=sys.stderr)
    try:
        services.start()
        result = asyncio.run(Soak(config, services).run())
    finally:
        services.stop()
        if not args.keep:
            shutil.rmtree(directory, ignore_errors=True)
    print(json.dumps(result, indent=2))
    bad = (result["lost"] or result["duplicated"] or result["out_of_order"] or result["tasks_stuck_at_the_end"]
           or result["redis_keys_left_for_ended_chats"] or result["redis_chat_keys_left"])
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
