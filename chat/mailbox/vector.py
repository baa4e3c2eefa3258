"""The worked example of docs/PROTOCOL.md section 9 (appendix C), computed by the reference.

`python -m chat.mailbox.vector` prints it as JSON. Every input that is normally random (keys,
message keys, nonces, the codename) is derived from a fixed label, so the output never changes;
tests/mailbox/test_vector.py checks that the document, this module and the browser agree.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec

from chat import e2ee
from chat.mailbox import crypto

NOW = 1767225600  # 2026-01-01T00:00:00Z
CODENAME = "abacus harmonica spinach legroom uncorrupt maverick tadpole"
SEEKER_TEXT = '{"t":"text","body":"I would like to talk about my thoughts."}'
REPLY_TEXT = '{"t":"text","body":"Thank you for writing. We are here for you."}'


def _bytes(label: str, n: int = 32) -> bytes:
    return hashlib.sha256(f"helpline mailbox vector {label}".encode()).digest()[:n]


def _key(label: str) -> ec.EllipticCurvePrivateKey:
    return ec.derive_private_key(int.from_bytes(_bytes(label), "big"), ec.SECP256R1())


def _jwk(key: ec.EllipticCurvePrivateKey) -> dict[str, str]:
    point = e2ee.public_point(key.public_key())
    d = key.private_numbers().private_value.to_bytes(32, "big")
    return {"d": e2ee.b64e(d), "x": e2ee.b64e(point[1:33]), "y": e2ee.b64e(point[33:])}


def _describe(key: ec.EllipticCurvePrivateKey) -> dict[str, Any]:
    point = e2ee.public_point(key.public_key())
    return {"jwk": _jwk(key), "public_b64": e2ee.b64e(point), "fingerprint": hashlib.sha256(point).hexdigest()}


def build_vector() -> dict[str, Any]:
    root = _key("root")
    identity = _key("counsellor identity")
    inbox = _key("counsellor inbox")
    mailbox = _key("mailbox")
    mailbox_point = e2ee.public_point(mailbox.public_key())
    inbox_point = e2ee.public_point(inbox.public_key())
    cert, sig_cert = e2ee.issue_certificate(
        root_private=root, public_key=identity.public_key(), pseudonym="Counsellor Robin",
        not_before=NOW - 3600, not_after=NOW + 90 * 86400, serial=_bytes("serial", 16),
    )
    identity_point = e2ee.public_point(identity.public_key())
    statement = crypto.inbox_key_statement(inbox_point, identity_point)
    recipient = {
        "cert": e2ee.b64e(cert),
        "sig_cert": e2ee.b64e(sig_cert),
        "key": e2ee.b64e(inbox_point),
        "key_sig": e2ee.b64e(e2ee.sign(identity, statement)),
    }
    keys = crypto.derive_codename_keys(CODENAME)
    wrapped_private = crypto.wrap_private_key(mailbox, keys.wrap_key, nonce=_bytes("private nonce", 12))
    seeker = crypto.seal_message(
        SEEKER_TEXT, mailbox_point=mailbox_point, direction=crypto.FROM_SEEKER, seq=1,
        recipients=[inbox_point, mailbox_point], message_key=_bytes("message key 1"),
        nonce=_bytes("nonce 1", 12), ephemeral=_key("ephemeral 1"),
    )
    reply = crypto.seal_message(
        REPLY_TEXT, mailbox_point=mailbox_point, direction=crypto.FROM_COUNSELLOR, seq=1,
        recipients=[mailbox_point, inbox_point], message_key=_bytes("message key 2"),
        nonce=_bytes("nonce 2", 12), ephemeral=_key("ephemeral 2"),
    )
    reply_data = crypto.reply_signed_data(mailbox_point, 1, reply.eph, reply.nonce, reply.ct)
    return {
        "suite": "mailbox v1: PBKDF2-HMAC-SHA-256, HKDF-SHA-256, ECDH P-256, ECDSA P-256/SHA-256, AES-256-GCM",
        "now": NOW,
        "keys": {
            "root": _describe(root),
            "counsellor_identity": _describe(identity),
            "counsellor_inbox": _describe(inbox),
            "mailbox": _describe(mailbox),
            "ephemeral_1": _describe(_key("ephemeral 1")),
            "ephemeral_2": _describe(_key("ephemeral 2")),
        },
        "recipient": recipient,
        "inbox_key_statement_hex": statement.hex(),
        "codename": CODENAME,
        "pbkdf2": {"salt": crypto.PBKDF2_SALT.decode(), "iterations": crypto.PBKDF2_ITERATIONS,
                   "stretched_hex": keys.stretched.hex()},
        "lookup_hex": keys.lookup.hex(),
        "lookup_b64": keys.lookup_b64,
        "lookup_hash": crypto.lookup_hash(keys.lookup),
        "wrap_key_hex": keys.wrap_key.hex(),
        "private_nonce_hex": _bytes("private nonce", 12).hex(),
        "wrapped_private_hex": wrapped_private.hex(),
        "seeker_message": {
            "plaintext": SEEKER_TEXT,
            "message_key_hex": _bytes("message key 1").hex(),
            "ad_hex": crypto.message_ad(mailbox_point, crypto.FROM_SEEKER, 1).hex(),
            "fields": seeker.fields(),
        },
        "reply": {
            "plaintext": REPLY_TEXT,
            "message_key_hex": _bytes("message key 2").hex(),
            "ad_hex": crypto.message_ad(mailbox_point, crypto.FROM_COUNSELLOR, 1).hex(),
            "fields": reply.fields(),
            "signed_data_hex": reply_data.hex(),
            "sig_check": "ECDSA P-256/SHA-256 verify of signed_data_hex with keys.counsellor_identity; r || s",
            "cert": recipient["cert"],
            "sig_cert": recipient["sig_cert"],
            "sig": e2ee.b64e(e2ee.sign(identity, reply_data)),
        },
    }


def read_from_doc(path: str | None = None) -> dict[str, Any]:
    """The JSON of appendix C in docs/PROTOCOL.md."""
    from pathlib import Path

    doc = Path(path) if path else Path(__file__).resolve().parents[2] / "docs" / "PROTOCOL.md"
    text = doc.read_text(encoding="utf-8").split("## Appendix C.", 1)[1]
    block = text.split("```json", 1)[1].split("```", 1)[0]
    loaded: dict[str, Any] = json.loads(block)
    return loaded


if __name__ == "__main__":
    print(json.dumps(build_vector(), indent=2))
