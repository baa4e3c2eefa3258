"""What the counsellor workspace and the supervisor view need when the page opens.

Keeps nothing: it reads service content (canned responses, triage texts, wrap-up choices, self-help
resources) and a staff member's identity-key status, and shapes them for the pages' JSON blocks.
Nothing here reads or returns anything about a help-seeker; chat content never reaches the server
in readable form (the browser encrypts it).

The shaping functions are pure (`wrapup_choices`, `triage_texts`, `check_resource_path`,
`key_status`); the loaders next to them do the database reads.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from helpline import wrapup
from helpline.triage import Catalogue

# A shareable path on this service: /help/... or /<lang>/help/..., letters, digits and - _ / only.
# The browser's copy is SHAREABLE_PATH_PATTERN in chat/static/chat/js/share-paths.js (the workspace
# checks before sending, the seeker page before making a link); tests/chat/test_js_constants.py
# fails when the two differ.
_RESOURCE_PATH = re.compile(r"^(/[a-z]{2,3}(-[a-z0-9]{2,8})?)?/help/([a-z0-9_-]+/)*([a-z0-9_-]+/?)?$")
MAX_SHARED_RESOURCES = 40


def _choices(table: Mapping[str, Promise]) -> list[list[str]]:
    return [[code, str(label)] for code, label in table.items()]


def wrapup_choices() -> dict[str, list[list[str]]]:
    """The wrap-up form's options as [code, label] pairs in the active language (helpline.wrapup)."""
    return {
        "concern": _choices(wrapup.CONCERNS),
        "protective_action": _choices(wrapup.PROTECTIVE_ACTION),
        "referrals": _choices(wrapup.REFERRALS),
        "risk": _choices(wrapup.RISK_FLAGS),
        "outcome": _choices(wrapup.OUTCOMES),
    }


def triage_texts(catalogue: Catalogue, lang: str) -> dict[str, dict[str, Any]]:
    """Question and answer texts by code, so the workspace can show a chat's triage answers.

    Includes inactive-looking codes only as the catalogue has them; an answer code the catalogue
    no longer knows is shown by its code in the browser.
    """
    return {
        question.code: {
            "text": question.text_in(lang),
            "options": {option.code: option.text_in(lang) for option in question.options},
        }
        for question in catalogue.questions
    }


def check_resource_path(path: str) -> str:
    """A path a counsellor may share, normalised; ValueError for anything else (no other sites)."""
    value = (path or "").strip()
    if not value.endswith("/") and "." not in value.rsplit("/", 1)[-1]:
        value += "/"
    if not _RESOURCE_PATH.match(value) or "//" in value:
        raise ValueError("Share a page of this service's self-help library: a path that starts with /help/.")
    return value


def key_status(key: Any, *, demo_auto_certify: bool) -> dict[str, Any]:
    """The JSON the workspace reads about one identity key (or None): status, fingerprint, and the
    certificate once there is one. `key` is a chat.models.IdentityKey or None."""
    from chat.certificates import certificate_fields

    if key is None:
        return {"status": "none", "demo_auto_certify": demo_auto_certify}
    data: dict[str, Any] = {
        "status": key.status,
        "fingerprint": key.fingerprint,
        "pseudonym": key.pseudonym,
        "demo_auto_certify": demo_auto_certify,
    }
    if key.status == "certified" and key.certificate is not None:
        data.update(certificate_fields(key))
        data["expires_at"] = key.expires_at.isoformat() if key.expires_at else None
    return data


# --- Loaders --------------------------------------------------------------------------------------


