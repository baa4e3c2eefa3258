"""The counsellor inbox, included under /staff/inbox/ (staff paths may use the session cookie)."""

from __future__ import annotations

from django.urls import path

from chat.mailbox import staff_views

urlpatterns = [
    path("", staff_views.inbox_page, name="inbox"),
    path("threads/", staff_views.threads, name="inbox-threads"),
    path("summary/", staff_views.summary, name="inbox-summary"),
    path("key/", staff_views.register_key, name="inbox-key"),
    path("threads/<int:thread_id>/", staff_views.thread, name="inbox-thread"),
    path("threads/<int:thread_id>/claim/", staff_views.claim, name="inbox-claim"),
    path("threads/<int:thread_id>/release/", staff_views.release, name="inbox-release"),
    path("threads/<int:thread_id>/reply/", staff_views.reply, name="inbox-reply"),
    path("threads/<int:thread_id>/close/", staff_views.close, name="inbox-close"),
]
