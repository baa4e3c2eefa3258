"""Source codes of landing pages, as carried to the chat page in `/chat/?src=<code>`.

A source code is not a secret and names no person: it says which platform or campaign sent
people here, and is counted only in aggregate (landing.visit, landing.chat_started).
"""

from __future__ import annotations

import re

from resources.models import LandingPage

_CODE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$")


def source_code_shape(code: str) -> str | None:
    """Pure: the code lower-cased if it has the shape of a source code, else None."""
    if not isinstance(code, str):
        return None
    candidate = code.strip().lower()
    return candidate if _CODE.fullmatch(candidate) else None


def valid_source(code: str) -> str | None:
    """The source code if an active landing page has it, else None.

    The live path calls this (through database_sync_to_async) before it counts
    LANDING_CHAT_STARTED, so a made-up code never becomes a counter dimension.
    """
    partner_source = _partner_source(code)
    if partner_source is not None:
        return partner_source
    candidate = source_code_shape(code)
    if candidate is None:
        return None
    if not LandingPage.objects.filter(code=candidate, active=True).exists():
        return None
    return candidate


def _partner_source(code: str) -> str | None:
    """A warning component's source code (`<partner>_<variant>`, resources.platforms) if valid."""
    from resources.platforms.attribution import valid_partner_source

    return valid_partner_source(code)
