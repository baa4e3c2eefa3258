from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from helpline.addresses import do_rotate_key
from helpline.models import AuditEvent
from helpline.staff.accounts import do_reset_totp
from tests.personas import PASSWORD, code_for, code_from_secret, make_staff, signed_in_client

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clear_cache")]


def sign_in_with_password(client: Client, username: str, password: str = PASSWORD, **extra: str) -> object:
    return client.post("/staff/login/", {"username": username, "password": password}, **extra)


def is_verified_session(client: Client) -> bool:
    return client.get("/staff/workspace/").status_code == 200


def test_it_signs_in_with_password_then_code(counsellor: User) -> None:
    client = Client()
    response = sign_in_with_password(client, "counsellor")
    assert response.status_code == 302
    assert response["Location"] == "/staff/login/code/"
    assert not is_verified_session(client)

    response = client.post("/staff/login/code/", {"code": code_for(counsellor)})
    assert response.status_code == 302
    assert response["Location"] == "/staff/"
    assert client.get("/staff/")["Location"] == "/staff/workspace/"
    assert is_verified_session(client)
    assert AuditEvent.objects.filter(action="staff.sign_in", actor=counsellor, target="counsellor").count() == 1


def test_it_gives_a_new_session_key_when_the_code_is_verified(counsellor: User) -> None:
    client = Client()
    sign_in_with_password(client, "counsellor")
    before = client.cookies["staff_session"].value
    client.post("/staff/login/code/", {"code": code_for(counsellor)})
    assert client.cookies["staff_session"].value != before


def test_it_returns_to_the_page_asked_for(admin: User) -> None:
    client = Client()
    response = client.get("/staff/audit/")
    assert response["Location"] == "/staff/login/?next=%2Fstaff%2Faudit%2F"
    response = client.post("/staff/login/", {"username": "admin", "password": PASSWORD, "next": "/staff/audit/"})
    assert response["Location"] == "/staff/login/code/?next=%2Fstaff%2Faudit%2F"
    response = client.post("/staff/login/code/", {"code": code_for(admin), "next": "/staff/audit/"})
    assert response["Location"] == "/staff/audit/"


@pytest.mark.parametrize("target", ["https://elsewhere.example/", "//elsewhere.example/", "javascript:alert(1)"])
def test_it_ignores_a_next_address_off_this_site(counsellor: User, target: str) -> None:
    client = Client()
    client.post("/staff/login/", {"username": "counsellor", "password": PASSWORD, "next": target})
    response = client.post("/staff/login/code/", {"code": code_for(counsellor), "next": target})
    assert response["Location"] == "/staff/"


