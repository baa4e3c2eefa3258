from __future__ import annotations

from django.apps import AppConfig


class PlatformsConfig(AppConfig):
    name = "resources.platforms"
    label = "platforms"
    verbose_name = "Platform partners"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from resources.platforms import catalogue

        # An edit clears this process's cached partners at once (and after the commit).
        catalogue.connect_signals()
