"""What one impression shows: the partner (if the code has one), the variant, and the policy.

Reads only the per-process catalogue (resources.platforms.catalogue): no database, no Redis.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest

from resources.platforms import catalogue, rules
from resources.platforms.catalogue import PartnerEntry, Variant
from resources.platforms.generic import generic_variant

_random = secrets.SystemRandom()


@dataclass(frozen=True)
class Shown:
    partner: PartnerEntry | None  # None: no partner has this code
    variant: Variant
    source: str | None  # the funnel's source code; None when nothing is counted
    frame_ancestors: str


def request_language(request: HttpRequest) -> str:
    """The partner's `lang` parameter if the service has that language, else the browser's."""
    return rules.choose_language(
        requested=request.GET.get("lang"),
        accept_language=request.headers.get("Accept-Language", ""),
        supported=[code for code, _ in settings.LANGUAGES],
        default=str(settings.LANGUAGE_CODE),
    )


def pick_variant(entry: PartnerEntry, language: str, *, draw: float | None = None) -> Variant | None:
    """One of the partner's active variants in `language`, by weight; None when it has none there."""
    choices = entry.variants.get(language, ())
    index = rules.weighted_index([v.weight for v in choices], _random.random() if draw is None else draw)
    return None if index is None else choices[index]


def choose_among(entries: Mapping[str, PartnerEntry], code: str, language: str, generic: Variant) -> Shown:
    """The message for one impression, given the catalogue and the generic message in `language`."""
    entry = entries.get(code) if rules.partner_code_shape(code) else None
    if entry is None:
        return Shown(None, generic, None, rules.UNKNOWN_CODE_FRAME_ANCESTORS)
    variant = pick_variant(entry, language) if entry.enabled else None
    if variant is None:
        variant = generic
    return Shown(entry, variant, rules.source_for(entry.code, variant.id), entry.frame_ancestors)


def choose(code: str, language: str) -> Shown:
    """The message for one impression; the caller has activated `language` for the generic text."""
    return choose_among(catalogue.partners(), code, language, generic_variant(language))


def link_code(shown: Shown) -> str:
    """The code in the component's links: the partner's, or "-" (counts nothing) for an unknown code."""
    return shown.partner.code if shown.partner is not None else "-"


def known_source(code: str, variant_id: int) -> str | None:
    """The source code to count a click under: the partner exists and the variant is its own (or 0)."""
    entry = catalogue.partner(code) if rules.partner_code_shape(code) else None
    if entry is None:
        return None
    if variant_id != rules.GENERIC_VARIANT and variant_id not in entry.variant_ids():
        return None
    return rules.source_for(entry.code, variant_id)
