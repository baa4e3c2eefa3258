"""The audit log for administrators: filters by actor, action and day (UTC), and a CSV export.

Read-only. The log holds staff actions only (helpline.audit); nothing here adds to it except the
export itself, which is audited so that copies of the log leaving the service are known.
"""

from __future__ import annotations

import csv
import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from helpline.audit import do_audit
from helpline.models import AuditEvent
from helpline.staff.access import staff_required
from helpline.staff.manage.forms import AuditFilterForm
from helpline.staff.rules import ADMIN

AUDIT_PAGE_SIZE = 50
CSV_COLUMNS = ("at_utc", "actor", "action", "target", "detail")


def _filtered(request: HttpRequest) -> tuple[AuditFilterForm, QuerySet[AuditEvent], dict[str, str]]:
    actions = sorted(AuditEvent.objects.values_list("action", flat=True).distinct())
    actors = sorted(a for a in AuditEvent.objects.values_list("actor_name", flat=True).distinct() if a)
    form = AuditFilterForm(request.GET or None, actors=actors, actions=actions)
    events = AuditEvent.objects.all()
    chosen: dict[str, str] = {}
    if form.is_valid():
        data = form.cleaned_data
        if data["actor"]:
            events = events.filter(actor_name=data["actor"])
            chosen["actor"] = data["actor"]
        if data["action"]:
            events = events.filter(action=data["action"])
            chosen["action"] = data["action"]
        if data["day"]:
            start = dt.datetime.combine(data["day"], dt.time(0), tzinfo=dt.UTC)
            events = events.filter(at__gte=start, at__lt=start + dt.timedelta(days=1))
            chosen["day"] = f"{data['day']:%Y-%m-%d}"
    return form, events, chosen


@never_cache
@require_GET
@staff_required(ADMIN)
def audit_log(request: HttpRequest) -> HttpResponse:
    form, events, chosen = _filtered(request)
    page = Paginator(events, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode(chosen) + "&" if chosen else ""
    context = {"form": form, "page": page, "query": query, "export_query": urlencode(chosen), "section": "audit"}
    return render(request, "helpline/staff/audit.html", context)


def _detail_text(detail: Any) -> str:
    if not isinstance(detail, dict):
        return ""
    return "; ".join(f"{key}={detail[key]}" for key in sorted(detail))


def _safe_cell(value: str) -> str:
    # A cell that starts with = + - @ is a formula to a spreadsheet; a leading quote keeps it text.
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@never_cache
@require_GET
@staff_required(ADMIN)
def audit_export(request: HttpRequest) -> HttpResponse:
    _form, events, chosen = _filtered(request)
    do_audit(actor=request.user, action="audit.exported", target="", detail=chosen)
    name = f"audit-{timezone.now():%Y%m%d-%H%M}.csv"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for event in events.iterator(chunk_size=500):
        writer.writerow([
            event.at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S"),
            _safe_cell(event.actor_name),
            _safe_cell(event.action),
            _safe_cell(event.target),
            _safe_cell(_detail_text(event.detail)),
        ])
    return response
