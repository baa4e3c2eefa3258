"""A Python secure-message client for the tests: a seeker (codename, mailbox key) and counsellors
with inbox keys, built on the reference implementation (chat/mailbox/crypto.py) only."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec
from django.test import Client

from chat import e2ee
from chat.loadtest.provision import ProvisionedCounsellor
from chat.mailbox import crypto

# Tests stretch codenames with few iterations; the parameter is part of the derivation, so these
# mailboxes could not be opened by a browser (which always uses 600,000). test_crypto checks the real count.
FAST_ITERATIONS = 1000


@dataclass
class Counsellor:
    provisioned: ProvisionedCounsellor
    inbox: ec.EllipticCurvePrivateKey

    @property
    def inbox_point(self) -> bytes:
        return e2ee.public_point(self.inbox.public_key())

    @property
    def user_id(self) -> int:
        return self.provisioned.user_id


def with_inbox_key(provisioned: ProvisionedCounsellor) -> Counsellor:
    """Register an inbox key for a provisioned counsellor through the real service function."""
    from django.contrib.auth.models import User

    from chat.mailbox.services import do_register_inbox_key

    inbox = ec.generate_private_key(ec.SECP256R1())
    point = e2ee.public_point(inbox.public_key())
    identity_point = e2ee.public_point(provisioned.identity_private.public_key())
    signature = e2ee.sign(provisioned.identity_private, crypto.inbox_key_statement(point, identity_point))
    do_register_inbox_key(
        user=User.objects.get(pk=provisioned.user_id), public_key=e2ee.b64e(point), signature=e2ee.b64e(signature)
    )
    return Counsellor(provisioned, inbox)


def post_json(client: Client, url: str, body: Any) -> Any:
    return client.post(url, data=json.dumps(body), content_type="application/json")


@dataclass
class Seeker:
    codename: str = field(default_factory=crypto.generate_codename)
    key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    seq: int = 0

    def __post_init__(self) -> None:
        self.keys = crypto.derive_codename_keys(self.codename, iterations=FAST_ITERATIONS)

    @property
    def point(self) -> bytes:
        return e2ee.public_point(self.key.public_key())

    @property
    def lookup(self) -> str:
        return self.keys.lookup_b64

    def seal(self, text: str, recipients: list[bytes], *, seq: int | None = None) -> dict[str, object]:
        if seq is None:
            self.seq += 1
            seq = self.seq
        body = json.dumps({"t": "text", "body": text})
        sealed = crypto.seal_message(
            body, mailbox_point=self.point, direction=crypto.FROM_SEEKER, seq=seq, recipients=[*recipients, self.point]
        )
        return sealed.fields()

    def create_body(self, text: str, recipients: list[bytes], **extra: object) -> dict[str, object]:
        return {
            "lookup": self.lookup,
            "public_key": e2ee.b64e(self.point),
            "wrapped_private": e2ee.b64e(crypto.wrap_private_key(self.key, self.keys.wrap_key)),
            "message": self.seal(text, recipients),
            **extra,
        }

    def read(self, message: dict[str, Any]) -> str:
        wraps = {item["to"]: e2ee.b64d(item["key"]) for item in message["wraps"]}
        text = crypto.open_message(
            private_key=self.key,
            mailbox_point=self.point,
            direction=message["direction"],
            seq=message["seq"],
            eph=e2ee.b64d(message["eph"]),
            nonce=e2ee.b64d(message["nonce"]),
            ct=e2ee.b64d(message["ct"]),
            wraps=wraps,
        )
        return str(json.loads(text)["body"])


def counsellor_reads(counsellor: Counsellor, mailbox_point: bytes, message: dict[str, Any]) -> str:
    wraps = {item["to"]: e2ee.b64d(item["key"]) for item in message["wraps"]}
    text = crypto.open_message(
        private_key=counsellor.inbox,
        mailbox_point=mailbox_point,
        direction=message["direction"],
        seq=message["seq"],
        eph=e2ee.b64d(message["eph"]),
        nonce=e2ee.b64d(message["nonce"]),
        ct=e2ee.b64d(message["ct"]),
        wraps=wraps,
    )
    return str(json.loads(text)["body"])


def reply_body(
    counsellor: Counsellor, mailbox_point: bytes, text: str, *, seq: int, recipients: list[bytes]
) -> dict[str, object]:
    sealed = crypto.seal_message(
        json.dumps({"t": "text", "body": text}),
        mailbox_point=mailbox_point,
        direction=crypto.FROM_COUNSELLOR,
        seq=seq,
        recipients=[mailbox_point, *recipients],
    )
    sig = crypto.sign_reply(counsellor.provisioned.identity_private, sealed, mailbox_point)
    return {
        "message": {
            **sealed.fields(),
            "cert": e2ee.b64e(counsellor.provisioned.cert),
            "sig_cert": e2ee.b64e(counsellor.provisioned.sig_cert),
            "sig": e2ee.b64e(sig),
        }
    }


def staff_client(counsellor: Counsellor | ProvisionedCounsellor) -> Client:
    """A test client with the provisioned counsellor's verified session (and a CSRF token)."""
    from django.conf import settings

    provisioned = counsellor.provisioned if isinstance(counsellor, Counsellor) else counsellor
    client = Client(enforce_csrf_checks=False)
    client.cookies[settings.SESSION_COOKIE_NAME] = provisioned.cookie.split("=", 1)[1]
    return client
