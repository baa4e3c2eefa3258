"""Content: triage questions with their effects and a preview of the form; canned responses with a
placeholder preview; crisis contacts with the day they were last checked. Self-help articles and
the triage questions' texts are edited in the Django admin, linked from these pages."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from helpline.content import (
    do_delete_canned_response,
    do_mark_crisis_contact_checked,
    do_save_canned_response,
    preview_text,
    preview_values,
)
from helpline.hours import _read_schedule
from helpline.models import CannedResponse, TriageQuestion
from helpline.placeholders import PLACEHOLDERS
from helpline.staff.access import staff_required
from helpline.staff.accounts import staff_profile
from helpline.staff.manage.common import EDITORS, READERS, can_edit
from helpline.staff.manage.forms import CannedResponseForm, day_names
from helpline.timetable import week_in_words
from helpline.triage import load_catalogue


def _values(request: HttpRequest) -> Any:
    profile = staff_profile(request.user)  # type: ignore[arg-type]
    hours = week_in_words(_read_schedule().periods, [str(n) for n in day_names()])
    return preview_values(counsellor=profile.pseudonym, opening_hours=hours)


@never_cache
@require_GET
@staff_required(*READERS)
def content(request: HttpRequest) -> HttpResponse:
    from resources.models import CrisisContact

    language = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
    values = _values(request)
    questions = TriageQuestion.objects.prefetch_related("options").order_by("position", "id")
    canned = [(row, preview_text(row.body, values)) for row in CannedResponse.objects.all()]
    context = {
        "questions": questions,
        "preview_questions": load_catalogue().localised(language),
        "canned": canned,
        "contacts": CrisisContact.objects.all(),
        "can_edit": can_edit(request),
        "section": "content",
    }
    return render(request, "helpline/manage/content.html", context)


def _canned_or_404(pk: int | None) -> CannedResponse | None:
    if pk is None:
        return None
    found = CannedResponse.objects.filter(pk=pk).first()
    if found is None:
        raise Http404("No such canned response.")
    return found


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
@staff_required(*READERS)
def canned(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    response = _canned_or_404(pk)
    editable = can_edit(request)
    if request.method == "POST" and not editable:
        raise PermissionDenied("Managers read the content only.")
    initial = (
        {"title": response.title, "language": response.language, "body": response.body,
         "position": response.position, "active": response.active}
        if response else {"language": settings.LANGUAGE_CODE, "position": 0, "active": True}
    )
    form = CannedResponseForm(request.POST or None, initial=initial)
    values = _values(request)
    shown = preview_text(response.body, values) if response else ""
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if request.POST.get("intent") == "preview":
            shown = preview_text(data["body"], values)
        else:
            try:
                saved = do_save_canned_response(
                    actor=request.user, response=response, title=data["title"], body=data["body"],
                    language=data["language"], position=data["position"], active=data["active"],
                )
            except ValidationError as exc:
                for name, errors in exc.message_dict.items():
                    for error in errors:
                        form.add_error(name if name in form.fields else None, error)
                status = 400
            else:
                messages.success(request, _("Saved the canned response “%(title)s”.") % {"title": saved.title})
                return HttpResponseRedirect(reverse("manage-canned", args=[saved.pk]))
    elif request.method == "POST":
        status = 400
    context = {
        "form": form, "response": response, "preview": shown, "placeholders": PLACEHOLDERS.items(),
        "can_edit": editable, "section": "content",
    }
    if form.errors:
        status = 400
    return render(request, "helpline/manage/canned.html", context, status=status)


@never_cache
@csrf_protect
@require_POST
@staff_required(*EDITORS)
def canned_delete(request: HttpRequest, pk: int) -> HttpResponse:
    response = _canned_or_404(pk)
    assert response is not None
    do_delete_canned_response(actor=request.user, response=response)
    messages.success(request, _("Deleted the canned response."))
    return HttpResponseRedirect(reverse("manage-content"))


@never_cache
@csrf_protect
@require_POST
@staff_required(*EDITORS)
def crisis_checked(request: HttpRequest, pk: int) -> HttpResponse:
    if not do_mark_crisis_contact_checked(actor=request.user, contact_id=pk):
        raise Http404("No such crisis contact.")
    messages.success(request, _("Marked the crisis contact as checked today."))
    return HttpResponseRedirect(reverse("manage-content") + "#crisis-contacts")
