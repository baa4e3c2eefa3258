# ruff: noqa: E501  (a table of short texts in five languages)
"""Example crisis contacts for every offered country, in every language with starter content.

EXAMPLE CONTENT. Every number and opening time must be checked by the service against each
organisation's own current listing before going live; where we were not sure of the opening hours,
the text says they are still to be checked. Emergency numbers (112, 999, 911) are the national ones.

Each contact is written once, with its texts per language; the loader makes one CrisisContact row
per country and language, so a Dutch page shows Dutch names and opening times for every country.
"""

from __future__ import annotations

LANGUAGES = ("en", "de", "nl", "fr", "es")

# Texts shared by many contacts, per language.
TEXT: dict[str, dict[str, str]] = {
    "emergency": {
        "en": "Emergency services", "de": "Notruf", "nl": "Alarmnummer", "fr": "Numéro d'urgence", "es": "Emergencias",
    },
    "emergency_desc": {
        "en": "If you or someone else is in immediate danger.",
        "de": "Wenn Sie oder jemand anderes in unmittelbarer Gefahr sind.",
        "nl": "Als u of iemand anders in direct gevaar is.",
        "fr": "Si vous ou une autre personne êtes en danger immédiat.",
        "es": "Si usted u otra persona está en peligro inmediato.",
    },
    "h24": {"en": "24 hours", "de": "rund um die Uhr", "nl": "24 uur per dag", "fr": "24 h/24", "es": "las 24 horas"},
    "h24_free": {
        "en": "24 hours, every day, free", "de": "rund um die Uhr, kostenfrei", "nl": "dag en nacht, gratis",
        "fr": "24 h/24, 7 j/7, gratuit", "es": "las 24 horas, todos los días, gratuito",
    },
    "h24_text": {
        "en": "24 hours, call or text", "de": "rund um die Uhr, Anruf oder SMS", "nl": "24 uur per dag, bellen of sms",
        "fr": "24 h/24, appel ou SMS", "es": "las 24 horas, llamada o SMS",
    },
    "see_website": {
        "en": "See website for opening hours", "de": "Öffnungszeiten siehe Website", "nl": "Openingstijden: zie de website",
        "fr": "Horaires : voir le site", "es": "Horario: consulte la web",
    },
    "to_check": {
        "en": "Opening hours to be checked", "de": "Öffnungszeiten noch zu prüfen", "nl": "Openingstijden nog te controleren",
        "fr": "Horaires à vérifier", "es": "Horario pendiente de comprobar",
    },
    "suicide_support": {
        "en": "Emotional support for anyone who is struggling or thinking about suicide.",
        "de": "Unterstützung für alle, denen es schlecht geht oder die an Suizid denken.",
        "nl": "Steun voor iedereen die het moeilijk heeft of aan zelfdoding denkt.",
        "fr": "Une écoute pour toute personne en difficulté ou qui pense au suicide.",
        "es": "Apoyo para cualquier persona que lo esté pasando mal o piense en el suicidio.",
    },
    "suicide_anonymous": {
        "en": "Anonymous support for people thinking about suicide.",
        "de": "Anonyme Unterstützung für Menschen, die an Suizid denken.",
        "nl": "Anonieme steun voor mensen die aan zelfdoding denken.",
        "fr": "Un soutien anonyme pour les personnes qui pensent au suicide.",
        "es": "Apoyo anónimo para personas que piensan en el suicidio.",
    },
    "self_harm": {
        "en": "Support for people thinking about suicide or self-harm.",
        "de": "Unterstützung für Menschen, die an Suizid oder Selbstverletzung denken.",
        "nl": "Steun voor mensen die denken aan zelfdoding of zelfbeschadiging.",
        "fr": "Un soutien pour les personnes qui pensent au suicide ou à se faire du mal.",
        "es": "Apoyo para personas que piensan en el suicidio o en hacerse daño.",
    },
    "distress": {
        "en": "Free, confidential support for people in distress.",
        "de": "Kostenlose, vertrauliche Unterstützung in seelischer Not.",
        "nl": "Gratis, vertrouwelijke steun voor mensen in nood.",
        "fr": "Un soutien gratuit et confidentiel pour les personnes en détresse.",
        "es": "Apoyo gratuito y confidencial para personas en crisis.",
    },
    "listening": {
        "en": "Anonymous listening and support by phone.",
        "de": "Anonyme Gespräche und Unterstützung am Telefon.",
        "nl": "Anoniem een luisterend oor en steun aan de telefoon.",
        "fr": "Une écoute anonyme et un soutien par téléphone.",
        "es": "Escucha y apoyo anónimos por teléfono.",
    },
    "prevention": {
        "en": "Confidential advice for anyone worried about their own or someone else's sexual thoughts or behaviour towards children.",
        "de": "Vertrauliche Beratung für alle, die sich wegen eigener oder fremder sexueller Gedanken oder Verhaltensweisen gegenüber Kindern Sorgen machen.",
        "nl": "Vertrouwelijk advies voor iedereen die zich zorgen maakt over de eigen seksuele gedachten of gedragingen tegenover kinderen, of die van een ander.",
        "fr": "Des conseils confidentiels pour toute personne inquiète de ses propres pensées ou comportements sexuels envers des enfants, ou de ceux d'un proche.",
        "es": "Orientación confidencial para quien esté preocupado por sus propios pensamientos o conductas sexuales hacia menores, o por los de otra persona.",
    },
    "therapy": {
        "en": "Free, confidential therapy for people who feel sexually drawn to children.",
        "de": "Kostenloses, vertrauliches Therapieangebot für Menschen, die sich sexuell zu Kindern hingezogen fühlen.",
        "nl": "Gratis, vertrouwelijke therapie voor mensen die zich seksueel aangetrokken voelen tot kinderen.",
        "fr": "Une thérapie gratuite et confidentielle pour les personnes qui ressentent une attirance sexuelle envers des enfants.",
        "es": "Terapia gratuita y confidencial para personas que sienten atracción sexual hacia menores.",
    },
}


