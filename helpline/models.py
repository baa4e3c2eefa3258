"""Database models of the helpline domain.

What is kept (DESIGN.md section 4): aggregate counters, the staff audit log and staff profiles. No row here
describes an individual contact: a contact only adds to hourly counters, and each counter row
carries at most one dimension, so rows cannot be joined back into a record of one conversation.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class Counter(models.Model):
    """One hourly aggregate: how often `metric` happened in `hour`, split by one `dimension`.

    `dimension` is "" for the total or "name=value" (for example "priority=crisis"), never two
    dimensions at once. Histograms use the dimension for the bin ("bin=60-120").
    """

    hour = models.DateTimeField(db_index=True)
    metric = models.CharField(max_length=64)
    dimension = models.CharField(max_length=96, blank=True, default="")
    value = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["hour", "metric", "dimension"], name="counter_unique_bucket"),
        ]
        indexes = [models.Index(fields=["metric", "hour"], name="counter_metric_hour")]

    def __str__(self) -> str:
        return f"{self.hour:%Y-%m-%d %H}:00 {self.metric} {self.dimension} = {self.value}"


class AuditEvent(models.Model):
    """A state-changing staff action. Never holds help-seeker content or identifiers.

    Retention: rows older than settings.AUDIT_RETENTION_DAYS are deleted by `manage.py cleanup`.
    """

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    actor_name = models.CharField(max_length=150, blank=True, default="")
    action = models.CharField(max_length=64, db_index=True)
    target = models.CharField(max_length=150, blank=True, default="")
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.target}"


def default_chat_limit() -> int:
    return int(settings.DEFAULT_CHAT_LIMIT)


class StaffProfile(models.Model):
    """What the service needs to know about a staff member beyond their Django account.

    Keeps: the pseudonym help-seekers see, the languages and pathways the person serves, and how
    many chats they hold at once. Nothing about help-seekers. Kept while the account exists and
    deleted with it. The role itself is the account's group (helpline.staff.rules.ROLES); the
    custom permissions below are what those groups grant.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile")
    pseudonym = models.CharField(
        max_length=40, blank=True, default="", help_text="The name help-seekers see, for example “Sam”."
    )
    languages = models.CharField(
        max_length=100, default="en", help_text="Comma-separated language codes this person chats in."
    )
    pathways = models.CharField(
        max_length=200, blank=True, default="", help_text="Comma-separated pathway codes; empty means all pathways."
    )
    chat_limit = models.PositiveSmallIntegerField(
        default=default_chat_limit,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text="How many chats this person holds at once.",
    )

    class Meta:
        permissions = [
            ("counsel", "Can take and hold chats"),
            ("supervise_floor", "Can see the live floor's metadata and reassign chats"),
            ("view_statistics", "Can see anonymised statistics"),
        ]

    def __str__(self) -> str:
        return f"{self.user.get_username()} ({self.display_pseudonym})"

    @property
    def display_pseudonym(self) -> str:
        return self.pseudonym or "Counsellor"

    @property
    def language_codes(self) -> list[str]:
        return [code.strip() for code in self.languages.split(",") if code.strip()]

    @property
    def pathway_codes(self) -> list[str]:
        """The pathways served; an empty list means every pathway."""
        return [code.strip() for code in self.pathways.split(",") if code.strip()]
