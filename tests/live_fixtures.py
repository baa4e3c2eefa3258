"""Fixtures shared by the in-process live-path tests (chat consumers, staff socket matrix, fuzzing),
registered for the whole suite in tests/conftest.py. Each name means one thing everywhere:

    org_root               an organisation root key for this test; the server trusts its public half
    root_public            that key's public point, as the seeker's page holds it
    staff                  `staff(username, role=..., chat_limit=...)`: a signed-in, verified staff
                           member with a certified identity key (a ProvisionedCounsellor)
    certified_counsellor   one such counsellor, limit 2 (the live-path tests' counsellor)
    live_store             the live-state store, once in memory and once on Redis (marked `redis`)
    memory_store           the in-memory live-state store only
    no_background_janitor  the janitor does not start by itself (tests drive it)
    fresh_content_caches   this process's caches of opening hours and triage questions are empty
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from typing import Any

import pytest

from chat import e2ee, janitor, positions
from chat.certificates import generate_root_key, write_public_key
from chat.loadtest.provision import ProvisionedCounsellor, provision_counsellor
from chat.store import get_store
from chat.store.base import LiveStore


@asynccontextmanager
async def fresh_store(settings: Any, path: str) -> AsyncIterator[LiveStore]:
    """The live-state store named by `path` (settings.LIVE_STORE), emptied before and after."""
    settings.LIVE_STORE = path
    get_store.cache_clear()
    positions.forget_caches()
    store = get_store()
    await store.flush_everything()
    try:
        yield store
    finally:
        await store.flush_everything()
        get_store.cache_clear()


@pytest.fixture
def org_root(settings: Any, tmp_path: Any) -> Any:
    root = generate_root_key()
    settings.ORG_ROOT_PUBLIC_KEY = tmp_path / "root.pem"
    write_public_key(settings.ORG_ROOT_PUBLIC_KEY, root.public_key())
    return root


@pytest.fixture
def root_public(org_root: Any) -> bytes:
    return e2ee.public_point(org_root.public_key())


@pytest.fixture
def staff(org_root: Any) -> Callable[..., ProvisionedCounsellor]:
    def make(username: str, **kwargs: Any) -> ProvisionedCounsellor:
        return provision_counsellor(username, root_private=org_root, **kwargs)

    return make


@pytest.fixture
def certified_counsellor(staff: Callable[..., ProvisionedCounsellor]) -> ProvisionedCounsellor:
    return staff("counsellor", chat_limit=2)


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
async def live_store(request: pytest.FixtureRequest, settings: Any) -> AsyncIterator[LiveStore]:
    if request.param == "redis":
        request.getfixturevalue("redis_client")  # flushes the test's Redis database before and after
        settings.REDIS_URL = request.getfixturevalue("redis_url")
    path = "chat.store.redis.RedisStore" if request.param == "redis" else "chat.store.memory.MemoryStore"
    async with fresh_store(settings, path) as store:
        yield store


@pytest.fixture
async def memory_store(settings: Any) -> AsyncIterator[LiveStore]:
    async with fresh_store(settings, "chat.store.memory.MemoryStore") as store:
        yield store


@pytest.fixture
def no_background_janitor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(janitor, "AUTOSTART", False)


@pytest.fixture
def fresh_content_caches() -> Iterator[None]:
    from helpline.hours import clear_schedule_cache
    from helpline.triage import clear_catalogue_cache

    clear_schedule_cache()
    clear_catalogue_cache()
    yield
    clear_schedule_cache()
    clear_catalogue_cache()
