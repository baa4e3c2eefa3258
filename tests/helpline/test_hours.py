from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st

from helpline import hours
from helpline.hours import LOOKAHEAD_DAYS, Period, is_open, next_opening, service_status
from helpline.models import Closure, OpeningHours

LONDON = ZoneInfo("Europe/London")
NOON = time(12)


def weekdays(opens: time, closes: time) -> list[Period]:
    return [Period(weekday=day, opens=opens, closes=closes) for day in range(5)]


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


# --- Pure: is_open -----------------------------------------------------------------------------


def test_it_is_open_all_day_with_a_midnight_to_midnight_period() -> None:
    periods = [Period(weekday=day, opens=time(0), closes=time(0)) for day in range(7)]
    for hour in range(24):
        assert is_open(utc(2025, 6, 4, hour, 59), periods, set(), LONDON)


def test_it_reads_periods_in_the_service_time_zone() -> None:
    periods = weekdays(time(9), time(17))
    # Summer in London is UTC+1: 08:30 UTC is 09:30 local.
    assert is_open(utc(2025, 6, 4, 8, 30), periods, set(), LONDON)
    assert not is_open(utc(2025, 6, 4, 7, 59), periods, set(), LONDON)
    assert not is_open(utc(2025, 6, 4, 16, 0), periods, set(), LONDON)
    # Winter is UTC+0.
    assert is_open(utc(2025, 1, 8, 16, 59), periods, set(), LONDON)
    assert not is_open(utc(2025, 1, 8, 17, 0), periods, set(), LONDON)
    # Saturday.
    assert not is_open(utc(2025, 6, 7, 12, 0), periods, set(), LONDON)


def test_it_allows_several_periods_a_day_and_closing_at_midnight() -> None:
    periods = [Period(weekday=2, opens=time(10), closes=time(12)), Period(weekday=2, opens=time(18), closes=time(0))]
    wednesday = date(2025, 1, 8)
    assert wednesday.weekday() == 2
    assert is_open(utc(2025, 1, 8, 11, 0), periods, set(), LONDON)
    assert not is_open(utc(2025, 1, 8, 14, 0), periods, set(), LONDON)
    assert is_open(utc(2025, 1, 8, 23, 59, 59), periods, set(), LONDON)
    assert not is_open(utc(2025, 1, 9, 0, 0), periods, set(), LONDON)


def test_it_is_closed_on_a_closure_date() -> None:
    periods = weekdays(time(9), time(17))
    assert not is_open(utc(2025, 12, 25, 12, 0), periods, {date(2025, 12, 25)}, LONDON)
    assert is_open(utc(2025, 12, 24, 12, 0), periods, {date(2025, 12, 25)}, LONDON)


def test_it_refuses_periods_that_cross_midnight_or_run_backwards() -> None:
    with pytest.raises(ValueError, match="closes after it opens"):
        Period(weekday=0, opens=time(22), closes=time(2))
    with pytest.raises(ValueError, match="closes after it opens"):
        Period(weekday=0, opens=time(9), closes=time(9))
    with pytest.raises(ValueError, match="weekday"):
        Period(weekday=7, opens=time(9), closes=time(10))


def test_it_refuses_a_naive_now() -> None:
    with pytest.raises(ValueError, match="aware"):
        is_open(datetime(2025, 1, 1, 12), [], set(), LONDON)


# --- Pure: next_opening ------------------------------------------------------------------------


def test_it_opens_next_on_monday_morning_after_a_weekend() -> None:
    periods = weekdays(time(9), time(17))
    saturday = utc(2025, 6, 7, 12, 0)
    assert next_opening(saturday, periods, set(), LONDON) == utc(2025, 6, 9, 8, 0)


def test_it_opens_later_the_same_day() -> None:
    periods = [Period(weekday=2, opens=time(10), closes=time(12)), Period(weekday=2, opens=time(18), closes=time(20))]
    assert next_opening(utc(2025, 1, 8, 13, 0), periods, set(), LONDON) == utc(2025, 1, 8, 18, 0)
    assert next_opening(utc(2025, 1, 8, 7, 0), periods, set(), LONDON) == utc(2025, 1, 8, 10, 0)


