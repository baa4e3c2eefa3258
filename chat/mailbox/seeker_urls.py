"""The help-seeker's secure-message pages, in every language of the site (i18n_patterns)."""

from __future__ import annotations

from django.urls import path

from chat.mailbox import pages

urlpatterns = [
    path("", pages.write, name="mailbox-write"),
    path("return/", pages.come_back, name="mailbox-return"),
]
