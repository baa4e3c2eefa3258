from __future__ import annotations

from django.apps import AppConfig


class HelplineConfig(AppConfig):
    name = "helpline"
    verbose_name = "Helpline"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from helpline import hours, triage

        # Edits in the admin clear this process's cached triage catalogue and opening hours.
        triage.connect_signals()
        hours.connect_signals()
