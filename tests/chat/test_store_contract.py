"""One contract, two stores: every test here runs against the in-memory and the Redis store."""

from __future__ import annotations

import asyncio
import multiprocessing
import secrets
from collections.abc import AsyncIterator

import pytest

from chat.domain import Chat, Presence
from chat.store.base import LiveStore, token_hash
from chat.store.memory import MemoryStore
from chat.store.redis import RedisStore


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
async def store(request: pytest.FixtureRequest) -> AsyncIterator[LiveStore]:
    if request.param == "memory":
        yield MemoryStore()
        return
    request.getfixturevalue("redis_client")  # flushes the test database before and after
    yield RedisStore(request.getfixturevalue("redis_url"))


def new_chat(*, score: float = 100.0, language: str = "en", pathway: str = "self", priority: str = "normal") -> Chat:
    return Chat(
        sid=secrets.token_urlsafe(16),
        token=secrets.token_urlsafe(32),
        priority=priority,
        pathway=pathway,
        language=language,
        enqueued_at=score,
        score=score,
        triage={"concern": "own_thoughts"},
    )


def counsellor(
    uid: int, *, limit: int = 2, languages: tuple[str, ...] = ("en",), pathways: tuple[str, ...] = ()
) -> Presence:
    return Presence(
        user_id=uid, name=f"c{uid}", state="available", limit=limit, languages=languages, pathways=pathways,
        channel=f"chan-{uid}", online=True,
    )


async def test_it_keeps_a_queued_chat_and_finds_it_by_token(store: LiveStore) -> None:
    chat = new_chat()
    assert await store.create_chat(chat, max_queue=10)
    found = await store.find_by_token(chat.token)
    assert found is not None and found.sid == chat.sid
    assert found.state == "queued" and found.triage == {"concern": "own_thoughts"}
    assert [c.sid for c in await store.queued_chats()] == [chat.sid]


async def test_it_refuses_a_chat_when_the_queue_is_full(store: LiveStore) -> None:
    assert await store.create_chat(new_chat(), max_queue=1)
    extra = new_chat()
    assert not await store.create_chat(extra, max_queue=1)
    assert await store.get_chat(extra.sid) is None


async def test_it_gives_the_first_chat_in_line_to_an_eligible_counsellor(store: LiveStore) -> None:
    late, early = new_chat(score=200), new_chat(score=100)
    other_language = new_chat(score=50, language="de")
    for chat in (late, early, other_language):
        await store.create_chat(chat, max_queue=10)
    await store.set_presence(counsellor(1))
    result = await store.claim_next(1, now=1000)
    assert result.chat is not None and result.chat.sid == early.sid
    assert result.chat.state == "assigned" and result.chat.counsellor == 1 and result.chat.epoch == 1
    assert result.chat.counsellor_channel == "chan-1"
    presence = await store.get_presence(1)
    assert presence is not None and presence.active == 1


async def test_it_matches_pathways(store: LiveStore) -> None:
    await store.create_chat(new_chat(score=1, pathway="professional"), max_queue=10)
    wanted = new_chat(score=2, pathway="self")
    await store.create_chat(wanted, max_queue=10)
    await store.set_presence(counsellor(1, pathways=("self", "other")))
    result = await store.claim_next(1, now=10)
    assert result.chat is not None and result.chat.sid == wanted.sid


