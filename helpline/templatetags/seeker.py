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
