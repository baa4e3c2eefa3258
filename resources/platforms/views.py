"""The warning component's public endpoints, outside the language prefixes:

    /embed/<code>/               the component's page, for an iframe on the partner's page
    /embed/<code>/message.json   the same message as JSON, for a partner's own UI (CORS-open)
    /go/<code>/<variant>/<to>/   a click: counted, then redirected to the chat or the self-help

Thin views: choose through resources.platforms.choose, count through .tally or .funnel, render.
They set no cookie (helpline.middleware strips any), read none, keep nothing about the visitor and
log nothing about them. The embed page has no JavaScript, loads only its own stylesheet, and
forbids everything else in its Content-Security-Policy.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.views.decorators.http import require_GET

from helpline.hours import service_status, service_time_zone
from resources.platforms import rules
from resources.platforms.choose import Shown, choose, known_source, link_code, request_language
from resources.platforms.funnel import do_count_click
from resources.platforms.tally import impressions

# The component's own policy: its stylesheet and nothing else; no script at all, and the page runs
# sandboxed even if a partner leaves the iframe's sandbox attribute out. Links open help in a new,
# unsandboxed tab (allow-popups-to-escape-sandbox), where the chat can run.
EMBED_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; "
    "sandbox allow-popups allow-popups-to-escape-sandbox allow-same-origin; "
)
JSON_POLICY = "default-src 'none'; frame-ancestors 'none'"
JSON_MAX_AGE_SECONDS = 60
JSON_VERSION = 1
# Where "secure messages" point: the mailbox's writing page (chat/mailbox/seeker_urls.py).
MESSAGES_URL_NAME = "mailbox-write"


def _links(code: str, variant_id: int, language: str, *, absolute: HttpRequest | None = None) -> dict[str, str]:
    links = {}
    for destination in rules.DESTINATIONS:
        path = reverse("platforms:go", args=[code, variant_id, destination]) + f"?lang={language}"
        links[destination] = absolute.build_absolute_uri(path) if absolute is not None else path
    return links


def chat_status() -> dict[str, Any]:
    """Whether the chat is open now, and when it next opens (local time for people, UTC for JSON)."""
    is_open, opens_at = service_status()
    local = timezone.localtime(opens_at, service_time_zone()) if opens_at else None
    return {"is_open": is_open, "opens_at": local, "opens_at_utc": opens_at}


def render_embed(shown: Shown, language: str, status: dict[str, Any]) -> str:
    """The component's page (the caller has activated `language`). Also used by the fast path."""
    return render_to_string(
        "platforms/embed.html",
        {
            "language": language,
            "variant": shown.variant,
            "links": _links(link_code(shown), shown.variant.id, language),
            "service_name": settings.SERVICE_NAME,
            "time_zone": settings.SERVICE_TIME_ZONE,
            **status,
        },
    )


def embed_overrides(shown: Shown, language: str) -> dict[str, str | None]:
    """The headers the embed page sends instead of the service-wide ones (helpline.middleware)."""
    return {
        # The page's language, not the one Django's LocaleMiddleware chose for the address.
        "Content-Language": language,
        "Content-Security-Policy": EMBED_POLICY + shown.frame_ancestors,
        # frame-ancestors decides who may frame this page; X-Frame-Options would refuse everyone.
        "X-Frame-Options": None,
        "Cross-Origin-Resource-Policy": "cross-origin",
        # Each load is one impression and one draw of a variant: never from a cache.
        "Cache-Control": "no-store",
    }


@require_GET
def embed(request: HttpRequest, code: str) -> HttpResponse:
    """The embed page through Django; in production resources.platforms.asgi answers it first."""
    language = request_language(request)
    with translation.override(language):
        shown = choose(code, language)
        if shown.source is not None:
            impressions().do_count([shown.source])
        html = render_embed(shown, language, chat_status())
    response = HttpResponse(html)
    response.privacy_overrides = embed_overrides(shown, language)  # type: ignore[attr-defined]
    return response


@require_GET
def message_json(request: HttpRequest, code: str) -> HttpResponse:
    language = request_language(request)
    with translation.override(language):
        shown = choose(code, language)
        state = chat_status()
        opens = state["opens_at_utc"]
        body = {
            "version": JSON_VERSION,
            "partner": shown.partner.code if shown.partner else None,
            "language": language,
            "variant": shown.variant.id,
            "heading": shown.variant.heading,
            "body": shown.variant.body,
            "action": shown.variant.action,
            "example": shown.variant.is_example,
            "chat": {
                "open": state["is_open"],
                "opens_at": opens.isoformat().replace("+00:00", "Z") if opens else None,
            },
            "links": _links(link_code(shown), shown.variant.id, language, absolute=request),
            "open_links_in": "new-tab",
        }
    payload = json.dumps(body, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()
    etag = '"' + hashlib.sha256(payload).hexdigest()[:32] + '"'
    if shown.source is not None:
        impressions().do_count([shown.source])
    if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(payload, content_type="application/json; charset=utf-8")
    response.headers["ETag"] = etag
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.privacy_overrides = {  # type: ignore[attr-defined]
        # The language is in the address when `lang` is given; only without it does the browser's
        # Accept-Language choose (Django's LocaleMiddleware would add Vary either way).
        "Vary": None if "lang" in request.GET else "Accept-Language",
        "Content-Language": language,
        "Content-Security-Policy": JSON_POLICY,
        "Cross-Origin-Resource-Policy": "cross-origin",
        "Cache-Control": f"public, max-age={JSON_MAX_AGE_SECONDS}",
    }
    return response


def _destination_url(destination: str, source: str | None) -> str:
    query = f"?src={source}" if source else ""
    if destination == rules.SELF_HELP:
        return reverse("resources:library")
    if destination == rules.SELF_ASSESSMENT:
        return reverse("resources:self-assessment")
    if destination == rules.MESSAGES:
        try:
            return reverse(MESSAGES_URL_NAME) + query
        except NoReverseMatch:
            pass
    return reverse("seeker-chat") + query


@require_GET
def go(request: HttpRequest, code: str, variant: str, destination: str) -> HttpResponse:
    """Count a click and send the visitor on; whatever the URL holds, it ends on a help page."""
    language = request_language(request)
    variant_id = rules.variant_id_shape(variant)
    source = known_source(code, variant_id) if variant_id is not None else None
    if destination not in rules.DESTINATIONS:
        destination = rules.CHAT
        source = None
    if source is not None:
        do_count_click(request, source=source, destination=destination)
    with translation.override(language):
        target = _destination_url(destination, source)
    response = HttpResponseRedirect(target)
    response.headers["Cache-Control"] = "no-store"
    return response
