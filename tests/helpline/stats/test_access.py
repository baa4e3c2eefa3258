"""Only managers and admins, signed in with a second factor, reach the statistics and exports."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tests.personas import make_staff, signed_in_client

PAGES = ["/manage/stats/", "/manage/stats/export.csv", "/manage/stats/export.json"]


@pytest.fixture
def person(db: None) -> Callable[..., Client]:
    """`person(username, role, verified=True)`: that person's browser, signed in (role None: no role)."""

    def sign_in(username: str, role: str | None, *, verified: bool = True) -> Client:
        user = make_staff(role, username=username) if role else User.objects.create_user(username, password=None)
        return signed_in_client(user, verified=verified)

    return sign_in


@pytest.mark.parametrize("url", PAGES)
def test_it_sends_anonymous_visitors_to_the_staff_login(client: Client, db: None, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/login/?next=")


@pytest.mark.parametrize("url", PAGES)
def test_it_requires_a_verified_second_factor(person: Callable[..., Client], url: str) -> None:
    unverified = person("manager-without-otp", "manager", verified=False)
    response = unverified.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/login/")


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("group", ["counsellor", "supervisor", None])
def test_it_refuses_other_roles_calmly(person: Callable[..., Client], url: str, group: str | None) -> None:
    response = person(f"someone-{group}", group).get(url)
    assert response.status_code == 403
    assert b"This page is for service managers" in response.content
    assert b"Nothing is wrong with your account" in response.content


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("group", ["manager", "admin"])
def test_it_lets_managers_and_admins_in(person: Callable[..., Client], url: str, group: str) -> None:
    response = person(f"a-{group}", group).get(url)
    assert response.status_code == 200


def test_it_lets_a_verified_superuser_in(db: None) -> None:
    user = User.objects.create_superuser("root", password="a long test password 1")
    assert signed_in_client(user).get("/manage/stats/").status_code == 200


def test_it_refuses_a_manager_whose_account_is_disabled(person: Callable[..., Client]) -> None:
    client = person("gone", "manager")
    User.objects.filter(username="gone").update(is_active=False)
    # A deactivated account loses its session on the next request.
    assert client.get("/manage/stats/").status_code in (302, 403)


def test_it_only_answers_get(manager_client: Client) -> None:
    assert manager_client.post("/manage/stats/export.csv").status_code == 405
