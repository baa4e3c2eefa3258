"""Paths of the help-seeker's pages in the active language, for pages and the chat to link to.

Keeps nothing. The self-help pages belong to the resources app; the seeker pages and the chat
(chat.views) link to them by path, English without a prefix, other languages under /<code>/.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import get_language


def localised_path(path: str) -> str:
    """A seeker path in the active language: /crisis/ in English, /de/crisis/ in German."""
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
