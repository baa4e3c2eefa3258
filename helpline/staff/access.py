"""Who may reach which staff page or socket.

Every staff view is wrapped in `staff_required(*roles)`, and the counsellor socket calls
`socket_staff_user(scope, roles=...)`. Both demand the full sign-in: password and a confirmed
TOTP device verified in this session.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import wraps
from typing import Any, ParamSpec
from urllib.parse import urlencode

from channels.db import database_sync_to_async
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.models import Device

from helpline.staff.rules import ROLES, role_of

P = ParamSpec("P")
AnyUser = AbstractBaseUser | AnonymousUser


def staff_role(user: AnyUser | None) -> str | None:
    """The account's role (a name in rules.ROLES), or None for anyone who is not active staff."""
    if not isinstance(user, User) or not user.is_authenticated or not user.is_active:
        return None
    # Cached on the object: a page asks several times (the view, then the staff navigation).
    cached: str | bool | None = getattr(user, "_helpline_role", False)
    if cached is not False:
        return cached if isinstance(cached, str) else None
    role = role_of(user.groups.values_list("name", flat=True), is_superuser=user.is_superuser)
    user._helpline_role = role  # type: ignore[attr-defined]
    return role


def check_role(user: AnyUser | None, *roles: str) -> str:
    """The user's role if it is one of `roles` (any staff role when none are named); else PermissionDenied."""
    role = staff_role(user)
    if role is None or role not in (roles or ROLES):
        raise PermissionDenied("This page is not part of your role.")
    return role


def is_verified(user: AnyUser | None) -> bool:
    """True when this session passed the second factor (set by django_otp's OTPMiddleware)."""
    check = getattr(user, "is_verified", None)
    return bool(user is not None and user.is_authenticated and callable(check) and check())


def _with_next(url_name: str, request: HttpRequest) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{reverse(url_name)}?{urlencode({'next': request.get_full_path()})}")


def sign_in_redirect(request: HttpRequest) -> HttpResponse | None:
    """Where to send someone who has not finished signing in; None if they have."""
    if not request.user.is_authenticated:
        return _with_next("staff-login", request)
    if not is_verified(request.user):
        return _with_next("staff-otp", request)
    return None


def staff_required(*roles: str) -> Callable[[Callable[P, HttpResponse]], Callable[P, HttpResponse]]:
    """View decorator: anonymous -> sign-in page; password only -> code page; wrong role -> 403."""

    def decorator(view: Callable[P, HttpResponse]) -> Callable[P, HttpResponse]:
        @wraps(view)
        def wrapped(*args: P.args, **kwargs: P.kwargs) -> HttpResponse:
            request = args[0]
            assert isinstance(request, HttpRequest)
            redirect = sign_in_redirect(request)
            if redirect is not None:
                return redirect
            check_role(request.user, *roles)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def _normalise_device_id(persistent_id: str) -> str:
    # The same conversion as django_otp's middleware: old ids were full import paths.
    if persistent_id.count(".") > 1:
        parts = persistent_id.split(".")
        return ".".join((parts[-3], parts[-1]))
    return persistent_id


def verified_staff_user(user: AnyUser | None, session: Mapping[str, Any], roles: Iterable[str]) -> User | None:
    """The user if the session holds a confirmed device of theirs and their role is one of `roles`."""
    if not isinstance(user, User) or not user.is_authenticated or not user.is_active:
        return None
    persistent_id = session.get(DEVICE_ID_SESSION_KEY)
    if not isinstance(persistent_id, str) or not persistent_id:
        return None
    device = Device.from_persistent_id(_normalise_device_id(persistent_id))
    if device is None or device.user_id != user.pk or not device.confirmed:
        return None
    role = staff_role(user)
    if role is None or role not in tuple(roles):
        return None
    return user


async def socket_staff_user(scope: Mapping[str, Any], *, roles: Iterable[str] = ROLES) -> User | None:
    """The signed-in, second-factor-verified staff user of a websocket, or None.

    Takes the Channels scope after AuthMiddlewareStack. Django's OTP middleware does not run for
    websockets, so this repeats its check: the session must name a confirmed device that belongs
    to the user. An expired session has already become anonymous in the session middleware.
    """
    user = scope.get("user")
    session = scope.get("session")
    if user is None or session is None:
        return None
    allowed = tuple(roles)
    result: User | None = await database_sync_to_async(verified_staff_user)(user, session, allowed)
    return result
