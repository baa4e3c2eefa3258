"""A chat that starts from the component's link is counted under the partner and variant, in
aggregate: the source code goes from /go/ to the chat page to the join frame (the live path)."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.test import Client

from chat import e2ee, janitor
from chat.store.base import LiveStore
from helpline import metrics
from helpline.models import Counter, OpeningHours
from resources.platforms.models import MessageVariant, Partner
from tests.chat.live_helpers import Seeker
from tests.live_fixtures import fresh_store

# Transactional (a worker thread reaches the database). Serialized rollback, as every transactional
# test in the suite: a flush without it recreates content types under new ids, and the next test
# that restores the shipped defaults then fails.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def _no_background_janitor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(janitor, "AUTOSTART", False)


@pytest.fixture
def open_all_week(db: None) -> None:
    from helpline.hours import clear_schedule_cache

    OpeningHours.objects.all().delete()
    for weekday in range(7):
        OpeningHours.objects.create(weekday=weekday, opens=dt.time(0), closes=dt.time(0))
    clear_schedule_cache()


@pytest.fixture
async def live(settings: Any, open_all_week: None) -> AsyncIterator[LiveStore]:
    async with fresh_store(settings, "chat.store.memory.MemoryStore") as store:
        yield store


def _chats(dimension: str) -> int:
    return sum(
        Counter.objects.filter(metric=metrics.LANDING_CHAT_STARTED, dimension=dimension).values_list("value", flat=True)
    )


async def test_a_chat_from_the_component_counts_under_its_partner_and_variant(
    partner: Partner, live: LiveStore, org_root: Any, close_thread_connections: None
) -> None:
    variant = await sync_to_async(lambda: MessageVariant.objects.filter(partner=partner, language="en").first().pk)()  # type: ignore[union-attr]
    location = await sync_to_async(
        lambda: Client(HTTP_HOST="localhost").get(f"/go/example-search/{variant}/chat/?lang=en").headers["Location"]
    )()
    source = location.split("src=", 1)[1]
    assert source == f"example-search_{variant}"
    # The chat page hands the source to its script, which puts it in the join frame.
    page = await sync_to_async(lambda: Client(HTTP_HOST="localhost").get(location).content.decode())()
    assert f'data-source="{source}"' in page
    seeker = Seeker(e2ee.public_point(org_root.public_key()))
    welcome = await seeker.join({}, source=source)
    assert welcome["type"] == "welcome"
    await seeker.close()
    assert await sync_to_async(_chats)(f"source={source}") == 1


async def test_a_made_up_source_is_not_counted(
    partner: Partner, live: LiveStore, org_root: Any, close_thread_connections: None
) -> None:
    seeker = Seeker(e2ee.public_point(org_root.public_key()))
    assert (await seeker.join({}, source="example-search_9999"))["type"] == "welcome"
    await seeker.close()
    assert await sync_to_async(_chats)("source=example-search_9999") == 0
