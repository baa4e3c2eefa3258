"""Personas for the statistics pages: a manager, an admin, a counsellor, all with TOTP verified."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice


def _person(username: str, group: str | None, *, verified: bool = True) -> Client:
    user = User.objects.create_user(username, password="a long test password 1")
    if group:
        user.groups.add(Group.objects.get_or_create(name=group)[0])
    client = Client()
    client.force_login(user)
    if verified:
        device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def person(db: None) -> Callable[..., Client]:
    return _person


@pytest.fixture
def manager(person: Callable[..., Client]) -> Client:
    return person("manager", "manager")
