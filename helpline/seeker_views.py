"""The help-seeker's pages: home, "how we protect you", and the calm error pages.

Keeps nothing. These views read the published root key and the static files' manifest; they set
no cookie (helpline.middleware strips any), read no cookie, and log nothing about the person. The
chat page itself is the chat app's (chat.views).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.http import require_GET

from chat import e2ee
from chat.certificates import ROOT_KEY_ASSET, root_key_fingerprint
from helpline.links import seeker_links
from helpline.staticfiles import integrity_manifest

logger = logging.getLogger(__name__)


def grouped_fingerprint(fingerprint: str | None) -> str:
    return e2ee.format_fingerprint(fingerprint) if fingerprint else ""


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "helpline/home.html", {"chat_url": reverse("seeker-chat"), **seeker_links()})


@require_GET
def staying_private(request: HttpRequest) -> HttpResponse:
    """Advice on keeping a visit private on this device: private windows, history, shared devices."""
    return render(request, "helpline/private.html", seeker_links())


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
