"""manage.py orgkey: the organisation root key and counsellor certificates.

    orgkey init --out PATH [--public-out PATH]   make a root key pair (private file 0600)
    orgkey public [--json-out PATH]              print (or write) the browser asset and fingerprint
    orgkey certify USER|FINGERPRINT --key PATH [--days 90]
    orgkey revoke USER|FINGERPRINT
    orgkey list [--status pending|certified|revoked]

The private root key need not live on the server: run `certify` where the key file is, against
the production database, or copy the key in for the moment and remove it afterwards.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from chat import certificates
from chat.e2ee import format_fingerprint
from chat.models import IdentityKey


class Command(BaseCommand):
    help = "Manage the organisation root key and counsellor certificates (docs/PROTOCOL.md section 4)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        init = sub.add_parser("init", help="create the root key pair")
        init.add_argument("--out", required=True, help="where to write the private key (created 0600)")
        init.add_argument(
            "--public-out", help="where to write the public key PEM (default: settings.ORG_ROOT_PUBLIC_KEY)"
        )
        public = sub.add_parser("public", help="show the root public key as the browser module expects it")
        public.add_argument("--json-out", help="write the JSON asset to this file")
        certify = sub.add_parser("certify", help="sign a pending counsellor key")
        certify.add_argument("identifier", help="username (newest pending key) or key fingerprint")
        certify.add_argument("--key", required=True, help="root private key file")
        certify.add_argument("--days", type=int, default=certificates.DEFAULT_DAYS, help="validity (default 90)")
        revoke = sub.add_parser("revoke", help="revoke a key, or every key of a user")
        revoke.add_argument("identifier", help="username or key fingerprint")
        listing = sub.add_parser("list", help="list identity keys")
        listing.add_argument("--status", choices=[s.value for s in IdentityKey.Status])

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"handle_{options['action']}")(**options)
        except certificates.CertificateError as exc:
            raise CommandError(str(exc)) from exc

    def handle_init(self, *, out: str, public_out: str | None, **_: Any) -> None:
        if Path(out).exists():
            raise CommandError(f"{out} exists; refusing to overwrite a root key")
        public_path = Path(public_out or settings.ORG_ROOT_PUBLIC_KEY)
        key = certificates.generate_root_key()
        certificates.write_private_key(out, key)
        public_path.parent.mkdir(parents=True, exist_ok=True)
        certificates.write_public_key(public_path, key.public_key())
        asset = certificates.root_public_key_asset(key.public_key())
        self.stdout.write(f"Private key: {out} (mode 0600). Keep it offline and backed up.")
        self.stdout.write(f"Public key:  {public_path}")
        self.stdout.write(f"Public key (base64url point): {asset['public_key']}")
        self.stdout.write(f"Fingerprint: {format_fingerprint(asset['fingerprint'])}")

    def handle_public(self, *, json_out: str | None, **_: Any) -> None:
        text = certificates.root_public_key_json()
        if json_out:
            Path(json_out).write_text(text, encoding="utf-8")
        self.stdout.write(text, ending="")
        asset = certificates.root_public_key_asset()
        self.stdout.write(f"Fingerprint: {format_fingerprint(asset['fingerprint'])}")

    def handle_certify(self, *, identifier: str, key: str, days: int, **_: Any) -> None:
        identity = certificates.check_identity_key(identifier)
        root = certificates.load_private_key(key)
        identity = certificates.do_certify(key=identity, root_private=root, days=days)
        assert identity.expires_at is not None
        self.stdout.write(
            f"Certified {identity.user.get_username()} ({identity.pseudonym}) "
            f"key {format_fingerprint(identity.fingerprint)} serial {identity.serial} "
            f"until {identity.expires_at:%Y-%m-%d %H:%M} UTC"
        )

    def handle_revoke(self, *, identifier: str, **_: Any) -> None:
        keys = list(
            IdentityKey.objects.filter(user__username=identifier).exclude(status=IdentityKey.Status.REVOKED)
        )
        if not keys:
            keys = [certificates.check_identity_key(identifier)]
        for identity in keys:
            identity = certificates.do_revoke(key=identity)
            self.stdout.write(
                f"Revoked {identity.user.get_username()} key {format_fingerprint(identity.fingerprint)}"
                + (f" serial {identity.serial}" if identity.serial else "")
            )

    def handle_list(self, *, status: str | None, **_: Any) -> None:
        rows = IdentityKey.objects.select_related("user").order_by("user__username", "-created_at")
        if status:
            rows = rows.filter(status=status)
        for row in rows:
            expires = f"{row.expires_at:%Y-%m-%d}" if row.expires_at else "-"
            self.stdout.write(
                f"{row.user.get_username():<20} {row.pseudonym:<20} {row.status:<10} "
                f"{row.fingerprint[:16]} {row.serial or '-':<32} {expires}"
            )
