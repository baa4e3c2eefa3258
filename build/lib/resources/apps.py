from __future__ import annotations

from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    name = "resources"
    verbose_name = "Self-help resources"
    default_auto_field = "django.db.models.BigAutoField"
