"""Who may see statistics: managers and admins (or superusers), signed in with a second factor."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

STATS_GROUPS = ("manager", "admin")


def login_url() -> str:
    try:
        return reverse(settings.LOGIN_URL)
    except NoReverseMatch:
        # The staff login page is built on another branch; this is the path it will have.
        return "/staff/login/"


def can_see_statistics(user: Any) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return bool(user.is_superuser or user.groups.filter(name__in=STATS_GROUPS).exists())


def manager_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Anonymous or without a verified second factor: to the login page. Wrong role: 403."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        verified = getattr(user, "is_verified", None)
        if not user.is_authenticated or not (callable(verified) and verified()):
            return redirect_to_login(request.get_full_path(), login_url())
        if not can_see_statistics(user):
            return render(request, "helpline/stats/forbidden.html", status=403)
        return view(request, *args, **kwargs)

    return wrapped
