from __future__ import annotations

from django.apps import AppConfig


class HelplineConfig(AppConfig):
    name = "helpline"
    verbose_name = "Helpline"
    default_auto_field = "django.db.models.BigAutoField"
