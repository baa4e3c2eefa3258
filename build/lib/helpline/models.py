"""Database models of the helpline domain.

What is kept (DESIGN.md section 4): aggregate counters and the staff audit log. No row here
describes an individual contact: a contact only adds to hourly counters, and each counter row
carries at most one dimension, so rows cannot be joined back into a record of one conversation.
"""

from __future__ import annotations

from django.conf import settings
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
