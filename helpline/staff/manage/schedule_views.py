"""Schedule: the weekly timetable, closures, and a preview of the chat page at a chosen moment."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from helpline.hours import _read_schedule, service_time_zone
from helpline.links import seeker_links
from helpline.models import Closure
from helpline.schedule import do_add_closure, do_remove_closure, do_set_week, preview
from helpline.staff.access import staff_required
from helpline.staff.manage.common import EDITORS, READERS, can_edit
from helpline.staff.manage.forms import ClosureForm, PreviewForm, WeekForm, day_names
from helpline.timetable import format_day, time_zone_in_words, week_grid
from helpline.triage import load_catalogue


def _week_initial() -> dict[str, str]:
    periods = _read_schedule().periods
    return {f"day_{d}": format_day([p for p in periods if p.weekday == d]) for d in range(7)}


def _schedule_context(request: HttpRequest, week_form: WeekForm, closure_form: ClosureForm) -> dict[str, Any]:
    schedule = _read_schedule()
    names = [str(n) for n in day_names()]
    grid = week_grid(schedule.periods)
    today = timezone.localdate(timezone=service_time_zone())
    return {
        "week_form": week_form,
        "closure_form": closure_form,
        "grid": list(zip(names, grid, strict=True)),
        "days": [(names[d], format_day([p for p in schedule.periods if p.weekday == d])) for d in range(7)],
        "hours": range(24),
        "time_zone": time_zone_in_words(settings.SERVICE_TIME_ZONE, timezone.now()),
        "closures": Closure.objects.filter(date__gte=today - dt.timedelta(days=7)),
        "can_edit": can_edit(request),
        "section": "schedule",
    }


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
@staff_required(*READERS)
def schedule(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if not can_edit(request):
            raise PermissionDenied("Managers read the schedule only.")
        week_form = WeekForm(request.POST)
        if week_form.is_valid():
            changed = do_set_week(actor=request.user, week=week_form.cleaned_data["week"])
            if changed:
                messages.success(request, _("Saved the opening hours."))
            else:
                messages.info(request, _("Nothing changed."))
            return HttpResponseRedirect(reverse("manage-schedule"))
    else:
        week_form = WeekForm(initial=_week_initial())
    return render(request, "helpline/manage/schedule.html", _schedule_context(request, week_form, ClosureForm()))


@never_cache
@csrf_protect
@require_POST
@staff_required(*EDITORS)
def add_closure(request: HttpRequest) -> HttpResponse:
    form = ClosureForm(request.POST)
    if form.is_valid():
        try:
            do_add_closure(
                actor=request.user, day=form.cleaned_data["date"], reason=form.cleaned_data["reason"],
                seeker_note=form.cleaned_data["seeker_note"],
            )
        except ValueError:
            form.add_error("date", _("There is already a closure on this day."))
        else:
            messages.success(request, _("Added the closure."))
            return HttpResponseRedirect(reverse("manage-schedule"))
    week_form = WeekForm(initial=_week_initial())
    return render(request, "helpline/manage/schedule.html", _schedule_context(request, week_form, form), status=400)


@never_cache
@csrf_protect
@require_POST
@staff_required(*EDITORS)
def remove_closure(request: HttpRequest, pk: int) -> HttpResponse:
    if do_remove_closure(actor=request.user, closure_id=pk):
        messages.success(request, _("Removed the closure."))
    return HttpResponseRedirect(reverse("manage-schedule"))


@never_cache
@require_GET
@staff_required(*READERS)
def schedule_preview(request: HttpRequest) -> HttpResponse:
    tz = service_time_zone()
    now_local = timezone.localtime(timezone.now(), tz).replace(second=0, microsecond=0)
    form = PreviewForm(request.GET or None, initial={"at": now_local.replace(tzinfo=None)})
    moment = now_local
    full = False
    if form.is_valid():
        chosen = form.cleaned_data["at"]
        if chosen is not None:
            # The form reads the wall time in Django's zone; the person typed it in the service's.
            moment = timezone.make_aware(chosen.replace(tzinfo=None), tz)
        full = bool(form.cleaned_data["full"])
    shown = preview(moment, queue_full=full)
    language = request.LANGUAGE_CODE if hasattr(request, "LANGUAGE_CODE") else settings.LANGUAGE_CODE
    context = {
        "form": form,
        "preview": shown,
        "time_zone": settings.SERVICE_TIME_ZONE,
        "time_zone_words": time_zone_in_words(settings.SERVICE_TIME_ZONE, moment),
        "questions": load_catalogue().localised(language),
        "section": "schedule",
        **seeker_links(),
    }
    return render(request, "helpline/manage/schedule_preview.html", context)
