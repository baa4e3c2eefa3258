"""The administration home: the setup checklist until it is done, and the way to each section."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from helpline.setup_checklist import checklist, setup_facts
from helpline.staff.access import staff_required
from helpline.staff.manage.common import READERS, can_edit


@never_cache
@require_GET
@staff_required(*READERS)
def home(request: HttpRequest) -> HttpResponse:
    items = checklist(setup_facts()) if can_edit(request) else []
    context = {
        "items": items,
        "remaining": sum(1 for item in items if not item.done),
        "can_edit": can_edit(request),
        "is_superuser": request.user.is_superuser,
        "section": "home",
    }
    return render(request, "helpline/manage/home.html", context)
