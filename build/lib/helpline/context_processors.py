from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def service(request: HttpRequest) -> dict[str, object]:
    return {"SERVICE_NAME": settings.SERVICE_NAME, "QUICK_EXIT_URL": settings.QUICK_EXIT_URL}
