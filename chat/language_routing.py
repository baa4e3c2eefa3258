"""Language routing: whether anyone online speaks the seeker's language, and what else is on offer.

Pure: no I/O. A chat is matched only to counsellors who speak its language (chat.queueing,
Presence.serves), so a Dutch seeker waits for a Dutch-speaking counsellor. When nobody who speaks
that language is at work, the seeker should be told so honestly, and offered the languages that
are being served right now, so that they can choose to wait or to switch.

Wiring (not done here, because the live path is being restructured): chat.live would call
`language_offer` when a chat joins the queue and when presence changes, and send the seeker a
frame with `served` and `alternatives`; the chat page already carries the words for it
(helpline/templates/helpline/chat.html, keys `no_language` and `switch_language`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from chat.queueing import serving_counsellors
from chat.store.base import Presence


@dataclass(frozen=True)
class LanguageOffer:
    language: str
    served: bool  # someone online and available speaks the chat's language (and serves its pathway)
    alternatives: tuple[str, ...]  # other service languages someone available serves now, most slots first


def language_offer(
    presences: Sequence[Presence], *, language: str, pathway: str, service_languages: Sequence[str]
) -> LanguageOffer:
    """Whether `language` is served now, and which other languages of the service are.

    "Served" means a counsellor who is online, available (not on a break) and speaks the language
    serves the chat's pathway; a busy counsellor (at their limit) still counts, because the chat
    waits for them. Alternatives are ordered by free chat slots, then by the service's own order.
    """
    def served(lang: str) -> bool:
        return any(p.state == "available" for p in serving_counsellors(presences, lang, pathway))

    def free(lang: str) -> int:
        return sum(
            max(0, p.limit - p.active) for p in serving_counsellors(presences, lang, pathway) if p.state == "available"
        )

    others = [lang for lang in service_languages if lang != language and served(lang)]
    order = {lang: index for index, lang in enumerate(service_languages)}
    others.sort(key=lambda lang: (-free(lang), order[lang]))
    return LanguageOffer(language=language, served=served(language), alternatives=tuple(others))