def _contact(name: str | dict[str, str], phone: str, hours: str, url: str, description: str, note: dict[str, str] | None = None) -> dict:
    return {"name": name, "phone": phone, "hours": hours, "url": url, "description": description, "note": note or {}}


def _emergency(phone: str, note: dict[str, str] | None = None) -> dict:
    return _contact(TEXT["emergency"], phone, "h24", "", "emergency_desc", note)


ALSO_999 = {"en": "999 also works.", "de": "Auch 999 funktioniert.", "nl": "999 werkt ook.", "fr": "Le 999 fonctionne aussi.", "es": "También funciona el 999."}
ALSO_15 = {"en": "For medical help, you can also call 15.", "de": "Für medizinische Hilfe auch 15.", "nl": "Voor medische hulp kunt u ook 15 bellen.", "fr": "Pour une urgence médicale, vous pouvez aussi appeler le 15.", "es": "Para urgencias médicas, también puede llamar al 15."}
ALSO_113 = {"en": "113 also works.", "de": "Auch 113 funktioniert.", "nl": "113 werkt ook.", "fr": "Le 113 fonctionne aussi.", "es": "También funciona el 113."}
IN_DUTCH = {"en": "In Dutch.", "de": "Auf Niederländisch.", "nl": "", "fr": "En néerlandais.", "es": "En neerlandés."}
IN_FRENCH = {"en": "In French.", "de": "Auf Französisch.", "nl": "In het Frans.", "fr": "", "es": "En francés."}
IN_GERMAN = {"en": "In German.", "de": "", "nl": "In het Duits.", "fr": "En allemand.", "es": "En alemán."}
IN_SPANISH = {"en": "In Spanish.", "de": "Auf Spanisch.", "nl": "In het Spaans.", "fr": "En espagnol.", "es": ""}

