"""What every page of the staff administration shares: who may read, who may change, lookups."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest

from helpline.staff.access import staff_role
from helpline.staff.rules import ADMIN, MANAGER, SUPERVISOR

# Administrators change everything here. Managers read the pages where knowing helps them plan
# (people, schedule, content) and change nothing; supervisors steer the floor, so they see and
# lift blocks. Keys and the audit log are for administrators alone.
EDITORS: tuple[str, ...] = (ADMIN,)
READERS: tuple[str, ...] = (ADMIN, MANAGER)
FLOOR_STEERING: tuple[str, ...] = (ADMIN, SUPERVISOR)


def can_edit(request: HttpRequest) -> bool:
    return staff_role(request.user) in EDITORS


def get_staff_member(pk: int) -> User:
    """A staff account by id (any account with a role or a profile), or 404."""
    user = User.objects.filter(pk=pk).select_related("staffprofile").first()
    if user is None or staff_role_of_any(user) is None:
        raise Http404("No such staff account.")
    return user


def staff_role_of_any(user: User) -> str | None:
    """The role of an account whether or not it is active (staff_role is None for inactive ones)."""
    from helpline.staff.rules import role_of

    return role_of(user.groups.values_list("name", flat=True), is_superuser=user.is_superuser)


def messages_of(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]