async def test_it_serves_a_burst_of_claims_from_one_process_in_queue_order_within_limits(store: LiveStore) -> None:
    # The Redis store sends concurrent claims as batches: each still gets its own answer, in order
    # of arrival, every chat goes once, limits and languages hold across one batch.
    chats = [new_chat(score=score, language="en" if score % 3 else "de") for score in range(25)]
    for chat in chats:
        await store.create_chat(chat, max_queue=100)
    for uid in range(1, 11):
        await store.set_presence(counsellor(uid, limit=2, languages=("en",) if uid % 2 else ("en", "de")))
    await store.set_presence(counsellor(99, limit=2, languages=("fr",)))
    asked = [uid for _ in range(3) for uid in (*range(1, 11), 99)]
    results = await asyncio.gather(*(store.claim_next(uid, now=50) for uid in asked))
    taken = [(uid, r.chat) for uid, r in zip(asked, results, strict=True) if r.chat is not None]
    assert len(taken) == 20  # ten counsellors, two each; the third round is at the limit
    assert [r.refusal for uid, r in zip(asked, results, strict=True) if uid == 99] == ["queue_empty"] * 3
    assert [r.refusal for r in results[22:]] == ["at_limit"] * 10 + ["queue_empty"]
    assert len({chat.sid for _, chat in taken}) == 20
    assert all(chat.counsellor == uid and chat.state == "assigned" for uid, chat in taken)
    assert all(chat.language == "en" for uid, chat in taken if uid % 2)
    # Nobody was skipped: what is still queued is what nobody could take.
    left = {c.sid for c in await store.queued_chats()}
    assert left == {c.sid for c in chats} - {chat.sid for _, chat in taken}
    assert min(c.score for c in chats if c.sid in left) > min(chat.score for _, chat in taken)


async def test_it_refuses_a_claim_past_the_limit_or_with_a_wrapup_pending(store: LiveStore) -> None:
    for score in range(4):
        await store.create_chat(new_chat(score=score), max_queue=10)
    await store.set_presence(counsellor(1, limit=1))
    first = await store.claim_next(1, now=10)
    assert first.chat is not None
    assert (await store.claim_next(1, now=11)).refusal == "at_limit"
    await store.end_chat(first.chat.sid, now=12)
    assert (await store.claim_next(1, now=13)).refusal == "wrapup_required"
    assert await store.file_wrapup(1, first.chat.sid)
    assert not await store.file_wrapup(1, first.chat.sid)
    assert (await store.claim_next(1, now=14)).chat is not None


async def test_it_refuses_a_counsellor_on_a_break_and_reports_an_empty_queue(store: LiveStore) -> None:
    await store.set_presence(counsellor(1))
    assert (await store.claim_next(1, now=1)).refusal == "queue_empty"
    await store.update_presence(1, state="break")
    await store.create_chat(new_chat(), max_queue=10)
    assert (await store.claim_next(1, now=2)).refusal == "not_available"
    assert (await store.claim_next(99, now=2)).refusal == "not_available"


async def test_it_keeps_the_load_when_presence_is_replaced(store: LiveStore) -> None:
    await store.create_chat(new_chat(), max_queue=10)
    await store.set_presence(counsellor(1))
    await store.claim_next(1, now=1)
    again = await store.set_presence(counsellor(1))
    assert again.active == 1


async def test_it_ends_a_chat_once_and_deletes_every_trace(store: LiveStore) -> None:
    chat = new_chat()
    await store.create_chat(chat, max_queue=10)
    await store.set_presence(counsellor(1))
    await store.claim_next(1, now=5)
    await store.update_chat(chat.sid, state="active", hs="done")
    assert (await store.append_frame(chat.sid, "s", 1, "x" * 400, now=6))[0] == "ok"
    await store.set_deadline("sgrace", chat.sid, 100)
    ended = await store.end_chat(chat.sid, now=7)
    assert ended is not None and ended.sid == chat.sid and ended.counsellor == 1
    assert await store.end_chat(chat.sid, now=8) is None
    assert await store.get_chat(chat.sid) is None
    assert await store.find_by_token(chat.token) is None
    assert await store.pending_frames(chat.sid, "s") == []
    assert await store.pop_due(1000) == []
    assert await store.live_chats() == []
    assert (await store.get_presence(1)).active == 0  # type: ignore[union-attr]


