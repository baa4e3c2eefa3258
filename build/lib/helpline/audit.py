"""The staff audit log: one entry point that records a state-changing staff action.

Keeps: who (staff account), what (action code), on what (a staff username, a content id, or a
chat's pseudonymous reference, never a help-seeker identifier), when. Kept for
settings.AUDIT_RETENTION_DAYS (default one year), then deleted by `manage.py cleanup`.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User

from helpline.models import AuditEvent


def do_audit(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    action: str,
    target: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    user = actor if isinstance(actor, User) else None
    return AuditEvent.objects.create(
        actor=user,
        actor_name=user.get_username() if user is not None else "",
        action=action,
        target=target[:150],
        detail=detail or {},
    )