def test_it_gives_now_while_open() -> None:
    now = utc(2025, 1, 8, 11, 0)
    assert next_opening(now, weekdays(time(9), time(17)), set(), LONDON) == now


def test_it_skips_closure_dates() -> None:
    periods = weekdays(time(9), time(17))
    closures = {date(2025, 12, 25), date(2025, 12, 26)}
    assert next_opening(utc(2025, 12, 24, 18, 0), periods, closures, LONDON) == utc(2025, 12, 29, 9, 0)


def test_it_gives_none_when_nothing_opens_within_two_weeks() -> None:
    periods = weekdays(time(9), time(17))
    closures = {date(2025, 1, 1) + timedelta(days=n) for n in range(30)}
    assert next_opening(utc(2025, 1, 1, 0, 0), periods, closures, LONDON) is None
    assert next_opening(utc(2025, 1, 1, 0, 0), [], set(), LONDON) is None


# Spring forward in London: Sunday 30 March 2025, 01:00 GMT becomes 02:00 BST (at 01:00 UTC).
# Fall back: Sunday 26 October 2025, 02:00 BST becomes 01:00 GMT (at 01:00 UTC).


def test_it_keeps_local_opening_times_across_the_spring_forward() -> None:
    daily = [Period(weekday=day, opens=time(9), closes=time(17)) for day in range(7)]
    assert next_opening(utc(2025, 3, 29, 18, 0), daily, set(), LONDON) == utc(2025, 3, 30, 8, 0)
    assert next_opening(utc(2025, 3, 28, 18, 0), daily, set(), LONDON) == utc(2025, 3, 29, 9, 0)


def test_it_opens_when_the_clocks_jump_over_the_opening_time() -> None:
    # 01:30 does not exist on that day; the wall clock jumps from 00:59:59 to 02:00, inside the period.
    sunday = [Period(weekday=6, opens=time(1, 30), closes=time(3))]
    assert next_opening(utc(2025, 3, 30, 0, 10), sunday, set(), LONDON) == utc(2025, 3, 30, 1, 0)
    assert not is_open(utc(2025, 3, 30, 0, 59, 59), sunday, set(), LONDON)
    assert is_open(utc(2025, 3, 30, 1, 0), sunday, set(), LONDON)
    # A period wholly inside the skipped hour never opens that day: the next Sunday it does.
    skipped = [Period(weekday=6, opens=time(1, 15), closes=time(1, 45))]
    assert next_opening(utc(2025, 3, 30, 0, 10), skipped, set(), LONDON) == utc(2025, 4, 6, 0, 15)


def test_it_keeps_local_opening_times_across_the_fall_back() -> None:
    daily = [Period(weekday=day, opens=time(9), closes=time(17)) for day in range(7)]
    assert next_opening(utc(2025, 10, 25, 18, 0), daily, set(), LONDON) == utc(2025, 10, 26, 9, 0)
    assert next_opening(utc(2025, 10, 24, 18, 0), daily, set(), LONDON) == utc(2025, 10, 25, 8, 0)


def test_it_opens_again_in_the_repeated_hour() -> None:
    # 01:15-01:45 happens twice: 00:15-00:45 UTC (BST) and 01:15-01:45 UTC (GMT).
    sunday = [Period(weekday=6, opens=time(1, 15), closes=time(1, 45))]
    assert next_opening(utc(2025, 10, 26, 0, 0), sunday, set(), LONDON) == utc(2025, 10, 26, 0, 15)
    assert next_opening(utc(2025, 10, 26, 0, 50), sunday, set(), LONDON) == utc(2025, 10, 26, 1, 15)
    # 00:30-01:30 is left at 01:30 BST and re-entered when the clock falls back to 01:00 GMT.
    straddle = [Period(weekday=6, opens=time(0, 30), closes=time(1, 30))]
    assert not is_open(utc(2025, 10, 26, 0, 45), straddle, set(), LONDON)
    assert next_opening(utc(2025, 10, 26, 0, 45), straddle, set(), LONDON) == utc(2025, 10, 26, 1, 0)


