"""The live-state store: one interface, two implementations (Redis, and memory for one process).

Keeps (all of it live state, none of it in the database, none of it on disk):
- a chat while it exists: its random id, the SHA-256 hash of its resume token (never the
  token itself: a reader of the store cannot resume someone's chat; `token_hash`), triage option
  codes, priority, pathway, language, the landing-page source code if any, a keyed hash of the seeker's address (only to
  honour a counsellor's block), state, counsellor id, timestamps and the channel names of the two
  sockets. Every key has a TTL (settings.LIVE_TTL_SECONDS) and all of them are deleted when the
  chat ends (`end_chat`).
- ciphertext frames not yet acknowledged by their receiver, until acknowledged or the chat ends.
- the queue, counsellor presence and capacity, pending wrap-ups (chat ids only).
- deadlines (grace periods, idle time-outs), blocks (keyed address hash, BLOCK_HOURS) and
  rate-limit counters (minutes).

Every method that changes more than one thing is atomic: in Redis a Lua script, in memory a
coroutine that never awaits in the middle. Any number of workers can share the Redis store.
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from typing import Any, Literal

from chat.domain import Block, Chat, ClaimResult, Presence, Side


def token_hash(token: str) -> str:
    """What the stores keep of a resume token: its SHA-256 (hex). The token is 256 random bits, so
    the hash cannot be reversed; a chat read back from a store carries this hash in `Chat.token`."""
    return hashlib.sha256(token.encode()).hexdigest()


AppendResult = Literal["ok", "dup", "gap", "gone", "not_active", "not_yours"]


class StoreUnavailable(Exception):
    """The store cannot be reached; callers tell clients with a `store_unavailable` frame."""


class LiveStore(ABC):
    """The operations the live path needs; each one is a single atomic step."""

    # True when the store can hand a relayed frame to the receiving socket itself, in the same step
    # as it keeps it: a Redis store on the same server as a pub/sub channel layer (docs/PERFORMANCE.md).
    publishes: bool = False

    # -- health ---------------------------------------------------------------------------------
    @abstractmethod
    async def ping(self) -> bool: ...

    # -- chats ------------------------------------------------------------------------------------
    @abstractmethod
    async def create_chat(self, chat: Chat, *, max_queue: int) -> bool:
        """Put a new chat in its queue; False (and nothing stored) when the queue is full. The store
        keeps `token_hash(chat.token)`, never `chat.token`."""

    @abstractmethod
    async def get_chat(self, sid: str) -> Chat | None: ...

    @abstractmethod
    async def find_by_token(self, token: str) -> Chat | None:
        """The chat whose resume token (the clear token the seeker holds) is `token`."""

    @abstractmethod
    async def update_chat(self, sid: str, **changes: Any) -> Chat | None:
        """Change fields of an existing chat; None if it no longer exists."""

    @abstractmethod
    async def restart_handshake(self, sid: str) -> Chat | None:
        """A new handshake in the same assignment: drop kept frames, reset sequence numbers."""

    @abstractmethod
    async def end_chat(self, sid: str, *, now: float) -> Chat | None:
        """Delete every trace of the chat. Returns it to exactly one caller (None to the others).

        If it had been answered, its counsellor's load drops by one and the chat id waits in the
        counsellor's wrap-ups until `file_wrapup`.
        """

    # -- queue and routing -------------------------------------------------------------------------
    @abstractmethod
    async def claim_next(self, user_id: int, *, now: float) -> ClaimResult:
        """Give the counsellor the first eligible queued chat, if they may take one now."""

    @abstractmethod
    async def assign(self, sid: str, user_id: int, *, now: float) -> ClaimResult:
        """Supervisor: give a queued or live chat to this counsellor (limits still apply)."""

    @abstractmethod
    async def requeue(self, sid: str, *, score: float) -> Chat | None:
        """Put an answered chat back in the queue with the given score (its counsellor is gone)."""

    @abstractmethod
    async def queue_counts_before(self, score: float, queue_keys: list[str]) -> int:
        """How many queued chats in these queues are ahead of `score`."""

    @abstractmethod
    async def queue_scores(self, queue_keys: list[str], *, below: float) -> dict[str, list[float]]:
        """The scores under `below` in each of these queues, lowest first: one read from which a
        worker computes the positions of all its waiting seekers (chat.positions)."""

    @abstractmethod
    async def queue_keys(self) -> list[str]:
        """The "language:pathway" queues that have been used."""

    @abstractmethod
    async def queued_chats(self) -> list[Chat]:
        """Every queued chat, first in line first (for summaries; the queue is capped)."""

    @abstractmethod
    async def live_chats(self) -> list[Chat]:
        """Every answered chat (for the supervisor's floor view)."""

    # -- counsellors -------------------------------------------------------------------------------
    @abstractmethod
    async def set_presence(self, presence: Presence) -> Presence:
        """Create or replace a counsellor's presence, keeping `active` and `wrapups` as stored."""

    @abstractmethod
    async def update_presence(self, user_id: int, **changes: Any) -> Presence | None: ...

    @abstractmethod
    async def get_presence(self, user_id: int) -> Presence | None: ...

    @abstractmethod
    async def all_presence(self) -> list[Presence]: ...

    @abstractmethod
    async def counsellor_chats(self, user_id: int) -> list[Chat]: ...

    @abstractmethod
    async def file_wrapup(self, user_id: int, sid: str) -> bool:
        """Clear a pending wrap-up; False if there was none for that chat."""

    # -- relay ---------------------------------------------------------------------------------------
    @abstractmethod
    async def append_frame(
        self, sid: str, sender: Side, seq: int, ct: str, *, now: float, counsellor: int = 0,
        publish: tuple[str, str] | None = None,
    ) -> tuple[AppendResult, str]:
        """Keep a ciphertext frame until acknowledged. Returns the result and the receiver's channel.

        `ok` for the next sequence number, `dup` for one already kept (a resend after a reconnect),
        `gap` for one that skips ahead, `not_active` before the handshake is done, `gone` if the
        chat no longer exists. With `counsellor`, a counsellor's frame is refused (`not_yours`)
        unless the chat exists, is assigned and is theirs: the ownership check of
        `get_chat_for_counsellor`, done in the same step so the hot path reads the chat once.

        `publish` (head, tail), only for a store whose `publishes` is true: on `ok`, the text
        head + ct + tail goes to the receiver's channel in the same step (one round trip).
        """

    @abstractmethod
    async def ack_frames(
        self, sid: str, receiver: Side, seq: int, *, counsellor: int = 0, publish: str | None = None
    ) -> str | None:
        """The receiver has processed frames up to seq: drop them. Returns the sender's channel.

        With `counsellor`, nothing happens (None) unless the chat is assigned to that counsellor.
        `publish`, only for a store whose `publishes` is true: text for the sender's channel, sent
        in the same step."""

    @abstractmethod
    async def pending_frames(self, sid: str, sender: Side) -> list[tuple[int, str]]:
        """Unacknowledged frames from `sender`, in order."""

    # -- deadlines, blocks, rates, samples ------------------------------------------------------------
    @abstractmethod
    async def set_deadline(self, kind: str, sid: str, at: float) -> None: ...

    @abstractmethod
    async def clear_deadlines(self, sid: str, *kinds: str) -> None: ...

    @abstractmethod
    async def pop_due(self, now: float, limit: int = 100) -> list[tuple[str, str]]:
        """Remove and return due deadlines; each is returned to exactly one caller."""

    @abstractmethod
    async def block(self, addr: str, seconds: int, *, placed_by: str = "", reason: str = "") -> None: ...

    @abstractmethod
    async def is_blocked(self, addr: str) -> bool: ...

    @abstractmethod
    async def active_blocks(self) -> list[Block]:
        """Every block that has not expired (a service holds a handful; this reads them all)."""

    @abstractmethod
    async def lift_block(self, addr: str) -> bool:
        """End a block now; False when there was none."""

    @abstractmethod
    async def hit(self, key: str, window_seconds: int) -> int:
        """Count one event in a fixed window; returns the count so far in this window."""

    @abstractmethod
    async def try_lock(self, name: str, seconds: int) -> bool:
        """True for exactly one caller per name until it expires (once-a-minute jobs)."""

    @abstractmethod
    async def record_handle_time(self, seconds: float) -> None: ...

    @abstractmethod
    async def mean_handle_time(self) -> float | None: ...

    @abstractmethod
    async def instance_marker(self) -> str:
        """A random value made once per store instance (one Redis run): a new value means the
        store was restarted or flushed and every live chat is gone."""

    @abstractmethod
    async def flush_everything(self) -> None:
        """Delete all live state (tests, and the operator's emergency reset)."""
