"""Readable, translated labels for the codes the statistics keep. Pure: no I/O.

Counters key on stable codes ("self", "concerned_other", "blocked"); managers read labels. The
wrap-up and feedback labels are the ones counsellors and help-seekers saw (helpline.wrapup), so a
chart says "No referral" where the form said "No referral". A code without a label here (an article
slug, a landing-page source) is shown with its punctuation turned into spaces.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from helpline import wrapup

PRIORITY: Mapping[str, Promise] = {"crisis": _("Crisis"), "raised": _("Raised"), "normal": _("Normal")}

CODE_LABELS: Mapping[str, Mapping[str, Promise | str]] = {
    "when": {
        "open": _("While open"),
        "closed": _("While closed"),
        "full": _("Queue full"),
        "blocked": _("Connection blocked"),
    },
    "priority": PRIORITY,
    "pathway": {
        "self": _("About their own thoughts"),
        "other": _("Worried about someone else"),
        "concerned_other": _("Worried about someone else"),
        "young": _("A young person"),
        "professional": _("A professional"),
    },
    "ended_by": {
        "seeker": _("The help-seeker"),
        "counsellor": _("The counsellor"),
        "timeout": _("No activity (timed out)"),
        "dropped": _("Connection lost"),
    },
    "reason": {"self_harm": _("Risk of self-harm"), "child_at_risk": _("A child at risk")},
    "concern": wrapup.CONCERNS,
    "outcome": wrapup.OUTCOMES,
    "referral": wrapup.REFERRALS,
    "risk": wrapup.RISK_FLAGS,
    "protective_action": wrapup.PROTECTIVE_ACTION,
}

NOT_RECORDED = _("Not recorded")


def plain(code: str) -> str:
    """A code with its punctuation as spaces and a capital first letter ("first-steps" -> "First steps")."""
    text = code.replace("_", " ").replace("-", " ").strip()
    return text[:1].upper() + text[1:]


def code_label(code: str, dimension: str = "") -> str:
    """The label of `code` in `dimension`, in the active language."""
    if dimension == "language":
        return dict(settings.LANGUAGES).get(code, code)
    found: Promise | str | None
    if dimension in wrapup.FEEDBACK_QUESTIONS:
        found = wrapup.FEEDBACK_OPTION_TEXTS.get(code)
    else:
        found = CODE_LABELS.get(dimension, {}).get(code)
    return str(found) if found is not None else plain(code)
