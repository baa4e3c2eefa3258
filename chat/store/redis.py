"""Redis live-state store, shared by every Daphne worker.

Keeps exactly what chat/store/base.py lists, under the `hl:` prefix, every key with a TTL (or a
member of a set that is cleaned with its chat). Every change that touches more than one key is a
Lua script, so it is atomic across workers: a chat is claimed by one counsellor only, a
counsellor's limit is never exceeded, and a chat is ended (and counted) once.

The scripts build key names from the prefix, so the store needs one Redis (or a Sentinel-managed
primary), not Redis Cluster; the channel layer is what shards across hosts (docs/OPERATIONS.md).
"""

from __future__ import annotations

import asyncio
import functools
import json
import secrets
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import redis.asyncio as aioredis
from django.conf import settings
from redis.asyncio.retry import Retry
from redis.backoff import ConstantBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from chat.domain import Block, Chat, ClaimResult, Presence, Side
from chat.store.base import AppendResult, LiveStore, StoreUnavailable, token_hash

P = "hl:"
MAX_CONNECTIONS = 64  # per worker process and event loop
DEADLINE_KINDS = ("sgrace", "cgrace", "sidle", "sidle_end", "qidle", "qidle_end")
_PRESENCE_FIELDS = ("name", "state", "limit", "languages", "pathways", "channel", "online", "since")

# The Lua scripts live beside this module in lua/, one file each; helpers.lua is prepended to every
# one (the key prefix and the steps several scripts share). Each runs atomically in Redis.
_LUA = Path(__file__).with_name("lua")
SCRIPT_NAMES = (
    "create", "update", "end", "claim", "assign", "requeue", "restart", "set_presence", "update_presence",
    "file_wrapup", "append", "ack", "ack_notify", "queue_scores", "pop_due", "hit",
)


@functools.cache
def script_source(name: str) -> str:
    """The text Redis runs for one script: the shared helpers, then the script itself."""
    return (_LUA / "helpers.lua").read_text() + (_LUA / f"{name}.lua").read_text()


_P = ParamSpec("_P")
_T = TypeVar("_T")


def _unavailable_on_connection_errors(
    method: Callable[_P, Coroutine[Any, Any, _T]],
) -> Callable[_P, Coroutine[Any, Any, _T]]:
    @functools.wraps(method)
    async def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _T:
        try:
            return await method(*args, **kwargs)
        except (RedisConnectionError, RedisTimeoutError, OSError) as exc:
            raise StoreUnavailable(exc.__class__.__name__) from None

    return wrapper


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _presence_from(user_id: int, raw: dict[Any, Any], wrapups: set[Any]) -> Presence:
    data = {_text(k): _text(v) for k, v in raw.items()}
    return Presence(
        user_id=user_id,
        name=data.get("name", ""),
        state=data.get("state", "offline"),
        limit=int(data.get("limit", "2")),
        languages=tuple(x for x in data.get("languages", "").split(",") if x),
        pathways=tuple(x for x in data.get("pathways", "").split(",") if x),
        channel=data.get("channel", ""),
        online=data.get("online") == "1",
        active=int(data.get("active", "0")),
        wrapups=tuple(sorted(_text(w) for w in wrapups)),
        since=float(data.get("since", "0")),
    )


def _presence_fields(presence: Presence | None = None, **changes: Any) -> list[str]:
    values = dict(presence.__dict__) if presence else {}
    values.update(changes)
    out: list[str] = []
    for name in _PRESENCE_FIELDS:
        if name not in values:
            continue
        value = values[name]
        if isinstance(value, bool):
            value = "1" if value else "0"
        elif isinstance(value, tuple | list):
            value = ",".join(value)
        out += [name, str(value)]
    return out


CLAIM_BATCH = 200  # claims per script call at most


