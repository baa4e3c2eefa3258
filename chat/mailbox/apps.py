from __future__ import annotations

from django.apps import AppConfig


class MailboxConfig(AppConfig):
    name = "chat.mailbox"
    label = "mailbox"
    verbose_name = "Secure messages"
    default_auto_field = "django.db.models.BigAutoField"
