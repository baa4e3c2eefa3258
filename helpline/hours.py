"""Opening hours: whether the chat service is open now, and when it next opens.

Keeps nothing. The schedule (weekly periods and closure dates) is service content in the database
(helpline.models.OpeningHours and Closure), in settings.SERVICE_TIME_ZONE local time.

`is_open` and `next_opening` are pure and DST-correct: periods are wall-clock times in the
service's zone, so a service open 09:00-17:00 opens at 09:00 local time on both sides of a clock
change, and an opening time that a spring-forward skips opens at the moment the clocks jump.
`service_status` is the one function here that reads the database; it keeps the schedule in
process memory for SCHEDULE_CACHE_SECONDS, and a save or delete of a period or closure clears this
process's copy at once (signals connected in HelplineConfig.ready).
"""

from __future__ import annotations

import time as monotonic_time
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Final, Protocol
from zoneinfo import ZoneInfo

from helpline.process_cache import ProcessCache

LOOKAHEAD_DAYS: Final = 14
SCHEDULE_CACHE_SECONDS: Final = 30.0
MIDNIGHT: Final = time(0)


class PeriodLike(Protocol):
    @property
    def weekday(self) -> int: ...
    @property
    def opens(self) -> time: ...
    @property
    def closes(self) -> time: ...


@dataclass(frozen=True)
class Period:
    """Open on `weekday` (0 = Monday) from `opens` until `closes`; `closes` 00:00 is midnight at the end."""

    weekday: int
    opens: time
    closes: time

    def __post_init__(self) -> None:
        check_period(self)


def check_period(period: PeriodLike) -> None:
    if not 0 <= period.weekday <= 6:
        raise ValueError("weekday must be 0 (Monday) to 6 (Sunday)")
    if period.closes != MIDNIGHT and period.closes <= period.opens:
        raise ValueError("a period closes after it opens on the same day (00:00 means midnight)")


def _contains(period: PeriodLike, local: datetime) -> bool:
    if period.weekday != local.weekday():
        return False
    wall = local.time().replace(tzinfo=None, fold=0)
    return period.opens <= wall and (period.closes == MIDNIGHT or wall < period.closes)


def _aware(now: datetime) -> datetime:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be an aware datetime")
    return now


def is_open(now: datetime, periods: Iterable[PeriodLike], closures: Collection[date], tz: ZoneInfo) -> bool:
    local = _aware(now).astimezone(tz)
    if local.date() in closures:
        return False
    return any(_contains(period, local) for period in periods)


def _transition(start: datetime, end: datetime, tz: ZoneInfo) -> datetime | None:
    """The instant in [start, end) (UTC) at which the zone's offset changes, if it changes once there."""
    before = start.astimezone(tz).utcoffset()
    if end.astimezone(tz).utcoffset() == before:
        return None
    low, high = start, end
    # Offsets change on whole seconds: halve the interval until one second separates the ends.
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) // 2
        middle = middle.replace(microsecond=0)
        if middle.astimezone(tz).utcoffset() == before:
            low = middle
        else:
            high = middle
    return high


def next_opening(
    now: datetime, periods: Iterable[PeriodLike], closures: Collection[date], tz: ZoneInfo
) -> datetime | None:
    """The earliest instant at or after `now` at which the service is open, in UTC.

    `now` itself when the service is open; None when it does not open within LOOKAHEAD_DAYS.

    The service opens either where the local clock reaches a period's opening time (in either
    occurrence of a repeated hour) or where a clock change jumps into a period. Both kinds of
    instant are listed for every day ahead, and the earliest one at which the service is open
    is the answer, so skipped and repeated hours need no special cases.
    """
    now = _aware(now).astimezone(UTC)
    periods = list(periods)
    if is_open(now, periods, closures, tz):
        return now
    today = now.astimezone(tz).date()
    horizon = now + timedelta(days=LOOKAHEAD_DAYS)
    candidates: list[datetime] = []
    for offset in range(LOOKAHEAD_DAYS + 1):
        day = today + timedelta(days=offset)
        if day in closures:
            continue
        for period in periods:
            if period.weekday != day.weekday():
                continue
            for fold in (0, 1):
                wall = datetime.combine(day, period.opens, tzinfo=tz).replace(fold=fold)
                candidates.append(wall.astimezone(UTC))
        day_start = datetime.combine(day, MIDNIGHT, tzinfo=tz).astimezone(UTC)
        day_end = datetime.combine(day + timedelta(days=1), MIDNIGHT, tzinfo=tz).astimezone(UTC)
        change = _transition(day_start, day_end, tz)
        if change is not None:
            candidates.append(change)
    for candidate in sorted(set(candidates)):
        if candidate <= now or candidate > horizon:
            continue
        if is_open(candidate, periods, closures, tz):
            return candidate
    return None