async def test_it_relays_frames_in_order_and_drops_them_on_ack(store: LiveStore) -> None:
    chat = new_chat()
    await store.create_chat(chat, max_queue=10)
    await store.update_chat(chat.sid, seeker_channel="seeker-chan")
    await store.set_presence(counsellor(1))
    await store.claim_next(1, now=1)
    assert (await store.append_frame(chat.sid, "s", 1, "a" * 400, now=2))[0] == "not_active"
    await store.update_chat(chat.sid, state="active")
    assert await store.append_frame(chat.sid, "s", 1, "a" * 400, now=2) == ("ok", "chan-1")
    assert await store.append_frame(chat.sid, "s", 2, "b" * 400, now=2) == ("ok", "chan-1")
    assert (await store.append_frame(chat.sid, "s", 2, "b" * 400, now=2))[0] == "dup"
    assert (await store.append_frame(chat.sid, "s", 4, "d" * 400, now=2))[0] == "gap"
    assert await store.append_frame(chat.sid, "c", 1, "z" * 400, now=2) == ("ok", "seeker-chan")
    assert [seq for seq, _ in await store.pending_frames(chat.sid, "s")] == [1, 2]
    assert await store.ack_frames(chat.sid, "c", 1) == "seeker-chan"
    assert await store.pending_frames(chat.sid, "s") == [(2, "b" * 400)]
    assert await store.ack_frames(chat.sid, "s", 1) == "chan-1"
    assert await store.pending_frames(chat.sid, "c") == []
    assert (await store.append_frame("nope" * 5 + "xx", "s", 1, "a", now=3))[0] == "gone"


async def test_it_relays_and_acks_a_counsellors_frames_only_in_their_own_chat(store: LiveStore) -> None:
    chat = new_chat()
    await store.create_chat(chat, max_queue=10)
    await store.update_chat(chat.sid, seeker_channel="seeker-chan")
    assert await store.append_frame(chat.sid, "c", 1, "z" * 400, now=1, counsellor=1) == ("not_yours", "")
    await store.set_presence(counsellor(1))
    await store.claim_next(1, now=1)
    await store.update_chat(chat.sid, state="active")
    assert await store.append_frame(chat.sid, "c", 1, "z" * 400, now=2, counsellor=2) == ("not_yours", "")
    assert await store.pending_frames(chat.sid, "c") == []
    assert await store.append_frame(chat.sid, "c", 1, "z" * 400, now=2, counsellor=1) == ("ok", "seeker-chan")
    await store.append_frame(chat.sid, "s", 1, "a" * 400, now=2)
    assert await store.ack_frames(chat.sid, "c", 1, counsellor=2) is None
    assert [seq for seq, _ in await store.pending_frames(chat.sid, "s")] == [1]
    assert await store.ack_frames(chat.sid, "c", 1, counsellor=1) == "seeker-chan"
    assert await store.pending_frames(chat.sid, "s") == []
    assert (await store.append_frame("nope" * 5 + "xx", "c", 1, "a", now=3, counsellor=1))[0] == "not_yours"


async def test_it_requeues_a_chat_at_the_head_with_a_fresh_epoch(store: LiveStore) -> None:
    first, second = new_chat(score=10), new_chat(score=20)
    await store.create_chat(first, max_queue=10)
    await store.create_chat(second, max_queue=10)
    await store.set_presence(counsellor(1))
    await store.set_presence(counsellor(2))
    await store.claim_next(1, now=30)
    await store.update_chat(first.sid, state="active")
    await store.append_frame(first.sid, "s", 1, "a" * 400, now=31)
    back = await store.requeue(first.sid, score=-1000)
    assert back is not None and back.state == "queued" and back.counsellor == 0
    assert await store.pending_frames(first.sid, "s") == []
    assert (await store.get_presence(1)).active == 0  # type: ignore[union-attr]
    result = await store.claim_next(2, now=40)
    assert result.chat is not None and result.chat.sid == first.sid and result.chat.epoch == 2
    assert result.chat.answered_at == 30


async def test_it_reassigns_a_live_chat_to_another_counsellor(store: LiveStore) -> None:
    chat = new_chat()
    await store.create_chat(chat, max_queue=10)
    await store.set_presence(counsellor(1))
    await store.set_presence(counsellor(2, limit=1))
    await store.claim_next(1, now=1)
    moved = await store.assign(chat.sid, 2, now=2)
    assert moved.chat is not None and moved.chat.counsellor == 2 and moved.previous_counsellor == 1
    assert [c.sid for c in await store.counsellor_chats(2)] == [chat.sid]
    assert await store.counsellor_chats(1) == []
    assert (await store.get_presence(1)).active == 0  # type: ignore[union-attr]
    other = new_chat()
    await store.create_chat(other, max_queue=10)
    assert (await store.assign(other.sid, 2, now=3)).refusal == "at_limit"
    assert (await store.assign(chat.sid, 2, now=3)).refusal == "bad_state"


