from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from helpline.models import AuditEvent, StaffProfile
from helpline.staff.access import staff_role
from helpline.staff.signin import check_code
from tests.personas import PASSWORD, code_from_secret, make_staff

pytestmark = pytest.mark.django_db


def createstaff(*args: str, password: str = PASSWORD + "\n") -> str:
    out = io.StringIO()
    call_command("createstaff", *args, stdin=io.StringIO(password), stdout=out)
    return out.getvalue()


def printed_secret(output: str) -> str:
    found = re.search(r"^TOTP secret: ([A-Z2-7]+)$", output, re.MULTILINE)
    assert found, output
    return found.group(1)


def test_it_creates_a_staff_account_and_prints_a_working_secret() -> None:
    output = createstaff(
        "sam", "--role", "counsellor", "--pseudonym", "Sam", "--languages", "en, DE", "--chat-limit", "3"
    )
    user = User.objects.get(username="sam")
    assert user.check_password(PASSWORD)
    assert staff_role(user) == "counsellor"
    assert not user.is_staff and not user.is_superuser
    profile = StaffProfile.objects.get(user=user)
    assert (profile.pseudonym, profile.languages, profile.pathways, profile.chat_limit) == ("Sam", "en,de", "", 3)
    assert profile.pathway_codes == []  # every pathway
    secret = printed_secret(output)
    uri = re.search(r"^Provisioning URI: (\S+)$", output, re.MULTILINE)
    assert uri and uri.group(1).startswith("otpauth://totp/Helpline%3Asam?secret=" + secret)
    device = TOTPDevice.objects.get(user=user)
    assert device.confirmed
    assert check_code(user, device, code_from_secret(secret))
    assert PASSWORD not in output
    event = AuditEvent.objects.get(action="staff.account_created")
    assert (event.target, event.detail["role"]) == ("sam", "counsellor")
    assert secret not in repr(event.detail) and PASSWORD not in repr(event.detail)


def test_it_uses_the_default_chat_limit(settings) -> None:
    createstaff("sam", "--role", "counsellor")
    assert StaffProfile.objects.get(user__username="sam").chat_limit == settings.DEFAULT_CHAT_LIMIT


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("\n", "No password on standard input"),
        ("", "No password on standard input"),
        ("short\n", "too short"),
        ("password1234\n", "too common"),
        ("839201748261\n", "entirely numeric"),
        ("sam-the-counsellor\n", "too similar"),
    ],
)
def test_it_refuses_an_empty_or_weak_password(password: str, reason: str) -> None:
    username = "sam-the-counsellor" if "similar" in reason else "sam"
    with pytest.raises(CommandError, match=reason):
        createstaff(username, "--role", "counsellor", password=password)
    assert not User.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["sam"], "--role is required"),
        (["sam", "--role", "counsellor", "--languages", "english"], "not a language code"),
        (["sam", "--role", "counsellor", "--chat-limit", "0"], "between 1 and 10"),
        (["sam", "--role", "counsellor", "--pathways", "Bad Code!"], "not a pathway code"),
        (["bad name!", "--role", "counsellor"], "valid username"),
    ],
)
def test_it_refuses_bad_arguments_clearly(args: list[str], reason: str) -> None:
    with pytest.raises(CommandError, match=reason):
        createstaff(*args)
    assert not User.objects.exists()


def test_it_refuses_an_unknown_role() -> None:
    with pytest.raises(CommandError, match="invalid choice"):
        createstaff("sam", "--role", "volunteer")


def test_it_refuses_an_existing_username(counsellor: User) -> None:
    with pytest.raises(CommandError, match="already exists"):
        createstaff("counsellor", "--role", "admin")
    assert staff_role(User.objects.get(username="counsellor")) == "counsellor"


def test_it_creates_an_account_that_enrols_at_sign_in() -> None:
    output = createstaff("sam", "--role", "supervisor", "--enrol-at-sign-in")
    assert "TOTP secret" not in output
    assert "QR code at their next sign-in" in output
    assert not TOTPDevice.objects.exists()


def test_it_resets_the_authenticator_of_an_existing_account(counsellor: User) -> None:
    old = TOTPDevice.objects.get(user=counsellor)
    output = createstaff("counsellor", "--reset-totp", password="")
    new = TOTPDevice.objects.get(user=counsellor)
    assert new.pk != old.pk and new.confirmed
    assert check_code(counsellor, new, code_from_secret(printed_secret(output)))
    assert AuditEvent.objects.filter(action="staff.totp_reset", target="counsellor").exists()


def test_it_resets_to_enrolment_at_sign_in(counsellor: User) -> None:
    createstaff("counsellor", "--reset-totp", "--enrol-at-sign-in", password="")
    assert not TOTPDevice.objects.filter(user=counsellor).exists()


def test_it_refuses_to_reset_an_unknown_account() -> None:
    with pytest.raises(CommandError, match="no account named"):
        createstaff("nobody", "--reset-totp", password="")


def test_it_refuses_demo_setup_outside_demo_mode(settings) -> None:
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="only runs in demo mode"):
        call_command("demo_setup", stdout=io.StringIO())
    assert not User.objects.exists()


def test_it_sets_up_demo_accounts_idempotently(settings) -> None:
    settings.DEMO_MODE = True
    first, second = io.StringIO(), io.StringIO()
    call_command("demo_setup", stdout=first)
    devices = dict(TOTPDevice.objects.values_list("user__username", "key"))
    call_command("demo_setup", stdout=second)
    assert set(User.objects.values_list("username", flat=True)) == {
        "demo-counsellor", "demo-supervisor", "demo-manager", "demo-admin"
    }
    assert dict(TOTPDevice.objects.values_list("user__username", "key")) == devices
    output = second.getvalue()
    assert "DEMO ONLY" in output
    assert "/staff/login/" in output
    counsellor = User.objects.get(username="demo-counsellor")
    assert staff_role(counsellor) == "counsellor"
    assert counsellor.staffprofile.pseudonym == "Sam"
    block = output.split("username: demo-counsellor", 1)[1]
    password = re.search(r"password: (\S+)", block).group(1)
    secret = re.search(r"TOTP secret \(add to an authenticator app\): ([A-Z2-7 ]+)\n", block).group(1)
    code = re.search(r"code right now \(changes every 30 s\): (\d{6})", block).group(1)
    assert counsellor.check_password(password)
    assert code == code_from_secret(secret)


def test_it_deletes_audit_events_older_than_the_retention(settings) -> None:
    settings.AUDIT_RETENTION_DAYS = 30
    make_staff("counsellor", username="sam")
    old = AuditEvent.objects.create(action="staff.sign_in", target="sam")
    kept = AuditEvent.objects.create(action="staff.sign_in", target="sam")
    now = timezone.now()
    AuditEvent.objects.filter(pk=old.pk).update(at=now - timedelta(days=30, minutes=1))
    AuditEvent.objects.filter(pk=kept.pk).update(at=now - timedelta(days=29, hours=23))
    out = io.StringIO()
    call_command("cleanup", stdout=out)
    assert not AuditEvent.objects.filter(pk=old.pk).exists()
    assert AuditEvent.objects.filter(pk=kept.pk).exists()
    assert "Deleted 1 audit event(s) older than 30 days" in out.getvalue()
