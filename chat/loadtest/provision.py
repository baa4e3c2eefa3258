"""Provision working counsellor accounts for tests and the load test.

A provisioned counsellor has a staff account in a role group, a confirmed TOTP device, a signed-in
session with the second factor verified (a real row in the session store), and a certified
identity key whose private half is returned to the caller. The load test uses this against the
service's own database (`manage.py loadtest --provision`), and removes the accounts afterwards.
"""

from __future__ import annotations

import json
import secrets
import sys
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings

from chat import e2ee

# Django models are imported inside the functions, so that `python -m chat.loadtest.provision` can set
# Django up first.

PREFIX = "loadtest-"


@dataclass
class ProvisionedCounsellor:
    user_id: int
    username: str
    cookie: str
    identity_private: ec.EllipticCurvePrivateKey
    cert: bytes
    sig_cert: bytes

    def as_json(self) -> dict[str, Any]:
        return {
            "user_id": self.user_id, "username": self.username, "cookie": self.cookie,
            "identity_private_hex": format(self.identity_private.private_numbers().private_value, "064x"),
            "cert": e2ee.b64e(self.cert), "sig_cert": e2ee.b64e(self.sig_cert),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ProvisionedCounsellor:
        return cls(
            data["user_id"], data["username"], data["cookie"], e2ee.private_key_from_hex(data["identity_private_hex"]),
            e2ee.b64d(data["cert"]), e2ee.b64d(data["sig_cert"]),
        )


def root_private_key() -> ec.EllipticCurvePrivateKey:
    from chat.certificates import ensure_demo_root_key, load_private_key

    if settings.DEMO_MODE:
        ensure_demo_root_key()
    if not settings.ORG_ROOT_PRIVATE_KEY:
        raise RuntimeError("provisioning needs ORG_ROOT_PRIVATE_KEY (demo mode sets it)")
    return load_private_key(settings.ORG_ROOT_PRIVATE_KEY)


def provision_counsellor(
    username: str,
    *,
    role: str = "counsellor",
    languages: str = "en,de",
    pathways: str = "",
    chat_limit: int = 2,
    pseudonym: str = "",
    root_private: ec.EllipticCurvePrivateKey | None = None,
) -> ProvisionedCounsellor:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.auth.models import Group
    from django.utils.module_loading import import_string
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from chat.certificates import certificate_fields, do_certify, do_request_certification

    user_model = get_user_model()
    # No password: the account signs in only through the session made here (and hashing a random
    # password costs half a second, which the load test would pay a thousand times).
    user = user_model.objects.create_user(username, password=None)
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    try:
        from helpline.models import StaffProfile  # type: ignore[attr-defined]

        StaffProfile.objects.update_or_create(
            user=user, defaults={"languages": languages, "pathways": pathways, "chat_limit": chat_limit,
                                 "pseudonym": pseudonym or username},
        )
    except ImportError:
        pass
    device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    session = import_string(settings.SESSION_ENGINE + ".SessionStore")()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.set_expiry(12 * 3600)
    session.create()
    identity = e2ee.generate_ephemeral()
    key = do_request_certification(
        user=user, public_key=e2ee.b64e(e2ee.public_point(identity.public_key())), pseudonym=pseudonym or username
    )
    key = do_certify(key=key, root_private=root_private or root_private_key(), days=2)
    fields = certificate_fields(key)
    return ProvisionedCounsellor(
        user.pk, username, f"{settings.SESSION_COOKIE_NAME}={session.session_key}", identity,
        e2ee.b64d(fields["cert"]), e2ee.b64d(fields["sig_cert"]),
    )


def remove_provisioned(prefix: str = PREFIX) -> int:
    from django.contrib.auth import get_user_model

    deleted, _ = get_user_model().objects.filter(username__startswith=prefix).delete()
    return deleted


def main(argv: list[str]) -> None:
    """`python -m chat.loadtest.provision N [role] [chat_limit]`: print N provisioned counsellors as JSON
    (tests and the benchmark use this to provision inside a live server's database)."""
    import django

    django.setup()
    count = int(argv[0]) if argv else 1
    role = argv[1] if len(argv) > 1 else "counsellor"
    limit = int(argv[2]) if len(argv) > 2 else 2
    root = root_private_key()
    people = [
        provision_counsellor(f"{PREFIX}{role}-{secrets.token_hex(4)}", role=role, chat_limit=limit,
                             root_private=root).as_json()
        for _ in range(count)
    ]
    json.dump({"counsellors": people, "root_public": e2ee.b64e(e2ee.public_point(root.public_key()))}, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1:])
