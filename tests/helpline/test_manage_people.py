"""People in the staff administration: invitations, enrolment by link, changes, resets, deactivation."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from helpline.models import AuditEvent, StaffInvitation
from helpline.staff.access import staff_role
from helpline.staff.accounts import do_deactivate_staff, do_update_profile
from helpline.staff.invitations import check_invitation, delete_expired_invitations, do_invite_staff
from tests.personas import make_staff, signed_in_client

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clear_cache")]

NEW_PASSWORD = "amber-orchard-compass-92"


def current_code(user: User) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    return f"{totp(device.bin_key):06d}"


def test_it_invites_with_a_link_whose_token_is_stored_only_as_a_hash(admin: User) -> None:
    client = signed_in_client(admin)
    response = client.post(
        "/staff/manage/people/invite/",
        {"username": "robin", "role": "counsellor", "pseudonym": "Robin", "languages": "en, de", "chat_limit": 3},
    )
    assert response.status_code == 200
    link = response.context["link"]
    token = link.rstrip("/").rsplit("/", 1)[-1]
    user = User.objects.get(username="robin")
    assert not user.has_usable_password()
    assert staff_role(user) == "counsellor" and user.staffprofile.languages == "en,de"
    invitation = StaffInvitation.objects.get(user=user)
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(list(StaffInvitation.objects.values_list()))
    assert dt.timedelta(hours=47) < invitation.expires_at - timezone.now() <= dt.timedelta(hours=48)
    event = AuditEvent.objects.get(action="staff.account_created", target="robin")
    assert event.actor == admin and event.detail["second_factor"] == "enrolment link"
    assert token not in str(AuditEvent.objects.values_list())


def test_it_enrols_by_the_link_once_and_signs_the_person_in(admin: User) -> None:
    user, token = do_invite_staff(actor=admin, username="robin", role="counsellor", pseudonym="Robin")
    client = Client()
    page = client.get(f"/staff/enrol/{token}/")
    assert page.status_code == 200 and b"<svg" in page.content
    response = client.post(
        f"/staff/enrol/{token}/",
        {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD, "code": current_code(user)},
    )
    assert response.status_code == 302 and response["Location"] == "/staff/"
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert TOTPDevice.objects.filter(user=user, confirmed=True).count() == 1
    assert not StaffInvitation.objects.filter(user=user).exists()
    assert client.get("/staff/workspace/").status_code == 200
    assert AuditEvent.objects.filter(action="staff.enrolled_by_link", target="robin").exists()
    # The link works once.
    assert Client().get(f"/staff/enrol/{token}/").status_code == 404


def test_it_refuses_a_weak_password_or_a_wrong_code_and_keeps_the_link(admin: User) -> None:
    user, token = do_invite_staff(actor=admin, username="robin", role="counsellor")
    client = Client()
    client.get(f"/staff/enrol/{token}/")  # shows the QR code of a new, unconfirmed authenticator
    weak = client.post(f"/staff/enrol/{token}/", {"password": "password", "password_again": "password",
                                                  "code": current_code(user)})
    assert weak.status_code == 200 and b"too short" in weak.content
    wrong = client.post(f"/staff/enrol/{token}/", {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD,
                                                   "code": "000000"})
    assert wrong.status_code == 200 and b"That code did not work" in wrong.content
    assert check_invitation(token) is not None
    assert not User.objects.get(pk=user.pk).has_usable_password()


def test_an_expired_link_does_not_work_and_cleanup_deletes_it(admin: User) -> None:
    long_ago = timezone.now() - dt.timedelta(hours=49)
    _user, token = do_invite_staff(actor=admin, username="robin", role="counsellor", now=long_ago)
    assert check_invitation(token) is None
    response = Client().get(f"/staff/enrol/{token}/")
    assert response.status_code == 404 and b"This link does not work" in response.content
    assert delete_expired_invitations() == 1


def test_pseudonyms_are_unique_among_active_staff(counsellor: User, other_counsellor: User, admin: User) -> None:
    with pytest.raises(ValidationError, match="already uses the pseudonym"):
        do_update_profile(actor=admin, user=other_counsellor, pseudonym="sam")
    with pytest.raises(ValidationError):
        do_invite_staff(actor=admin, username="newcomer", role="counsellor", pseudonym="SAM")
    do_deactivate_staff(actor=admin, user=counsellor)
    # A switched-off account no longer holds its pseudonym.
    do_update_profile(actor=admin, user=other_counsellor, pseudonym="Sam")


def test_it_changes_role_and_profile_with_one_audit_row_each(counsellor: User, admin: User) -> None:
    client = signed_in_client(admin)
    response = client.post(
        f"/staff/manage/people/{counsellor.pk}/",
        {"role": "supervisor", "pseudonym": "Sam", "languages": "de", "pathways": "self", "chat_limit": 4},
    )
    assert response.status_code == 302
    counsellor = User.objects.get(pk=counsellor.pk)
    assert staff_role(counsellor) == "supervisor"
    assert (counsellor.staffprofile.languages, counsellor.staffprofile.chat_limit) == ("de", 4)
    actions = list(AuditEvent.objects.filter(actor=admin).values_list("action", flat=True))
    assert sorted(actions) == ["staff.profile_changed", "staff.role_changed"]


def test_an_admin_cannot_demote_or_switch_off_themselves(admin: User) -> None:
    client = signed_in_client(admin)
    response = client.post(
        f"/staff/manage/people/{admin.pk}/",
        {"role": "counsellor", "pseudonym": "", "languages": "en", "pathways": "", "chat_limit": 2},
    )
    assert response.status_code == 200 and b"your own account" in response.content
    client.post(f"/staff/manage/people/{admin.pk}/deactivate/")
    assert User.objects.get(pk=admin.pk).is_active
    assert staff_role(User.objects.get(pk=admin.pk)) == "admin"


def test_a_reset_second_factor_makes_the_person_enrol_again(counsellor: User, admin: User) -> None:
    theirs = signed_in_client(counsellor)
    signed_in_client(admin).post(f"/staff/manage/people/{counsellor.pk}/reset-second-factor/")
    assert not TOTPDevice.objects.filter(user=counsellor).exists()
    # Their verified session is no longer verified; the password leads to the QR page.
    response = theirs.get("/staff/workspace/")
    assert response.status_code == 302 and response["Location"].startswith("/staff/login/code/")
    assert theirs.get("/staff/login/code/")["Location"].startswith("/staff/enrol/")
    assert AuditEvent.objects.filter(action="staff.totp_reset", target="counsellor", actor=admin).exists()


def test_a_switched_off_account_loses_access_and_can_be_switched_on(counsellor: User, admin: User) -> None:
    theirs = signed_in_client(counsellor)
    signed_in_client(admin).post(f"/staff/manage/people/{counsellor.pk}/deactivate/")
    assert theirs.get("/staff/workspace/").status_code == 302
    signed_in_client(admin).post(f"/staff/manage/people/{counsellor.pk}/reactivate/")
    assert User.objects.get(pk=counsellor.pk).is_active
    actions = set(AuditEvent.objects.filter(target="counsellor").values_list("action", flat=True))
    assert {"staff.deactivated", "staff.reactivated"} <= actions


def test_a_new_link_replaces_the_old_one_for_someone_not_yet_enrolled(admin: User) -> None:
    user, old = do_invite_staff(actor=admin, username="robin", role="counsellor")
    client = signed_in_client(admin)
    response = client.post(f"/staff/manage/people/{user.pk}/new-link/", follow=True)
    link = response.context["link"]
    assert "/staff/enrol/" in link and old not in link
    assert check_invitation(old) is None
    assert check_invitation(link.rstrip("/").rsplit("/", 1)[-1]) is not None


def test_managers_read_people_but_change_nothing(manager: User, counsellor: User) -> None:
    client = signed_in_client(manager)
    page = client.get(f"/staff/manage/people/{counsellor.pk}/")
    assert page.status_code == 200 and b"<form method=\"post\" action=\"/staff/manage/people/" not in page.content
    listing = client.get("/staff/manage/people/")
    assert b"counsellor" in listing.content and b"Invite someone" not in listing.content


def test_the_people_list_shows_second_factor_and_key_status(admin: User) -> None:
    make_staff("counsellor", username="later", with_totp=False)
    do_invite_staff(actor=admin, username="invited", role="counsellor")
    rows = {row["user"].username: row for row in signed_in_client(admin).get("/staff/manage/people/").context["rows"]}
    assert rows["admin"]["second_factor"]["state"] == "enrolled"
    assert rows["later"]["second_factor"]["state"] == "none"
    assert rows["invited"]["second_factor"]["state"] == "invited"
    assert rows["admin"]["identity_key"]["state"] == "none"
