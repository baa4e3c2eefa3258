"""The chat's pages: the help-seeker's chat page and the revocation list its browser fetches.

Keeps nothing. The chat page reads service content (opening hours, triage questions, the feedback
form) and the published root key; it sets no cookie (helpline.middleware strips any), reads no
cookie, and logs nothing about the person. The chat itself runs in the browser
(chat/static/chat/js/seeker.js); the page only hands it what it needs in data- attributes and
hidden templates.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from chat.certificates import ROOT_KEY_ASSET, revocation_list, root_key_fingerprint
from helpline.hours import opening_words, service_status, service_time_zone, time_zone_words
from helpline.links import seeker_links
from helpline.ratelimits import limited
from helpline.schedule import closure_note
from helpline.triage import load_catalogue
from helpline.wrapup import feedback_form

SOURCE_CODE = re.compile(r"^[a-z0-9_-]{1,32}$")
SEEKER_SOCKET_PATH = "/ws/seeker/"
MAX_MESSAGE_CHARS = 4000


@require_GET
def chat(request: HttpRequest) -> HttpResponse:
    """The chat app, or the closed-hours page while the service is closed."""
    is_open, opens_at = service_status()
    context: dict[str, object] = {**seeker_links()}
    if not is_open:
        language = get_language() or settings.LANGUAGE_CODE
        context["opens_at"] = opening_words(opens_at, language, settings.SERVICE_TIME_ZONE) if opens_at else ""
        context["closure_note"] = closure_note(timezone.localdate(timezone=service_time_zone()))
        return render(request, "helpline/chat_closed.html", context)
    fingerprint = root_key_fingerprint()
    source = request.GET.get("src", "")
    language = get_language() or settings.LANGUAGE_CODE
    context.update(
        {
            "available": fingerprint is not None,
            "questions": load_catalogue().localised(language),
            "feedback_questions": feedback_form(),
            "socket_path": SEEKER_SOCKET_PATH,
            "root_key_url": static(ROOT_KEY_ASSET) if fingerprint else "",
            "root_fingerprint": fingerprint or "",
            "revoked_url": reverse("seeker-revoked"),
            "language": language,
            "source": source if SOURCE_CODE.match(source) else "",
            "max_message_chars": MAX_MESSAGE_CHARS,
            "time_zone": settings.SERVICE_TIME_ZONE,
            "time_zone_words": time_zone_words(settings.SERVICE_TIME_ZONE),
        }
    )
    return render(request, "helpline/chat.html", context)


@never_cache
@require_GET
@limited(group="revoked", rate="120/m")
def revoked(request: HttpRequest) -> JsonResponse:
    """Revoked certificate serials and key fingerprints, fetched before a seeker accepts an offer."""
    response = JsonResponse({"revoked": revocation_list()})
    response.headers["Cache-Control"] = "no-store"
    return response
