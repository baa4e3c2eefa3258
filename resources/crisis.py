"""Crisis contacts per country and language, for every seeker page and for the live path.

Keeps nothing. The seeker chooses the country by hand (a picker on the page, remembered only in
the tab's sessionStorage by resources/js/crisis-country.js); nothing guesses it from an address or
from geolocation. Until they choose, the page's language decides: settings.CRISIS_DEFAULT_COUNTRIES
maps a language to a country (de=DE, nl=NL), and settings.CRISIS_DEFAULT_COUNTRY covers the rest.

Contacts are written per country and language (resources.models.CrisisContact), so that a German
page shows German names and opening times; a country without contacts in the page's language shows
its contacts in the default language, marked with their own `lang`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from resources.models import CrisisContact

# Countries the pickers offer, in the order shown. Names are translated.
COUNTRIES: dict[str, str | Promise] = {
    "GB": _("United Kingdom"),
    "IE": _("Ireland"),
    "US": _("United States"),
    "DE": _("Germany"),
    "NL": _("Netherlands"),
    "BE": _("Belgium"),
    "FR": _("France"),
    "ES": _("Spain"),
}


def default_country(lang: str) -> str:
    """The country whose contacts a page in `lang` shows before the seeker picks one."""
    code = str(settings.CRISIS_DEFAULT_COUNTRIES.get(lang, settings.CRISIS_DEFAULT_COUNTRY))
    return code if code in COUNTRIES else next(iter(COUNTRIES))


def check_country(value: str | None, lang: str | None = None) -> str:
    """A country code the service offers, else the default country for `lang`."""
    code = (value or "").strip().upper()
    if code in COUNTRIES:
        return code
    return default_country(lang or str(settings.LANGUAGE_CODE))


def _in_language(rows: list[CrisisContact], lang: str) -> list[CrisisContact]:
    own = [row for row in rows if row.language == lang]
    chosen = own or [row for row in rows if row.language == settings.LANGUAGE_CODE]
    return sorted(chosen, key=lambda row: (row.position, row.name))


def crisis_contact_rows(country: str | None, lang: str) -> list[CrisisContact]:
    code = check_country(country, lang)
    rows = list(CrisisContact.objects.filter(country=code, language__in={lang, settings.LANGUAGE_CODE}))
    return _in_language(rows, lang)


@dataclass(frozen=True)
class CountryContacts:
    code: str
    name: str
    contacts: list[CrisisContact]
    selected: bool


def crisis_directory(lang: str, selected: str | None = None) -> list[CountryContacts]:
    """Every offered country with its contacts in `lang` (one query), the chosen one marked."""
    chosen = check_country(selected, lang)
    by_country: dict[str, list[CrisisContact]] = {code: [] for code in COUNTRIES}
    for row in CrisisContact.objects.filter(country__in=COUNTRIES, language__in={lang, settings.LANGUAGE_CODE}):
        by_country[row.country].append(row)
    return [
        CountryContacts(
            code=code, name=str(name), contacts=_in_language(by_country[code], lang), selected=code == chosen
        )
        for code, name in COUNTRIES.items()
    ]


def crisis_contacts_for(country: str | None, lang: str) -> list[dict[str, str]]:
    """Crisis contacts for a country in `lang` (falling back to the default language).

    An unknown or missing country gives the contacts of the default country for `lang`. The shape is
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
