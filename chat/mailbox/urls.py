"""The help-seeker's secure-message endpoints, without a language prefix (JSON only)."""

from __future__ import annotations

from django.urls import path

from chat.mailbox import api

urlpatterns = [
    path("recipients.json", api.recipients, name="mailbox-recipients"),
    path("create", api.create, name="mailbox-create"),
    path("open", api.open_mailbox, name="mailbox-open"),
    path("send", api.send, name="mailbox-send"),
    path("delete", api.delete, name="mailbox-delete"),
]
