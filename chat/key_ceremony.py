"""The offline certification ceremony as files: pending requests out, certificates back in.

1. `export_requests()` writes every pending identity key (account, pseudonym, full fingerprint,
   public key) as a JSON file an administrator carries to the machine that holds the root key.
2. There, `sign_requests(...)` (`manage.py ceremony REQUESTS --key ROOT --out CERTS`) shows each
   pseudonym with its full fingerprint and signs a certificate for it; it needs no database.
3. `do_import_certificates(actor=..., data=...)` takes the certificates file back: each one must
   be signed by the configured root public key, name a pending (or certified) key by its full
   fingerprint and carry that key's pseudonym; anything else is refused with a reason.

Keeps nothing of its own: certificates go into chat.IdentityKey through the same fields as
chat.certificates.do_certify, audited per key. Issue 17 (requests signed by the key itself) swaps
the file formats here and nothing in the views.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from chat import e2ee
from chat.certificates import CLOCK_SKEW, DEFAULT_DAYS, CertificateError, root_public_key
from chat.models import IdentityKey
from helpline.audit import do_audit

REQUESTS_FORMAT = "helpline-certification-requests/1"
CERTIFICATES_FORMAT = "helpline-certificates/1"
MAX_FILE_BYTES = 512 * 1024
MAX_ENTRIES = 500
EXPIRY_WARNING_DAYS = 14


def pending_requests() -> list[IdentityKey]:
    """Keys waiting for a certificate, oldest first, with their accounts."""
    return list(
        IdentityKey.objects.filter(status=IdentityKey.Status.PENDING, user__is_active=True)
        .select_related("user")
        .order_by("created_at", "id")
    )


def export_requests(*, now: dt.datetime | None = None) -> str:
    """The pending requests as the JSON text of a file for the ceremony."""
    moment = now or timezone.now()
    try:
        root = e2ee.fingerprint(root_public_key())
    except Exception:
        root = ""
    body = {
        "format": REQUESTS_FORMAT,
        "exported_at": moment.replace(microsecond=0).isoformat(),
        "root_fingerprint": root,
        "requests": [
            {
                "account": key.user.get_username(),
                "pseudonym": key.pseudonym,
                "fingerprint": key.fingerprint,
                "public_key": key.public_key,
                "requested_on": f"{key.created_at:%Y-%m-%d}",
            }
            for key in pending_requests()
        ],
    }
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


def _load(data: bytes | str, expected: str) -> list[dict[str, Any]]:
    if isinstance(data, bytes):
        if len(data) > MAX_FILE_BYTES:
            raise CertificateError("the file is too large")
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError:
            raise CertificateError("the file is not UTF-8 text") from None
    try:
        body = json.loads(data)
    except ValueError:
        raise CertificateError("the file is not JSON") from None
    if not isinstance(body, dict) or body.get("format") != expected:
        raise CertificateError(f"the file is not a {expected} file")
    entries = body.get("requests" if expected == REQUESTS_FORMAT else "certificates")
    if not isinstance(entries, list) or len(entries) > MAX_ENTRIES or not all(isinstance(e, dict) for e in entries):
        raise CertificateError("the file's list of entries is malformed")
    return entries


def sign_requests(
    data: bytes | str, *, root_private: ec.EllipticCurvePrivateKey, days: int = DEFAULT_DAYS,
    now: dt.datetime | None = None,
) -> tuple[str, list[dict[str, str]]]:
    """The ceremony itself: a certificates file for every request, and what was signed (for the operator to read).

    Each request's fingerprint is recomputed from its public key; one that does not match is refused.
    """
    if not 1 <= days <= 366:
        raise CertificateError("a certificate is valid for 1 to 366 days")
    moment = now or timezone.now()
    signed: list[dict[str, str]] = []
    out: list[dict[str, str]] = []
    for entry in _load(data, REQUESTS_FORMAT):
        public_key, pseudonym = str(entry.get("public_key", "")), str(entry.get("pseudonym", ""))
        try:
            point = e2ee.b64d(public_key, exact=e2ee.POINT_BYTES, what="public key")
            e2ee.load_point(point)
        except e2ee.ProtocolError as exc:
            raise CertificateError(f"a request holds a bad public key: {exc.message}") from exc
        fingerprint = e2ee.fingerprint(point)
        if fingerprint != str(entry.get("fingerprint", "")).lower():
            raise CertificateError(f"the request for {pseudonym!r} names a fingerprint its key does not have")
        cert, signature = e2ee.issue_certificate(
            root_private=root_private,
            public_key=point,
            pseudonym=pseudonym,
            not_before=int((moment - CLOCK_SKEW).timestamp()),
            not_after=int((moment + dt.timedelta(days=days)).timestamp()),
        )
        out.append({"fingerprint": fingerprint, "cert": e2ee.b64e(cert), "sig_cert": e2ee.b64e(signature)})
        signed.append({"account": str(entry.get("account", "")), "pseudonym": pseudonym, "fingerprint": fingerprint})
    body = {"format": CERTIFICATES_FORMAT, "signed_at": moment.replace(microsecond=0).isoformat(), "certificates": out}
    return json.dumps(body, indent=2) + "\n", signed


@dataclass
class ImportResult:
    imported: list[IdentityKey] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (fingerprint or "?", reason)


def _check_entry(
    entry: dict[str, Any], root: ec.EllipticCurvePublicKey
) -> tuple[IdentityKey, bytes, bytes, e2ee.Certificate]:
    fingerprint = str(entry.get("fingerprint", "")).lower()
    try:
        cert_bytes = e2ee.b64d(entry.get("cert", ""), maximum=e2ee.MAX_CERT_BYTES, what="certificate")
        signature = e2ee.b64d(entry.get("sig_cert", ""), exact=64, what="signature")
        certificate = e2ee.Certificate.decode(cert_bytes)
    except e2ee.ProtocolError as exc:
        raise CertificateError(exc.message) from exc
    if certificate.issuer != bytes.fromhex(e2ee.fingerprint(root)) or not e2ee.verify(root, signature, cert_bytes):
        raise CertificateError("not signed by this service's root key")
    if certificate.key_fingerprint != fingerprint:
        raise CertificateError("the certificate is for another key than the fingerprint it names")
    key = IdentityKey.objects.select_for_update().filter(fingerprint=fingerprint).first()
    if key is None:
        raise CertificateError("no request with this fingerprint")
    if key.status == IdentityKey.Status.REVOKED:
        raise CertificateError("this key is revoked")
    if certificate.pseudonym != key.pseudonym.strip():
        raise CertificateError("the certificate carries another pseudonym than the request")
    return key, cert_bytes, signature, certificate


def do_import_certificates(*, actor: AbstractBaseUser | None, data: bytes | str) -> ImportResult:
    """Store every valid certificate of a certificates file; refuse (with a reason) every other one."""
    entries = _load(data, CERTIFICATES_FORMAT)
    root = root_public_key()
    result = ImportResult()
    for entry in entries:
        name = str(entry.get("fingerprint", "?"))[:64] or "?"
        with transaction.atomic():
            try:
                key, cert_bytes, signature, certificate = _check_entry(entry, root)
            except CertificateError as exc:
                result.refused.append((name, str(exc)))
                continue
            key.certificate, key.signature = cert_bytes, signature
            key.serial = certificate.serial_hex
            key.status = IdentityKey.Status.CERTIFIED
            key.issued_at = dt.datetime.fromtimestamp(certificate.not_before, tz=dt.UTC) + CLOCK_SKEW
            key.expires_at = dt.datetime.fromtimestamp(certificate.not_after, tz=dt.UTC)
            key.save()
            do_audit(
                actor=actor,
                action="identity_key_certified",
                target=key.user.get_username(),
                detail={"fp": key.fingerprint, "serial": key.serial, "via": "certificate import"},
            )
            result.imported.append(key)
    return result


def certified_and_revoked(*, now: dt.datetime | None = None) -> list[tuple[IdentityKey, bool]]:
    """Certified and revoked keys, newest first, each with True when it expires within EXPIRY_WARNING_DAYS."""
    moment = now or timezone.now()
    soon = moment + dt.timedelta(days=EXPIRY_WARNING_DAYS)
    rows = (
        IdentityKey.objects.filter(status__in=[IdentityKey.Status.CERTIFIED, IdentityKey.Status.REVOKED])
        .select_related("user")
        .order_by("status", "expires_at", "id")
    )
    return [
        (key, key.status == IdentityKey.Status.CERTIFIED and key.expires_at is not None and key.expires_at <= soon)
        for key in rows
    ]
