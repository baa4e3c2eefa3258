from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from helpline.models import AuditEvent, StaffProfile
from tests.personas import device_of, make_staff, signed_in_client

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clear_cache")]


def test_it_sends_the_admin_login_page_to_the_staff_sign_in(db: None) -> None:
    response = Client().get("/admin/login/?next=/admin/auth/user/")
    assert response.status_code == 302
    assert response["Location"] == "/staff/login/?next=%2Fadmin%2Fauth%2Fuser%2F"


def test_it_refuses_the_admin_to_an_administrator_without_the_second_factor(admin: User) -> None:
    client = signed_in_client(admin, verified=False)
    response = client.get("/admin/login/?next=/admin/")
    assert response["Location"] == "/staff/login/code/?next=%2Fadmin%2F"
    # Even the old admin login form cannot be posted to instead.
    response = client.post("/admin/login/", {"username": "admin", "password": "anything"})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 302


def test_it_audits_an_admin_change_with_the_fields_changed(admin: User, counsellor: User) -> None:
    client = signed_in_client(admin)
    profile = StaffProfile.objects.get(user=counsellor)
    response = client.post(
        f"/admin/helpline/staffprofile/{profile.pk}/change/",
        {"user": counsellor.pk, "pseudonym": "Kit", "languages": "en", "pathways": "", "chat_limit": 3},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    profile.refresh_from_db()
    assert (profile.pseudonym, profile.chat_limit) == ("Kit", 3)
    event = AuditEvent.objects.get(action="admin.changed")
    assert event.actor == admin
    assert event.target == f"helpline.staffprofile:{profile.pk}"
    assert event.detail["model"] == "helpline.staffprofile"
    assert set(event.detail["fields"].split(",")) == {"Pseudonym", "Languages", "Chat limit"}


def test_it_audits_each_deletion_made_in_bulk(admin: User) -> None:
    leavers = [make_staff("counsellor", username=f"leaver-{n}") for n in range(2)]
    client = signed_in_client(admin)
    response = client.post(
        "/admin/auth/user/",
        {"action": "delete_selected", "_selected_action": [u.pk for u in leavers], "post": "yes"},
    )
    assert response.status_code == 302
    assert not User.objects.filter(username__startswith="leaver-").exists()
    targets = set(AuditEvent.objects.filter(action="admin.deleted").values_list("target", flat=True))
    assert targets == {f"auth.user:{u.pk}" for u in leavers}


def test_it_audits_an_account_added_in_the_admin(admin: User) -> None:
    client = signed_in_client(admin)
    response = client.post(
        "/admin/auth/user/add/",
        {
            "username": "new-person",
            "password1": "a-long-unusual-passphrase-9",
            "password2": "a-long-unusual-passphrase-9",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    user = User.objects.get(username="new-person")
    assert AuditEvent.objects.filter(action="admin.added", target=f"auth.user:{user.pk}", actor=admin).exists()


def test_it_keeps_the_audit_log_read_only_in_the_admin(admin: User) -> None:
    client = signed_in_client(admin)
    event = AuditEvent.objects.create(action="staff.sign_in", target="someone")
    assert client.get("/admin/helpline/auditevent/add/").status_code == 403
    assert client.get(f"/admin/helpline/auditevent/{event.pk}/delete/").status_code == 403
    page = client.get(f"/admin/helpline/auditevent/{event.pk}/change/")
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    client.post(f"/admin/helpline/auditevent/{event.pk}/change/", {"action": "rewritten"})
    event.refresh_from_db()
    assert event.action == "staff.sign_in"


def test_it_never_shows_a_totp_secret_in_the_admin(admin: User, counsellor: User) -> None:
    client = signed_in_client(admin)
    device = device_of(counsellor)
    page = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/")
    assert page.status_code == 200
    assert device.key.encode() not in page.content
    assert client.get(f"/admin/otp_totp/totpdevice/{device.pk}/config/").status_code == 403
    assert client.get(f"/admin/otp_totp/totpdevice/{device.pk}/qrcode/").status_code in (403, 404)


def test_it_signs_out_of_the_admin_through_the_staff_sign_out(admin: User) -> None:
    client = signed_in_client(admin)
    response = client.post("/admin/logout/")
    assert response["Location"] == "/staff/login/"
    assert AuditEvent.objects.filter(action="staff.sign_out", actor=admin).exists()
    assert client.get("/admin/").status_code == 302
