"""The partners and their active variants, as the embed reads them on every impression.

Keeps: a copy of every partner and its active variants in this process's memory for
CATALOGUE_CACHE_SECONDS; a save or delete of a partner or variant clears it at once in this
process (signals), and other workers see the change within that time. An impression therefore
reads no database at all.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from helpline.process_cache import ProcessCache
from resources.platforms import rules

CATALOGUE_CACHE_SECONDS: Final = 30.0


@dataclass(frozen=True)
class Variant:
    id: int
    language: str
    heading: str
    body: str
    action: str
    weight: int
    is_example: bool


@dataclass(frozen=True)
class PartnerEntry:
    code: str
    name: str
    enabled: bool
    frame_ancestors: str
    # Active variants with a weight above 0, per language.
    variants: Mapping[str, tuple[Variant, ...]] = field(default_factory=dict)

    def variant_ids(self) -> frozenset[int]:
        return frozenset(v.id for group in self.variants.values() for v in group)


_cache: ProcessCache[dict[str, PartnerEntry]] = ProcessCache(CATALOGUE_CACHE_SECONDS)


def _read() -> dict[str, PartnerEntry]:
    from resources.platforms.models import MessageVariant, Partner

    grouped: dict[int, dict[str, list[Variant]]] = {}
    for row in MessageVariant.objects.filter(active=True, weight__gt=0).order_by("id"):
        grouped.setdefault(row.partner_id, {}).setdefault(row.language, []).append(
            Variant(
                id=row.id,
                language=row.language,
                heading=row.heading,
                body=row.body,
                action=row.action,
                weight=row.weight,
                is_example=row.is_example,
            )
        )
    entries = {}
    for partner in Partner.objects.all():
        try:
            ancestors = rules.frame_ancestors(partner.origins())
        except ValueError:
            # A value that bypassed the form (a raw edit): frame nowhere rather than anywhere.
            ancestors = rules.frame_ancestors([])
        variants = {lang: tuple(items) for lang, items in grouped.get(partner.id, {}).items()}
        entries[partner.code] = PartnerEntry(
            code=partner.code, name=partner.name, enabled=partner.enabled, frame_ancestors=ancestors, variants=variants
        )
    return entries


def partners() -> dict[str, PartnerEntry]:
    return _cache.get(_read, now=time.monotonic())


def partner(code: str) -> PartnerEntry | None:
    return partners().get(code)


def clear(**_: object) -> None:
    _cache.clear()


def connect_signals() -> None:
    from django.db.models.signals import post_delete, post_save

    from resources.platforms.models import MessageVariant, Partner

    for model in (Partner, MessageVariant):
        for signal in (post_save, post_delete):
            signal.connect(
                _cache.clear_now_and_on_commit, sender=model, dispatch_uid=f"platforms-cache-{model.__name__}"
            )
