"""manage.py createstaff USERNAME --role ROLE: create a staff account; or issue a new authenticator.

The password is read from standard input (prompted twice on a terminal), never from the command
line, where it would land in the shell history and the process list. The TOTP secret and its
provisioning URI are printed once, for the person the account belongs to.
"""

from __future__ import annotations

import getpass
import sys
from typing import Any, TextIO

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from helpline.staff.accounts import TotpSecret, do_create_staff, do_reset_totp
from helpline.staff.rules import ROLES, grouped_secret


class Command(BaseCommand):
    help = "Create a staff account (password from stdin) and print its TOTP secret; or --reset-totp."
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", choices=ROLES, help="The account's role (required for a new account).")
        parser.add_argument("--pseudonym", default="", help="The name help-seekers see, for example Sam.")
        parser.add_argument("--languages", default="en", help="Comma-separated language codes (default: en).")
        parser.add_argument("--pathways", default="", help="Comma-separated pathway codes (default: all).")
        parser.add_argument("--chat-limit", type=int, default=None, help="Chats held at once.")
        parser.add_argument(
            "--reset-totp",
            action="store_true",
            help="For an existing account: remove its authenticators and issue a new one.",
        )
        parser.add_argument(
            "--enrol-at-sign-in",
            action="store_true",
            help="Issue no TOTP secret now: the person scans a QR code at their first sign-in instead.",
        )

    def execute(self, *args: Any, **options: Any) -> str | None:
        # Tests pass stdin=...; so does anyone piping the password in.
        self.stdin: TextIO = options.pop("stdin", sys.stdin)
        return super().execute(*args, **options)

    def handle(self, *args: Any, **options: Any) -> None:
        username: str = options["username"]
        with_totp = not options["enrol_at_sign_in"]
        existing = User.objects.filter(username=username).first()
        if options["reset_totp"]:
            if existing is None:
                raise CommandError(f"There is no account named {username!r}.")
            secret = do_reset_totp(actor=None, user=existing, with_totp=with_totp, via="createstaff --reset-totp")
            self.stdout.write(f"Removed the authenticators of {username!r}.")
            self._print_secret(username, secret)
            return
        if existing is not None:
            raise CommandError(
                f"An account named {username!r} already exists. To issue a new authenticator, add --reset-totp; "
                "to change its role or profile, use the administration site."
            )
        if not options["role"]:
            raise CommandError(f"--role is required for a new account (one of: {', '.join(ROLES)}).")
        password = self._read_password()
        try:
            _, secret = do_create_staff(
                actor=None,
                username=username,
                password=password,
                role=options["role"],
                pseudonym=options["pseudonym"],
                languages=options["languages"],
                pathways=options["pathways"],
                chat_limit=options["chat_limit"],
                with_totp=with_totp,
            )
        except ValidationError as exc:
            raise CommandError("The account was not created:\n  " + "\n  ".join(exc.messages)) from exc
        self.stdout.write(f"Created the {options['role']} account {username!r}.")
        self._print_secret(username, secret)

    def _read_password(self) -> str:
        if self.stdin.isatty():
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The two passwords differ; nothing was created.")
            return password
        line = self.stdin.readline()
        password = line.rstrip("\r\n")
        if not password:
            raise CommandError("No password on standard input; nothing was created.")
        return password

    def _print_secret(self, username: str, secret: TotpSecret | None) -> None:
        if secret is None:
            self.stdout.write(
                f"No authenticator issued: {username!r} sets one up with a QR code at their next sign-in."
            )
            return
        self.stdout.write(f"TOTP secret: {secret.secret}")
        self.stdout.write(f"  (grouped:  {grouped_secret(secret.secret)})")
        self.stdout.write(f"Provisioning URI: {secret.uri}")
        self.stdout.write(
            "Hand these to the person privately and once; anyone with the secret and the password can sign in."
        )
