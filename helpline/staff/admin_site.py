"""The Django admin, made part of the staff sign-in.

The default admin site is `HelplineAdminSite` (installed through helpline.staff.apps): it demands
the second factor (django_otp's OTPAdminSite) on top of Django's is_active and is_staff (which
the admin role sets; an operator may also give is_staff and model permissions to an editor),
sends its own login page to the staff sign-in so there is one way in, and audits every addition,
change and deletion made through any registered ModelAdmin, whoever registered it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django_otp.admin import OTPAdminSite

from helpline.audit import do_audit
from helpline.staff.access import is_verified


def _changed_fields(message: Any) -> str:
    fields: list[str] = []
    if isinstance(message, list):
        for part in message:
            if isinstance(part, dict) and isinstance(part.get("changed"), dict):
                fields += [str(name) for name in part["changed"].get("fields", [])]
    return ",".join(fields)


def _audit_admin_action(request: HttpRequest, action: str, obj: Model, message: Any = "") -> None:
    detail = {"model": obj._meta.label_lower, "object": str(obj)[:100]}
    fields = _changed_fields(message)
    if fields:
        detail["fields"] = fields
    do_audit(actor=request.user, action=action, target=f"{obj._meta.label_lower}:{obj.pk}", detail=detail)


class AuditedAdminMixin:
    """Writes an audit event beside each admin LogEntry (the LogEntry itself is kept as Django keeps it)."""

    def log_addition(self, request: HttpRequest, obj: Model, message: Any) -> LogEntry:
        entry = super().log_addition(request, obj, message)  # type: ignore[misc]
        _audit_admin_action(request, "admin.added", obj, message)
        return entry  # type: ignore[no-any-return]

    def log_change(self, request: HttpRequest, obj: Model, message: Any) -> LogEntry:
        entry = super().log_change(request, obj, message)  # type: ignore[misc]
        _audit_admin_action(request, "admin.changed", obj, message)
        return entry  # type: ignore[no-any-return]

    def log_deletions(self, request: HttpRequest, queryset: QuerySet[Any] | Iterable[Model]) -> Any:
        entries = super().log_deletions(request, queryset)  # type: ignore[misc]
        for obj in queryset:
            _audit_admin_action(request, "admin.deleted", obj)
        return entries


# Models only a developer needs: shown in the admin's menu to superusers alone. Administrators
# manage people, second factors and keys in the staff administration (/staff/manage/) instead.
TECHNICAL_MODELS: frozenset[str] = frozenset(
    {
        "otp_totp.totpdevice",
        "chat.identitykey",
        "auth.group",
        "auth.user",
        "helpline.staffprofile",
        "helpline.staffinvitation",
        "helpline.counter",
        "admin.logentry",
    }
)


class HelplineAdminSite(OTPAdminSite):
    site_header = "Helpline administration"
    site_title = "Helpline administration"
    index_title = "Administration"

    def __init__(self, name: str = "admin") -> None:
        super().__init__(name)


    def get_app_list(self, request: HttpRequest, app_label: str | None = None) -> list[Any]:
        apps = super().get_app_list(request, app_label)
        if request.user.is_superuser:
            return apps
        kept = []
        for app in apps:
            models = [
                m for m in app["models"] if f"{app['app_label']}.{m['object_name'].lower()}" not in TECHNICAL_MODELS
            ]
            if models:
                kept.append({**app, "models": models})
        return kept

    def each_context(self, request: HttpRequest) -> dict[str, Any]:
        context = super().each_context(request)
        # The link back to the staff administration, in the admin's header.
        context["site_url"] = reverse("manage-home")
        return context

    def register(self, model_or_iterable: Any, admin_class: Any = None, **options: Any) -> None:
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, AuditedAdminMixin):
            admin_class = type(
                admin_class.__name__, (AuditedAdminMixin, admin_class), {"__module__": admin_class.__module__}
            )
        super().register(model_or_iterable, admin_class, **options)

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        """One way in: the staff sign-in. A signed-in person without the admin role is refused."""
        next_url = request.GET.get("next") or reverse("admin:index", current_app=self.name)
        if self.has_permission(request):
            return HttpResponseRedirect(reverse("admin:index", current_app=self.name))
        if not request.user.is_authenticated:
            return HttpResponseRedirect(f"{reverse('staff-login')}?{urlencode({'next': next_url})}")
        if not is_verified(request.user):
            return HttpResponseRedirect(f"{reverse('staff-otp')}?{urlencode({'next': next_url})}")
        # Signed in with both factors but not staff: refuse rather than send them round again.
        raise PermissionDenied("This account cannot use the administration site.")

    def logout(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        from helpline.staff.views import sign_out

        return sign_out(request)
