"""Secure-message mailboxes (docs/PROTOCOL.md section 9, docs/PRIVACY.md "Secure messages").

Keeps, for each mailbox a help-seeker chose to open: the SHA-256 of its lookup identifier, its
public key, its private key wrapped under a key only the codename gives, and its messages as
ciphertext with their wrapped message keys; times as days only. Nothing here names or describes
the person: no address, no user agent, no plaintext. The mailbox and everything in it is deleted
when the seeker deletes it, or MAILBOX_RETENTION_DAYS after its last activity (manage.py cleanup).

Counsellor inbox keys (an ECDH public key each, signed by a certified identity key) are kept
until their identity key is replaced.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Mailbox(models.Model):
    # Hex SHA-256 of the 32-byte lookup identifier; the identifier itself is never stored.
    lookup_hash = models.CharField(max_length=64, unique=True)
    public_key = models.BinaryField()
    wrapped_private = models.BinaryField()
    created_day = models.DateField()
    active_day = models.DateField(db_index=True)
    # The last sequence number of each direction (docs/PROTOCOL.md 9.6).
    seeker_seq = models.PositiveBigIntegerField(default=0)
    counsellor_seq = models.PositiveBigIntegerField(default=0)
    # Continuity: the counsellor who answered last, so a new message goes back to them while active.
    last_counsellor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"mailbox {self.pk}"


class Thread(models.Model):
    """One episode of a mailbox in the counsellor inbox: opened by a seeker's message, closed by a
    counsellor's wrap-up. A mailbox has at most one thread that is not closed."""

    class Status(models.TextChoices):
        OPEN = "open", "open"
        CLOSED = "closed", "closed"

    class Priority(models.IntegerChoices):
        CRISIS = 0, "crisis"
        RAISED = 1, "raised"
        NORMAL = 2, "normal"

    mailbox = models.ForeignKey(Mailbox, on_delete=models.CASCADE, related_name="threads")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.NORMAL)
    opened_day = models.DateField()
    # The day of the oldest seeker message not yet answered, or None when the seeker waits for nothing.
    waiting_since = models.DateField(null=True, blank=True)
    answered = models.BooleanField(default=False)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    preferred = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["status", "priority", "waiting_since", "id"], name="mailbox_thread_inbox")]
        constraints = [
            models.UniqueConstraint(
                fields=["mailbox"], condition=models.Q(status="open"), name="mailbox_one_open_thread"
            )
        ]

    def __str__(self) -> str:
        return f"thread {self.pk}"


class Message(models.Model):
    class Direction(models.IntegerChoices):
        FROM_SEEKER = 1, "from seeker"
        FROM_COUNSELLOR = 2, "from counsellor"

    mailbox = models.ForeignKey(Mailbox, on_delete=models.CASCADE, related_name="messages")
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages")
    direction = models.PositiveSmallIntegerField(choices=Direction.choices)
    seq = models.PositiveBigIntegerField()
    day = models.DateField()
    eph = models.BinaryField()
    nonce = models.BinaryField()
    ct = models.BinaryField()
    # {fingerprint hex: wrapped message key (base64url)} for every recipient key.
    wraps = models.JSONField()
    # Replies only: the counsellor's certificate, its root signature and the reply signature.
    cert = models.BinaryField(null=True, blank=True)
    sig_cert = models.BinaryField(null=True, blank=True)
    sig = models.BinaryField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["mailbox", "direction", "seq"], name="mailbox_message_seq")
        ]

    def __str__(self) -> str:
        return f"message {self.pk}"


class InboxKey(models.Model):
    """A counsellor's inbox key: an ECDH P-256 public key that seekers' browsers wrap message keys
    for, signed by the counsellor's certified identity key (docs/PROTOCOL.md 9.3)."""

    identity = models.OneToOneField("chat.IdentityKey", on_delete=models.CASCADE, related_name="inbox_key")
    public_key = models.BinaryField()
    fingerprint = models.CharField(max_length=64, unique=True)
    signature = models.BinaryField()

    def __str__(self) -> str:
        return f"inbox key {self.fingerprint[:16]}"
