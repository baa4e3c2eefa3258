"""Template helpers for staff pages: the navigation for a role, and described form inputs."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.forms import BoundField
from django.http import HttpRequest
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from helpline.staff.access import is_verified, staff_role
from helpline.staff.rules import ADMIN, FLOOR_ROLES, MANAGER, STATISTICS_URL, SUPERVISOR

register = template.Library()


@register.simple_tag
def staff_links(request: HttpRequest) -> list[dict[str, object]]:
    """The staff navigation for this person's role; nothing before the sign-in is complete."""
    if not is_verified(request.user):
        return []
    role = staff_role(request.user)
    links: list[tuple[str, str]] = []
    if role in FLOOR_ROLES:
        links.append((_("Workspace"), reverse("staff-workspace")))
    if role in (SUPERVISOR, ADMIN):
        links.append((_("Supervision"), reverse("staff-supervisor")))
    if role == SUPERVISOR:
        links.append((_("Blocks"), reverse("manage-blocks")))
    if role in (MANAGER, ADMIN):
        links.append((_("Statistics"), STATISTICS_URL))
        links.append((_("Administration"), reverse("manage-home")))
    if role == ADMIN:
        links.append((_("Audit log"), reverse("staff-audit")))
    return [{"label": label, "url": url, "current": request.path == url} for label, url in links]


@register.simple_tag
def manage_links(request: HttpRequest, section: str = "") -> list[dict[str, object]]:
    """The sections of the staff administration this person's role reaches."""
    role = staff_role(request.user)
    links: list[tuple[str, str, str]] = []
    if role in (ADMIN, MANAGER):
        links += [
            ("home", _("Overview"), reverse("manage-home")),
            ("people", _("People"), reverse("manage-people")),
            ("schedule", _("Schedule"), reverse("manage-schedule")),
        ]
    if role in (ADMIN, SUPERVISOR):
        links.append(("blocks", _("Blocks"), reverse("manage-blocks")))
    if role in (ADMIN, MANAGER):
        links.append(("content", _("Content"), reverse("manage-content")))
    if role == ADMIN:
        links.append(("keys", _("Keys"), reverse("manage-keys")))
        links.append(("audit", _("Audit log"), reverse("staff-audit")))
    return [{"label": label, "url": url, "current": code == section} for code, label, url in links]


@register.simple_tag
def idle_minutes() -> int:
    return int(settings.SESSION_COOKIE_AGE) // 60


@register.simple_tag
def field_input(field: BoundField) -> SafeString:
    """The field's widget, pointing at its hint and error message for screen readers."""
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}-hint")
    if field.errors:
        described.append(f"{field.auto_id}-error")
    attrs: dict[str, str | bool] = {}
    if described:
        attrs["aria-describedby"] = " ".join(described)
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)
