"""A scripted day of contacts, counted exactly as the live path counts them, gives exact statistics.

Every write below is a `do_count` call as the catalogue in helpline/metrics.py documents it: the
metric, its dimensions (one row each) and, for durations, the fixed bin. The day is in British
Summer Time, so local hours differ from the UTC buckets.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from helpline import metrics as m
from helpline.counters import do_count
from helpline.stats.aggregate import Query, fetch, report
from helpline.stats.suppression import SHOWN, SMALL

LONDON = ZoneInfo("Europe/London")
DAY = date(2025, 7, 14)  # a Monday in summer time (UTC+1)
K = 5


def local(hour: int, minute: int = 0) -> datetime:
    return datetime(DAY.year, DAY.month, DAY.day, hour, minute, tzinfo=LONDON)


def seeker_chat(
    *,
    at: datetime,
    priority: str,
    pathway: str,
    language: str,
    wait: float,
    answered: bool = True,
    dropped: bool = False,
    ended_by: str = "seeker",
    duration: float = 900,
    wrapup: dict[str, str] | None = None,
) -> None:
    do_count(m.CONTACT_ATTEMPTED, dims={"when": "open"}, at=at)
    do_count(m.CHAT_QUEUED, dims={"priority": priority, "pathway": pathway, "language": language}, at=at)
    left = at + timedelta(seconds=wait)
    if not answered:
        do_count(m.CHAT_ABANDONED, dims={"priority": priority, "language": language}, at=left)
        do_count(m.ABANDON_WAIT_SECONDS, dims={"bin": m.bin_label(wait, m.WAIT_BINS)}, at=left)
        return
    do_count(m.CHAT_ANSWERED, dims={"priority": priority, "pathway": pathway, "language": language}, at=left)
    do_count(m.WAIT_SECONDS, dims={"bin": m.bin_label(wait, m.WAIT_BINS)}, at=left)
    end = left + timedelta(seconds=duration)
    if dropped:
        do_count(m.CHAT_DROPPED, dims={"priority": priority}, at=end)
        return
    do_count(
        m.CHAT_COMPLETED,
        dims={"priority": priority, "pathway": pathway, "language": language, "ended_by": ended_by},
        at=end,
    )
    do_count(m.CHAT_DURATION_SECONDS, dims={"bin": m.bin_label(duration, m.DURATION_BINS)}, at=end)
    do_count(m.WRAPUP_FILED, dims=wrapup or {}, at=end)


def scripted_day() -> None:
    # Before opening: three people find the service closed.
    for minute in (5, 20, 40):
        do_count(m.CONTACT_ATTEMPTED, dims={"when": "closed"}, at=local(8, minute))
    # Morning: eight chats between 10:00 and 11:00 (six answered, one dropped, two left the queue).
    waits = [10, 20, 25, 45, 50, 70, 15, 400]
    for i, wait in enumerate(waits):
        seeker_chat(
            at=local(10, i * 5),
            priority="crisis" if i == 0 else "normal",
            pathway="self" if i % 4 else "concerned_other",
            language="de" if i == 3 else "en",
            wait=wait,
            answered=i not in (6, 7),
            dropped=i == 5,
            ended_by="counsellor" if i == 2 else "seeker",
            duration=600 + 300 * i,
            wrapup={"concern": "sexual_thoughts" if i % 2 else "illegal_images", "outcome": "supported"},
        )
    # Evening: the queue is full for two people, then six more chats are answered quickly.
    for minute in (1, 2):
        do_count(m.CONTACT_ATTEMPTED, dims={"when": "full"}, at=local(20, minute))
    for i in range(6):
        seeker_chat(
            at=local(21, i * 6),
            priority="raised",
            pathway="self",
            language="en",
            wait=5,
            duration=1000,
            wrapup={"concern": "sexual_thoughts", "outcome": "referred"},
        )
    # Staffing: two counsellors (limit two chats each) for the hours 10:00-11:00 and 21:00-22:00.
    for hour in (10, 21):
        for minute in range(60):
            do_count(m.CAPACITY_COUNSELLOR_MINUTES, n=2, at=local(hour, minute))
            do_count(m.CAPACITY_SLOT_MINUTES, n=4, at=local(hour, minute))
            do_count(m.LOAD_CHAT_MINUTES, n=1, at=local(hour, minute))
    # Self-help and a landing page.
    for source in ("search_warning",) * 7 + ("partner_site",) * 2:
        do_count(m.LANDING_VISIT, dims={"source": source}, at=local(19))
    do_count(m.LANDING_CHAT_STARTED, dims={"source": "search_warning"}, at=local(21))


@pytest.fixture
def day(db: None) -> Query:
    scripted_day()
    return Query(start=DAY, end=DAY, by="day", tz=LONDON)


def test_it_adds_up_the_raw_counters_of_the_day(day: Query) -> None:
    sums = fetch(day)
    bucket = datetime(2025, 7, 14)
    assert {metric: values[bucket] for metric, values in sums.series.items()} == {
        m.CONTACT_ATTEMPTED: 3 + 8 + 2 + 6,
        m.CHAT_QUEUED: 14,
        m.CHAT_ANSWERED: 12,
        m.CHAT_ABANDONED: 2,
        m.CHAT_DROPPED: 1,
        m.CHAT_COMPLETED: 11,
        m.CAPACITY_COUNSELLOR_MINUTES: 240,
        m.CAPACITY_SLOT_MINUTES: 480,
        m.LOAD_CHAT_MINUTES: 120,
    }
    assert sums.totals[m.CONTACT_ATTEMPTED] == {"": 19, "when=open": 14, "when=closed": 3, "when=full": 2}
    assert sums.totals[m.WAIT_SECONDS] == {"": 12, "bin=0-30": 9, "bin=30-60": 2, "bin=60-120": 1}
    # Monday is ISO weekday 1 (index 0); the closed contacts were at 08:xx local time, 07:xx UTC.
    assert sums.week_hours[m.CONTACT_ATTEMPTED] == {(0, 8): 3, (0, 10): 8, (0, 20): 2, (0, 21): 6}


def test_it_publishes_exactly_the_expected_statistics(day: Query) -> None:
    result = report(day, k=K)
    totals = {metric: cell.text(K) for metric, cell in result.totals.items()}
    assert totals[m.CONTACT_ATTEMPTED] == "19"
    assert totals[m.CHAT_QUEUED] == "14"
    assert totals[m.CHAT_ANSWERED] == "12"
    assert totals[m.CHAT_ABANDONED] == "<5"
    assert totals[m.CHAT_DROPPED] == "<5"
    assert totals[m.CHAT_COMPLETED] == "11"
    assert totals[m.LANDING_VISIT] == "9"
    assert totals[m.LANDING_CHAT_STARTED] == "<5"
    # 12 of 14 answered; the abandonment rate would reveal the small count, so it is withheld.
    assert result.answered_rate.percent == pytest.approx(100 * 12 / 14)
    assert result.abandonment_rate.percent is None

    wait = result.histograms[m.WAIT_SECONDS]
    assert [c.text(K) for c in wait.line.cells] == ["9", "<5", "<5", "0", "0", "0", "0", "0", "0"]
    # Median: the 6th of 12 waits lies in 0-30 (9 there): 0 + 30 * 6 / 9 = 20 s.
    assert wait.median is not None and wait.median.seconds == pytest.approx(20.0)
    # 90th percentile: 10.8 of 12 lies in 30-60 after 9: 30 + 30 * 1.8 / 2 = 57 s.
    assert wait.p90 is not None and wait.p90.seconds == pytest.approx(57.0)
    # Two abandoned chats: the quantiles are estimated but not published.
    assert result.histograms[m.ABANDON_WAIT_SECONDS].median is None

    when = next(b for b in result.breakdowns if (b.metric, b.dimension) == (m.CONTACT_ATTEMPTED, "when"))
    assert dict(zip(when.labels, [c.text(K) for c in when.cells], strict=True)) == {
        "closed": "<5",
        "full": "<5",
        "open": "14",
    }
    # Two small cells in one line with a known total: the markers leave 3+2 or 2+3 (and more)
    # possible, so nothing else needs withholding.
    assert when.total.text(K) == "19"

    concern = next(b for b in result.breakdowns if (b.metric, b.dimension) == (m.WRAPUP_FILED, "concern"))
    assert dict(zip(concern.labels, [c.text(K) for c in concern.cells], strict=True)) == {
        "illegal_images": "<5",
        "sexual_thoughts": "x",
    }
    assert concern.total.text(K) == "11"

    # Staffed capacity: 4 counsellor-hours; 120 chat-minutes over a 1,440-minute day.
    assert result.capacity_hours == pytest.approx(4.0)
    assert result.mean_concurrent_total == pytest.approx(120 / 1440)


def test_it_buckets_by_local_hour(day: Query) -> None:
    by_hour = Query(start=DAY, end=DAY, by="hour", tz=LONDON)
    result = report(by_hour, k=K)
    attempted = next(s.line for s in result.series if s.metric == m.CONTACT_ATTEMPTED)
    assert attempted is not None
    assert len(result.buckets) == 24 and result.buckets[0] == datetime(2025, 7, 14, 0)
    by_local_hour = {b.hour: c for b, c in zip(result.buckets, attempted.cells, strict=True)}
    assert by_local_hour[10].text(K) == "8" and by_local_hour[21].text(K) == "6"
    assert {by_local_hour[8].status, by_local_hour[20].status} == {SMALL}
    assert all(c.status == SHOWN and c.value == 0 for h, c in by_local_hour.items() if h not in (8, 10, 20, 21))
    assert attempted.total.text(K) == "19"
