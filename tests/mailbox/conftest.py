"""Fixtures for the secure-message tests: counsellors with certified identity keys and inbox keys."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.mailbox.helpers import Counsellor, with_inbox_key


@pytest.fixture
def inbox_counsellor(staff: Callable[..., Any], db: None) -> Callable[..., Counsellor]:
    """`inbox_counsellor(username)`: a signed-in, certified counsellor with a registered inbox key."""

    def make(username: str, **kwargs: Any) -> Counsellor:
        return with_inbox_key(staff(username, **kwargs))

    return make
