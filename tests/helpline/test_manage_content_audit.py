"""Content and the audit log in the staff administration."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.contrib.auth.models import User

from helpline.audit import do_audit
from helpline.models import AuditEvent, CannedResponse
from resources.models import CrisisContact
from tests.personas import signed_in_client

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clear_cache")]


def test_it_refuses_a_canned_response_with_an_unknown_placeholder(admin: User) -> None:
    before = CannedResponse.objects.count()
    response = signed_in_client(admin).post(
        "/staff/manage/content/canned/new/",
        {"title": "Hours", "language": "en", "body": "We are open {oppening_hours}.", "position": 0, "active": "on"},
    )
    assert response.status_code == 400
    assert "Unknown placeholder: {oppening_hours}" in response.content.decode()
    assert CannedResponse.objects.count() == before


def test_it_saves_a_canned_response_and_previews_its_placeholders(admin: User) -> None:
    client = signed_in_client(admin)
    body = "I am {counsellor} at {service}."
    preview = client.post(
        "/staff/manage/content/canned/new/",
        {"title": "Hello", "language": "de", "body": body, "position": 1, "intent": "preview"},
    )
    assert preview.status_code == 200 and "{counsellor}" not in preview.context["preview"]
    assert not CannedResponse.objects.filter(title="Hello").exists()
    saved = client.post("/staff/manage/content/canned/new/",
                        {"title": "Hello", "language": "de", "body": body, "position": 1, "intent": "save"})
    assert saved.status_code == 302
    response = CannedResponse.objects.get(title="Hello")
    assert (response.language, response.body, response.active) == ("de", body, False)
    assert AuditEvent.objects.filter(action="content.canned_added", target=f"canned:{response.pk}").exists()


def test_it_marks_a_crisis_contact_checked_today(admin: User) -> None:
    contact = CrisisContact.objects.create(country="DE", name="Telefonseelsorge", phone="0800 111 0 111")
    signed_in_client(admin).post(f"/staff/manage/content/crisis/{contact.pk}/checked/")
    contact.refresh_from_db()
    assert contact.last_checked is not None
    assert AuditEvent.objects.filter(action="content.crisis_contact_checked").exists()


def test_the_content_page_shows_triage_effects_and_links_the_self_help_editor(admin: User) -> None:
    html = signed_in_client(admin).get("/staff/manage/content/").content.decode()
    assert "self_harm" in html and "crisis" in html
    assert "/admin/resources/" in html
    assert "Preview of the triage form" in html


def test_the_audit_log_filters_by_actor_action_and_day(admin: User, counsellor: User) -> None:
    do_audit(actor=counsellor, action="chat.block", target="")
    old = do_audit(actor=admin, action="schedule.day_changed", target="weekday:0")
    AuditEvent.objects.filter(pk=old.pk).update(at=dt.datetime(2026, 1, 5, 10, tzinfo=dt.UTC))
    client = signed_in_client(admin)

    def shown(query: str) -> list[str]:
        page = client.get(f"/staff/audit/?{query}").context["page"]
        return [e.action for e in page.object_list]

    assert "chat.block" in shown("actor=counsellor")
    assert all(a == "chat.block" for a in shown("actor=counsellor"))
    assert shown("action=schedule.day_changed") == ["schedule.day_changed"]
    assert shown("day=2026-01-05") == ["schedule.day_changed"]
    assert shown("day=2026-01-06") == []


def test_the_audit_log_exports_as_csv_with_formulas_neutralised_and_the_export_audited(admin: User) -> None:
    do_audit(actor=admin, action="schedule.day_changed", target="=HYPERLINK(1)", detail={"to": "closed"})
    response = signed_in_client(admin).get("/staff/audit/export.csv?action=schedule.day_changed")
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="audit-')
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["at_utc", "actor", "action", "target", "detail"]
    assert rows[1][1:] == ["admin", "schedule.day_changed", "'=HYPERLINK(1)", "to=closed"]
    assert len(rows) == 2
    assert AuditEvent.objects.filter(action="audit.exported", actor=admin).exists()
