"""Which source codes of the warning component a chat (or a secure message) may be counted under.

The /go/ redirect puts `?src=<partner>_<variant>` on the chat page; the chat page sends it in its
join frame, and the live path counts landing.chat_started with it once resources.landing.valid_source
(which asks here) has said yes. A made-up code never becomes a counter dimension.
"""

from __future__ import annotations

from resources.platforms import rules


def valid_partner_source(code: object) -> str | None:
    """The source code if a partner has that code and (for a variant other than 0) that variant."""
    parsed = rules.parse_source(code)
    if parsed is None:
        return None
    from resources.platforms.models import MessageVariant, Partner

    partner_code, variant_id = parsed
    partner = Partner.objects.filter(code=partner_code).only("id").first()
    if partner is None:
        return None
    if (
        variant_id != rules.GENERIC_VARIANT
        and not MessageVariant.objects.filter(id=variant_id, partner_id=partner.id).exists()
    ):
        return None
    return rules.source_for(partner_code, variant_id)
