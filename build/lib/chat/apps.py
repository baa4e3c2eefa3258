from __future__ import annotations

from django.apps import AppConfig


class ChatConfig(AppConfig):
    name = "chat"
    verbose_name = "Encrypted chat relay"
    default_auto_field = "django.db.models.BigAutoField"
