"""Schedule in the staff administration: the week, closures with a note for seekers, the preview."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.test import Client

from helpline.hours import Period, clear_schedule_cache, service_status
from helpline.models import AuditEvent, Closure, OpeningHours
from helpline.schedule import CLOSED, FULL, OPEN, do_add_closure, do_set_week, preview
from tests.personas import signed_in_client

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clear_cache")]

LONDON = ZoneInfo("Europe/London")


def monday(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 12, 7, hour, minute, tzinfo=LONDON)


def test_it_replaces_only_the_days_that_changed_with_one_audit_row_each(admin: User) -> None:
    week = {d: [Period(d, dt.time(0), dt.time(0))] for d in range(7)}
    week[0] = [Period(0, dt.time(9), dt.time(12)), Period(0, dt.time(13), dt.time(17))]
    week[6] = []
    assert do_set_week(actor=admin, week=week) == [0, 6]
    assert list(OpeningHours.objects.filter(weekday=0).values_list("opens", "closes")) == [
        (dt.time(9), dt.time(12)), (dt.time(13), dt.time(17))
    ]
    assert not OpeningHours.objects.filter(weekday=6).exists()
    events = AuditEvent.objects.filter(action="schedule.day_changed").order_by("target")
    assert [(e.target, e.detail["to"]) for e in events] == [
        ("weekday:0", "09:00-12:00, 13:00-17:00"), ("weekday:6", "closed")
    ]
    # The live path sees the new week at once in this process (the cache is cleared).
    assert service_status(monday(12, 30))[0] is False


def test_the_preview_shows_open_closed_and_full(admin: User) -> None:
    do_set_week(actor=admin, week={d: [] for d in range(7)} | {0: [Period(0, dt.time(9), dt.time(17))]})
    assert preview(monday(10)).state == OPEN
    assert preview(monday(10), queue_full=True).state == FULL
    closed = preview(monday(18))
    assert closed.state == CLOSED and closed.opens_at == dt.datetime(2026, 12, 14, 9, tzinfo=LONDON)


def test_a_closure_shows_its_note_to_seekers_and_in_the_preview(admin: User, client: Client) -> None:
    do_add_closure(actor=admin, day=dt.date(2026, 12, 7), seeker_note="Closed for the public holiday.",
                   reason="staff party")
    shown = preview(monday(10))
    assert shown.state == CLOSED and shown.note == "Closed for the public holiday."
    today = dt.datetime.now(LONDON).date()
    Closure.objects.create(date=today, seeker_note="We are closed today for training.", reason="internal note")
    clear_schedule_cache()
    html = client.get("/chat/").content.decode()
    assert "We are closed today for training." in html
    assert "internal note" not in html


def test_the_week_form_refuses_a_bad_period_and_saves_nothing(admin: User) -> None:
    before = OpeningHours.objects.count()
    data = {f"day_{d}": "00:00-24:00" for d in range(7)} | {"day_1": "18:00-09:00"}
    response = signed_in_client(admin).post("/staff/manage/schedule/", data)
    assert response.status_code == 200
    assert "closes before it opens" in response.content.decode()
    assert OpeningHours.objects.count() == before
    assert not AuditEvent.objects.filter(action="schedule.day_changed").exists()


def test_the_schedule_page_names_the_time_zone_in_words(manager: User) -> None:
    html = signed_in_client(manager).get("/staff/manage/schedule/").content.decode()
    assert "London time (Europe/London)" in html
    # Managers read the week, with no form to change it.
    assert "Save the opening hours" not in html


def test_the_preview_page_reads_the_moment_in_the_service_time_zone(admin: User) -> None:
    do_set_week(actor=admin, week={d: [] for d in range(7)} | {0: [Period(0, dt.time(9), dt.time(17))]})
    client = signed_in_client(admin)
    assert client.get("/staff/manage/schedule/preview/?at=2026-12-07T09:00").context["preview"].state == OPEN
    assert client.get("/staff/manage/schedule/preview/?at=2026-12-07T08:59").context["preview"].state == CLOSED
    full = client.get("/staff/manage/schedule/preview/?at=2026-12-07T09:00&full=on")
    assert full.context["preview"].state == FULL and b"All our counsellors are busy" in full.content
