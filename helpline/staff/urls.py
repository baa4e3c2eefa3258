"""Staff pages, under /staff/ (session and CSRF cookies are allowed there, see helpline.middleware)."""

from __future__ import annotations

from django.urls import path

from helpline.staff import views

urlpatterns = [
    path("", views.home, name="staff-home"),
    path("login/", views.sign_in, name="staff-login"),
    path("login/code/", views.second_factor, name="staff-otp"),
    path("enrol/", views.enrol, name="staff-enrol"),
    path("logout/", views.sign_out, name="staff-logout"),
    path("workspace/", views.workspace, name="staff-workspace"),
    path("audit/", views.audit_log, name="staff-audit"),
]
