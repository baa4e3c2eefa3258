"""Counsellor identity keys and their certificates; the organisation root key.

The one place that requests, issues and revokes certificates (docs/PROTOCOL.md section 4), loads
the root key this server may hold (demo mode), and names the root key's browser asset. The command
`manage.py orgkey`, the admin and the staff views call these functions and nothing else.

Keeps: counsellor public keys, fingerprints, pseudonyms and certificates in chat.IdentityKey; the
root private key only in a file the operator names (it need not be on the server at all).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import os
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, User
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from chat import e2ee
from chat.models import IdentityKey
from helpline.audit import do_audit

logger = logging.getLogger(__name__)

DEFAULT_DAYS = 90
# The browser asset of the root public key (written by `manage.py collectstatic`, served as a
# content-hashed static file; e2ee.js `loadRootPublicKey` reads it).
ROOT_KEY_ASSET = "chat/keys/org-root.json"
# Certificates start an hour in the past so that a seeker whose clock is a little behind accepts them.
CLOCK_SKEW = dt.timedelta(hours=1)


class CertificateError(Exception):
    """A refusal with a message fit to show to the operator."""


# --- root key ----------------------------------------------------------------------------------


def generate_root_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def write_private_key(path: Path | str, key: ec.EllipticCurvePrivateKey) -> None:
    """PKCS#8 PEM, created with mode 0600; refuses to overwrite an existing file."""
    data = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.chmod(path, 0o600)


def write_public_key(path: Path | str, key: ec.EllipticCurvePublicKey) -> None:
    Path(path).write_bytes(
        key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )


def load_private_key(path: Path | str) -> ec.EllipticCurvePrivateKey:
    try:
        key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise CertificateError(f"cannot read a private key from {path}: {exc}") from exc
    if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, ec.SECP256R1):
        raise CertificateError(f"{path} does not hold a P-256 private key")
    return key


def load_public_key(path: Path | str) -> ec.EllipticCurvePublicKey:
    try:
        key = serialization.load_pem_public_key(Path(path).read_bytes())
    except (OSError, ValueError) as exc:
        raise CertificateError(f"cannot read a public key from {path}: {exc}") from exc
    if not isinstance(key, ec.EllipticCurvePublicKey) or not isinstance(key.curve, ec.SECP256R1):
        raise CertificateError(f"{path} does not hold a P-256 public key")
    return key


def root_public_key() -> ec.EllipticCurvePublicKey:
    """The organisation root public key named by settings.ORG_ROOT_PUBLIC_KEY."""
    path = Path(settings.ORG_ROOT_PUBLIC_KEY)
    if not path.exists():
        raise ImproperlyConfigured(f"ORG_ROOT_PUBLIC_KEY: {path} does not exist (run `manage.py orgkey init`)")
    return load_public_key(path)


def root_public_key_asset(key: ec.EllipticCurvePublicKey | None = None) -> dict[str, str]:
    """What the browser module expects (e2ee.js `loadRootPublicKey`): the base64url point and its
    fingerprint. Ship it as a content-hashed static file and show the fingerprint on the security page."""
    key = key or root_public_key()
    return {"public_key": e2ee.b64e(e2ee.public_point(key)), "fingerprint": e2ee.fingerprint(key)}


def root_public_key_json(key: ec.EllipticCurvePublicKey | None = None) -> str:
    return json.dumps(root_public_key_asset(key), sort_keys=True) + "\n"


def ensure_demo_root_key() -> bool:
    """Demo mode only: create the root key pair at the configured paths if it is missing.
    Returns True when it created one."""
    if not settings.DEMO_MODE:
        raise ImproperlyConfigured("ensure_demo_root_key() runs in demo mode only")
    private_path = Path(settings.ORG_ROOT_PRIVATE_KEY)
    public_path = Path(settings.ORG_ROOT_PUBLIC_KEY)
    if private_path.exists():
        if not public_path.exists():
            write_public_key(public_path, load_private_key(private_path).public_key())
        return False
    private_path.parent.mkdir(parents=True, exist_ok=True)
    public_path.parent.mkdir(parents=True, exist_ok=True)
    key = generate_root_key()
    write_private_key(private_path, key)
    write_public_key(public_path, key.public_key())
    return True


