"""Staff pages, under /staff/ (session and CSRF cookies are allowed there, see helpline.middleware)."""

from __future__ import annotations

from django.urls import include, path
from django.views.i18n import set_language

from helpline.staff import views, workspace_views
from helpline.staff.manage import audit_views

urlpatterns = [
    path("", views.home, name="staff-home"),
    path("login/", views.sign_in, name="staff-login"),
    path("login/code/", views.second_factor, name="staff-otp"),
    path("enrol/", views.enrol, name="staff-enrol"),
    path("enrol/<str:token>/", views.enrol_by_link, name="staff-enrol-link"),
    path("logout/", views.sign_out, name="staff-logout"),
    path("workspace/", workspace_views.workspace_page, name="staff-workspace"),
    path("supervisor/", workspace_views.supervisor_page, name="staff-supervisor"),
    path("keys/mine/", workspace_views.keys_mine, name="staff-keys-mine"),
    path("keys/request/", workspace_views.keys_request, name="staff-keys-request"),
    path("audit/", audit_views.audit_log, name="staff-audit"),
    path("audit/export.csv", audit_views.audit_export, name="staff-audit-export"),
    path("language/", set_language, name="staff-language"),
    # Secure messages: the counsellor inbox (chat/mailbox/staff_urls.py).
    path("inbox/", include("chat.mailbox.staff_urls")),
    path("manage/", include("helpline.staff.manage.urls")),
]