async def test_it_counts_queued_chats_ahead(store: LiveStore) -> None:
    for score, language in [(1, "en"), (2, "de"), (3, "en"), (4, "en")]:
        await store.create_chat(new_chat(score=score, language=language), max_queue=10)
    assert await store.queue_counts_before(3.5, ["en:self"]) == 2
    assert await store.queue_counts_before(3.5, ["en:self", "de:self"]) == 3
    assert await store.queue_counts_before(3.5, []) == 0


async def test_it_reads_the_scores_ahead_in_several_queues_at_once(store: LiveStore) -> None:
    for score, language in [(1.25, "en"), (2, "de"), (3, "en"), (4, "en"), (0.5, "nl")]:
        await store.create_chat(new_chat(score=score, language=language), max_queue=10)
    assert await store.queue_scores(["en:self", "de:self", "fr:self"], below=4) == {
        "en:self": [1.25, 3.0], "de:self": [2.0], "fr:self": []}
    assert await store.queue_scores(["en:self"], below=1.25) == {"en:self": []}  # strictly below
    assert await store.queue_scores([], below=10) == {}


async def test_it_hands_each_due_deadline_to_one_caller(store: LiveStore) -> None:
    await store.set_deadline("sgrace", "a" * 22, 10)
    await store.set_deadline("cgrace", "b" * 22, 20)
    await store.set_deadline("sgrace", "c" * 22, 30)
    await store.clear_deadlines("c" * 22, "sgrace")
    assert await store.pop_due(25) == [("sgrace", "a" * 22), ("cgrace", "b" * 22)]
    assert await store.pop_due(25) == []


async def test_it_blocks_counts_and_locks(store: LiveStore) -> None:
    await store.block("abc", 60)
    assert await store.is_blocked("abc") and not await store.is_blocked("def")
    assert [await store.hit("k", 60) for _ in range(3)] == [1, 2, 3]
    assert await store.try_lock("sample", 60) and not await store.try_lock("sample", 60)
    assert await store.mean_handle_time() is None
    await store.record_handle_time(60)
    await store.record_handle_time(120)
    assert await store.mean_handle_time() == 90


# --- Concurrency: many processes racing for the same queue ----------------------------------------