def server_root_private_key() -> ec.EllipticCurvePrivateKey | None:
    """The root private key if this server holds one (demo mode creates it), else None."""
    if settings.DEMO_MODE:
        ensure_demo_root_key()
    path = settings.ORG_ROOT_PRIVATE_KEY
    if not path or not Path(path).exists():
        return None
    return load_private_key(path)


def demo_auto_certify() -> bool:
    """Demo mode with DEMO_AUTO_CERTIFY: keys are certified with the demo root key as they arrive."""
    return bool(settings.DEMO_MODE and getattr(settings, "DEMO_AUTO_CERTIFY", False) and settings.ORG_ROOT_PRIVATE_KEY)


@functools.lru_cache(maxsize=4)
def _fingerprint_of(path: str, mtime_ns: int) -> str:
    return e2ee.fingerprint(load_public_key(path))


def root_key_fingerprint() -> str | None:
    """Fingerprint of the configured organisation root public key, or None when it is missing.

    It comes from the key file, not from the static asset, so that the page and the asset are two
    independent statements that the browser compares (seeker.js refuses to start on a mismatch).
    """
    path = Path(settings.ORG_ROOT_PUBLIC_KEY)
    try:
        return _fingerprint_of(str(path), path.stat().st_mtime_ns)
    except (OSError, CertificateError):
        logger.error("the organisation root public key cannot be read; the chat cannot start")
        return None


# --- identity keys and certificates ------------------------------------------------------------


def check_identity_key(identifier: str) -> IdentityKey:
    """The key named by a fingerprint (at least 8 hex characters of it) or, for a username, that
    user's newest pending key."""
    value = identifier.strip().lower()
    if len(value) >= 8 and all(c in "0123456789abcdef" for c in value):
        matches = list(IdentityKey.objects.filter(fingerprint__startswith=value)[:2])
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise CertificateError(f"fingerprint {identifier!r} is ambiguous; give more characters")
    key = (
        IdentityKey.objects.filter(user__username=identifier.strip(), status=IdentityKey.Status.PENDING)
        .order_by("-created_at", "-id")
        .first()
    )
    if key is None:
        raise CertificateError(f"no identity key with fingerprint {identifier!r} and no pending key for that user")
    return key


def do_request_certification(*, user: User, public_key: str, pseudonym: str = "") -> IdentityKey:
    """Record a counsellor's new identity public key (base64url point), pending certification."""
    try:
        point = e2ee.b64d(public_key, exact=e2ee.POINT_BYTES, what="public key")
        e2ee.load_point(point)
    except e2ee.ProtocolError as exc:
        raise CertificateError(exc.message) from exc
    name = (pseudonym or getattr(user, "first_name", "") or "Counsellor").strip()[:64]
    fingerprint = e2ee.fingerprint(point)
    with transaction.atomic():
        existing = IdentityKey.objects.select_for_update().filter(fingerprint=fingerprint).first()
        if existing is not None:
            if existing.user_id != user.pk:
                raise CertificateError("this key belongs to another account")
            return existing
        key = IdentityKey.objects.create(user=user, public_key=public_key, fingerprint=fingerprint, pseudonym=name)
        do_audit(actor=user, action="identity_key_requested", target=user.get_username(), detail={"fp": fingerprint})
    return key


