"""Security headers on every response, and no cookies on help-seeker pages.

Help-seekers get no cookie of any kind (docs/ARCHITECTURE.md, invariant 4). Only staff areas
(STAFF_PREFIXES) may set the session and CSRF cookies; on every other path this middleware removes any cookie
that a view or another middleware tried to set. With STAFF_ORIGIN set, staff paths are answered
only on that origin (docs/OPERATIONS.md "A separate staff origin").

A view may replace some of these headers for its own response by setting
`response.privacy_overrides = {header: value or None}` (None removes the header): the partner
embed (resources.platforms.views) sends its own frame-ancestors policy and caching that way. The
cookie rule has no override.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect

from helpline.env import normalise_origin

STAFF_PREFIXES = ("/staff/", "/admin/", "/manage/")

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "media-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "worker-src 'none'",
        "manifest-src 'self'",
    ]
)
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer", "autoplay", "camera", "display-capture", "encrypted-media", "fullscreen",
        "geolocation", "gyroscope", "magnetometer", "microphone", "midi", "payment",
        "picture-in-picture", "publickey-credentials-get", "screen-wake-lock", "sync-xhr", "usb",
        "xr-spatial-tracking", "interest-cohort", "browsing-topics",
    )
)
# Staff pages post forms with CSRF protection. Under "no-referrer", browsers send `Origin: null`
# with a form POST, which Django's CSRF check rightly refuses; "same-origin" sends the origin (and
# referrer) only to this site and nothing to any other, so staff pages use it instead.
STAFF_REFERRER_POLICY = "same-origin"

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": PERMISSIONS_POLICY,
}


def is_staff_path(path: str) -> bool:
    return path.startswith(STAFF_PREFIXES) or any(
        path.startswith(f"/{code}{prefix}") for code, _ in settings.LANGUAGES for prefix in STAFF_PREFIXES
    )


def request_origin(request: HttpRequest) -> str | None:
    try:
        return normalise_origin(f"{request.scheme}://{request.get_host()}")
    except DisallowedHost:
        return None


class PrivacyHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.staff_origin_redirect(request) or self.get_response(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers[name] = value
        if settings.ONION_LOCATION and not request.path.startswith(settings.STATIC_URL):
            response.headers["Onion-Location"] = settings.ONION_LOCATION + request.get_full_path()
        if not request.path.startswith(settings.STATIC_URL):
            response.headers["Cache-Control"] = "no-store"
        for name, override in getattr(response, "privacy_overrides", {}).items():
            if override is None:
                response.headers.pop(name, None)
            else:
                response.headers[name] = override
        if is_staff_path(request.path):
            response.headers["Referrer-Policy"] = STAFF_REFERRER_POLICY
        else:
            response.cookies.clear()
            if "Vary" in response.headers:
                # No cookie is read on these pages, so caches need not vary on one.
                parts = [p.strip() for p in response.headers["Vary"].split(",") if p.strip().lower() != "cookie"]
                if parts:
                    response.headers["Vary"] = ", ".join(parts)
                else:
                    del response.headers["Vary"]
        return response

    @staticmethod
    def staff_origin_redirect(request: HttpRequest) -> HttpResponse | None:
        """With STAFF_ORIGIN set, staff pages live only there: the help-seekers' origin (whose
        quick exit clears its storage) never holds a counsellor's identity key."""
        if not settings.STAFF_ORIGIN or not is_staff_path(request.path):
            return None
        if request_origin(request) == settings.STAFF_ORIGIN:
            return None
        return HttpResponsePermanentRedirect(settings.STAFF_ORIGIN + request.get_full_path())
