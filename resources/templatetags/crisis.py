"""`{% crisis_contacts %}`: the country picker and every country's crisis contacts, in the page's language.

Every country's list is in the page, and all but the chosen one are hidden, so that the picker
(resources/js/crisis-country.js) changes country without a request and without the server ever
learning the choice. Without JavaScript the picker is a form that opens the crisis page for the
chosen country.
"""

from __future__ import annotations

from django import template
from django.urls import reverse

from resources.crisis import crisis_directory
from resources.views import current_language

register = template.Library()


@register.inclusion_tag("resources/_crisis_contacts.html", takes_context=True)
def crisis_contacts(context: template.Context, prefix: str = "crisis", compact: bool = False) -> dict[str, object]:
    request = context.get("request")
    chosen = request.GET.get("country") if request is not None else None
    lang = current_language()
    directory = crisis_directory(lang, chosen)
    return {
        "prefix": prefix,
        "compact": compact,
        "directory": directory,
        "action": reverse("resources:crisis"),
        "LANGUAGE_CODE": lang,
        "has_examples": any(row.is_example for country in directory for row in country.contacts),
    }