def do_certify(
    *,
    key: IdentityKey,
    root_private: ec.EllipticCurvePrivateKey,
    days: int = DEFAULT_DAYS,
    actor: AbstractBaseUser | None = None,
    now: dt.datetime | None = None,
) -> IdentityKey:
    """Sign a pending (or renew a certified) key's certificate with the root private key."""
    if days < 1 or days > 366:
        raise CertificateError("a certificate is valid for 1 to 366 days")
    configured = Path(settings.ORG_ROOT_PUBLIC_KEY)
    if configured.exists() and e2ee.fingerprint(load_public_key(configured)) != e2ee.fingerprint(
        root_private.public_key()
    ):
        raise CertificateError("this private key does not match ORG_ROOT_PUBLIC_KEY; browsers would refuse it")
    moment = now or timezone.now()
    with transaction.atomic():
        key = IdentityKey.objects.select_for_update().get(pk=key.pk)
        if key.status == IdentityKey.Status.REVOKED:
            raise CertificateError("this key is revoked; the counsellor must make a new one")
        expires = moment + dt.timedelta(days=days)
        cert_bytes, signature = e2ee.issue_certificate(
            root_private=root_private,
            public_key=key.public_key,
            pseudonym=key.pseudonym,
            not_before=int((moment - CLOCK_SKEW).timestamp()),
            not_after=int(expires.timestamp()),
        )
        key.certificate, key.signature = cert_bytes, signature
        key.serial = e2ee.Certificate.decode(cert_bytes).serial_hex
        key.status = IdentityKey.Status.CERTIFIED
        key.issued_at, key.expires_at = moment, expires
        key.save()
        do_audit(
            actor=actor,
            action="identity_key_certified",
            target=key.user.get_username(),
            detail={"fp": key.fingerprint, "serial": key.serial, "days": days},
        )
    return key


def do_revoke(
    *, key: IdentityKey, actor: AbstractBaseUser | None = None, now: dt.datetime | None = None
) -> IdentityKey:
    with transaction.atomic():
        key = IdentityKey.objects.select_for_update().get(pk=key.pk)
        if key.status != IdentityKey.Status.REVOKED:
            key.status = IdentityKey.Status.REVOKED
            key.revoked_at = now or timezone.now()
            key.save(update_fields=["status", "revoked_at"])
            do_audit(
                actor=actor,
                action="identity_key_revoked",
                target=key.user.get_username(),
                detail={"fp": key.fingerprint, "serial": key.serial},
            )
    return key


def current_key(user: Any, fingerprint: str = "") -> IdentityKey | None:
    """The user's identity key with this fingerprint, or their newest one when none is named."""
    keys = IdentityKey.objects.filter(user=user)
    if fingerprint:
        return keys.filter(fingerprint=fingerprint.lower()).first()
    return keys.order_by("-created_at", "-id").first()


def certified_key_for(user: User, *, now: dt.datetime | None = None) -> IdentityKey | None:
    """The user's newest certified key that has not expired, or None."""
    return (
        IdentityKey.objects.filter(user=user, status=IdentityKey.Status.CERTIFIED, expires_at__gt=now or timezone.now())
        .order_by("-issued_at", "-id")
        .first()
    )


def revocation_list(*, now: dt.datetime | None = None) -> list[str]:
    """Serials and key fingerprints to hand to seekers (`revoked` in docs/PROTOCOL.md section 4).
    A revoked certificate drops off once it would have expired anyway."""
    rows = IdentityKey.objects.filter(status=IdentityKey.Status.REVOKED).exclude(expires_at__lte=now or timezone.now())
    out: list[str] = []
    for serial, fingerprint in rows.values_list("serial", "fingerprint"):
        if serial:
            out.append(serial)
        out.append(fingerprint)
    return sorted(out)


def certificate_fields(key: IdentityKey) -> dict[str, Any]:
    """`cert` and `sig_cert` as the counsellor's browser stores them (e2ee.js `saveCertificate`)."""
    if key.certificate is None or key.signature is None:
        raise CertificateError("this key has no certificate")
    return {"cert": e2ee.b64e(bytes(key.certificate)), "sig_cert": e2ee.b64e(bytes(key.signature))}


def holds_certified_key(counsellor: int, cert: str) -> bool:
    """The certificate is this counsellor's current, unrevoked, unexpired one (checked on every
    handshake, so a revocation takes effect at once even for a browser that kept its certificate)."""
    from django.contrib.auth import get_user_model

    try:
        presented = e2ee.Certificate.decode(e2ee.b64d(cert, maximum=e2ee.MAX_CERT_BYTES, what="cert"))
    except e2ee.ProtocolError:
        return False
    user = get_user_model().objects.filter(pk=counsellor, is_active=True).first()
    key = certified_key_for(user) if user is not None else None
    return key is not None and key.fingerprint == presented.key_fingerprint
