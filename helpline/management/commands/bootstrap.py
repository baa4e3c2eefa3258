"""manage.py bootstrap: the first run of a new service.

Creates the first administrator with a one-time enrolment link (48 hours; the person chooses a
password and sets up an authenticator in the browser), runs Django's deployment checks, and says
in plain words what is still missing. The administration home (/staff/manage/) shows the same
checklist until it is done. Running it again creates no second administrator.
"""

from __future__ import annotations

from io import StringIO
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser, SystemCheckError
from django.db.models import Q

from helpline.setup_checklist import checklist, setup_facts
from helpline.staff.invitations import INVITATION_HOURS, do_invite_staff, enrolment_path
from helpline.staff.rules import ADMIN


class Command(BaseCommand):
    help = "Create the first administrator (enrolment link), run check --deploy and list what is still missing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", default="admin", help="The first administrator's username (default admin).")
        parser.add_argument(
            "--base-url", default="", help="The site's address, for example https://help.example.org, for the link."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        base = options["base_url"].rstrip("/")
        admins = User.objects.filter(Q(groups__name=ADMIN) | Q(is_superuser=True), is_active=True)
        if admins.exists():
            self.stdout.write("An administrator already exists; no new account was made.")
        else:
            try:
                _user, token = do_invite_staff(
                    actor=None, username=options["username"], role=ADMIN, via="bootstrap"
                )
            except ValidationError as exc:
                raise CommandError("The administrator was not created:\n  " + "\n  ".join(exc.messages)) from exc
            self.stdout.write(f"Created the administrator {options['username']!r}.")
            self.stdout.write(
                f"Enrolment link (works once, for {INVITATION_HOURS} hours): {base}{enrolment_path(token)}"
            )
            self.stdout.write("Open it in a browser to choose a password and set up an authenticator app.")
        self.stdout.write("")
        self.stdout.write("Deployment checks (manage.py check --deploy):")
        out = StringIO()
        try:
            call_command("check", deploy=True, stdout=out, stderr=out)
        except SystemCheckError as exc:
            out.write(str(exc))
        for line in out.getvalue().strip().splitlines():
            self.stdout.write(f"  {line}")
        self.stdout.write("")
        items = checklist(setup_facts())
        missing = [item for item in items if not item.done]
        if not missing:
            self.stdout.write("Nothing is missing: the service is ready.")
            return
        self.stdout.write(f"Still to do ({len(missing)} of {len(items)}):")
        for item in missing:
            self.stdout.write(f"- {item.title}: {item.advice}")
