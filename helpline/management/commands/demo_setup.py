"""manage.py demo_setup: demo staff accounts for `make run`. DEMO MODE ONLY (HELPLINE_DEMO=1).

Creates, once, a demo counsellor, supervisor, manager and administrator, each with a confirmed
authenticator. Every run gives them new random passwords and prints everything needed to sign
in, including the current code. It refuses to run outside demo mode: printed credentials have no
place on a real service.
"""

from __future__ import annotations

import os
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from helpline.staff.accounts import (
    do_create_staff,
    do_reset_totp,
    do_set_password,
    do_sync_role_permissions,
    totp_secret,
)
from helpline.staff.rules import ADMIN, COUNSELLOR, MANAGER, SUPERVISOR, grouped_secret

# username, role, pseudonym, languages
DEMO_ACCOUNTS: tuple[tuple[str, str, str, str], ...] = (
    ("demo-counsellor", COUNSELLOR, "Sam", "en,de"),
    ("demo-supervisor", SUPERVISOR, "Alex", "en"),
    ("demo-manager", MANAGER, "", "en"),
    ("demo-admin", ADMIN, "", "en"),
)
VIA = "demo_setup"


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):0{device.digits}d}"


class Command(BaseCommand):
    help = "Demo mode only: create demo staff accounts and print how to sign in."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_MODE:
            raise CommandError(
                "demo_setup only runs in demo mode (HELPLINE_DEMO=1): it creates accounts whose passwords "
                "it prints. Use `manage.py createstaff` on a real service."
            )
        do_sync_role_permissions()
        rule = "=" * 78
        self.stdout.write(rule)
        self.stdout.write("DEMO ONLY. These accounts and passwords are for trying the service on this machine.")
        self.stdout.write("Never run a real helpline in demo mode. Passwords change every time `make run` starts.")
        self.stdout.write(rule)
        port = os.environ.get("PORT", "8000")
        self.stdout.write(f"Staff sign-in: http://127.0.0.1:{port}/staff/login/")
        for username, role, pseudonym, languages in DEMO_ACCOUNTS:
            password = secrets.token_urlsafe(12)
            user = User.objects.filter(username=username).first()
            if user is None:
                user, _ = do_create_staff(
                    actor=None,
                    username=username,
                    password=password,
                    role=role,
                    pseudonym=pseudonym,
                    languages=languages,
                    via=VIA,
                )
            else:
                do_set_password(actor=None, user=user, password=password, via=VIA)
            device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
            if device is None:
                do_reset_totp(actor=None, user=user, via=VIA)
                device = TOTPDevice.objects.get(user=user, confirmed=True)
            secret = grouped_secret(totp_secret(device).secret)
            self.stdout.write("")
            self.stdout.write(f"  {role:<11} username: {username}")
            self.stdout.write(f"  {'':<11} password: {password}")
            self.stdout.write(f"  {'':<11} TOTP secret (add to an authenticator app): {secret}")
            self.stdout.write(f"  {'':<11} code right now (changes every 30 s): {current_code(device)}")
        self.stdout.write(rule)
