"""Changing service content from the staff administration: canned responses and crisis-contact checks.

Keeps: canned responses (helpline.models.CannedResponse) and the "last checked" day of each crisis
contact (resources.models.CrisisContact), as service content until staff change them. Each change
is one `do_*` here and is audited. Triage questions and self-help articles are edited in the
Django admin, which audits its own changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from helpline.audit import do_audit
from helpline.models import LANGUAGE_CODE_VALIDATOR, CannedResponse
from helpline.placeholders import check_template, fill
from helpline.staff.accounts import Actor


def check_canned_response(*, title: str, body: str, language: str) -> tuple[str, str, str]:
    title, body, language = title.strip(), body.strip(), language.strip().lower()
    errors: dict[str, str] = {}
    if not title or len(title) > 100:
        errors["title"] = _("Give the response a title of at most 100 characters.")
    if not body or len(body) > 4000:
        errors["body"] = _("Write the response, at most 4,000 characters.")
    else:
        try:
            check_template(body)
        except ValueError as exc:
            errors["body"] = str(exc)
    try:
        LANGUAGE_CODE_VALIDATOR(language)
    except ValidationError:
        errors["language"] = _("Use a language code such as en or de.")
    if errors:
        raise ValidationError(errors)
    return title, body, language


def do_save_canned_response(
    *,
    actor: Actor,
    response: CannedResponse | None,
    title: str,
    body: str,
    language: str,
    position: int = 0,
    active: bool = True,
) -> CannedResponse:
    """Create (response=None) or change a canned response; refuses unknown placeholders."""
    title, body, language = check_canned_response(title=title, body=body, language=language)
    with transaction.atomic():
        created = response is None
        response = response or CannedResponse()
        response.title, response.body, response.language = title, body, language
        response.position, response.active = max(0, min(position, 32767)), active
        response.save()
        do_audit(
            actor=actor,
            action="content.canned_added" if created else "content.canned_changed",
            target=f"canned:{response.pk}",
            detail={"language": language},
        )
    return response


def do_delete_canned_response(*, actor: Actor, response: CannedResponse) -> None:
    with transaction.atomic():
        pk = response.pk
        response.delete()
        do_audit(actor=actor, action="content.canned_deleted", target=f"canned:{pk}", detail={})


def preview_values(*, counsellor: str, opening_hours: str) -> Mapping[str, str]:
    """Example values for the placeholder preview (the chat fills the real ones before sending)."""
    return {
        "counsellor": counsellor or _("Sam"),
        "service": str(settings.SERVICE_NAME),
        "opening_hours": opening_hours,
        "self_help_url": "/help/",
        "crisis_url": "/crisis/",
    }


def preview_text(body: str, values: Mapping[str, str]) -> str:
    try:
        return fill(body, values)
    except ValueError:
        return body


def do_mark_crisis_contact_checked(*, actor: Actor, contact_id: int, day: dt.date | None = None) -> bool:
    from resources.models import CrisisContact

    with transaction.atomic():
        contact = CrisisContact.objects.select_for_update().filter(pk=contact_id).first()
        if contact is None:
            return False
        contact.last_checked = day or timezone.localdate()
        contact.save(update_fields=["last_checked"])
        do_audit(
            actor=actor, action="content.crisis_contact_checked", target=f"crisis_contact:{contact.pk}",
            detail={"country": contact.country},
        )
    return True
