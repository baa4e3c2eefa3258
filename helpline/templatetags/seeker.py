"""Template helpers for the help-seeker pages."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.translation import get_language

register = template.Library()


@register.simple_tag(takes_context=True)
def other_languages(context: template.Context) -> list[dict[str, str]]:
    """This page in each other language, by URL prefix (no cookie is involved)."""
    request: HttpRequest | None = context.get("request")
    if request is None:
        return []
    current = get_language() or settings.LANGUAGE_CODE
    links = []
    for code, name in settings.LANGUAGES:
        if code != current:
            links.append({"code": code, "name": name, "url": translate_url(request.path, code)})
    return links


@register.inclusion_tag("helpline/includes/chat_status.html")
def chat_status(heading: str = "") -> dict[str, object]:
    """The way into the chat: "Start a chat" with "open now", or when it opens next.

    While the chat is closed the link still goes to /chat/, which then shows the closed page (with
    what the seeker can do instead, such as secure messages where the service offers them).
    """
    from helpline.hours import opening_words, service_status
    from helpline.links import localised_path

    is_open, opens_at = service_status()
    language = get_language() or settings.LANGUAGE_CODE
    return {
        "is_open": is_open,
        "opens_at": opening_words(opens_at, language, settings.SERVICE_TIME_ZONE) if opens_at else "",
        "chat_url": localised_path("/chat/"),
        "heading": heading,
    }