# --- The schedule from the database (I/O) ------------------------------------------------------


@dataclass(frozen=True)
class Schedule:
    periods: tuple[Period, ...]
    closures: frozenset[date]


_cache: ProcessCache[Schedule] = ProcessCache(SCHEDULE_CACHE_SECONDS)


def load_schedule() -> Schedule:
    return _cache.get(_read_schedule, now=monotonic_time.monotonic())


def _read_schedule() -> Schedule:
    from helpline.models import Closure, OpeningHours

    periods = []
    for row in OpeningHours.objects.order_by("weekday", "opens"):
        try:
            periods.append(Period(weekday=row.weekday, opens=row.opens, closes=row.closes))
        except ValueError:
            # A row that bypassed the admin's validation (a raw SQL edit) is skipped, not fatal.
            continue
    # All closures, past ones included: a service adds a handful a year, and `service_status` may
    # be asked about any moment.
    closures = frozenset(Closure.objects.values_list("date", flat=True))
    return Schedule(periods=tuple(periods), closures=closures)


def clear_schedule_cache(**_: object) -> None:
    _cache.clear()


def service_time_zone() -> ZoneInfo:
    from django.conf import settings

    return ZoneInfo(settings.SERVICE_TIME_ZONE)


def service_status(now: datetime | None = None) -> tuple[bool, datetime | None]:
    """(True, None) while the service is open; (False, next opening in UTC or None) while closed."""
    from django.utils import timezone

    now = now or timezone.now()
    schedule = load_schedule()
    tz = service_time_zone()
    if is_open(now, schedule.periods, schedule.closures, tz):
        return True, None
    return False, next_opening(now, schedule.periods, schedule.closures, tz)


def connect_signals() -> None:
    from django.db.models.signals import post_delete, post_save

    from helpline.models import Closure, OpeningHours

    for model in (OpeningHours, Closure):
        for signal in (post_save, post_delete):
            signal.connect(_cache.clear_now_and_on_commit, sender=model, dispatch_uid=f"hours-cache-{model.__name__}")


# --- Opening times in words, in the page's language ---------------------------------------------

# Django date formats (django.utils.dateformat) per language, for "when the chat opens next". The
# day and month names come from Django's own catalogues; a language not listed uses English order.
OPENING_FORMATS: Final = {
    "en": "l j F, H:i",
    "de": r"l, j. F, H:i \U\h\r",
    "nl": r"l j F, H:i \u\u\r",
    "fr": r"l j F, H \h i",
    "es": r"l, j \d\e F, H:i",
    "ar": "l j F، H:i",
}


def time_zone_words(zone: str) -> str:
    """The service's time zone as people say it ("UK time", "britische Zeit"), in the active language."""
    from django.utils.translation import gettext

    names = {
        "Europe/London": gettext("UK time"),
        "Europe/Dublin": gettext("Irish time"),
        "Europe/Berlin": gettext("German time"),
        "Europe/Vienna": gettext("Austrian time"),
        "Europe/Zurich": gettext("Swiss time"),
        "Europe/Amsterdam": gettext("Dutch time"),
        "Europe/Brussels": gettext("Belgian time"),
        "Europe/Paris": gettext("French time"),
        "Europe/Madrid": gettext("Spanish time"),
        "America/New_York": gettext("US Eastern time"),
        "UTC": gettext("Coordinated Universal Time (UTC)"),
    }
    if zone in names:
        return names[zone]
    city = zone.rsplit("/", 1)[-1].replace("_", " ")
    return gettext("time in %(city)s") % {"city": city}


def opening_words(when: datetime, lang: str, zone: str) -> str:
    """`when` as a reader of `lang` writes it, in the service's zone, with the zone in words.

    For example "Wednesday 2 December, 00:00 (UK time)" or, in German,
    "Mittwoch, 2. Dezember, 00:00 Uhr (britische Zeit)".
    """
    from django.utils import dateformat, translation

    local = _aware(when).astimezone(ZoneInfo(zone))
    with translation.override(lang):
        text = dateformat.format(local, OPENING_FORMATS.get(lang, OPENING_FORMATS["en"]))
        return f"{text} ({time_zone_words(zone)})"
