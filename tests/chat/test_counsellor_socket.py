"""Opening and keeping the counsellor socket: a verified staff session, the right role, sign-out.

Through both websocket endpoints in process, against the in-memory and the Redis store."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest
from asgiref.sync import sync_to_async

from chat.loadtest.provision import ProvisionedCounsellor
from chat.store.base import LiveStore
from tests.chat.live_helpers import Counsellor, Socket

# Serialized rollback keeps the shipped defaults (triage questions, opening hours) between tests.
pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("no_background_janitor", "fresh_content_caches"),
]


async def test_it_closes_the_counsellor_socket_without_a_verified_session(
    live_store: LiveStore, certified_counsellor: ProvisionedCounsellor
) -> None:
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY

    anonymous = Socket("/ws/counsellor/")
    assert await anonymous.connect() == (False, 4401)

    def without_otp() -> str:
        session_key = certified_counsellor.cookie.split("=", 1)[1]
        session = SessionStore(session_key)
        del session[DEVICE_ID_SESSION_KEY]
        session.save()
        return certified_counsellor.cookie

    cookie = await sync_to_async(without_otp)()
    unverified = Socket("/ws/counsellor/", headers=[(b"cookie", cookie.encode())])
    assert await unverified.connect() == (False, 4401)


async def test_it_closes_the_socket_of_a_manager(
    live_store: LiveStore, staff: Callable[..., ProvisionedCounsellor]
) -> None:

    manager = await sync_to_async(staff)("manager-1", role="manager")
    socket = Socket("/ws/counsellor/", headers=[(b"cookie", manager.cookie.encode())])
    assert await socket.connect() == (False, 4401)


async def test_a_signed_out_counsellor_socket_is_closed(
    live_store: LiveStore, certified_counsellor: ProvisionedCounsellor, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.contrib.sessions.models import Session

    from chat import consumers

    monkeypatch.setattr(consumers, "SESSION_CHECK_TICKS", 1)
    worker = Counsellor(certified_counsellor)
    await worker.start()
    await sync_to_async(Session.objects.filter(session_key=certified_counsellor.cookie.split("=", 1)[1]).delete)()
    assert await worker.expect_close(timeout=5) == 4401


async def test_work_on_the_socket_keeps_the_staff_session_alive(
    live_store: LiveStore, certified_counsellor: ProvisionedCounsellor, monkeypatch: pytest.MonkeyPatch
) -> None:
    import datetime as dt

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from chat import consumers

    key = certified_counsellor.cookie.split("=", 1)[1]
    soon = timezone.now() + dt.timedelta(minutes=1)
    await sync_to_async(Session.objects.filter(session_key=key).update)(expire_date=soon)
    monkeypatch.setattr(consumers, "SESSION_CHECK_TICKS", 1)
    worker = Counsellor(certified_counsellor)
    await worker.start()
    await worker.send({"type": "ping"})
    await asyncio.sleep(2.5)
    session = await sync_to_async(Session.objects.get)(session_key=key)
    assert session.expire_date > soon + dt.timedelta(minutes=10)
    await worker.close()
