"""Manager statistics: the dashboard and its CSV and JSON exports (managers and admins only)."""

from __future__ import annotations

import csv
import io
import json
import time
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from helpline.audit import do_audit
from helpline.ratelimits import limited
from helpline.stats import present
from helpline.stats.access import manager_required
from helpline.stats.aggregate import Query, filter_options, report
from helpline.stats.forms import StatsQueryForm

MARKERS = {
    "<k": "a count from 1 to k-1, not published",
    "x": "withheld so that a small count elsewhere in the same table cannot be worked out",
}


def _service_tz() -> ZoneInfo:
    return ZoneInfo(settings.SERVICE_TIME_ZONE)


def _form(request: HttpRequest) -> tuple[StatsQueryForm, Query | None]:
    tz = _service_tz()
    today = timezone.now().astimezone(tz).date()
    form = StatsQueryForm(request.GET, today=today)
    if not form.is_valid():
        return form, None
    data = form.cleaned_data
    query = Query(start=data["start"], end=data["end"], by=data["by"], tz=tz, filter=data["filter"])
    return form, query


@require_GET
@manager_required
@limited(group="stats", rate="120/m")
def dashboard(request: HttpRequest) -> HttpResponse:
    began = time.perf_counter()
    form, query = _form(request)
    context: dict[str, Any] = {"form": form, "k": settings.STATS_MIN_COUNT, "time_zone": settings.SERVICE_TIME_ZONE}
    if query is not None:
        form.set_filter_options(filter_options(query))
        result = report(query, k=settings.STATS_MIN_COUNT)
        context.update(
            form=form,
            query=query,
            headlines=present.headlines(result),
            series=present.series_figure(result),
            heatmaps=present.heatmap_figures(result),
            histograms=present.histogram_figures(result),
            funnel=present.funnel_figures(result),
            sections=present.sections(result),
            export_query=request.GET.urlencode(),
        )
        # Secure messages (chat/mailbox/stats.py), counted by day with the same suppression.
        from chat.mailbox.stats import report_for

        context["mailbox"] = report_for(query, k=settings.STATS_MIN_COUNT)
    context["elapsed_ms"] = round((time.perf_counter() - began) * 1000)
    return render(request, "helpline/stats/dashboard.html", context, status=200 if query else 400)


def _export(request: HttpRequest, kind: str) -> tuple[Query | None, HttpResponse | None, list[present.ExportTable]]:
    form, query = _form(request)
    if query is None:
        errors = {field: [str(e) for e in errs] for field, errs in form.errors.items()}
        return None, JsonResponse({"errors": errors}, status=400), []
    tables = present.export_tables(report(query, k=settings.STATS_MIN_COUNT))
    do_audit(actor=request.user, action="stats.export", target=kind, detail=_query_json(query))
    return query, None, tables


def _query_json(query: Query) -> dict[str, Any]:
    return {
        "start": query.start.isoformat(),
        "end": query.end.isoformat(),
        "by": query.by,
        "filter": dict([query.filter]) if query.filter else {},
        "time_zone": str(query.tz),
    }


def _filename(query: Query, extension: str) -> str:
    return f"helpline-stats-{query.start:%Y%m%d}-{query.end:%Y%m%d}-{query.by}.{extension}"


def _spreadsheet_safe(value: object) -> object:
    """Keep a spreadsheet from reading a label as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


@require_GET
@manager_required
@limited(group="stats-export", rate="30/m")
def export_csv(request: HttpRequest) -> HttpResponse:
    query, error, tables = _export(request, "csv")
    if error is not None or query is None:
        return error or HttpResponse(status=400)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["table", "row", "column", "value"])
    for table in tables:
        for row in table.rows:
            for header, value in zip(table.headers[1:], row[1:], strict=True):
                writer.writerow([_spreadsheet_safe(v) for v in (table.name, row[0], header, value)])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(query, "csv")}"'
    return response


@require_GET
@manager_required
@limited(group="stats-export", rate="30/m")
def export_json(request: HttpRequest) -> HttpResponse:
    query, error, tables = _export(request, "json")
    if error is not None or query is None:
        return error or HttpResponse(status=400)
    k = settings.STATS_MIN_COUNT
    body = {
        "query": _query_json(query),
        "k": k,
        "markers": {f"<{k}": MARKERS["<k"].replace("k-1", str(k - 1)), "x": MARKERS["x"]},
        "tables": [{"name": t.name, "columns": t.headers, "rows": t.rows} for t in tables],
    }
    response = HttpResponse(json.dumps(body, indent=1), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{_filename(query, "json")}"'
    return response


