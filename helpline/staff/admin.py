"""Admin registrations for staff data: the audit log (read-only) and staff profiles."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from helpline.models import AuditEvent, StaffProfile


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit log is written by the service and deleted only by `manage.py cleanup`."""

    list_display = ["at", "actor_name", "action", "target"]
    list_filter = ["action"]
    search_fields = ["actor_name", "target", "action"]
    date_hierarchy = "at"
    readonly_fields = ["at", "actor", "actor_name", "action", "target", "detail"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "pseudonym", "languages", "pathways", "chat_limit"]
    search_fields = ["user__username", "pseudonym"]
    raw_id_fields = ["user"]
