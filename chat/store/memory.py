"""In-memory live-state store for the one-process mode (and unit tests).

Same contract as the Redis store (tests/chat/test_store_contract.py runs against both). Atomic
because no method awaits between reading and writing. TTLs are enforced on read.
"""

from __future__ import annotations

import secrets
import time
from collections import deque
from typing import Any

from django.conf import settings

from chat.domain import Block, Chat, ClaimResult, Presence, Side
from chat.store.base import AppendResult, LiveStore, token_hash

_HANDLE_SAMPLES = 50


class MemoryStore(LiveStore):
    def __init__(self) -> None:
        self.chats: dict[str, Chat] = {}
        self.tokens: dict[str, str] = {}
        self.queue: dict[str, float] = {}  # sid -> score
        self.known_queues: set[str] = set()
        self.presence: dict[int, Presence] = {}
        self.counsellor_sids: dict[int, set[str]] = {}
        self.frames: dict[tuple[str, Side], dict[int, str]] = {}
        self.last_in: dict[tuple[str, Side], int] = {}
        self.deadlines: dict[tuple[str, str], float] = {}
        self.blocks: dict[str, float] = {}
        self.block_notes: dict[str, tuple[str, str]] = {}
        self.counts: dict[str, tuple[int, float]] = {}
        self.locks: dict[str, float] = {}
        self.handle_times: deque[float] = deque(maxlen=_HANDLE_SAMPLES)
        self.marker = secrets.token_hex(8)

    async def ping(self) -> bool:
        return True

    async def instance_marker(self) -> str:
        return self.marker

    # -- chats ------------------------------------------------------------------------------------
    async def create_chat(self, chat: Chat, *, max_queue: int) -> bool:
        if len(self.queue) >= max_queue:
            return False
        stored = chat.copy(state="queued", token=token_hash(chat.token))
        self.chats[chat.sid] = stored
        self.tokens[stored.token] = chat.sid
        self.queue[chat.sid] = chat.score
        self.known_queues.add(chat.queue_key)
        return True

    async def get_chat(self, sid: str) -> Chat | None:
        chat = self.chats.get(sid)
        return chat.copy() if chat else None

    async def find_by_token(self, token: str) -> Chat | None:
        sid = self.tokens.get(token_hash(token))
        return await self.get_chat(sid) if sid else None

    async def update_chat(self, sid: str, **changes: Any) -> Chat | None:
        chat = self.chats.get(sid)
        if chat is None:
            return None
        for name, value in changes.items():
            setattr(chat, name, value)
        return chat.copy()

    def _drop_frames(self, sid: str) -> None:
        for side in ("s", "c"):
            self.frames.pop((sid, side), None)  # type: ignore[arg-type]
            self.last_in.pop((sid, side), None)  # type: ignore[arg-type]

    async def restart_handshake(self, sid: str) -> Chat | None:
        chat = self.chats.get(sid)
        if chat is None or chat.state == "queued":
            return None
        self._drop_frames(sid)
        chat.state, chat.hs = "assigned", "init"
        return chat.copy()

    async def end_chat(self, sid: str, *, now: float) -> Chat | None:
        chat = self.chats.pop(sid, None)
        if chat is None:
            return None
        self.tokens.pop(chat.token, None)
        self.queue.pop(sid, None)
        self._drop_frames(sid)
        for key in [k for k in self.deadlines if k[1] == sid]:
            del self.deadlines[key]
        if chat.counsellor and chat.state != "queued":
            self.counsellor_sids.get(chat.counsellor, set()).discard(sid)
            presence = self.presence.get(chat.counsellor)
            if presence is not None:
                presence.active = max(0, presence.active - 1)
                presence.wrapups = (*presence.wrapups, sid)
        return chat

    # -- queue and routing -------------------------------------------------------------------------
    def _refusal(self, presence: Presence | None) -> str:
        if presence is None or presence.state != "available" or not presence.online:
            return "not_available"
        if presence.wrapups:
            return "wrapup_required"
        if presence.active >= presence.limit:
            return "at_limit"
        return ""

    def _give(self, chat: Chat, presence: Presence, now: float) -> None:
        self.queue.pop(chat.sid, None)
        self._drop_frames(chat.sid)
        chat.state = "assigned"
        chat.counsellor = presence.user_id
        chat.counsellor_channel = presence.channel
        chat.counsellor_online = True
        chat.assigned_at = now
        chat.answered_at = chat.answered_at or now
        chat.epoch += 1
        chat.hs = ""
        presence.active += 1
        self.counsellor_sids.setdefault(presence.user_id, set()).add(chat.sid)

    async def claim_next(self, user_id: int, *, now: float) -> ClaimResult:
        presence = self.presence.get(user_id)
        refusal = self._refusal(presence)
        if refusal:
            return ClaimResult(None, refusal)
        assert presence is not None
        best: Chat | None = None
        for sid, score in self.queue.items():
            chat = self.chats[sid]
            if presence.serves(chat.language, chat.pathway) and (best is None or score < best.score or (
                score == best.score and sid < best.sid
            )):
                best = chat
        if best is None:
            return ClaimResult(None, "queue_empty")
        self._give(best, presence, now)
        return ClaimResult(best.copy())

    async def assign(self, sid: str, user_id: int, *, now: float) -> ClaimResult:
        chat = self.chats.get(sid)
        presence = self.presence.get(user_id)
        if chat is None:
            return ClaimResult(None, "bad_state")
        if chat.counsellor == user_id and chat.state != "queued":
            return ClaimResult(None, "bad_state")
        if presence is None or not presence.online or presence.state == "offline":
            return ClaimResult(None, "not_available")
        if presence.active >= presence.limit:
            return ClaimResult(None, "at_limit")
        previous = chat.counsellor if chat.state != "queued" else 0
        if previous:
            self.counsellor_sids.get(previous, set()).discard(sid)
            old = self.presence.get(previous)
            if old is not None:
                old.active = max(0, old.active - 1)
        self._give(chat, presence, now)
        return ClaimResult(chat.copy(), previous_counsellor=previous)

    async def requeue(self, sid: str, *, score: float) -> Chat | None:
        chat = self.chats.get(sid)
        if chat is None or chat.state == "queued":
            return None
        if chat.counsellor:
            self.counsellor_sids.get(chat.counsellor, set()).discard(sid)
            presence = self.presence.get(chat.counsellor)
            if presence is not None:
                presence.active = max(0, presence.active - 1)
        self._drop_frames(sid)
        chat.state = "queued"
        chat.counsellor = 0
        chat.counsellor_channel = ""
        chat.hs = ""
        chat.score = score
        self.queue[sid] = score
        return chat.copy()

    async def queue_counts_before(self, score: float, queue_keys: list[str]) -> int:
        keys = set(queue_keys)
        return sum(1 for sid, s in self.queue.items() if s < score and self.chats[sid].queue_key in keys)

    async def queue_scores(self, queue_keys: list[str], *, below: float) -> dict[str, list[float]]:
        found: dict[str, list[float]] = {key: [] for key in queue_keys}
        for sid, score in self.queue.items():
            key = self.chats[sid].queue_key
            if score < below and key in found:
                found[key].append(score)
        return {key: sorted(scores) for key, scores in found.items()}

    async def queue_keys(self) -> list[str]:
        return sorted(self.known_queues)

    async def queued_chats(self) -> list[Chat]:
        return [self.chats[sid].copy() for sid, _ in sorted(self.queue.items(), key=lambda item: (item[1], item[0]))]

    async def live_chats(self) -> list[Chat]:
        return [chat.copy() for chat in self.chats.values() if chat.state != "queued"]

    # -- counsellors -------------------------------------------------------------------------------
    async def set_presence(self, presence: Presence) -> Presence:
        old = self.presence.get(presence.user_id)
        stored = Presence(**{**presence.__dict__})
        if old is not None:
            stored.active, stored.wrapups = old.active, old.wrapups
        self.presence[presence.user_id] = stored
        return Presence(**stored.__dict__)

    async def update_presence(self, user_id: int, **changes: Any) -> Presence | None:
        presence = self.presence.get(user_id)
        if presence is None:
            return None
        for name, value in changes.items():
            setattr(presence, name, value)
        return Presence(**presence.__dict__)

    async def get_presence(self, user_id: int) -> Presence | None:
        presence = self.presence.get(user_id)
        return Presence(**presence.__dict__) if presence else None

    async def all_presence(self) -> list[Presence]:
        return [Presence(**p.__dict__) for p in self.presence.values()]

    async def counsellor_chats(self, user_id: int) -> list[Chat]:
        return [self.chats[sid].copy() for sid in sorted(self.counsellor_sids.get(user_id, ())) if sid in self.chats]

    async def file_wrapup(self, user_id: int, sid: str) -> bool:
        presence = self.presence.get(user_id)
        if presence is None or sid not in presence.wrapups:
            return False
        presence.wrapups = tuple(s for s in presence.wrapups if s != sid)
        return True

    # -- relay ---------------------------------------------------------------------------------------
    async def append_frame(
        self, sid: str, sender: Side, seq: int, ct: str, *, now: float, counsellor: int = 0,
        publish: tuple[str, str] | None = None,
    ) -> tuple[AppendResult, str]:
        chat = self.chats.get(sid)
        if counsellor and (chat is None or chat.counsellor != counsellor or chat.state == "queued"):
            return "not_yours", ""
        if chat is None:
            return "gone", ""
        receiver_channel = chat.counsellor_channel if sender == "s" else chat.seeker_channel
        if chat.state != "active":
            return "not_active", receiver_channel
        last = self.last_in.get((sid, sender), 0)
        if seq <= last:
            return "dup", receiver_channel
        if seq != last + 1:
            return "gap", receiver_channel
        self.last_in[(sid, sender)] = seq
        self.frames.setdefault((sid, sender), {})[seq] = ct
        if sender == "s":
            chat.last_seeker_activity = now
        return "ok", receiver_channel

    async def ack_frames(
        self, sid: str, receiver: Side, seq: int, *, counsellor: int = 0, publish: str | None = None
    ) -> str | None:
        chat = self.chats.get(sid)
        if chat is None or (counsellor and (chat.counsellor != counsellor or chat.state == "queued")):
            return None
        sender: Side = "c" if receiver == "s" else "s"
        kept = self.frames.get((sid, sender), {})
        for number in [n for n in kept if n <= seq]:
            del kept[number]
        return chat.counsellor_channel if sender == "c" else chat.seeker_channel

    async def pending_frames(self, sid: str, sender: Side) -> list[tuple[int, str]]:
        return sorted(self.frames.get((sid, sender), {}).items())

    # -- deadlines, blocks, rates, samples ------------------------------------------------------------
    async def set_deadline(self, kind: str, sid: str, at: float) -> None:
        self.deadlines[(kind, sid)] = at

    async def clear_deadlines(self, sid: str, *kinds: str) -> None:
        for kind in kinds:
            self.deadlines.pop((kind, sid), None)

    async def pop_due(self, now: float, limit: int = 100) -> list[tuple[str, str]]:
        due = sorted((at, key) for key, at in self.deadlines.items() if at <= now)[:limit]
        for _, key in due:
            del self.deadlines[key]
        return [key for _, key in due]

    async def block(self, addr: str, seconds: int, *, placed_by: str = "", reason: str = "") -> None:
        self.blocks[addr] = time.time() + seconds
        self.block_notes[addr] = (placed_by[:100], reason[:300])

    async def active_blocks(self) -> list[Block]:
        now = time.time()
        return [
            Block(addr, until, *self.block_notes.get(addr, ("", "")))
            for addr, until in sorted(self.blocks.items(), key=lambda item: item[1])
            if until > now
        ]

    async def lift_block(self, addr: str) -> bool:
        until = self.blocks.pop(addr, None)
        self.block_notes.pop(addr, None)
        return until is not None and until > time.time()

    async def is_blocked(self, addr: str) -> bool:
        until = self.blocks.get(addr)
        if until is None:
            return False
        if until <= time.time():
            del self.blocks[addr]
            self.block_notes.pop(addr, None)
            return False
        return True

    async def hit(self, key: str, window_seconds: int) -> int:
        now = time.time()
        count, expires = self.counts.get(key, (0, 0.0))
        if expires <= now:
            count, expires = 0, now + window_seconds
        count += 1
        self.counts[key] = (count, expires)
        if len(self.counts) > 100_000:  # bound memory under a connection flood
            self.counts = {k: v for k, v in self.counts.items() if v[1] > now}
        return count

    async def try_lock(self, name: str, seconds: int) -> bool:
        now = time.time()
        if self.locks.get(name, 0.0) > now:
            return False
        self.locks[name] = now + seconds
        return True

    async def record_handle_time(self, seconds: float) -> None:
        self.handle_times.append(seconds)

    async def mean_handle_time(self) -> float | None:
        return sum(self.handle_times) / len(self.handle_times) if self.handle_times else None

    async def flush_everything(self) -> None:
        self.__init__()  # type: ignore[misc]


def live_ttl() -> int:
    return int(settings.LIVE_TTL_SECONDS)
