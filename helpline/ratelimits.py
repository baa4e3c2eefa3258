"""HTTP rate limits: one decorator for every form and JSON endpoint, sync or async.

Keys are always `helpline.addresses.ratelimit_key` (a keyed hash of the address, never the
address). Counters live in the cache (Redis, minutes); while the cache is unavailable the limit
lets requests through (RATELIMIT_FAIL_OPEN): a page that works matters more here than a limit.
A limited request gets the calm 429 page.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from asgiref.sync import iscoroutinefunction, sync_to_async
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_ratelimit.core import is_ratelimited

from helpline.addresses import ratelimit_key

View = TypeVar("View", bound=Callable[..., Any])


def check_rate(request: HttpRequest, *, group: str, rate: str, method: Any = None) -> bool:
    """True when this request is over the limit (and counts it)."""
    from django_ratelimit import ALL

    return bool(is_ratelimited(request=request, group=group, key=ratelimit_key, rate=rate,
                               method=ALL if method is None else method, increment=True))


def too_many(request: HttpRequest) -> HttpResponse:
    return render(request, "429.html", status=429)


def limited(*, group: str, rate: str, method: Any = None) -> Callable[[View], View]:
    """`@limited(group="exit", rate="120/m")` on a view: over the limit, the 429 page instead."""

    def decorator(view: View) -> View:
        if iscoroutinefunction(view):

            @functools.wraps(view)
            async def async_wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
                over = await sync_to_async(check_rate, thread_sensitive=False)(
                    request, group=group, rate=rate, method=method)
                if over:
                    return await sync_to_async(too_many, thread_sensitive=False)(request)
                return await view(request, *args, **kwargs)  # type: ignore[no-any-return]

            return async_wrapped  # type: ignore[return-value]

        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if check_rate(request, group=group, rate=rate, method=method):
                return too_many(request)
            return view(request, *args, **kwargs)  # type: ignore[no-any-return]

        return wrapped  # type: ignore[return-value]

    return decorator
