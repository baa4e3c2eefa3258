from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from helpline.audit import do_audit
from helpline.models import AuditEvent
from tests.personas import signed_in_client

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clear_cache")]


def test_it_shows_the_audit_log_newest_first_in_pages(admin: User, counsellor: User) -> None:
    AuditEvent.objects.all().delete()
    for number in range(60):
        do_audit(actor=counsellor, action="staff.sign_in", target=f"event-{number:02d}")
    client = signed_in_client(admin)
    first = client.get("/staff/audit/").content.decode()
    assert "Page 1 of 2, newest first" in first
    assert "event-59" in first and "event-10" in first and "event-09" not in first
    second = client.get("/staff/audit/?page=2").content.decode()
    assert "event-09" in second and "event-00" in second and "event-10" not in second
    assert 'href="?page=1"' in second


def test_it_filters_the_audit_log_by_action(admin: User, counsellor: User) -> None:
    AuditEvent.objects.all().delete()
    for number in range(55):
        do_audit(actor=counsellor, action="staff.sign_in", target=f"in-{number}")
    do_audit(actor=counsellor, action="staff.sign_out", target="out-1")
    client = signed_in_client(admin)
    html = client.get("/staff/audit/?action=staff.sign_out").content.decode()
    assert "out-1" in html and "in-1<" not in html
    assert '<option value="staff.sign_out" selected>' in html
    html = client.get("/staff/audit/?action=staff.sign_in").content.decode()
    assert 'href="?action=staff.sign_in&amp;page=2"' in html
    # An unknown action is a form error, not a crash, and shows everything.
    response = client.get("/staff/audit/?action=no.such.action")
    assert response.status_code == 200
    assert "out-1" in response.content.decode()


def test_it_shows_details_without_help_seeker_data(admin: User) -> None:
    client = signed_in_client(admin)
    do_audit(actor=admin, action="staff.role_changed", target="sam", detail={"from": "counsellor", "to": "manager"})
    html = client.get("/staff/audit/").content.decode()
    assert "from=counsellor, to=manager" in html
    assert "127.0.0.1" not in html