def _race(url: str, uids: list[int], out: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    async def work() -> None:
        store = RedisStore(url)
        claimed: list[tuple[int, str]] = []
        over_limit = 0

        async def one(uid: int) -> None:
            nonlocal over_limit
            held: list[str] = []
            while True:
                result = await store.claim_next(uid, now=1.0)
                if result.refusal == "queue_empty":
                    return
                if result.chat is not None:
                    held.append(result.chat.sid)
                    claimed.append((uid, result.chat.sid))
                    presence = await store.get_presence(uid)
                    assert presence is not None
                    if presence.active > presence.limit or len(held) > presence.limit:
                        over_limit += 1
                elif result.refusal == "at_limit":
                    # Hold chats up to the limit, then finish the oldest one (end + wrap-up).
                    sid = held.pop(0)
                    await store.end_chat(sid, now=2.0)
                    await store.file_wrapup(uid, sid)
                await asyncio.sleep(0)

        await asyncio.gather(*(one(uid) for uid in uids))
        out.put((claimed, over_limit))

    asyncio.run(work())


def test_twenty_counsellors_racing_claim_each_chat_exactly_once(redis_client, redis_url: str) -> None:
    async def setup() -> list[str]:
        store = RedisStore(redis_url)
        sids = []
        for i in range(200):
            chat = new_chat(score=i)
            sids.append(chat.sid)
            assert await store.create_chat(chat, max_queue=1000)
        for uid in range(1, 21):
            await store.set_presence(counsellor(uid, limit=2))
        return sids

    sids = asyncio.run(setup())
    ctx = multiprocessing.get_context("fork")
    out = ctx.Queue()
    workers = [ctx.Process(target=_race, args=(redis_url, list(range(n, 21, 4)), out)) for n in range(1, 5)]
    for worker in workers:
        worker.start()
    results = [out.get(timeout=60) for _ in workers]
    for worker in workers:
        worker.join(10)
    claimed = [sid for batch, _ in results for _, sid in batch]
    assert sorted(claimed) == sorted(sids)
    assert sum(over for _, over in results) == 0


async def test_it_restarts_a_handshake_without_old_frames(store: LiveStore) -> None:
    chat = new_chat()
    await store.create_chat(chat, max_queue=10)
    assert await store.restart_handshake(chat.sid) is None  # still queued
    await store.set_presence(counsellor(1))
    await store.claim_next(1, now=1)
    await store.update_chat(chat.sid, state="active", hs="done")
    await store.append_frame(chat.sid, "s", 1, "a" * 400, now=2)
    again = await store.restart_handshake(chat.sid)
    assert again is not None and again.state == "assigned" and again.hs == "init" and again.epoch == 1
    assert await store.pending_frames(chat.sid, "s") == []
    await store.update_chat(chat.sid, state="active", hs="done")
    assert (await store.append_frame(chat.sid, "s", 1, "a" * 400, now=3))[0] == "ok"
    assert await store.queue_keys() == ["en:self"]


async def test_it_lists_active_blocks_with_their_note_and_lifts_one(store: LiveStore) -> None:
    import time

    await store.block("hash-a", 3600, placed_by="Sam", reason="abusive messages")
    await store.block("hash-b", 60)
    blocks = await store.active_blocks()
    assert [b.addr for b in blocks] == ["hash-b", "hash-a"]  # the soonest to end first
    assert (blocks[1].placed_by, blocks[1].reason) == ("Sam", "abusive messages")
    assert (blocks[0].placed_by, blocks[0].reason) == ("", "")
    assert 3590 < blocks[1].expires_at - time.time() <= 3600
    assert await store.lift_block("hash-a") is True
    assert await store.is_blocked("hash-a") is False
    assert await store.lift_block("hash-a") is False
    assert [b.addr for b in await store.active_blocks()] == ["hash-b"]


def _everything_stored(store: LiveStore, request: pytest.FixtureRequest) -> bytes:
    """Every key name and every value the store holds, as one blob to search."""
    if isinstance(store, MemoryStore):
        return repr(vars(store)).encode()
    client = request.getfixturevalue("redis_client")
    blob = b""
    for key in client.scan_iter(count=1000):
        kind = client.type(key)
        blob += key + b"\n"
        if kind == b"string":
            blob += client.get(key) or b""
        elif kind == b"hash":
            blob += b" ".join(k + b"=" + v for k, v in client.hgetall(key).items())
        elif kind == b"set":
            blob += b" ".join(client.smembers(key))
        elif kind == b"zset":
            blob += b" ".join(client.zrange(key, 0, -1))
        elif kind == b"list":
            blob += b" ".join(client.lrange(key, 0, -1))
        blob += b"\n"
    return blob


async def test_it_keeps_only_a_hash_of_the_resume_token(store: LiveStore, request: pytest.FixtureRequest) -> None:
    chat = new_chat()
    assert await store.create_chat(chat, max_queue=10)
    blob = _everything_stored(store, request)
    assert chat.sid.encode() in blob  # the scan does see the chat
    assert chat.token.encode() not in blob
    assert token_hash(chat.token).encode() in blob
    found = await store.find_by_token(chat.token)
    assert found is not None and found.sid == chat.sid and found.token == token_hash(chat.token)
    assert await store.find_by_token(token_hash(chat.token)) is None  # the hash itself resumes nothing
    await store.end_chat(chat.sid, now=200.0)
    assert token_hash(chat.token).encode() not in _everything_stored(store, request)
