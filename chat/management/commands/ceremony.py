"""manage.py ceremony REQUESTS --key ROOT.pem --out CERTIFICATES: the offline signing step.

Run it on the machine that holds the organisation root private key. It reads the requests file
exported from the Keys page, prints each pseudonym with its full fingerprint (compare them with
what each counsellor sees on their workspace), signs a certificate for each one and writes the
certificates file to import on the Keys page. It touches no database.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chat.certificates import DEFAULT_DAYS, CertificateError, load_private_key
from chat.e2ee import format_fingerprint
from chat.key_ceremony import sign_requests


class Command(BaseCommand):
    help = "Sign exported certification requests with the root private key (offline)."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("requests", help="the file exported from the Keys page")
        parser.add_argument("--key", required=True, help="the root private key file")
        parser.add_argument("--out", required=True, help="where to write the certificates file")
        parser.add_argument("--days", type=int, default=DEFAULT_DAYS, help=f"validity (default {DEFAULT_DAYS})")

    def handle(self, *args: Any, **options: Any) -> None:
        out = Path(options["out"])
        if out.exists():
            raise CommandError(f"{out} exists; choose another name")
        try:
            text, signed = sign_requests(
                Path(options["requests"]).read_bytes(),
                root_private=load_private_key(options["key"]),
                days=options["days"],
            )
        except OSError as exc:
            raise CommandError(f"cannot read {options['requests']}: {exc}") from exc
        except CertificateError as exc:
            raise CommandError(str(exc)) from exc
        out.write_text(text, encoding="utf-8")
        for entry in signed:
            self.stdout.write(f"Signed {entry['pseudonym']} ({entry['account']})")
            self.stdout.write(f"  {format_fingerprint(entry['fingerprint'])}")
        self.stdout.write(f"{len(signed)} certificate(s) written to {out} for {options['days']} days.")
