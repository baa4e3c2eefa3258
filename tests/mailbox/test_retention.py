"""Retention: the daily cleanup deletes every mailbox idle for MAILBOX_RETENTION_DAYS, and a seeker
who comes back to one that is past it finds nothing, as if it never existed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from chat.mailbox import services
from chat.mailbox.models import Mailbox, Message, Thread
from helpline.models import Counter
from tests.mailbox.helpers import Counsellor, Seeker, post_json

pytestmark = pytest.mark.django_db


def make_mailbox(client: Client, counsellor: Counsellor) -> Seeker:
    seeker = Seeker()
    response = post_json(client, "/mailbox/api/create", seeker.create_body("hello", [counsellor.inbox_point]))
    assert response.status_code == 200
    return seeker


def age(days: int) -> None:
    Mailbox.objects.update(active_day=services.today() - dt.timedelta(days=days))


def test_it_deletes_mailboxes_idle_past_retention_in_the_daily_cleanup(
    inbox_counsellor: Callable[..., Counsellor], client: Client, clear_cache: None
) -> None:
    casey = inbox_counsellor("casey")
    old, recent = make_mailbox(client, casey), make_mailbox(client, casey)
    Mailbox.objects.exclude(lookup_hash=__import__("hashlib").sha256(recent.keys.lookup).hexdigest()).update(
        active_day=services.today() - dt.timedelta(days=31)
    )
    out = StringIO()
    call_command("cleanup", stdout=out)
    assert "Deleted 1 mailbox(es) without activity for 30 days." in out.getvalue()
    assert Mailbox.objects.count() == 1 and Thread.objects.count() == 1 and Message.objects.count() == 1
    assert post_json(client, "/mailbox/api/open", {"lookup": old.lookup}).json()["mailbox"] is None
    assert Counter.objects.get(metric="mailbox.expired", dimension="").value == 1


def test_it_keeps_a_mailbox_on_its_last_day(
    inbox_counsellor: Callable[..., Counsellor], client: Client, clear_cache: None
) -> None:
    make_mailbox(client, inbox_counsellor("casey"))
    age(30)
    assert services.do_expire_mailboxes() == 0
    age(31)
    assert services.do_expire_mailboxes() == 1


def test_it_honours_the_retention_setting(
    inbox_counsellor: Callable[..., Counsellor], client: Client, settings: Any, clear_cache: None
) -> None:
    settings.MAILBOX_RETENTION_DAYS = 7
    seeker = make_mailbox(client, inbox_counsellor("casey"))
    age(8)
    # Opening a mailbox past retention deletes it there and then, before the daily cleanup runs.
    assert post_json(client, "/mailbox/api/open", {"lookup": seeker.lookup}).json() == {
        "retention_days": 7,
        "mailbox": None,
    }
    assert not Mailbox.objects.exists()


def test_it_restarts_the_clock_on_activity(
    inbox_counsellor: Callable[..., Counsellor], client: Client, clear_cache: None
) -> None:
    casey = inbox_counsellor("casey")
    seeker = make_mailbox(client, casey)
    age(29)
    body = {"lookup": seeker.lookup, "message": seeker.seal("still here", [casey.inbox_point])}
    view = post_json(client, "/mailbox/api/send", body).json()
    assert view["mailbox"]["active_day"] == services.today().isoformat()
    age(0)
    assert services.do_expire_mailboxes(now_day=services.today() + dt.timedelta(days=30)) == 0
