"""Database models of the chat app.

Keeps: counsellor identity public keys and their certificates (docs/ARCHITECTURE.md), until an
administrator removes them; revoked rows stay so that their serials can be listed to browsers
until the certificate would have expired anyway. No chat content or help-seeker data is kept here.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class IdentityKey(models.Model):
    """A counsellor's identity public key (ECDSA P-256) and, once certified, its certificate.

    The private key never leaves the counsellor's browser (IndexedDB, non-extractable).
    """

    class Status(models.TextChoices):
        PENDING = "pending", "pending"
        CERTIFIED = "certified", "certified"
        REVOKED = "revoked", "revoked"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="identity_keys")
    # base64url of the 65-byte uncompressed point, as the browser sends it.
    public_key = models.CharField(max_length=87)
    # Lower-case hex SHA-256 of the point (docs/PROTOCOL.md section 2).
    fingerprint = models.CharField(max_length=64, unique=True)
    # The name the help-seeker sees, signed into the certificate.
    pseudonym = models.CharField(max_length=64)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True)
    serial = models.CharField(max_length=32, blank=True, default="", db_index=True)
    certificate = models.BinaryField(null=True, blank=True)
    signature = models.BinaryField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} {self.fingerprint[:16]} {self.status}"
