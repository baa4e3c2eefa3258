"""Secure messages on the manager dashboard: day-level counters, shown with the same suppression."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User

from chat.mailbox import metrics
from chat.mailbox.stats import mailbox_report
from helpline.models import Counter
from tests.personas import signed_in_client


def test_it_suppresses_small_counts_and_protects_the_first_reply_line() -> None:
    totals = {metrics.CREATED: 12, metrics.MESSAGE_RECEIVED: 30, metrics.THREAD_ANSWERED: 10, metrics.DELETED: 2}
    result = mailbox_report(totals, {"0-4h": 3, "4-24h": 7}, k=5)
    shown = dict(result.totals)
    assert shown["Messages received"].value == 30
    assert shown["Mailboxes deleted by their owners"].status == "small"
    assert shown["Mailboxes expired"].value == 0
    cells = dict(result.first_reply)
    assert cells["0-4h"].status == "small"
    # 4-24h would give away 0-4h from the published total of 10: it is withheld too.
    assert cells["4-24h"].status == "withheld"
    assert result.first_reply_total.value == 10


@pytest.mark.django_db
def test_it_counts_by_day_and_shows_the_figures_to_managers(manager: User, counsellor: User) -> None:
    today = dt.datetime.now(dt.UTC).date()
    metrics.count_n(metrics.MESSAGE_RECEIVED, 7, day=today)
    assert {row.hour.hour for row in Counter.objects.filter(metric=metrics.MESSAGE_RECEIVED)} == {0}
    page = signed_in_client(manager).get("/manage/stats/").content.decode()
    assert "Secure messages" in page and '<th scope="row">Messages received</th><td>7</td>' in page
    assert signed_in_client(counsellor).get("/manage/stats/").status_code == 403
