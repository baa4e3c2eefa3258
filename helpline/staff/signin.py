"""Signing staff in and out: the password step, the second factor, enrolment and sign-out.

Keeps: a database session per signed-in staff member (expires after STAFF_IDLE_MINUTES without a
request) and audit events for sign-ins, failed attempts, enrolments and sign-outs. An audit event
never holds the attempted password, a code, an address or a user agent; a failed attempt names
the account only when it exists (people sometimes type a password into the username field).
"""

from __future__ import annotations

import django_otp
from django.contrib import auth
from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice

from helpline.audit import do_audit

SIGN_IN = "staff.sign_in"
SIGN_IN_FAILED = "staff.sign_in_failed"
SIGN_OUT = "staff.sign_out"
TOTP_ENROLLED = "staff.totp_enrolled"


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def enrolment_device(user: User) -> TOTPDevice:
    """The unconfirmed device this user is enrolling; made on first use, the same one until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def check_code(user: User, device: Device, code: str) -> bool:
    """True if `code` is valid for `device` now (each code works once; wrong codes slow the device down)."""
    code = code.replace(" ", "")
    if not code.isdigit():
        return False
    return django_otp.verify_token(user, device.persistent_id, code) is not None


def do_password_step(request: HttpRequest, *, user: User) -> None:
    """The password was right: sign in without the second factor, which every staff page still demands.

    Not audited as a sign-in: that happens when the second factor is verified.
    """
    auth.login(request, user)


def do_record_failed_attempt(*, username: str, stage: str) -> None:
    user = User.objects.filter(username=username).first() if username else None
    do_audit(
        actor=user,
        action=SIGN_IN_FAILED,
        target=user.get_username() if user is not None else "",
        detail={"stage": stage, "known_account": user is not None},
    )


def do_second_factor_step(request: HttpRequest, *, device: Device) -> None:
    """The code was right: mark the session verified with a fresh session key, and audit it."""
    request.session.cycle_key()
    django_otp.login(request, device)
    do_audit(actor=request.user, action=SIGN_IN, target=request.user.get_username(), detail={})


def do_confirm_enrolment(request: HttpRequest, *, device: TOTPDevice) -> None:
    """The first code from a newly scanned authenticator was right: confirm the device and sign in."""
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        # Only one device: any older unconfirmed attempts are dropped.
        TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
        do_audit(actor=request.user, action=TOTP_ENROLLED, target=request.user.get_username(), detail={})
    do_second_factor_step(request, device=device)


def do_sign_out(request: HttpRequest) -> None:
    if request.user.is_authenticated:
        do_audit(actor=request.user, action=SIGN_OUT, target=request.user.get_username(), detail={})
    auth.logout(request)
