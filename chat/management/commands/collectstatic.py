"""manage.py collectstatic, which first publishes the organisation root public key as a static file.

Browsers check counsellor certificates against this key (docs/PROTOCOL.md section 4). Shipping it
as a content-hashed static file means it changes only when the key changes, that its hash appears
in the published manifest (helpline.staticfiles.integrity_manifest) beside the chat code, and that
no request for it ever reaches Django. The asset is written to VAR_DIR/public/chat/keys/org-root.json,
which STATICFILES_DIRS includes.

Keeps: the public key only (never the private key). In demo mode the demo root key pair is created
first if it is missing; outside demo mode a missing public key is an error, because a chat page
without it could never verify a counsellor.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles.management.commands import collectstatic
from django.core.management.base import CommandError

from chat import certificates
from chat.certificates import ROOT_KEY_ASSET


def public_dir() -> Path:
    return Path(settings.VAR_DIR) / "public"


def write_root_key_asset() -> Path:
    """Write the browser asset of the configured root public key; returns its path."""
    if settings.DEMO_MODE:
        certificates.ensure_demo_root_key()
    if not Path(settings.ORG_ROOT_PUBLIC_KEY).exists():
        raise CommandError(
            f"ORG_ROOT_PUBLIC_KEY ({settings.ORG_ROOT_PUBLIC_KEY}) does not exist: create the root key with "
            "`manage.py orgkey init --out PATH` (or point ORG_ROOT_PUBLIC_KEY at the public key) before "
            "collecting static files"
        )
    try:
        text = certificates.root_public_key_json()
    except certificates.CertificateError as exc:
        raise CommandError(str(exc)) from exc
    path = public_dir() / ROOT_KEY_ASSET
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


class Command(collectstatic.Command):
    help = "Publish the organisation root public key as a static file, then collect static files."

    def add_arguments(self, parser: Any) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--without-root-key", action="store_true",
            help="collect without the root public key (the chat page then says the chat is unavailable)",
        )

    def handle(self, **options: Any) -> str | None:
        if options.pop("without_root_key", False):
            self.stderr.write("Collected without the root public key: the chat cannot start until it is added.")
        else:
            path = write_root_key_asset()
            if options.get("verbosity", 1) >= 1:
                self.stdout.write(f"Root public key asset: {path}")
        return super().handle(**options)  # type: ignore[no-any-return]
