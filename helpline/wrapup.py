"""The fixed choices of a chat's wrap-up (filed by the counsellor) and of the seeker's feedback.

Keeps nothing. Pure validation: `check_wrapup` and `check_feedback` turn untrusted input into
known codes, and the caller counts those codes in aggregate counters (helpline.counters); no
wrap-up or feedback is ever stored as a row of its own.

Codes are stable identifiers (counters and statistics key on them); labels are translatable and
may change freely.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

CODE_PATTERN: Final = re.compile(r"^[a-z0-9_]{1,32}$")

# What the chat was mainly about.
CONCERNS: Final[Mapping[str, Promise]] = {
    "own_thoughts": _("Own sexual thoughts about children"),
    "viewing_illegal_images": _("Viewing images of children that are illegal"),
    "worried_about_contact": _("Worried about own behaviour towards a child"),
    "someone_else": _("Worried about someone else"),
    "young_person": _("A young person worried about themselves"),
    "professional_advice": _("A professional seeking advice"),
    "other": _("Something else"),
}

# How the chat ended.
OUTCOMES: Final[Mapping[str, Promise]] = {
    "support_given": _("Support given"),
    "self_help_suggested": _("Self-help suggested"),
    "referred": _("Referred to another service"),
    "call_ended_early": _("Chat ended early"),
    "other": _("Something else"),
}

# Where the counsellor pointed the person. "none" stands alone.
REFERRALS: Final[Mapping[str, Promise]] = {
    "therapy": _("Therapy or counselling"),
    "gp": _("GP or family doctor"),
    "stop_it_now_programme": _("Our self-help programme"),
    "local_service": _("A local support service"),
    "crisis_line": _("A crisis line"),
    "police": _("Police"),
    "none": _("No referral"),
}

# Risks the counsellor noted. "none" stands alone.
RISK_FLAGS: Final[Mapping[str, Promise]] = {
    "self_harm": _("Risk of self-harm"),
    "child_at_risk": _("A child at risk"),
    "access_to_children": _("Access to children"),
    "none": _("No risk noted"),
}

PROTECTIVE_ACTION: Final[Mapping[str, Promise]] = {
    "yes": _("Yes"),
    "no": _("No"),
}

WRAPUP_FIELDS: Final = ("concern", "protective_action", "referrals", "risk", "outcome")


@dataclass(frozen=True)
class Wrapup:
    concern: str
    protective_action: bool
    referrals: tuple[str, ...]
    risk: tuple[str, ...]
    outcome: str


class WrapupError(ValueError):
    """A wrap-up that does not validate; `field` names the field at fault (or "" for the whole)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}" if field else message)
        self.field = field
        self.message = message


def _one(data: Mapping[str, Any], name: str, choices: Mapping[str, Promise]) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value:
        raise WrapupError(name, "choose one option")
    if value not in choices:
        raise WrapupError(name, f"{value[:40]!r} is not one of the options")
    return value


def _label(choices: Mapping[str, Promise], code: str) -> str:
    """An option's label as the English form shows it: error messages are part of the protocol."""
    with translation.override("en"):
        return str(choices[code])


def _several(data: Mapping[str, Any], name: str, choices: Mapping[str, Promise]) -> tuple[str, ...]:
    value = data.get(name)
    if not isinstance(value, list | tuple) or not value:
        raise WrapupError(name, f"choose at least one option (or {_label(choices, 'none')!r})")
    if len(value) > len(choices):
        raise WrapupError(name, "too many options")
    picked: list[str] = []
    for item in value:
        if not isinstance(item, str) or item not in choices:
            raise WrapupError(name, f"{str(item)[:40]!r} is not one of the options")
        if item not in picked:
            picked.append(item)
    if "none" in picked and len(picked) > 1:
        # Named by its label, as the counsellor sees it ("No referral", "No risk noted").
        raise WrapupError(name, f"{_label(choices, 'none')!r} cannot be combined with other options")
    # Keep the list's own order, so that the same choices always give the same value.
    return tuple(code for code in choices if code in picked)


def check_wrapup(data: Mapping[str, Any]) -> Wrapup:
    """A validated wrap-up from untrusted input, or WrapupError (a ValueError) naming the field."""
    if not isinstance(data, Mapping):
        raise WrapupError("", "a wrap-up is an object")
    unknown = sorted(str(key)[:32] for key in data if key not in WRAPUP_FIELDS)
    if unknown:
        raise WrapupError(unknown[0], "is not a wrap-up field")
    protective = data.get("protective_action")
    if isinstance(protective, bool):
        protective = "yes" if protective else "no"
    if not isinstance(protective, str) or protective not in PROTECTIVE_ACTION:
        raise WrapupError("protective_action", "answer yes or no")
    return Wrapup(
        concern=_one(data, "concern", CONCERNS),
        protective_action=protective == "yes",
        referrals=_several(data, "referrals", REFERRALS),
        risk=_several(data, "risk", RISK_FLAGS),
        outcome=_one(data, "outcome", OUTCOMES),
    )


# --- The seeker's feedback after the chat -------------------------------------------------------

FEEDBACK_QUESTIONS: Final[Mapping[str, tuple[str, ...]]] = {
    "helpful": ("yes", "somewhat", "no"),
    "would_return": ("yes", "unsure", "no"),
    "felt_respected": ("yes", "somewhat", "no"),
}

FEEDBACK_QUESTION_TEXTS: Final[Mapping[str, Promise]] = {
    "helpful": _("Was this chat helpful to you?"),
    "would_return": _("Would you contact us again if you needed to?"),
    "felt_respected": _("Did you feel listened to and respected?"),
}

FEEDBACK_OPTION_TEXTS: Final[Mapping[str, Promise]] = {
    "yes": _("Yes"),
    "somewhat": _("Somewhat"),
    "unsure": _("Not sure"),
    "no": _("No"),
}


def check_feedback(answers: object) -> dict[str, str]:
    """Only the known question and option pairs of untrusted feedback; everything else is dropped."""
    if not isinstance(answers, Mapping):
        return {}
    return {
        question: answers[question]
        for question, options in FEEDBACK_QUESTIONS.items()
        if isinstance(answers.get(question), str) and answers[question] in options
    }


def feedback_form() -> list[dict[str, object]]:
    """The feedback questions with their texts in the active language, for a page or a frame."""
    return [
        {
            "code": question,
            "text": str(FEEDBACK_QUESTION_TEXTS[question]),
            "options": [{"code": option, "text": str(FEEDBACK_OPTION_TEXTS[option])} for option in options],
        }
        for question, options in FEEDBACK_QUESTIONS.items()
    ]
