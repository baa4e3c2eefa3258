"""Staff personas, defined once for the whole suite (registered as a plugin in tests/conftest.py).

Fixtures: `counsellor`, `other_counsellor`, `supervisor`, `manager`, `admin` (users with a
confirmed authenticator), `manager_client` (the manager signed in with both factors),
`clear_cache` (empties the cache, and with it rate-limit counters), `close_thread_connections`
(for async tests that reach the database from a worker thread), and `admin_client`
(pytest-django's, overridden here to pass the second factor). The help-seeker's side is not a
persona here: in-process tests use `tests/chat/live_helpers.Seeker`, page tests an anonymous
Client (`seeker` in tests/resources/conftest.py), live tests the reference client.
Certified counsellors for the live path are in tests/live_fixtures.py.

Helpers:
    make_staff(role, username=..., **profile)   a staff user made through the real service function
    signed_in_client(user, verified=True)       a Django test client signed in with password (+ code)
    ws_headers(client)                          headers for a WebsocketCommunicator as that client
    await socket_headers(user, verified=True)   the same from an async test, signing the user in
    code_for(user) / code_from_secret(secret)   the current TOTP code
    live_staff(server, role, username)          an account on a live Daphne server (createstaff),
                                                with the password and secret to sign in a browser
"""

from __future__ import annotations

import itertools
import re
import subprocess
import sys
from base64 import b32decode
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

# Passes AUTH_PASSWORD_VALIDATORS; the same for every persona so tests can type it.
PASSWORD = "quiet-harbour-lantern-47"

_numbers = itertools.count(1)


def make_staff(
    role: str,
    *,
    username: str | None = None,
    password: str = PASSWORD,
    with_totp: bool = True,
    **profile: Any,
) -> User:
    """A staff user with its profile and role, and (unless with_totp=False) a confirmed authenticator."""
    from helpline.staff.accounts import do_create_staff

    user, _ = do_create_staff(
        actor=None,
        username=username or f"{role}-{next(_numbers)}",
        password=password,
        role=role,
        with_totp=with_totp,
        via="tests",
        **profile,
    )
    return user


def device_of(user: User) -> TOTPDevice:
    """The user's confirmed authenticator; one is made for users created without (e.g. superusers)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name="tests", confirmed=True)


def code_from_secret(secret: str) -> str:
    """The current 6-digit code for a base32 secret (spaces allowed), as an authenticator app shows it."""
    key = b32decode(secret.replace(" ", "").upper())
    return f"{totp(key):06d}"


def code_for(user: User) -> str:
    device = device_of(user)
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):0{device.digits}d}"


def signed_in_client(user: User, *, verified: bool = True, client: Client | None = None) -> Client:
    """A test client signed in as `user`: password only, or (verified=True) password and code.

    Marks the session the way the sign-in views do, without typing a code: a TOTP code works only
    once, so tests that sign the same person in twice would otherwise have to wait 30 seconds.
    """
    client = client or Client()
    client.force_login(user)
    if verified:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device_of(user).persistent_id
        session.save()
    return client


def ws_headers(client: Client, *, origin: str = "http://testserver") -> list[tuple[bytes, bytes]]:
    """Cookie and Origin headers that make a WebsocketCommunicator connect as the client's user."""
    from django.conf import settings

    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    return [(b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode()), (b"origin", origin.encode())]


async def socket_headers(user: User, *, verified: bool = True) -> list[tuple[bytes, bytes]]:
    """From async tests: sign `user` in and return WebsocketCommunicator headers for that session."""
    from asgiref.sync import sync_to_async

    def sign_in() -> list[tuple[bytes, bytes]]:
        return ws_headers(signed_in_client(user, verified=verified))

    return await sync_to_async(sign_in)()


@dataclass(frozen=True)
class LiveStaff:
    username: str
    password: str
    secret: str | None  # base32; None when the person enrols at sign-in

    def code(self) -> str:
        assert self.secret is not None, "this account enrols at sign-in"
        return code_from_secret(self.secret)


def live_staff(
    server: Any, role: str, username: str, *, password: str = PASSWORD, enrol_at_sign_in: bool = False, **extra: str
) -> LiveStaff:
    """Create an account in a live server's database with `manage.py createstaff`, as an operator would."""
    from tests.conftest import REPO

    args = [sys.executable, "manage.py", "createstaff", username, "--role", role]
    for name, value in extra.items():
        args += [f"--{name.replace('_', '-')}", value]
    if enrol_at_sign_in:
        args.append("--enrol-at-sign-in")
    result = subprocess.run(
        args, cwd=REPO, env=server.env, input=password + "\n", capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    found = re.search(r"^TOTP secret: ([A-Z2-7]+)$", result.stdout, re.MULTILINE)
    return LiveStaff(username=username, password=password, secret=found.group(1) if found else None)


def browser_sign_in(page: Any, server: Any, staff: LiveStaff, *, next_path: str = "") -> None:
    """Sign a Playwright page in through the real forms (password, then the current code)."""
    suffix = f"?next={next_path}" if next_path else ""
    page.goto(f"{server.url}/staff/login/{suffix}")
    page.get_by_label("Username").fill(staff.username)
    page.get_by_label("Password").fill(staff.password)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/staff/login/code/**")
    page.get_by_label("Code from your authenticator app").fill(staff.code())
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


# --- Fixtures ---------------------------------------------------------------------------------


@pytest.fixture
def counsellor(db: None) -> User:
    return make_staff("counsellor", username="counsellor", pseudonym="Sam", languages="en,de")


@pytest.fixture
def other_counsellor(db: None) -> User:
    return make_staff("counsellor", username="other-counsellor", pseudonym="Robin")


@pytest.fixture
def supervisor(db: None) -> User:
    return make_staff("supervisor", username="supervisor", pseudonym="Alex")


@pytest.fixture
def manager(db: None) -> User:
    return make_staff("manager", username="manager")


@pytest.fixture
def admin(db: None) -> User:
    return make_staff("admin", username="admin")


@pytest.fixture
def manager_client(manager: User) -> Client:
    """The manager's browser, signed in with password and code."""
    return signed_in_client(manager)


@pytest.fixture
async def close_thread_connections() -> Any:
    """For async tests that touch the database through database_sync_to_async.

    Those calls run in asgiref's shared worker thread, whose connection outlives the test (the
    PostgreSQL settings keep connections for 60 s) and would keep the test database from being
    dropped at the end of the run. This closes it after the test.
    """
    from channels.db import database_sync_to_async
    from django.db import connections

    yield
    await database_sync_to_async(connections.close_all)()


@pytest.fixture
def admin_client(admin_user: User) -> Client:
    """pytest-django's superuser client, signed in with the second factor the admin site demands."""
    return signed_in_client(admin_user)


@pytest.fixture
def in_english() -> Iterator[None]:
    """Staff messages in English: an earlier test's request may have left another language active."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def clear_cache() -> Iterator[None]:
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
