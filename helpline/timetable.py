"""The weekly timetable as staff read and type it: pure, no database.

A day's periods are typed as "09:00-13:00, 14:00-18:00" (an en dash works too; "24:00" or
"00:00" as a closing time means midnight at the end of the day). `parse_day` turns that into
helpline.hours.Period values or raises ValueError with a sentence for the form; `format_day`
writes it back; `week_grid` is the hour-by-hour picture of the week; `time_zone_in_words`
names the service's zone the way a person says it.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from helpline.hours import MIDNIGHT, Period, PeriodLike

MAX_PERIODS_PER_DAY = 6
# A hyphen, an en dash or an em dash between the two times.
_PERIOD = re.compile(r"^(\d{1,2})[:.](\d{2})\s*[-\u2013\u2014]\s*(\d{1,2})[:.](\d{2})$")


def _clock(hours: str, minutes: str, *, closing: bool) -> time:
    h, m = int(hours), int(minutes)
    if closing and (h, m) == (24, 0):
        return MIDNIGHT
    if not (0 <= h <= 23 and 0 <= m <= 59):
        raise ValueError(_("%(time)s is not a time of day.") % {"time": f"{hours}:{minutes}"})
    return time(h, m)


def parse_day(weekday: int, text: str) -> list[Period]:
    """'09:00-13:00, 14:00-18:00' -> two periods on `weekday`; '' -> closed all day."""
    periods: list[Period] = []
    parts = [part.strip() for part in re.split(r"[,;\n]", text) if part.strip()]
    if len(parts) > MAX_PERIODS_PER_DAY:
        raise ValueError(_("At most %(n)d periods a day.") % {"n": MAX_PERIODS_PER_DAY})
    for part in parts:
        found = _PERIOD.match(part)
        if found is None:
            raise ValueError(
                _("“%(part)s” is not a period. Write it as 09:00-17:00; separate periods with commas.")
                % {"part": part[:40]}
            )
        opens = _clock(found.group(1), found.group(2), closing=False)
        closes = _clock(found.group(3), found.group(4), closing=True)
        if closes != MIDNIGHT and closes <= opens:
            raise ValueError(
                _("%(part)s closes before it opens. A period ends on the same day; use 24:00 for midnight.")
                % {"part": part}
            )
        periods.append(Period(weekday=weekday, opens=opens, closes=closes))
    periods.sort(key=lambda p: p.opens)
    for before, after in itertools.pairwise(periods):
        if before.closes == MIDNIGHT or after.opens < before.closes:
            raise ValueError(
                _("Two periods overlap: %(a)s and %(b)s.") % {"a": period_text(before), "b": period_text(after)}
            )
    return periods


def period_text(period: PeriodLike) -> str:
    closes = "24:00" if period.closes == MIDNIGHT else f"{period.closes:%H:%M}"
    return f"{period.opens:%H:%M}-{closes}"


def format_day(periods: Iterable[PeriodLike]) -> str:
    return ", ".join(period_text(p) for p in sorted(periods, key=lambda p: p.opens))


def _open_minutes(period: PeriodLike) -> tuple[int, int]:
    end = 24 * 60 if period.closes == MIDNIGHT else period.closes.hour * 60 + period.closes.minute
    return period.opens.hour * 60 + period.opens.minute, end


def week_grid(periods: Sequence[PeriodLike]) -> list[list[str]]:
    """Seven rows (Monday first) of 24 cells: "open", "part" (open for part of the hour) or "closed"."""
    grid: list[list[str]] = []
    for weekday in range(7):
        spans = [_open_minutes(p) for p in periods if p.weekday == weekday]
        row = []
        for hour in range(24):
            start, end = hour * 60, hour * 60 + 60
            covered = sum(max(0, min(end, b) - max(start, a)) for a, b in spans)
            row.append("open" if covered >= 60 else "part" if covered > 0 else "closed")
        grid.append(row)
    return grid


def _offset_text(offset: timedelta | None) -> str:
    if offset is None:
        return "UTC"
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def time_zone_in_words(zone: str, now: datetime) -> str:
    """'Europe/Berlin' -> 'Berlin time (Europe/Berlin), now CET, UTC+1'."""
    tz = ZoneInfo(zone)
    local = now.astimezone(tz)
    city = zone.rsplit("/", 1)[-1].replace("_", " ")
    if zone in ("UTC", "Etc/UTC"):
        return _("Coordinated Universal Time (UTC)")
    return _("%(city)s time (%(zone)s), now %(abbreviation)s, %(offset)s") % {
        "city": city,
        "zone": zone,
        "abbreviation": local.tzname() or "",
        "offset": _offset_text(local.utcoffset()),
    }


def week_in_words(periods: Sequence[PeriodLike], day_names: Sequence[str]) -> str:
    """'Monday 09:00-17:00; Tuesday closed; ...' for the {opening_hours} placeholder and screen readers."""
    parts = []
    for weekday, name in enumerate(day_names):
        day = [p for p in periods if p.weekday == weekday]
        parts.append(f"{name} {format_day(day)}" if day else _("%(day)s closed") % {"day": name})
    return "; ".join(parts)
