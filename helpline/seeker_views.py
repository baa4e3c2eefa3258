"""The help-seeker's pages: home, chat, "how we protect you", and the calm error pages.

Keeps nothing. These views read service content (opening hours, triage questions) and the
published root key; they set no cookie (helpline.middleware strips any), read no cookie, and log
nothing about the person. The chat itself runs in the browser (chat/static/chat/js/seeker.js);
the chat page only hands it what it needs in data- attributes and hidden templates.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from chat import e2ee
from chat.certificates import CertificateError, load_public_key, revocation_list
from chat.management.commands.collectstatic import ROOT_KEY_ASSET
from helpline.hours import opening_words, service_status, time_zone_words
from helpline.ratelimits import limited
from helpline.staticfiles import integrity_manifest
from helpline.triage import load_catalogue
from helpline.wrapup import feedback_form

logger = logging.getLogger(__name__)

SOURCE_CODE = re.compile(r"^[a-z0-9_-]{1,32}$")
SEEKER_SOCKET_PATH = "/ws/seeker/"
MAX_MESSAGE_CHARS = 4000


def localised_path(path: str) -> str:
    """A seeker path in the active language: /crisis/ in English, /de/crisis/ in German.

    The self-help pages belong to the resources app; the chat links to them by path.
    """
    language = get_language() or settings.LANGUAGE_CODE
    if language == settings.LANGUAGE_CODE:
        return path
    return f"/{language}{path}"


def seeker_links() -> dict[str, str]:
    return {
        "self_help_url": localised_path("/help/"),
        "self_assessment_url": localised_path("/help/self-assessment/"),
        "crisis_url": localised_path("/crisis/"),
        "private_url": localised_path("/staying-private/"),
    }


@lru_cache(maxsize=4)
def _fingerprint_of(path: str, mtime_ns: int) -> str:
    return e2ee.fingerprint(load_public_key(path))


def root_key_fingerprint() -> str | None:
    """Fingerprint of the configured organisation root public key, or None when it is missing.

    It comes from the key file, not from the static asset, so that the page and the asset are two
    independent statements that the browser compares (seeker.js refuses to start on a mismatch).
    """
    path = Path(settings.ORG_ROOT_PUBLIC_KEY)
    try:
        return _fingerprint_of(str(path), path.stat().st_mtime_ns)
    except (OSError, CertificateError):
        logger.error("the organisation root public key cannot be read; the chat cannot start")
        return None


def grouped_fingerprint(fingerprint: str | None) -> str:
    return e2ee.format_fingerprint(fingerprint) if fingerprint else ""


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "helpline/home.html", {"chat_url": reverse("seeker-chat"), **seeker_links()})


@require_GET
def chat(request: HttpRequest) -> HttpResponse:
    """The chat app, or the closed-hours page while the service is closed."""
    is_open, opens_at = service_status()
    context: dict[str, object] = {**seeker_links()}
    if not is_open:
        language = get_language() or settings.LANGUAGE_CODE
        context["opens_at"] = opening_words(opens_at, language, settings.SERVICE_TIME_ZONE) if opens_at else ""
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


@require_GET
def how_we_protect_you(request: HttpRequest) -> HttpResponse:
    fingerprint = root_key_fingerprint()
    return render(
        request,
        "helpline/protect.html",
        {
            "root_fingerprint": grouped_fingerprint(fingerprint),
            "root_key_url": static(ROOT_KEY_ASSET) if fingerprint else "",
            "manifest": integrity_manifest(),
            "grace_minutes": settings.SEEKER_GRACE_SECONDS // 60,
            **seeker_links(),
        },
    )


@require_GET
def staying_private(request: HttpRequest) -> HttpResponse:
    """Advice on keeping a visit private on this device: private windows, history, shared devices."""
    return render(request, "helpline/private.html", seeker_links())


@never_cache
@require_GET
@limited(group="revoked", rate="120/m")
def revoked(request: HttpRequest) -> JsonResponse:
    """Revoked certificate serials and key fingerprints, fetched before a seeker accepts an offer."""
    response = JsonResponse({"revoked": revocation_list()})
    response.headers["Cache-Control"] = "no-store"
    return response


MINIMAL_500 = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1"><title>Something went wrong</title></head>'
    '<body><p><a href="/exit" rel="nofollow noreferrer">Exit this page</a></p><main>'
    "<h1>Something went wrong on our side</h1>"
    "<p>Please try again in a moment. Nothing you entered has been kept.</p>"
    '<p><a href="/">Go to the start page</a></p></main></body></html>'
)


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page in the same calm frame; if even that cannot be drawn, a plain page that can."""
    try:
        return render(request, "500.html", status=500)
    except Exception:
        logger.error("the 500 page could not be rendered; sent the plain one")
        return HttpResponseServerError(MINIMAL_500)
