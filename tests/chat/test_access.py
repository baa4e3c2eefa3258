"""Who may open a socket how often, and which chats a counsellor may act on (chat.access)."""

from __future__ import annotations

from typing import Any

from chat.access import check_connection_rate, get_chat_for_counsellor
from chat.domain import Chat, Presence
from tests.live_fixtures import fresh_store

MEMORY = "chat.store.memory.MemoryStore"


async def test_it_refuses_connections_beyond_the_limit_per_address_hash_and_kind(settings: Any) -> None:
    async with fresh_store(settings, MEMORY):
        assert [await check_connection_rate(kind="conn", addr="h1", limit=3) for _ in range(4)] == [
            True, True, True, False]
        # Another address hash, or the staff socket's count, is counted apart.
        assert await check_connection_rate(kind="conn", addr="h2", limit=3)
        assert await check_connection_rate(kind="staffconn", addr="h1", limit=3)


async def test_a_counsellor_gets_only_their_own_answered_chat(settings: Any) -> None:
    async with fresh_store(settings, MEMORY) as store:
        chat = Chat(sid="S" * 22, token="T" * 43, priority="normal", pathway="", language="en", enqueued_at=1.0,
                    score=1.0)
        await store.create_chat(chat, max_queue=10)
        assert await get_chat_for_counsellor(7, chat.sid) is None  # queued: nobody's yet
        await store.set_presence(Presence(user_id=7, state="available", online=True, limit=2))
        assert (await store.claim_next(7, now=2.0)).chat is not None
        found = await get_chat_for_counsellor(7, chat.sid)
        assert found is not None and found.counsellor == 7
        assert await get_chat_for_counsellor(8, chat.sid) is None
        assert await get_chat_for_counsellor(7, "X" * 22) is None