def test_it_refuses_a_wrong_password_and_audits_it_without_password_or_address(counsellor: User) -> None:
    client = Client()
    response = sign_in_with_password(client, "counsellor", "wrong-password-123", REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 200
    assert b"do not match an account" in response.content
    assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.get(action="staff.sign_in_failed")
    assert (event.actor, event.target) == (counsellor, "counsellor")
    assert event.detail == {"stage": "password", "known_account": True}
    stored = repr(list(AuditEvent.objects.values()))
    assert "wrong-password-123" not in stored
    assert "203.0.113.9" not in stored


def test_it_does_not_write_an_unknown_username_into_the_audit(db: None) -> None:
    # People sometimes type their password into the username field.
    sign_in_with_password(Client(), "my-secret-passphrase")
    event = AuditEvent.objects.get(action="staff.sign_in_failed")
    assert event.actor is None
    assert event.target == ""
    assert "my-secret-passphrase" not in repr(event.detail)


def test_it_refuses_an_inactive_account(counsellor: User) -> None:
    counsellor.is_active = False
    counsellor.save()
    response = sign_in_with_password(Client(), "counsellor")
    assert response.status_code == 200
    assert b"do not match an account" in response.content


def test_it_refuses_a_wrong_code_and_audits_it(counsellor: User) -> None:
    client = Client()
    sign_in_with_password(client, "counsellor")
    right = code_for(counsellor)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    response = client.post("/staff/login/code/", {"code": wrong})
    assert response.status_code == 200
    assert b"That code did not work" in response.content
    assert b'aria-invalid="true"' in response.content
    assert not is_verified_session(client)
    event = AuditEvent.objects.get(action="staff.sign_in_failed")
    assert event.detail == {"stage": "code", "known_account": True}
    assert wrong not in repr(event.detail)


def test_it_accepts_each_code_only_once(counsellor: User) -> None:
    code = code_for(counsellor)
    first, second = Client(), Client()
    for client in (first, second):
        sign_in_with_password(client, "counsellor")
    assert first.post("/staff/login/code/", {"code": code}).status_code == 302
    response = second.post("/staff/login/code/", {"code": code})
    assert response.status_code == 200
    assert not is_verified_session(second)


def test_it_refuses_a_code_that_is_not_six_digits(counsellor: User) -> None:
    client = Client()
    sign_in_with_password(client, "counsellor")
    response = client.post("/staff/login/code/", {"code": "12ab56"})
    assert response.status_code == 200
    assert b"Please enter the 6 digits" in response.content


def test_it_sends_an_account_without_an_authenticator_to_enrolment(db: None) -> None:
    user = make_staff("counsellor", username="newcomer", with_totp=False)
    client = Client()
    response = sign_in_with_password(client, "newcomer")
    assert response["Location"] == "/staff/enrol/"
    assert client.get("/staff/login/code/")["Location"] == "/staff/enrol/"

    page = client.get("/staff/enrol/")
    html = page.content.decode()
    assert page.status_code == 200
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html
    assert 'role="img"' in html and 'aria-label="QR code' in html
    svg = html.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert "data:" not in svg and "style=" not in svg and "<script" not in svg
    device = TOTPDevice.objects.get(user=user)
    assert not device.confirmed
    secret = html.split('id="totp-secret">', 1)[1].split("<", 1)[0]
    # The same device (and secret) until it is confirmed, however often the page is loaded.
    assert secret in client.get("/staff/enrol/").content.decode()
    assert TOTPDevice.objects.filter(user=user).count() == 1

    response = client.post("/staff/enrol/", {"code": code_from_secret(secret)})
    assert response["Location"] == "/staff/"
    device.refresh_from_db()
    assert device.confirmed
    assert is_verified_session(client)
    assert AuditEvent.objects.filter(action="staff.totp_enrolled", target="newcomer").exists()
    assert AuditEvent.objects.filter(action="staff.sign_in", target="newcomer").exists()


def test_it_refuses_a_wrong_enrolment_code(db: None) -> None:
    make_staff("counsellor", username="newcomer", with_totp=False)
    client = Client()
    sign_in_with_password(client, "newcomer")
    client.get("/staff/enrol/")
    response = client.post("/staff/enrol/", {"code": "000000"})
    assert response.status_code == 200
    assert b"That code did not work" in response.content
    assert not TOTPDevice.objects.filter(confirmed=True).exists()


def test_it_never_lets_a_password_alone_replace_a_confirmed_authenticator(counsellor: User) -> None:
    client = signed_in_client(counsellor, verified=False)
    response = client.get("/staff/enrol/")
    assert response["Location"] == "/staff/login/code/"
    response = client.post("/staff/enrol/", {"code": "123456"})
    assert response["Location"] == "/staff/login/code/"
    assert TOTPDevice.objects.filter(user=counsellor).count() == 1


def test_it_ends_verification_when_the_authenticator_is_reset(counsellor: User) -> None:
    client = signed_in_client(counsellor)
    assert is_verified_session(client)
    do_reset_totp(actor=None, user=counsellor)
    assert client.get("/staff/workspace/")["Location"].startswith("/staff/login/code/")


def test_it_signs_out_by_post_only_and_audits_it(counsellor: User) -> None:
    client = signed_in_client(counsellor)
    assert client.get("/staff/logout/").status_code == 405
    assert is_verified_session(client)
    response = client.post("/staff/logout/")
    assert response["Location"] == "/staff/login/"
    assert client.get("/staff/workspace/")["Location"].startswith("/staff/login/")
    assert AuditEvent.objects.filter(action="staff.sign_out", target="counsellor").count() == 1
    assert b"You have signed out" in client.get("/staff/login/").content


def test_it_sets_secure_httponly_strict_cookies(counsellor: User) -> None:
    client = Client()
    response = sign_in_with_password(client, "counsellor")
    cookie = response.cookies["staff_session"]
    assert cookie["httponly"] is True
    assert cookie["secure"] is True
    assert cookie["samesite"] == "Strict"
    assert cookie["max-age"] == ""  # ends with the browser, and earlier when idle
    csrf = client.get("/staff/login/").cookies["staff_csrftoken"]
    assert csrf["httponly"] is True and csrf["secure"] is True and csrf["samesite"] == "Strict"


def test_it_ends_a_session_left_idle_past_the_limit(counsellor: User, settings) -> None:
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    client = signed_in_client(counsellor)
    start = timezone.now()
    # Activity every 29 minutes keeps the session alive well past 30 minutes in total ...
    for minutes in (29, 58, 87):
        with mock.patch("django.utils.timezone.now", return_value=start + timedelta(minutes=minutes)):
            assert client.get("/staff/workspace/").status_code == 200, minutes
    # ... and 31 minutes without a request ends it.
    with mock.patch("django.utils.timezone.now", return_value=start + timedelta(minutes=87 + 31)):
        response = client.get("/staff/workspace/")
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/login/?next=")


def test_it_rate_limits_sign_in_attempts_per_address_hash(counsellor: User, settings) -> None:
    settings.STAFF_SIGNIN_RATE = "3/m"
    client = Client()
    for number in range(3):
        assert sign_in_with_password(client, f"someone-{number}", "wrong-password-1").status_code == 200
    response = sign_in_with_password(client, "someone-else", "wrong-password-1")
    assert response.status_code == 429
    assert b"Please wait a moment" in response.content
    # Even the right password waits: the limit comes before the check.
    assert sign_in_with_password(client, "counsellor").status_code == 429
    # Another address is not affected.
    assert sign_in_with_password(client, "counsellor", REMOTE_ADDR="198.51.100.7").status_code == 302


def test_it_keys_the_address_limit_on_the_keyed_hash(counsellor: User, settings) -> None:
    settings.STAFF_SIGNIN_RATE = "2/m"
    client = Client()
    for number in range(2):
        sign_in_with_password(client, f"someone-{number}", "wrong-password-1")
    assert sign_in_with_password(client, "someone-2", "wrong-password-1").status_code == 429
    # A new HMAC key makes the same address a stranger: the limit followed the hash, not the address.
    do_rotate_key()
    assert sign_in_with_password(client, "counsellor").status_code == 302


def test_it_rate_limits_sign_in_attempts_per_account(counsellor: User, settings) -> None:
    settings.STAFF_SIGNIN_ACCOUNT_RATE = "3/h"
    for number in range(3):
        response = sign_in_with_password(Client(), "counsellor", "wrong-password-1", REMOTE_ADDR=f"192.0.2.{number}")
        assert response.status_code == 200
    response = sign_in_with_password(Client(), "Counsellor", REMOTE_ADDR="192.0.2.99")
    assert response.status_code == 429


def test_it_rate_limits_code_attempts(counsellor: User, settings) -> None:
    settings.STAFF_SIGNIN_RATE = "100/m"
    settings.STAFF_SIGNIN_ACCOUNT_RATE = "3/h"
    client = Client()
    sign_in_with_password(client, "counsellor")
    for _ in range(3):
        assert client.post("/staff/login/code/", {"code": "000000"}).status_code == 200
    response = client.post("/staff/login/code/", {"code": code_for(counsellor)})
    assert response.status_code == 429
    assert not is_verified_session(client)


def test_it_rate_limits_enrolment_attempts(db: None, settings) -> None:
    settings.STAFF_SIGNIN_ACCOUNT_RATE = "2/h"
    make_staff("counsellor", username="newcomer", with_totp=False)
    client = Client()
    sign_in_with_password(client, "newcomer")
    for _ in range(2):
        assert client.post("/staff/enrol/", {"code": "000000"}).status_code == 200
    assert client.post("/staff/enrol/", {"code": "000000"}).status_code == 429


def test_it_sends_a_signed_in_person_from_the_sign_in_page_to_their_home(counsellor: User) -> None:
    client = signed_in_client(counsellor)
    assert client.get("/staff/login/")["Location"] == "/staff/"
    assert client.get("/staff/login/code/")["Location"] == "/staff/"
    assert client.get("/staff/enrol/")["Location"] == "/staff/"


def test_it_shows_accessible_sign_in_forms(db: None) -> None:
    html = Client().get("/staff/login/").content.decode()
    assert 'autocomplete="username"' in html and 'autocomplete="current-password"' in html
    assert '<label for="id_username">' in html and '<label for="id_password">' in html
    assert 'name="robots" content="noindex, nofollow"' in html
    # No quick exit on staff pages: /exit clears the origin's storage, counsellor keys included.
    assert "Exit this page" not in html and "quick-exit" not in html
    response = Client().post("/staff/login/", {"username": "", "password": ""})
    html = response.content.decode()
    assert 'role="alert"' in html
    assert 'aria-describedby="id_username-error"' in html