CONTACTS: dict[str, list[dict]] = {
    "GB": [
        _emergency("999"),
        _contact("Samaritans", "116 123", "h24_free", "https://www.samaritans.org", "suicide_support"),
        _contact("Stop It Now (UK and Ireland)", "0808 1000 900", "see_website", "https://www.stopitnow.org.uk", "prevention"),
    ],
    "IE": [
        _emergency("112", ALSO_999),
        _contact("Samaritans Ireland", "116 123", "h24_free", "https://www.samaritans.org/ireland/", "suicide_support"),
        _contact("Pieta", "1800 247 247", "h24_free", "https://www.pieta.ie", "self_harm"),
    ],
    "US": [
        _emergency("911"),
        _contact("988 Suicide & Crisis Lifeline", "988", "h24_text", "https://988lifeline.org", "distress"),
        _contact("Stop It Now", "1-888-773-8368", "see_website", "https://www.stopitnow.org", "prevention"),
    ],
    "DE": [
        _emergency("112"),
        _contact("TelefonSeelsorge", "0800 111 0 111", "h24_free", "https://www.telefonseelsorge.de", "listening", IN_GERMAN),
        _contact("Kein Täter werden", "", "see_website", "https://www.kein-taeter-werden.de", "therapy", IN_GERMAN),
    ],
    "NL": [
        _emergency("112"),
        _contact("113 Zelfmoordpreventie", "0800 0113", "h24_free", "https://www.113.nl", "suicide_anonymous", ALSO_113),
        _contact("Stop it Now! Nederland", "0800 266 6436", "see_website", "https://stopitnow.nl", "prevention", IN_DUTCH),
    ],
    "BE": [
        _emergency("112"),
        _contact("Zelfmoordlijn 1813", "1813", "to_check", "https://www.zelfmoord1813.be", "suicide_anonymous", IN_DUTCH),
        _contact("Centre de Prévention du Suicide", "0800 32 123", "to_check", "https://www.preventionsuicide.be", "suicide_anonymous", IN_FRENCH),
        _contact("Stop it Now! Vlaanderen", "", "to_check", "https://stopitnow.be", "prevention", IN_DUTCH),
    ],
    "FR": [
        _emergency("112", ALSO_15),
        _contact({"en": "3114 National suicide prevention line", "de": "3114 Nationale Suizidpräventions-Hotline", "nl": "3114 Nationale lijn zelfmoordpreventie",
                  "fr": "3114 Numéro national de prévention du suicide", "es": "3114 Línea nacional de prevención del suicidio"},
                 "3114", "h24_free", "https://3114.fr", "suicide_support", IN_FRENCH),
    ],
    "ES": [
        _emergency("112"),
        _contact({"en": "024 Suicide crisis line", "de": "024 Hotline bei Suizidgedanken", "nl": "024 Hulplijn bij zelfmoordgedachten",
                  "fr": "024 Ligne d'aide en cas de pensées suicidaires", "es": "024 Línea de atención a la conducta suicida"},
                 "024", "h24_free", "", "suicide_support", IN_SPANISH),
        _contact("Teléfono de la Esperanza", "717 003 717", "to_check", "https://telefonodelaesperanza.org", "listening", IN_SPANISH),
    ],
}


def _text(value: str | dict[str, str], lang: str) -> str:
    if isinstance(value, dict):
        return value[lang]
    return TEXT[value][lang] if value in TEXT else value


def contacts_in(lang: str) -> list[dict[str, str]]:
    """Every country's contacts in `lang`, in the shape of resources.models.CrisisContact."""
    rows = []
    for country, contacts in CONTACTS.items():
        for contact in contacts:
            note = contact["note"].get(lang, "")
            description = _text(contact["description"], lang)
            rows.append(
                {
                    "country": country,
                    "name": _text(contact["name"], lang),
                    "phone": contact["phone"],
                    "hours": _text(contact["hours"], lang),
                    "url": contact["url"],
                    "description": f"{description} {note}".strip(),
                }
            )
    return rows