# --- Properties --------------------------------------------------------------------------------

QUARTER = timedelta(minutes=15)
ZONES = ["Europe/London", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu", "UTC", "Pacific/Chatham"]
quarter_times = st.integers(min_value=0, max_value=95).map(lambda n: time(n // 4, n % 4 * 15))


@st.composite
def periods_strategy(draw: st.DrawFn) -> list[Period]:
    result = []
    for _ in range(draw(st.integers(min_value=0, max_value=6))):
        weekday = draw(st.integers(min_value=0, max_value=6))
        opens = draw(quarter_times)
        closes = draw(quarter_times.filter(lambda t, o=opens: t > o or t == time(0)))
        result.append(Period(weekday=weekday, opens=opens, closes=closes))
    return result


moments = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
)
# Clock changes fall on these dates in some of the zones below, so examples land near them often.
near_changes = st.sampled_from(
    [utc(2025, 3, 30, 0, 0), utc(2025, 10, 26, 0, 0), utc(2025, 3, 9, 6, 0), utc(2025, 11, 2, 5, 0),
     utc(2025, 4, 5, 14, 0), utc(2025, 10, 4, 15, 0)]
).flatmap(lambda base: st.integers(min_value=-36 * 60, max_value=36 * 60).map(lambda m: base + timedelta(minutes=m)))


def closures_near(now: datetime) -> st.SearchStrategy[set[date]]:
    return st.sets(st.integers(min_value=-1, max_value=16).map(lambda n: now.date() + timedelta(days=n)), max_size=6)


@settings(max_examples=150, deadline=None)
@given(st.one_of(moments, near_changes), periods_strategy(), st.sampled_from(ZONES), st.data())
def test_it_gives_a_next_opening_that_is_later_open_and_the_earliest(
    now: datetime, periods: list[Period], zone: str, data: st.DataObject
) -> None:
    tz = ZoneInfo(zone)
    closures = data.draw(closures_near(now))
    opening = next_opening(now, periods, closures, tz)
    if is_open(now, periods, closures, tz):
        assert opening == now
        return
    assert opening is None or (opening > now and is_open(opening, periods, closures, tz))
    # Periods start on quarter hours and every zone's offsets are whole quarter hours, so the
    # service can only open on a quarter hour in UTC: none between now and the answer is open.
    end = opening if opening is not None else now + timedelta(days=LOOKAHEAD_DAYS)
    probe = now.replace(minute=now.minute // 15 * 15, second=0, microsecond=0) + QUARTER
    while probe < end:
        assert not is_open(probe, periods, closures, tz), probe
        probe += QUARTER


# --- The schedule from the database ------------------------------------------------------------


@pytest.fixture(autouse=True)
def _fresh_schedule_cache() -> Iterator[None]:
    hours.clear_schedule_cache()
    yield
    hours.clear_schedule_cache()


@pytest.fixture
def office_hours(db: None) -> None:
    OpeningHours.objects.all().delete()
    for day in range(5):
        OpeningHours.objects.create(weekday=day, opens=time(9), closes=time(17))


@pytest.mark.django_db
def test_it_ships_open_every_day_all_day() -> None:
    rows = list(OpeningHours.objects.values_list("weekday", "opens", "closes"))
    assert sorted(rows) == [(day, time(0), time(0)) for day in range(7)]
    assert service_status(utc(2025, 6, 7, 3, 0)) == (True, None)
    assert service_status() == (True, None)


def test_it_reports_closed_with_the_next_opening(office_hours: None, settings) -> None:
    settings.SERVICE_TIME_ZONE = "Europe/London"
    assert service_status(utc(2025, 6, 7, 12, 0)) == (False, utc(2025, 6, 9, 8, 0))
    assert service_status(utc(2025, 6, 9, 8, 0)) == (True, None)


def test_it_follows_closures_saved_in_the_admin(office_hours: None, settings) -> None:
    settings.SERVICE_TIME_ZONE = "Europe/London"
    assert service_status(utc(2025, 12, 25, 12, 0))[0] is True
    closure = Closure.objects.create(date=date(2025, 12, 25), reason="Christmas Day")
    assert service_status(utc(2025, 12, 25, 12, 0)) == (False, utc(2025, 12, 26, 9, 0))
    closure.delete()
    assert service_status(utc(2025, 12, 25, 12, 0))[0] is True


def test_it_caches_the_schedule_for_thirty_seconds(office_hours: None, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = SimpleNamespace(now=500.0)
    monkeypatch.setattr(hours, "monotonic_time", SimpleNamespace(monotonic=lambda: clock.now))
    saturday = utc(2025, 6, 7, 12, 0)
    assert service_status(saturday)[0] is False
    # A queryset update sends no signal: only the cache lifetime brings the change in.
    OpeningHours.objects.filter(weekday=0).update(weekday=5)
    clock.now += 29
    assert service_status(saturday)[0] is False
    clock.now += 2
    assert service_status(saturday)[0] is True


@pytest.mark.django_db
def test_it_caches_the_schedule_without_queries(django_assert_num_queries) -> None:
    service_status()
    with django_assert_num_queries(0):
        service_status()


@pytest.mark.django_db
def test_it_clears_the_schedule_cache_when_hours_are_saved() -> None:
    saturday = utc(2025, 6, 7, 12, 0)
    assert service_status(saturday)[0] is True
    OpeningHours.objects.filter(weekday=5).delete()  # a queryset delete sends post_delete per row
    assert service_status(saturday)[0] is False


@pytest.mark.django_db
def test_it_validates_opening_hours_in_the_model() -> None:
    with pytest.raises(ValidationError, match="close after it opens"):
        OpeningHours(weekday=1, opens=time(22), closes=time(2)).full_clean()
    with pytest.raises(ValidationError):
        OpeningHours(weekday=7, opens=time(9), closes=time(10)).full_clean()
    OpeningHours(weekday=1, opens=time(22), closes=time(0)).full_clean()


@pytest.mark.django_db
def test_it_refuses_a_period_across_midnight_in_the_admin(admin_client: Client) -> None:
    response = admin_client.post(
        "/admin/helpline/openinghours/add/", {"weekday": "4", "opens": "22:00", "closes": "02:00"}
    )
    assert response.status_code == 200
    assert "close after it opens" in response.content.decode()
    assert not OpeningHours.objects.filter(opens=time(22)).exists()
    response = admin_client.post(
        "/admin/helpline/openinghours/add/", {"weekday": "4", "opens": "22:00", "closes": "00:00"}
    )
    assert response.status_code == 302
    assert OpeningHours.objects.filter(weekday=4, opens=time(22), closes=time(0)).exists()


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", "Wednesday 2 December, 00:00 (UK time)"),
        ("de", "Mittwoch, 2. Dezember, 00:00 Uhr (britische Zeit)"),
        ("nl", "woensdag 2 december, 00:00 uur (Britse tijd)"),
        ("fr", "mercredi 2 décembre, 00 h 00 (heure du Royaume-Uni)"),
        ("es", "miércoles, 2 de diciembre, 00:00 (hora del Reino Unido)"),
    ],
)
def test_it_says_when_the_chat_opens_as_each_language_writes_it(lang: str, words: str) -> None:
    assert hours.opening_words(datetime(2026, 12, 2, 0, 0, tzinfo=UTC), lang, "Europe/London") == words


def test_it_names_a_time_zone_it_has_no_words_for_by_its_city() -> None:
    from django.utils import translation

    with translation.override("en"):
        assert hours.time_zone_words("America/Los_Angeles") == "time in Los Angeles"
    assert hours.opening_words(datetime(2026, 7, 1, 7, 30, tzinfo=UTC), "en", "Europe/Berlin") == (
        "Wednesday 1 July, 09:30 (German time)"
    )
