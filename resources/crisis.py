"""Crisis contacts per country, for the crisis page and for the live path.

The seeker chooses the country by hand; nothing guesses it from an address or from geolocation.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from resources.models import CrisisContact

# Countries the crisis page offers, in the order shown. Names are translated.
COUNTRIES: dict[str, object] = {
    "GB": _("United Kingdom"),
    "IE": _("Ireland"),
    "US": _("United States"),
    "DE": _("Germany"),
    "NL": _("Netherlands"),
}


def check_country(value: str | None) -> str:
    """A country code the service has contacts for, else the configured default."""
    code = (value or "").strip().upper()
    if code in COUNTRIES:
        return code
    return str(settings.CRISIS_DEFAULT_COUNTRY)


def crisis_contact_rows(country: str | None, lang: str) -> list[CrisisContact]:
    code = check_country(country)
    rows = list(CrisisContact.objects.filter(country=code, language__in={lang, settings.LANGUAGE_CODE}))
    own = [row for row in rows if row.language == lang]
    chosen = own or [row for row in rows if row.language == settings.LANGUAGE_CODE]
    return sorted(chosen, key=lambda row: (row.position, row.name))


def crisis_contacts_for(country: str | None, lang: str) -> list[dict[str, str]]:
    """Crisis contacts for a country in `lang` (falling back to the default language).

    An unknown or missing country gives the contacts of settings.CRISIS_DEFAULT_COUNTRY. The shape is
    fixed, so the live path can send it to a seeker as it is.
    """
    return [
        {
            "name": row.name,
            "phone": row.phone,
            "hours": row.hours,
            "url": row.url,
            "description": row.description,
        }
        for row in crisis_contact_rows(country, lang)
    ]
