# ruff: noqa: E501  (prose content: long lines are paragraphs)
"""Voorbeeldinhoud in het Nederlands (example starter content in Dutch), written for this project.

Like the English content, every item is example content for the service's clinicians to review.
Articles without a Dutch version are shown in English, with a notice in Dutch (resources.content).
"""

from __future__ import annotations

CATEGORY_NAMES = {
    "understanding": ("Uw gedachten begrijpen", "Wat deze gedachten zijn, wat ze niet zijn, en waarom hulp vragen ertoe doet."),
    "staying-in-control": ("De controle houden", "Waarschuwingssignalen opmerken, omgaan met moeilijke momenten en goed voor uzelf zorgen."),
    "getting-help": ("Hulp vinden", "Met ons praten, een professional vinden, en weten wat u kunt verwachten."),
    "online": ("Veilig online", "Steun als uw internetgebruik u zorgen baart."),
    "family-and-friends": ("Voor familie en vrienden", "Als u zich zorgen maakt om iemand die dicht bij u staat."),
    "professionals": ("Voor professionals", "Voor mensen die in hun werk anderen ondersteunen."),
}

ARTICLES: list[dict] = []

MODULES = [
    {
        "slug": "first-steps",
        "audience": "self",
        "title": "Eerste stappen: moeilijke gedachten begrijpen en ermee omgaan",
        "summary": "Zes korte stappen om te begrijpen wat er gebeurt, uw waarschuwingssignalen op te merken en een plan te maken voor moeilijke momenten.",
        "steps": [
            {
                "title": "Waarom u hier bent",
                "body": """Dat u aan deze module begint, is een goede stap. U kiest ervoor uw gedachten te begrijpen en zo te leven dat kinderen en uzelf veilig zijn.

Deze module heeft zes korte stappen. Bij elke stap hoort een vraag om over na te denken. Wat u schrijft, blijft alleen in dit browsertabblad; wij zien het nooit.

Neem de tijd. U kunt stoppen en later verdergaan.""",
                "exercise": "Waardoor besloot u vandaag hulp te zoeken?",
            },
            {
                "title": "Gedachten, gevoelens en handelingen",
                "body": """Gedachten, gevoelens en handelingen hangen samen, maar ze zijn niet hetzelfde. Een gedachte kan komen en gaan zonder dat u ernaar handelt.

Veel mensen merken dat de gedachten op bepaalde momenten sterker zijn: bij stress, eenzaamheid, vermoeidheid of na alcohol. Dat weten geeft u meer keuze.""",
                "exercise": "Wanneer zijn de gedachten meestal sterker? Wat speelt er op die momenten nog meer?",
            },
            {
                "title": "Uw waarschuwingssignalen kennen",
                "body": """Waarschuwingssignalen zijn vroege aanwijzingen dat het moeilijker wordt. Het kunnen gevoelens zijn (zoals somberheid), situaties (zoals 's avonds laat alleen online zijn) of gedachten (zoals "één keer maakt niet uit").

Wie ze vroeg opmerkt, heeft tijd om van richting te veranderen.""",
                "exercise": "Schrijf drie vroege signalen op die u laten merken dat het moeilijker wordt.",
            },
            {
                "title": "Een plan voor moeilijke momenten",
                "body": """Een plan dat u op een rustig moment maakt, is op een moeilijk moment makkelijker te volgen. Een goed plan is kort en praktisch:

- dingen die u in plaats daarvan kunt doen,
- plekken waar u heen kunt,
- mensen of diensten die u kunt benaderen, ook de anonieme chat en crisislijnen.""",
                "exercise": "Schrijf drie dingen op die u in plaats daarvan kunt doen, en één persoon of dienst die u kunt benaderen.",
            },
            {
                "title": "Een leven dat u steunt",
                "body": """Veilig blijven is makkelijker als het leven structuur, verbinding en betekenis heeft. Slaap, beweging, tijd met mensen die u vertrouwt en dingen die u belangrijk vindt, helpen allemaal.

Verandering hoeft niet groot te zijn. Eén kleine stap tegelijk is genoeg.""",
                "exercise": "Noem één ding dat u deze week kunt doen dat goed voor u is.",
            },
            {
                "title": "Volhouden en steun vinden",
                "body": """U hebt een begin gemaakt. Veel mensen vinden het fijn om met iemand te praten: anoniem met een van onze hulpverleners, of persoonlijk met een therapeut.

Als u zich ooit overweldigd voelt of eraan denkt uzelf iets aan te doen, zijn de crisiscontacten er voor u, dag en nacht.""",
                "exercise": "Als u contact opnam met een hulpverlener, waarover zou u dan eerst willen praten?",
            },
        ],
    },
]

LANDING_PAGES = [
    {
        "code": "platform-warning",
        "kind": "deterrence",
        "title": "Deze inhoud is niet beschikbaar. Hulp wel.",
        "body": """De zoekopdracht of link die u hierheen bracht, kan leiden naar afbeeldingen van kinderen die illegaal zijn. Die afbeeldingen leggen echt leed van echte kinderen vast, en ze bekijken is in de meeste landen strafbaar.

Maakt u zich zorgen over uw gedachten of over wat u hebt bekeken? U kunt stoppen, en er is vertrouwelijke hulp. U hoeft uw naam niet te geven.""",
    },
    {
        "code": "partner-referral",
        "kind": "referral",
        "title": "Anonieme hulp, zonder oordeel",
        "body": """Een partnerorganisatie heeft deze dienst bij u aangeraden. Maakt u zich zorgen over seksuele gedachten over kinderen, dan kunt u zelfhulpmateriaal lezen of anoniem praten met een getrainde hulpverlener.

We vragen niet naar uw naam, zetten geen cookies en slaan uw IP-adres niet op.""",
    },
]
