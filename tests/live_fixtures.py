"""Fixtures shared by the in-process live-path tests (chat consumers, staff socket matrix):
an organisation root key, working counsellors certified by it, and a fresh live-state store."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest

from chat import positions
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
    """A root key for this test; its public half is what the server and browsers trust."""
    root = generate_root_key()
    settings.ORG_ROOT_PUBLIC_KEY = tmp_path / "root.pem"
    write_public_key(settings.ORG_ROOT_PUBLIC_KEY, root.public_key())
    return root


@pytest.fixture
def staff(org_root: Any) -> Callable[..., ProvisionedCounsellor]:
    """`staff(username, role=..., chat_limit=...)`: a signed-in, verified, certified staff member."""

    def make(username: str, **kwargs: Any) -> ProvisionedCounsellor:
        return provision_counsellor(username, root_private=org_root, **kwargs)

    return make
