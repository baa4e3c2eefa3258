"""manage.py bootstrap and the setup checklist; the Django admin's menu for administrators."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client

from helpline.setup_checklist import SetupFacts, checklist
from helpline.staff.access import staff_role
from helpline.staff.invitations import check_invitation
from tests.personas import make_staff, signed_in_client

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clear_cache")]


def bootstrap(*args: str) -> str:
    out = StringIO()
    call_command("bootstrap", *args, stdout=out)
    return out.getvalue()


def test_it_creates_the_first_admin_with_an_enrolment_link_and_lists_what_is_missing() -> None:
    out = bootstrap("--username", "ops", "--base-url", "https://help.example.org/")
    found = re.search(
        r"Enrolment link \(works once, for 48 hours\): (https://help\.example\.org/staff/enrol/(\S+)/)", out
    )
    assert found, out
    assert check_invitation(found.group(2)) is not None
    user = User.objects.get(username="ops")
    assert staff_role(user) == "admin" and not user.has_usable_password()
    assert "Deployment checks (manage.py check --deploy):" in out
    assert "Still to do" in out
    for words in ("Opening hours are set", "Crisis contacts are in place", "Connections are encrypted (TLS settings)",
                  "An administrator has signed in"):
        assert words in out
    assert Client().get(f"/staff/enrol/{found.group(2)}/").status_code == 200


def test_it_makes_no_second_admin(admin: User) -> None:
    out = bootstrap()
    assert "An administrator already exists" in out
    assert not User.objects.filter(username="admin").exclude(pk=admin.pk).exists()


def test_the_checklist_is_done_when_every_fact_is_in_place() -> None:
    ready = SetupFacts(admin_enrolled=True, root_public_key=True, root_private_key_on_server=False, demo_mode=False,
                       tls=True, hours_set=True, crisis_contacts=5, crisis_unchecked=0, certified_counsellors=2)
    assert all(item.done for item in checklist(ready))
    on_server = SetupFacts(**{**ready.__dict__, "root_private_key_on_server": True})
    assert [item.code for item in checklist(on_server) if not item.done] == ["root_offline"]


def test_the_admin_home_shows_the_checklist_until_it_is_done(admin: User) -> None:
    html = signed_in_client(admin).get("/staff/manage/").content.decode()
    assert "Before you go live" in html and "Opening hours are set" in html


def test_the_django_admin_hides_technical_models_from_administrators_but_not_superusers(
    admin_client: Client,
) -> None:
    # Not the `admin` persona: pytest-django's superuser is also called "admin".
    menu = signed_in_client(make_staff("admin", username="ops")).get("/admin/").content.decode()
    assert "Crisis contacts" in menu or "Crisis contact" in menu
    for hidden in ("/admin/otp_totp/totpdevice/", "/admin/chat/identitykey/", "/admin/auth/user/"):
        assert hidden not in menu
    full = admin_client.get("/admin/").content.decode()
    assert "/admin/otp_totp/totpdevice/" in full and "/admin/chat/identitykey/" in full
