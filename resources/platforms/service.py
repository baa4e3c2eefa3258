"""The state changes of the partner programme: one `do_*` each, with its audit row.

Keeps: partners and variants (resources.platforms.models) and an audit row per change
(helpline.audit: who, what, on which partner, which fields; never a text's content). The
per-process catalogue is cleared by model signals after each change (catalogue.connect_signals).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction

from helpline.audit import do_audit
from resources.platforms.generic import EXAMPLE_VARIANTS
from resources.platforms.models import MessageVariant, Partner

Actor = AbstractBaseUser | AnonymousUser | None


def _target(partner: Partner) -> str:
    return f"partner:{partner.code}"


def do_save_partner(*, actor: Actor, partner: Partner, changed: Iterable[str], with_examples: bool = False) -> Partner:
    """Create or change a partner (validated by the caller's form); a new one may start with the
    example variants, marked as example content for the clinicians to review."""
    created = partner.pk is None
    fields = sorted(changed)
    with transaction.atomic():
        partner.save()
        if created and with_examples:
            MessageVariant.objects.bulk_create(
                MessageVariant(
                    partner=partner,
                    label=example.label,
                    language=example.language,
                    heading=example.heading,
                    body=example.body,
                    action=example.action,
                    weight=1,
                    active=True,
                    is_example=True,
                )
                for example in EXAMPLE_VARIANTS
            )
        detail: dict[str, object] = {"fields": ",".join(fields)}
        if created:
            detail["examples"] = with_examples
        do_audit(
            actor=actor,
            action="partner.created" if created else "partner.changed",
            target=_target(partner),
            detail=detail,
        )
    return partner


def do_set_partner_enabled(*, actor: Actor, partner: Partner, enabled: bool) -> Partner:
    """Pause a partner (its component shows the generic help message) or resume it."""
    with transaction.atomic():
        locked = Partner.objects.select_for_update().get(pk=partner.pk)
        if locked.enabled != enabled:
            locked.enabled = enabled
            locked.save(update_fields=["enabled", "updated_at"])
            do_audit(actor=actor, action="partner.resumed" if enabled else "partner.paused", target=_target(locked))
    return locked


def do_save_variant(*, actor: Actor, variant: MessageVariant, changed: Iterable[str]) -> MessageVariant:
    """Create or change one message variant (validated by the caller's form)."""
    created = variant.pk is None
    with transaction.atomic():
        variant.save()
        do_audit(
            actor=actor,
            action="variant.created" if created else "variant.changed",
            target=_target(variant.partner),
            detail={"variant": variant.pk, "language": variant.language, "fields": ",".join(sorted(changed))},
        )
    return variant
