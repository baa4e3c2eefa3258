"""Blocks as staff see them: the active ones, and lifting one.

Keeps nothing of its own: blocks live in the live-state store (chat.store, Redis with a TTL, or
process memory), keyed by a keyed hash of the seeker's address. This module never shows that
hash: each block is named by `block_id`, a hash of the hash, which only this listing can turn
back into the block it names. The store API is the only thing touched here, so a change in how
blocks are kept (issue 16) swaps the two functions below and nothing else.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from asgiref.sync import async_to_sync

from helpline.audit import do_audit
from helpline.staff.accounts import Actor

BLOCK_ID_LENGTH = 16


@dataclass(frozen=True)
class ActiveBlock:
    block_id: str
    seconds_left: int
    placed_by: str  # "" when the store holds no note
    reason: str


def block_id_of(addr: str) -> str:
    return hashlib.sha256(b"helpline-block-id:" + addr.encode()).hexdigest()[:BLOCK_ID_LENGTH]


def _store():  # type: ignore[no-untyped-def]
    from chat.store import get_store

    return get_store()


async def _active_blocks() -> list[ActiveBlock]:
    now = time.time()
    return [
        ActiveBlock(
            block_id=block_id_of(block.addr),
            seconds_left=max(0, int(block.expires_at - now)),
            placed_by=block.placed_by,
            reason=block.reason,
        )
        for block in await _store().active_blocks()
    ]


async def _lift(block_id: str) -> bool:
    store = _store()
    for block in await store.active_blocks():
        if block_id_of(block.addr) == block_id:
            return bool(await store.lift_block(block.addr))
    return False


def list_active_blocks() -> list[ActiveBlock]:
    """The blocks in force now, soonest to end first. Raises chat.store.base.StoreUnavailable."""
    return async_to_sync(_active_blocks)()


def do_lift_block(*, actor: Actor, block_id: str) -> bool:
    """End the block `block_id` now and audit it; False when it had already ended."""
    if len(block_id) != BLOCK_ID_LENGTH or not all(c in "0123456789abcdef" for c in block_id):
        return False
    lifted = async_to_sync(_lift)(block_id)
    if lifted:
        do_audit(actor=actor, action="block.lifted", target=f"block:{block_id}", detail={})
    return lifted


def time_left_words(seconds: int) -> tuple[int, int]:
    """(hours, minutes) left, rounded up to the minute."""
    minutes = (seconds + 59) // 60
    return divmod(minutes, 60)