def canned_responses(languages: Iterable[str], *, values: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    """Active canned responses in the counsellor's languages, in the admin's order; with `values`,
    their placeholders (helpline.placeholders) filled in, so the counsellor inserts finished text."""
    from helpline.models import CannedResponse
    from helpline.placeholders import fill

    rows = CannedResponse.objects.filter(active=True, language__in=list(languages))
    out = []
    for row in rows:
        body = row.body
        if values is not None:
            try:
                body = fill(body, values)
            except ValueError:
                # A row saved before placeholders were checked: inserted as it was typed.
                body = row.body
        out.append({"id": row.pk, "title": row.title, "body": body, "language": row.language})
    return out


def shareable_resources(languages: Iterable[str]) -> list[dict[str, str]]:
    """Published self-help articles in the counsellor's languages, if the resources app is installed.

    Returns [] when it is not (the workspace then offers only a field for a /help/... path).
    """
    try:
        from resources.models import Article  # type: ignore[attr-defined,unused-ignore]
    except ImportError:
        return []
    wanted = list(languages)
    found: list[dict[str, str]] = []
    rows = Article.objects.filter(language__in=wanted, published_on__isnull=False).order_by("language", "title")
    for article in rows[:MAX_SHARED_RESOURCES]:
        try:
            with translation.override(article.language):
                path = reverse("resources:article", kwargs={"slug": article.slug})
        except NoReverseMatch:
            return []
        found.append({"title": article.title, "path": path, "language": article.language})
    return found


# --- Texts the scripts show ------------------------------------------------------------------------
# Translatable here, so the scripts carry no English of their own. `{name}` marks a value.

WORKSPACE_STRINGS: Mapping[str, Promise | str] = {
    "under_a_minute": _("under a minute"),
    "minutes": _("{n} min"),
    "key_pending": _("Waiting for certification. You cannot take chats yet."),
    "key_certified": _("Certified: help-seekers' browsers can check that you are one of our counsellors."),
    "key_revoked": _("This key was revoked. You cannot take chats with it."),
    "key_error": _("The key's status could not be checked. Check your connection and try again."),
    "key_unsupported": _(
        "This browser cannot keep a key (private windows often cannot). Use a normal window of an up-to-date browser."
    ),
    "valid_until": _("Valid until {date}."),
    "not_connected": _("Not connected to the service at the moment. Please wait while we reconnect."),
    "connection_connecting": _("Connecting…"),
    "connection_open": _("Connected."),
    "connection_reconnecting": _(
        "Connection lost. Reconnecting… Your chats are kept for {seconds} seconds; help-seekers are told you are "
        "reconnecting."
    ),
    "connection_signed_out": _("You have been signed out. Sign in again to continue."),
    "connection_superseded": _("The workspace was opened in another tab or window, so this one stopped."),
    "frame_failed": _("Something went wrong on this page. If it happens again, reload the page."),
    "status_available": _("Available: you can take chats."),
    "status_break": _("On a break: no chats are offered to you."),
    "status_offline": _("Offline: no chats are offered to you."),
    "status_wrapup": _("Wrap-up: file the wrap-up of your last chat before taking the next one."),
    "load": _("{active} of {limit} chats"),
    "take_needs_certificate": _(
        "You cannot take chats until this browser's key is certified (see “Your identity key” above)."
    ),
    "take_needs_wrapup": _("File the wrap-up of your last chat first."),
    "take_needs_available": _("Set your status to available first."),
    "take_at_limit": _("You are holding as many chats as you can."),
    "queue_total": _("{n} waiting"),
    "priority_crisis": _("Crisis"),
    "priority_raised": _("Raised"),
    "priority_normal": _("Normal"),
    "unread": _("{n} new"),
    "chat_label": _("Chat {n}"),
    "chat_label_wrapup": _("Chat {n} (wrap-up)"),
    "you": _("You"),
    "seeker": _("Help-seeker"),
    "shared_resource": _("Shared a page:"),
    "chat_over": _("This chat is over."),
    "secure_ready": _("Connected securely: messages are end-to-end encrypted."),
    "secure_waiting": _("Setting up the encrypted connection…"),
    "resource_bad_path": _("Choose a page from the list, or type a path on this service that starts with /help/."),
    "help_sent": _("A supervisor has been alerted. They see this chat's details, never its messages."),
    "wrapup_incomplete": format_lazy(
        _(
            "Please answer every question of the wrap-up. “{no_referral}” and “{no_risk}” cannot be combined "
            "with other answers."
        ),
        no_referral=wrapup.REFERRALS["none"],
        no_risk=wrapup.RISK_FLAGS["none"],
    ),
    "ended_seeker_left": _("The help-seeker ended the chat."),
    "ended_counsellor_ended": _("You ended the chat."),
    "ended_seeker_lost": _("The help-seeker's connection did not come back."),
    "ended_idle": _("The chat ended after a long time without messages."),
    "ended_blocked": _("The chat was ended and this connection is blocked from new chats for a while."),
    "ended_expired": _("The chat has expired."),
    "ended_gone": _("The chat no longer exists."),
    "ended_interrupted": _(
        "The service lost this chat's live state (a restart on our side), so it could not go on. "
        "The help-seeker was told and invited to start a new chat."
    ),
    "ended_other": _("The chat has ended."),
    "handshake_failed": _(
        "We could not set up a secure connection with this help-seeker. The chat has been stopped; nothing was sent."
    ),
    "chat_taken": _("You took this chat. Setting up the encrypted connection…"),
    "chat_taken_announce": _("New chat: chat {n}."),
    "rekeying": _("This page was reloaded, so the chat's keys are gone. Asking the help-seeker for new ones…"),
    "message_unreadable": _("A message could not be decrypted, so the chat can no longer be trusted and was ended."),
    "delivered": _("Delivered"),
    "peer_reconnecting": _("The help-seeker's connection dropped. Waiting for them to come back…"),
    "peer_back": _("The help-seeker is back."),
    "chat_ended_announce": _("Chat {n} has ended. Please file the wrap-up."),
    "reassigned": _("A supervisor has passed chat {n} to another counsellor."),
    "wrapup_saved": _("Wrap-up saved."),
    "error_not_available": _("Set your status to available first."),
    "error_at_limit": _("You are holding as many chats as you can."),
    "error_wrapup_required": _("File the wrap-up of your last chat first."),
    "error_queue_empty": _("Nobody you can help is waiting right now."),
    "error_not_allowed": _("That is not possible for this chat."),
    "error_bad_state": _("That is not possible at this step of the chat."),
    "error_rate_limited": _("Too many actions at once. Please slow down."),
    "error_store_unavailable": _("The service is briefly unavailable. Please try again in a moment."),
    "error_bad_frame": _("That could not be sent. Please check the form and try again."),
    "error_other": _("Something went wrong. Please try again."),
    # Supervisor view
    "floor_counsellor_unknown": _("(not signed in)"),
    "help_alert": _("{name} asks for help with a {priority} chat in {language}, {minutes} into the chat."),
    "set_offline_done": _("{name} was set offline."),
    "assign_done": _("The chat was passed on."),
    "state_available": _("available"),
    "state_break": _("on a break"),
    "state_offline": _("offline"),
    "online": _("online"),
    "not_online": _("not connected"),
    "chat_state_assigned": _("connecting"),
    "chat_state_active": _("active"),
    "chat_state_queued": _("waiting"),
    "help_flag": _("help asked"),
    "none_online": _("No counsellor can take it now"),
    "set_offline": _("Set offline"),
}


def workspace_strings() -> dict[str, str]:
    return {key: str(text) for key, text in WORKSPACE_STRINGS.items()}
