"""Invitations: an administrator makes an account in the browser and hands its owner a one-time link.

Keeps: one helpline.models.StaffInvitation per account not yet enrolled (a SHA-256 hash of the
link's token, never the token; who made it; when it expires, INVITATION_HOURS after). The link
asks its owner for a password, shows the QR code of a new authenticator and confirms it with one
code; then the invitation is deleted. Until then the account has no usable password and no
confirmed authenticator, so nobody can sign in to it. Expired invitations are deleted by
`manage.py cleanup`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from helpline.audit import do_audit
from helpline.models import StaffInvitation, StaffProfile
from helpline.staff.accounts import (
    Actor,
    _set_groups,
    check_new_password,
    check_new_username,
    check_profile,
    check_role_name,
)

INVITATION_HOURS = 48
ENROL_PATH = "/staff/enrol/{token}/"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def enrolment_path(token: str) -> str:
    return ENROL_PATH.format(token=token)


def _new_invitation(*, actor: Actor, user: User, now: dt.datetime) -> str:
    token = secrets.token_urlsafe(32)
    StaffInvitation.objects.filter(user=user).delete()
    StaffInvitation.objects.create(
        user=user,
        token_hash=_hash(token),
        created_by=actor if isinstance(actor, User) else None,
        expires_at=now + dt.timedelta(hours=INVITATION_HOURS),
    )
    return token


def do_invite_staff(
    *,
    actor: Actor,
    username: str,
    role: str,
    pseudonym: str = "",
    languages: str = "en",
    pathways: str = "",
    chat_limit: int | None = None,
    via: str = "staff admin",
    now: dt.datetime | None = None,
) -> tuple[User, str]:
    """Create an account that its owner completes by the returned one-time token (see enrolment_path)."""
    username = check_new_username(username)
    check_role_name(role)
    pseudonym, language_codes, pathway_codes, limit = check_profile(
        pseudonym=pseudonym, languages=languages, pathways=pathways, chat_limit=chat_limit
    )
    with transaction.atomic():
        user = User.objects.create_user(username=username, password=None)
        StaffProfile.objects.create(
            user=user,
            pseudonym=pseudonym,
            languages=",".join(language_codes),
            pathways=",".join(pathway_codes),
            chat_limit=limit,
        )
        _set_groups(user, role)
        token = _new_invitation(actor=actor, user=user, now=now or timezone.now())
        do_audit(
            actor=actor,
            action="staff.account_created",
            target=username,
            detail={"role": role, "via": via, "second_factor": "enrolment link"},
        )
    return user, token


def do_renew_invitation(*, actor: Actor, user: User, now: dt.datetime | None = None) -> str:
    """A new enrolment link for an account that has not finished enrolling (the old link stops working)."""
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise ValidationError("This person has already enrolled. Reset their second factor instead.")
    with transaction.atomic():
        token = _new_invitation(actor=actor, user=user, now=now or timezone.now())
        do_audit(actor=actor, action="staff.invitation_renewed", target=user.get_username(), detail={})
    return token


def check_invitation(token: str, *, now: dt.datetime | None = None) -> StaffInvitation | None:
    """The live invitation for `token`, or None (unknown, used, expired, or the account is switched off)."""
    if not token or len(token) > 100:
        return None
    invitation = StaffInvitation.objects.select_related("user").filter(token_hash=_hash(token)).first()
    if invitation is None or invitation.expires_at <= (now or timezone.now()) or not invitation.user.is_active:
        return None
    return invitation


def invitation_device(invitation: StaffInvitation) -> TOTPDevice:
    """The unconfirmed authenticator this invitation shows as a QR code; the same one until confirmed."""
    device = TOTPDevice.objects.filter(user=invitation.user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=invitation.user, name="authenticator", confirmed=False)
    return device


def do_accept_invitation(*, invitation: StaffInvitation, password: str, device: TOTPDevice) -> User:
    """Set the account's password and confirm its authenticator (the caller checked the code); one use."""
    user = invitation.user
    check_new_password(password, username=user.get_username())
    with transaction.atomic():
        locked = StaffInvitation.objects.select_for_update().filter(pk=invitation.pk).first()
        if locked is None:
            raise ValidationError("This enrolment link has already been used.")
        user.set_password(password)
        user.save(update_fields=["password"])
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        locked.delete()
        do_audit(actor=user, action="staff.enrolled_by_link", target=user.get_username(), detail={})
    return user


def delete_expired_invitations(*, now: dt.datetime | None = None) -> int:
    deleted, _ = StaffInvitation.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted
