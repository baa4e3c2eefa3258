"""Partner programme pages for staff, under /staff/partners/ (standalone; linkable from any menu)."""

from __future__ import annotations

from django.urls import path

from resources.platforms import staff_views

urlpatterns = [
    path("", staff_views.partner_list, name="platforms-partners"),
    path("new/", staff_views.partner_new, name="platforms-partner-new"),
    path("funnel/", staff_views.funnel, name="platforms-funnel"),
    path("<str:code>/", staff_views.partner_detail, name="platforms-partner"),
    path("<str:code>/edit/", staff_views.partner_edit, name="platforms-partner-edit"),
    path("<str:code>/pause/", staff_views.partner_pause, name="platforms-partner-pause"),
    path("<str:code>/variants/new/", staff_views.variant_new, name="platforms-variant-new"),
    path("<str:code>/variants/<int:variant_id>/", staff_views.variant_edit, name="platforms-variant-edit"),
]
