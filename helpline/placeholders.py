"""Placeholders in canned responses: which exist, how a text is checked, and how it is filled.

Pure: no database, no request. A canned response may contain `{counsellor}`, `{service}`,
`{opening_hours}`, `{self_help_url}` and `{crisis_url}`; `{{` and `}}` are a literal brace.
Anything else in braces is refused when the response is saved (helpline.models.CannedResponse
.clean, the staff content editor), so a counsellor never sends "{oppening_hours}" to a seeker.
The same table fills them before a response is inserted into a chat.
"""

from __future__ import annotations

from collections.abc import Mapping
from string import Formatter
from typing import Final

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

PLACEHOLDERS: Final[Mapping[str, Promise]] = {
    "counsellor": _("the counsellor's pseudonym, as the help-seeker sees it"),
    "service": _("the name of the service"),
    "opening_hours": _("the opening hours of the chat, in words"),
    "self_help_url": _("the address of the self-help pages"),
    "crisis_url": _("the address of the crisis contacts page"),
}


def placeholders_in(text: str) -> list[str]:
    """The placeholder names `text` uses, in order of first use; raises ValueError if it cannot be read."""
    names: list[str] = []
    try:
        parsed = list(Formatter().parse(text))
    except ValueError:
        raise ValueError(
            str(_("A brace is not closed. Write a placeholder as {service}; write {{ or }} for a brace itself."))
        ) from None
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        if spec or conversion or not name.isidentifier():
            raise ValueError(str(_("“{%(name)s}” is not a placeholder. Placeholders are plain names such as {service}.")
                                 % {"name": _shown(name, spec, conversion)}))
        if name not in names:
            names.append(name)
    return names


def _shown(name: str, spec: str | None, conversion: str | None) -> str:
    return name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")


def check_template(text: str) -> list[str]:
    """The placeholders of a canned response; ValueError naming every unknown one."""
    names = placeholders_in(text)
    unknown = [name for name in names if name not in PLACEHOLDERS]
    if unknown:
        known = ", ".join("{" + name + "}" for name in PLACEHOLDERS)
        raise ValueError(
            str(_("Unknown placeholder: %(unknown)s. The placeholders are %(known)s."))
            % {"unknown": ", ".join("{" + name + "}" for name in unknown), "known": known}
        )
    return names


def fill(text: str, values: Mapping[str, str]) -> str:
    """`text` with its placeholders replaced; a known placeholder without a value stays as it was typed."""
    check_template(text)
    out: list[str] = []
    for literal, name, _spec, _conversion in Formatter().parse(text):
        out.append(literal)
        if name is not None:
            out.append(values.get(name, "{" + name + "}"))
    return "".join(out)
