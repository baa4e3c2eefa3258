"""The weekly timetable as staff type it (helpline.timetable): pure parsing, grid and words."""

from __future__ import annotations

import datetime as dt

import pytest

from helpline.hours import MIDNIGHT, Period
from helpline.timetable import format_day, parse_day, time_zone_in_words, week_grid, week_in_words

pytestmark = pytest.mark.usefixtures("in_english")


def test_it_parses_several_periods_in_any_order_and_with_dashes() -> None:
    periods = parse_day(0, "14:00\u201318:00, 9:00-13:00")
    assert periods == [Period(0, dt.time(9), dt.time(13)), Period(0, dt.time(14), dt.time(18))]
    assert format_day(periods) == "09:00-13:00, 14:00-18:00"


def test_it_reads_24_00_as_midnight_at_the_end_of_the_day() -> None:
    assert parse_day(6, "22:00-24:00") == [Period(6, dt.time(22), MIDNIGHT)]
    assert format_day(parse_day(6, "22:00-00:00")) == "22:00-24:00"


def test_an_empty_day_is_closed() -> None:
    assert parse_day(2, "  ") == []


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("9-5", "is not a period"),
        ("18:00-09:00", "closes before it opens"),
        ("25:00-26:00", "is not a time of day"),
        ("09:00-12:00, 11:00-14:00", "Two periods overlap"),
        ("20:00-24:00, 21:00-22:00", "Two periods overlap"),
        (", ".join(["01:00-01:30"] * 7), "At most 6 periods"),
    ],
)
def test_it_refuses_what_is_not_a_timetable_with_a_sentence(text: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        parse_day(1, text)


def test_it_draws_the_week_hour_by_hour() -> None:
    grid = week_grid([Period(0, dt.time(9), dt.time(12, 30))])
    assert grid[0][8:14] == ["closed", "open", "open", "open", "part", "closed"]
    assert set(grid[1]) == {"closed"}


def test_it_names_the_time_zone_in_words() -> None:
    winter = dt.datetime(2026, 12, 7, 12, tzinfo=dt.UTC)
    summer = dt.datetime(2026, 7, 7, 12, tzinfo=dt.UTC)
    assert time_zone_in_words("Europe/Berlin", winter) == "Berlin time (Europe/Berlin), now CET, UTC+1"
    assert time_zone_in_words("Europe/London", summer) == "London time (Europe/London), now BST, UTC+1"
    assert time_zone_in_words("America/St_Johns", winter).startswith("St Johns time")
    assert time_zone_in_words("America/St_Johns", winter).endswith("UTC-3:30")


def test_it_writes_the_week_in_words() -> None:
    names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    text = week_in_words([Period(0, dt.time(9), dt.time(17))], names)
    assert text.startswith("Mon 09:00-17:00; Tue closed;")
