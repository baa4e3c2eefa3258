"""Language routing (chat.language_routing): told when nobody speaks the seeker's language, offered others."""

from __future__ import annotations

from chat.language_routing import language_offer
from chat.store.base import Presence

SERVICE = ("en", "de", "nl", "fr", "es")


def counsellor(user_id: int, *languages: str, state: str = "available", active: int = 0, limit: int = 2,
               online: bool = True, pathways: tuple[str, ...] = ()) -> Presence:
    return Presence(user_id=user_id, state=state, limit=limit, languages=languages, pathways=pathways,
                    online=online, active=active)


def test_a_dutch_seeker_is_served_when_a_dutch_speaker_is_at_work() -> None:
    offer = language_offer([counsellor(1, "nl", "en")], language="nl", pathway="self", service_languages=SERVICE)
    assert offer.served and offer.alternatives == ("en",)


def test_it_says_when_nobody_online_speaks_the_language_and_offers_the_others() -> None:
    team = [counsellor(1, "en"), counsellor(2, "de", "en", active=1), counsellor(3, "fr", state="break")]
    offer = language_offer(team, language="nl", pathway="self", service_languages=SERVICE)
    assert not offer.served
    # English has 3 free slots, German 1; French is on a break and so not on offer.
    assert offer.alternatives == ("en", "de")


def test_a_busy_dutch_speaker_still_serves_the_queue() -> None:
    offer = language_offer([counsellor(1, "nl", active=2)], language="nl", pathway="self", service_languages=SERVICE)
    assert offer.served and offer.alternatives == ()


def test_offline_counsellors_and_other_pathways_do_not_count() -> None:
    team = [counsellor(1, "nl", online=False), counsellor(2, "nl", state="offline"),
            counsellor(3, "nl", pathways=("professional",))]
    offer = language_offer(team, language="nl", pathway="self", service_languages=SERVICE)
    assert not offer.served and offer.alternatives == ()


def test_it_offers_languages_in_the_service_order_when_slots_are_equal() -> None:
    team = [counsellor(1, "es"), counsellor(2, "fr"), counsellor(3, "de")]
    offer = language_offer(team, language="nl", pathway="self", service_languages=SERVICE)
    assert offer.alternatives == ("de", "fr", "es")
