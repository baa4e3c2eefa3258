"""The live path end to end: real Daphne, real Redis (layer and store), the Python reference
client on both sides, real encryption. Afterwards nothing of the chat is left in Redis, and the
database holds only counters."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import psycopg
import pytest

from tests.chat.resilience_helpers import open_client_chat
from tests.conftest import LiveServer

pytestmark = pytest.mark.integration


def database_rows(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table the helpline apps own (for privacy assertions)."""
    if url.startswith("sqlite"):
        import sqlite3

        connection = sqlite3.connect(url.removeprefix("sqlite:///"))
        tables = [r[0] for r in connection.execute("select name from sqlite_master where type='table'")]
        rows = {t: connection.execute(f'select * from "{t}"').fetchall() for t in tables}
        connection.close()
        return rows
    with psycopg.connect(url) as connection:
        tables = [r[0] for r in connection.execute(
            "select tablename from pg_tables where schemaname = 'public'").fetchall()]
        return {t: connection.execute(f'select * from "{t}"').fetchall() for t in tables}


@pytest.fixture
def redis_server(daphne_server: Any, redis_client: Any, redis_url: str) -> LiveServer:
    return daphne_server(redis_url=redis_url)


async def test_a_full_encrypted_chat_through_a_live_server(redis_server: LiveServer, redis_client: Any) -> None:
    (who,), root_public = redis_server.provision()
    canary_seeker, canary_counsellor = "SEEKER-CANARY-41d9", "COUNSELLOR-CANARY-77e0"
    seeker, counsellor, session = await open_client_chat(redis_server.ws_url, who, root_public)

    for i in range(20):
        await seeker.send_text(f"{canary_seeker} {i}")
        await counsellor.send_text(session, f"{canary_counsellor} {i}")
    got_c = [(await counsellor.next_text(session))["body"] for _ in range(20)]
    got_s = [(await seeker.next_text())["body"] for _ in range(20)]
    assert got_c == [f"{canary_seeker} {i}" for i in range(20)]
    assert got_s == [f"{canary_counsellor} {i}" for i in range(20)]

    # The server relays only ciphertext: no frame it sent holds the plaintext.
    for frame in seeker.frames + counsellor.frames:
        text = json.dumps(frame)
        assert canary_seeker not in text and canary_counsellor not in text
    keys = [k.decode() for k in redis_client.keys("*")]
    dump = b"".join(redis_client.dump(k) or b"" for k in keys)
    assert canary_seeker.encode() not in dump and canary_counsellor.encode() not in dump

    await counsellor.end(session)
    await seeker.expect("ended")
    saved = await counsellor.wrapup(session, concern="own_thoughts", protective_action="yes", referrals=["therapy"],
                                    risk=["none"], outcome="support_given")
    assert saved["type"] == "wrapup_saved"
    await seeker.send({"type": "feedback", "answers": {"helpful": "yes"}})
    await seeker.expect("feedback_thanks")
    await seeker.close()
    await counsellor.close()
    await asyncio.sleep(0.3)

    leftover = [k.decode() for k in redis_client.keys("hl:*")]
    assert not [k for k in leftover if session in k], leftover
    for key in ("hl:queue", "hl:live"):
        assert session.encode() not in (redis_client.zrange(key, 0, -1) if key == "hl:queue" else
                                        list(redis_client.smembers(key)))
    rows = database_rows(redis_server.env["DATABASE_URL"])
    flat = repr(rows)
    for secret in (session, seeker.token, canary_seeker, canary_counsellor):
        assert secret not in flat
    counters = {(r[2], r[3]): r[4] for r in rows["helpline_counter"]}
    assert counters[("chat.answered", "")] == 1
    assert counters[("chat.completed", "ended_by=counsellor")] == 1
    assert counters[("wrapup.filed", "outcome=support_given")] == 1
    assert counters[("feedback.given", "helpful=yes")] == 1
    logs = redis_server.logs()
    for secret in (session, seeker.token, canary_seeker, "127.0.0.1"):
        assert secret not in logs
