"""Changing the opening hours and closures, and previewing what a help-seeker sees at a moment.

Keeps: the weekly periods (helpline.models.OpeningHours) and closure days (Closure) as service
content, until staff change them. Every change is one `do_*` here, audited by actor and day; the
signals in helpline.hours clear the cached schedule when rows change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.db import transaction

from helpline.audit import do_audit
from helpline.hours import Period, Schedule, _read_schedule, is_open, next_opening, service_time_zone
from helpline.models import Closure, OpeningHours
from helpline.staff.accounts import Actor
from helpline.timetable import format_day

OPEN = "open"
CLOSED = "closed"
FULL = "full"


def do_set_week(*, actor: Actor, week: Mapping[int, Sequence[Period]]) -> list[int]:
    """Replace the periods of each weekday in `week` (0 = Monday); returns the weekdays that changed."""
    changed: list[int] = []
    with transaction.atomic():
        for weekday in sorted(week):
            before = format_day(OpeningHours.objects.filter(weekday=weekday))
            after = format_day(week[weekday])
            if before == after:
                continue
            OpeningHours.objects.filter(weekday=weekday).delete()
            OpeningHours.objects.bulk_create(
                OpeningHours(weekday=weekday, opens=p.opens, closes=p.closes) for p in week[weekday]
            )
            changed.append(weekday)
            do_audit(
                actor=actor, action="schedule.day_changed", target=f"weekday:{weekday}",
                detail={"from": before or "closed", "to": after or "closed"},
            )
    if changed:
        # bulk_create and queryset deletes send no model signals: clear the cached schedule here.
        from helpline.hours import clear_schedule_cache

        transaction.on_commit(clear_schedule_cache)
        clear_schedule_cache()
    return changed


def check_closure_date(day: dt.date) -> dt.date:
    if Closure.objects.filter(date=day).exists():
        raise ValueError("There is already a closure on this day.")
    return day


def do_add_closure(*, actor: Actor, day: dt.date, reason: str = "", seeker_note: str = "") -> Closure:
    check_closure_date(day)
    with transaction.atomic():
        closure = Closure.objects.create(date=day, reason=reason.strip()[:200], seeker_note=seeker_note.strip()[:200])
        do_audit(actor=actor, action="schedule.closure_added", target=f"closure:{day:%Y-%m-%d}", detail={})
    return closure


def do_remove_closure(*, actor: Actor, closure_id: int) -> bool:
    with transaction.atomic():
        closure = Closure.objects.filter(pk=closure_id).first()
        if closure is None:
            return False
        closure.delete()
        do_audit(actor=actor, action="schedule.closure_removed", target=f"closure:{closure.date:%Y-%m-%d}", detail={})
    return True


def closure_note(day: dt.date) -> str:
    """What help-seekers are told about a closure on `day` (local date), or ''."""
    return Closure.objects.filter(date=day).values_list("seeker_note", flat=True).first() or ""


@dataclass(frozen=True)
class Preview:
    state: str  # OPEN, CLOSED or FULL
    moment: dt.datetime  # local time in the service's zone
    opens_at: dt.datetime | None  # local, when closed
    note: str  # a closure's note for seekers, when closed by one


def preview(moment: dt.datetime, *, queue_full: bool = False, schedule: Schedule | None = None) -> Preview:
    """What the chat page shows at `moment` (aware), read from the database now, not the cache."""
    schedule = schedule or _read_schedule()
    tz = service_time_zone()
    local = moment.astimezone(tz)
    if is_open(moment, schedule.periods, schedule.closures, tz):
        return Preview(state=FULL if queue_full else OPEN, moment=local, opens_at=None, note="")
    opens = next_opening(moment, schedule.periods, schedule.closures, tz)
    note = closure_note(local.date()) if local.date() in schedule.closures else ""
    return Preview(state=CLOSED, moment=local, opens_at=opens.astimezone(tz) if opens else None, note=note)
