"""The counters' one entry point: several counts of one event in one transaction add up exactly as
the same counts made one by one."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from helpline.counters import do_count, do_count_many
from helpline.models import Counter

pytestmark = pytest.mark.django_db

AT = datetime(2026, 11, 26, 10, 30, tzinfo=UTC)
EVENT: list[tuple[str, dict[str, object] | None]] = [
    ("contact_attempted", {"when": "open"}),
    ("chat_queued", {"priority": "normal", "pathway": "self", "language": "en", "source": ""}),
    ("crisis_shown", None),
    ("contact_attempted", {"when": "open"}),
]


def table() -> dict[tuple[str, str], int]:
    return {(c.metric, c.dimension): c.value for c in Counter.objects.all()}


def test_many_counts_in_one_step_equal_the_same_counts_one_by_one() -> None:
    for metric, dims in EVENT:
        do_count(metric, dims=dims, at=AT)
    one_by_one = table()
    Counter.objects.all().delete()
    do_count_many(EVENT, at=AT)
    assert table() == one_by_one
    assert one_by_one[("contact_attempted", "when=open")] == 2
    assert ("chat_queued", "source=") not in one_by_one  # empty values are not a dimension
    assert {c.hour for c in Counter.objects.all()} == {AT.replace(minute=0)}


def test_nothing_to_count_writes_nothing() -> None:
    do_count_many([], at=AT)
    assert table() == {}