class _ClaimBatch:
    """The claims of one event loop waiting to go to Redis, and the task sending them."""

    def __init__(self, loop_id: int) -> None:
        self.loop_id = loop_id
        self.waiting: list[tuple[int, float, asyncio.Future[ClaimResult]]] = []
        self.sender: asyncio.Task[None] | None = None


def _claim_result(result: list[Any]) -> ClaimResult:
    if _text(result[0]) != "ok":
        return ClaimResult(None, _text(result[0]))
    data = result[2]
    return ClaimResult(Chat.from_fields(dict(zip(data[::2], data[1::2], strict=True))))


class FairBlockingConnectionPool(aioredis.BlockingConnectionPool):
    """A bounded pool that hands connections out first come, first served.

    redis-py's BlockingConnectionPool wakes one waiter when a connection is released, but a
    coroutine that asks again at once (a claim is a script, then the next claim) takes the free
    connection before the woken waiter runs. In a burst of 100 claims on a pool of 64 the other 36
    waited for the whole burst (half a second; docs/PERFORMANCE.md). A FIFO semaphore in front of
    the pool makes every caller queue in order of arrival.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._turns = asyncio.Semaphore(self.max_connections)

    async def get_connection(self, *args: Any, **kwargs: Any) -> Any:
        if not self._turns.locked():
            await self._turns.acquire()  # a turn is free: taken at once, no timer to arm and cancel
        else:
            try:
                async with asyncio.timeout(self.timeout):
                    await self._turns.acquire()
            except TimeoutError as exc:
                raise RedisConnectionError("No connection available.") from exc
        try:
            # Holding a turn means fewer than max_connections are out: one is free or can be made.
            async with self._condition:
                connection = self.get_available_connection()
        except BaseException:
            self._turns.release()
            raise
        try:
            await self.ensure_connection(connection)
            return connection
        except BaseException:
            await self.release(connection)
            raise

    async def release(self, connection: Any) -> None:
        try:
            await super().release(connection)
        finally:
            self._turns.release()


# While no replica confirms within REDIS_ACK_WAIT_MS, acknowledgements stop waiting for this long
# before they try again: a master whose replica is gone answers at full speed (and a fail-over
# then has nothing better to promote anyway).
ACK_WAIT_BACKOFF_SECONDS = 5.0


class RedisStore(LiveStore):
    def __init__(self, url: str | None = None, *, publishes: bool | None = None, ack_replicas: int | None = None
                 ) -> None:
        # An explicit URL (tests, benchmarks) wins; otherwise follow the settings, Sentinel included.
        self.url = url
        # Publishing relayed frames from the store needs the channel layer on the same Redis.
        self.publishes = bool(settings.RELAY_FROM_STORE) if publishes is None else publishes
        # Under Sentinel, a sender forgets a message when its acknowledgement arrives: that must not
        # happen before a replica has the message, or a fail-over could lose it with nobody holding
        # a copy (docs/RESILIENCE.md). So the acknowledgement is relayed after WAIT.
        self.ack_replicas = int(settings.REDIS_ACK_REPLICAS) if ack_replicas is None else ack_replicas
        self._ack_wait_off_until = 0.0
        self._clients: dict[int, tuple[aioredis.Redis, dict[str, Any]]] = {}
        self._batch: _ClaimBatch | None = None

    def _connection(self) -> tuple[aioredis.Redis, dict[str, Any]]:
        # redis.asyncio clients belong to one event loop; tests run several loops in turn.
        loop_id = id(asyncio.get_running_loop())
        found = self._clients.get(loop_id)
        if found is None:
            # One quick retry (a pooled connection may be stale after Redis restarted), not redis-py's
            # default of three with backoff up to 10 s: an outage must surface within a second or two
            # as StoreUnavailable, so that sockets can say so (docs/RESILIENCE.md).
            options: dict[str, Any] = {
                "socket_connect_timeout": 2,
                "socket_timeout": 2,
                "health_check_interval": 15,
                "retry": Retry(ConstantBackoff(0.05), 1),
            }
            from helpline.redis_conn import make_redis_client, redis_client_kwargs

            kwargs = {"url": self.url} if self.url else redis_client_kwargs()
            if "url" in kwargs:
                # A bounded pool: a burst of a thousand sockets waits for one of these connections
                # instead of opening a thousand of its own (docs/PERFORMANCE.md).
                url = kwargs.pop("url")
                pool = FairBlockingConnectionPool.from_url(
                    url, max_connections=MAX_CONNECTIONS, timeout=5, **kwargs, **options
                )
                client = aioredis.Redis.from_pool(pool)
            else:
                client = make_redis_client(async_=True, **options)  # type: ignore[assignment]
            scripts = {name: client.register_script(script_source(name)) for name in SCRIPT_NAMES}
            found = (client, scripts)
            self._clients = {loop_id: found}
        return found

    @property
    def r(self) -> aioredis.Redis:
        return self._connection()[0]

    async def _run(self, name: str, *args: Any, keys: list[str] | None = None) -> Any:
        return await self._connection()[1][name](keys=keys or [], args=list(args))

    @_unavailable_on_connection_errors
    async def ping(self) -> bool:
        return bool(await self.r.ping())

    # -- chats ------------------------------------------------------------------------------------
    @_unavailable_on_connection_errors
    async def create_chat(self, chat: Chat, *, max_queue: int) -> bool:
        chat = chat.copy(token=token_hash(chat.token))
        flat: list[str] = []
        for name, value in chat.to_fields().items():
            flat += [name, value]
        ok = await self._run(
            "create", chat.sid, chat.token, chat.score, chat.queue_key, max_queue, settings.LIVE_TTL_SECONDS, *flat
        )
        return bool(ok)

    @_unavailable_on_connection_errors
    async def get_chat(self, sid: str) -> Chat | None:
        raw = await self.r.hgetall(P + "chat:" + sid)
        return Chat.from_fields(raw) if raw else None

    @_unavailable_on_connection_errors
    async def find_by_token(self, token: str) -> Chat | None:
        sid = await self.r.get(P + "tok:" + token_hash(token))
        return await self.get_chat(_text(sid)) if sid else None

    @_unavailable_on_connection_errors
    async def update_chat(self, sid: str, **changes: Any) -> Chat | None:
        probe = Chat(sid=sid, token="", priority="", pathway="", language="", enqueued_at=0, score=0)
        fields_ = probe.copy(**changes).to_fields()
        flat: list[str] = []
        for name in changes:
            flat += [name, fields_[name]]
        if not await self._run("update", sid, *flat):
            return None
        return await self.get_chat(sid)

    @_unavailable_on_connection_errors
    async def restart_handshake(self, sid: str) -> Chat | None:
        if not await self._run("restart", sid):
            return None
        return await self.get_chat(sid)

    @_unavailable_on_connection_errors
    async def end_chat(self, sid: str, *, now: float) -> Chat | None:
        data = await self._run("end", sid, *DEADLINE_KINDS)
        if not data:
            return None
        pairs = dict(zip(data[::2], data[1::2], strict=True))
        return Chat.from_fields(pairs)

    # -- queue and routing -------------------------------------------------------------------------
    @_unavailable_on_connection_errors
    async def claim_next(self, user_id: int, *, now: float) -> ClaimResult:
        # Claims from one process are coalesced: while one batch is on its way to Redis, the claims
        # that arrive join the next, which goes as one script call (one round trip, atomic, in
        # order of arrival). A burst of 100 claims is then a handful of round trips instead of 100
        # callers queueing for the pool (docs/PERFORMANCE.md). Alone, a claim is one round trip.
        batch = self._claim_batch()
        waiter: asyncio.Future[ClaimResult] = asyncio.get_running_loop().create_future()
        batch.waiting.append((user_id, now, waiter))
        if batch.sender is None:
            batch.sender = asyncio.get_running_loop().create_task(self._send_claims(batch))
        return await waiter

    def _claim_batch(self) -> _ClaimBatch:
        loop_id = id(asyncio.get_running_loop())
        if self._batch is None or self._batch.loop_id != loop_id:
            self._batch = _ClaimBatch(loop_id)
        return self._batch

    async def _send_claims(self, batch: _ClaimBatch) -> None:
        try:
            while batch.waiting:
                taken, batch.waiting = batch.waiting[:CLAIM_BATCH], batch.waiting[CLAIM_BATCH:]
                flat: list[Any] = []
                for user_id, moment, _ in taken:
                    flat += [user_id, moment]
                try:
                    results = await self._run("claim", settings.LIVE_TTL_SECONDS, *flat)
                except BaseException as exc:
                    for _, _, waiter in taken:
                        if not waiter.done():
                            waiter.set_exception(exc if isinstance(exc, Exception) else StoreUnavailable("cancelled"))
                    if not isinstance(exc, Exception):
                        raise
                    continue
                for (_, _, waiter), result in zip(taken, results, strict=True):
                    if not waiter.done():
                        waiter.set_result(_claim_result(result))
        finally:
            batch.sender = None

    @_unavailable_on_connection_errors
    async def assign(self, sid: str, user_id: int, *, now: float) -> ClaimResult:
        result = await self._run("assign", sid, user_id, now, settings.LIVE_TTL_SECONDS)
        if _text(result[0]) != "ok":
            return ClaimResult(None, _text(result[0]))
        return ClaimResult(await self.get_chat(sid), previous_counsellor=int(_text(result[2])))

    @_unavailable_on_connection_errors
    async def requeue(self, sid: str, *, score: float) -> Chat | None:
        if not await self._run("requeue", sid, score):
            return None
        return await self.get_chat(sid)

    @_unavailable_on_connection_errors
    async def queue_counts_before(self, score: float, queue_keys: list[str]) -> int:
        if not queue_keys:
            return 0
        async with self.r.pipeline(transaction=False) as pipe:
            for key in queue_keys:
                pipe.zcount(P + "q:" + key, "-inf", f"({score}")
            counts = await pipe.execute()
        return int(sum(counts))

    @_unavailable_on_connection_errors
    async def queue_scores(self, queue_keys: list[str], *, below: float) -> dict[str, list[float]]:
        if not queue_keys:
            return {}
        found = await self._run("queue_scores", repr(float(below)), *queue_keys)
        return {key: [float(score) for score in scores] for key, scores in zip(queue_keys, found, strict=True)}

    async def _chats(self, sids: list[Any]) -> list[Chat]:
        if not sids:
            return []
        async with self.r.pipeline(transaction=False) as pipe:
            for sid in sids:
                pipe.hgetall(P + "chat:" + _text(sid))
            rows = await pipe.execute()
        return [Chat.from_fields(row) for row in rows if row]

    @_unavailable_on_connection_errors
    async def queue_keys(self) -> list[str]:
        return sorted(_text(k) for k in await self.r.smembers(P + "queues"))

    @_unavailable_on_connection_errors
    async def queued_chats(self) -> list[Chat]:
        return await self._chats(await self.r.zrange(P + "queue", 0, -1))

    @_unavailable_on_connection_errors
    async def live_chats(self) -> list[Chat]:
        return await self._chats(sorted(await self.r.smembers(P + "live")))

    # -- counsellors -------------------------------------------------------------------------------
    @_unavailable_on_connection_errors
    async def set_presence(self, presence: Presence) -> Presence:
        await self._run("set_presence", presence.user_id, *_presence_fields(presence))
        stored = await self.get_presence(presence.user_id)
        assert stored is not None
        return stored

    @_unavailable_on_connection_errors
    async def update_presence(self, user_id: int, **changes: Any) -> Presence | None:
        if not await self._run("update_presence", user_id, *_presence_fields(None, **changes)):
            return None
        return await self.get_presence(user_id)

    @_unavailable_on_connection_errors
    async def get_presence(self, user_id: int) -> Presence | None:
        async with self.r.pipeline(transaction=False) as pipe:
            pipe.hgetall(f"{P}c:{user_id}")
            pipe.smembers(f"{P}c:{user_id}:wrapups")
            raw, wrapups = await pipe.execute()
        return _presence_from(user_id, raw, wrapups) if raw else None

    @_unavailable_on_connection_errors
    async def all_presence(self) -> list[Presence]:
        ids = sorted(int(_text(x)) for x in await self.r.smembers(P + "counsellors"))
        if not ids:
            return []
        async with self.r.pipeline(transaction=False) as pipe:
            for uid in ids:
                pipe.hgetall(f"{P}c:{uid}")
                pipe.smembers(f"{P}c:{uid}:wrapups")
            rows = await pipe.execute()
        return [
            _presence_from(uid, rows[2 * i], rows[2 * i + 1]) for i, uid in enumerate(ids) if rows[2 * i]
        ]

    @_unavailable_on_connection_errors
    async def counsellor_chats(self, user_id: int) -> list[Chat]:
        return await self._chats(sorted(await self.r.smembers(f"{P}c:{user_id}:chats")))

    @_unavailable_on_connection_errors
    async def file_wrapup(self, user_id: int, sid: str) -> bool:
        return bool(await self._run("file_wrapup", user_id, sid))

    # -- relay ---------------------------------------------------------------------------------------
    @_unavailable_on_connection_errors
    async def append_frame(
        self, sid: str, sender: Side, seq: int, ct: str, *, now: float, counsellor: int = 0,
        publish: tuple[str, str] | None = None,
    ) -> tuple[AppendResult, str]:
        args: list[Any] = [sid, sender, seq, ct, now, settings.LIVE_TTL_SECONDS, counsellor]
        if publish is not None and self.publishes:
            args.extend(publish)
        result = await self._run("append", *args)
        return _text(result[0]), _text(result[1])  # type: ignore[return-value]

    @_unavailable_on_connection_errors
    async def ack_frames(
        self, sid: str, receiver: Side, seq: int, *, counsellor: int = 0, publish: str | None = None
    ) -> str | None:
        args: list[Any] = [sid, receiver, seq, counsellor]
        if self.ack_replicas > 0 and time.monotonic() >= self._ack_wait_off_until:
            return await self._ack_after_replica(args, publish if self.publishes else None)
        if publish is not None and self.publishes:
            args.append(publish)
        channel = await self._run("ack", *args)
        return _text(channel) if channel else None

    async def _ack_after_replica(self, args: list[Any], publish: str | None) -> str | None:
        """Forget the frames, wait until a replica has every write up to here (the frames' own
        appends came before), then tell the sender: one round trip, a pipeline on one connection.

        WAIT covers the writes of its own connection, so it follows the ack script's write. A
        replica that does not confirm within REDIS_ACK_WAIT_MS delays one acknowledgement by that
        much; then waiting is off for ACK_WAIT_BACKOFF_SECONDS (chat/store/lua/ack_notify.lua)."""
        client, scripts = self._connection()
        async with client.pipeline(transaction=False) as pipe:
            await scripts["ack"](keys=[], args=args, client=pipe)
            pipe.execute_command("WAIT", self.ack_replicas, int(settings.REDIS_ACK_WAIT_MS))
            if publish is not None:
                await scripts["ack_notify"](keys=[], args=[args[0], args[1], publish], client=pipe)
            results = await pipe.execute()
        channel, confirmed = results[0], int(results[1])
        if confirmed < self.ack_replicas:
            self._ack_wait_off_until = time.monotonic() + ACK_WAIT_BACKOFF_SECONDS
        if not channel:
            return None
        return _text(channel)

    @_unavailable_on_connection_errors
    async def pending_frames(self, sid: str, sender: Side) -> list[tuple[int, str]]:
        members = await self.r.zrange(f"{P}f:{sid}:{sender}", 0, -1)
        out = []
        for member in members:
            seq, _, ct = _text(member).partition("|")
            out.append((int(seq), ct))
        return out

    # -- deadlines, blocks, rates, samples ------------------------------------------------------------
    @_unavailable_on_connection_errors
    async def set_deadline(self, kind: str, sid: str, at: float) -> None:
        await self.r.zadd(P + "deadlines", {f"{kind}|{sid}": at})

    @_unavailable_on_connection_errors
    async def clear_deadlines(self, sid: str, *kinds: str) -> None:
        if kinds:
            await self.r.zrem(P + "deadlines", *[f"{kind}|{sid}" for kind in kinds])

    @_unavailable_on_connection_errors
    async def pop_due(self, now: float, limit: int = 100) -> list[tuple[str, str]]:
        due = await self._run("pop_due", now, limit)
        out = []
        for member in due:
            kind, _, sid = _text(member).partition("|")
            out.append((kind, sid))
        return out

    @_unavailable_on_connection_errors
    async def block(self, addr: str, seconds: int, *, placed_by: str = "", reason: str = "") -> None:
        note = json.dumps({"by": placed_by[:100], "why": reason[:300]}) if placed_by or reason else "1"
        await self.r.set(P + "block:" + addr, note, ex=seconds)

    @_unavailable_on_connection_errors
    async def active_blocks(self) -> list[Block]:
        found: list[Block] = []
        now = time.time()
        async for key in self.r.scan_iter(match=P + "block:*", count=500):
            async with self.r.pipeline(transaction=False) as pipe:
                pipe.get(key)
                pipe.pttl(key)
                value, pttl = await pipe.execute()
            if value is None or pttl is None or pttl < 0:
                continue
            note: Any = {}
            try:
                note = json.loads(_text(value))
            except ValueError:
                note = {}
            if not isinstance(note, dict):
                note = {}
            addr = _text(key)[len(P + "block:") :]
            found.append(Block(addr, now + pttl / 1000, str(note.get("by", "")), str(note.get("why", ""))))
        return sorted(found, key=lambda block: block.expires_at)

    @_unavailable_on_connection_errors
    async def lift_block(self, addr: str) -> bool:
        return bool(await self.r.delete(P + "block:" + addr))

    @_unavailable_on_connection_errors
    async def is_blocked(self, addr: str) -> bool:
        return bool(await self.r.exists(P + "block:" + addr))

    @_unavailable_on_connection_errors
    async def hit(self, key: str, window_seconds: int) -> int:
        window = int(time.time() // window_seconds)
        return int(await self._run("hit", window_seconds + 1, keys=[f"{P}rl:{key}:{window}"]))

    @_unavailable_on_connection_errors
    async def try_lock(self, name: str, seconds: int) -> bool:
        return bool(await self.r.set(P + "lock:" + name, "1", nx=True, ex=seconds))

    @_unavailable_on_connection_errors
    async def record_handle_time(self, seconds: float) -> None:
        async with self.r.pipeline(transaction=True) as pipe:
            pipe.lpush(P + "handle", round(seconds, 1))
            pipe.ltrim(P + "handle", 0, 49)
            pipe.expire(P + "handle", 7 * 86400)
            await pipe.execute()

    @_unavailable_on_connection_errors
    async def mean_handle_time(self) -> float | None:
        values = [float(_text(v)) for v in await self.r.lrange(P + "handle", 0, -1)]
        return sum(values) / len(values) if values else None

    @_unavailable_on_connection_errors
    async def instance_marker(self) -> str:
        # No TTL: it lives exactly as long as this Redis run (there is no persistence).
        await self.r.set(P + "instance", secrets.token_hex(8), nx=True)
        return _text(await self.r.get(P + "instance") or b"")

    @_unavailable_on_connection_errors
    async def flush_everything(self) -> None:
        async for key in self.r.scan_iter(match=P + "*", count=500):
            await self.r.delete(key)
