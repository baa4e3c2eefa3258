"""The staff administration, under /staff/manage/ (see helpline.staff.manage.common for who may do what)."""

from __future__ import annotations

from django.urls import path

from helpline.staff.manage import (
    blocks_views,
    content_views,
    home_views,
    keys_views,
    people_views,
    schedule_views,
)

urlpatterns = [
    path("", home_views.home, name="manage-home"),
    path("people/", people_views.people, name="manage-people"),
    path("people/invite/", people_views.invite, name="manage-invite"),
    path("people/<int:pk>/", people_views.person, name="manage-person"),
    path("people/<int:pk>/reset-second-factor/", people_views.reset_second_factor, name="manage-reset-totp"),
    path("people/<int:pk>/new-link/", people_views.renew_link, name="manage-renew-link"),
    path("people/<int:pk>/deactivate/", people_views.deactivate, name="manage-deactivate"),
    path("people/<int:pk>/reactivate/", people_views.reactivate, name="manage-reactivate"),
    path("schedule/", schedule_views.schedule, name="manage-schedule"),
    path("schedule/closures/", schedule_views.add_closure, name="manage-closure-add"),
    path("schedule/closures/<int:pk>/remove/", schedule_views.remove_closure, name="manage-closure-remove"),
    path("schedule/preview/", schedule_views.schedule_preview, name="manage-preview"),
    path("blocks/", blocks_views.blocks, name="manage-blocks"),
    path("blocks/lift/", blocks_views.lift_block, name="manage-lift-block"),
    path("content/", content_views.content, name="manage-content"),
    path("content/canned/new/", content_views.canned, name="manage-canned-new"),
    path("content/canned/<int:pk>/", content_views.canned, name="manage-canned"),
    path("content/canned/<int:pk>/delete/", content_views.canned_delete, name="manage-canned-delete"),
    path("content/crisis/<int:pk>/checked/", content_views.crisis_checked, name="manage-crisis-checked"),
    path("keys/", keys_views.keys, name="manage-keys"),
    path("keys/export/", keys_views.export, name="manage-keys-export"),
    path("keys/import/", keys_views.import_certificates, name="manage-keys-import"),
    path("keys/<int:pk>/revoke/", keys_views.revoke, name="manage-keys-revoke"),
]
