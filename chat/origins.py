"""Which pages may open the service's sockets: exact origins, scheme, host and port.

Channels' AllowedHostsOriginValidator compares only the Origin's host name with ALLOWED_HOSTS, so a
page on `http://127.0.0.1:9999` (another program on the same machine) or on plain http in front of
an https service could open a socket. Here an Origin is accepted only when it is exactly

- the scheme and Host the socket itself was opened to (the page's own origin: `ws` goes with
  `http`, `wss` with `https`; behind nginx, X-Forwarded-Proto with BEHIND_TLS_PROXY gives the scheme), with that
  Host in ALLOWED_HOSTS, or
- one of settings.SITE_ORIGINS, or settings.STAFF_ORIGIN (docs/OPERATIONS.md).

Anything else, or no Origin at all, is refused at the upgrade (HTTP 403) before any consumer runs.
Keeps nothing and logs nothing about the request.
"""

from __future__ import annotations

from typing import Any

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host

from helpline.env import normalise_origin

SCHEMES = {"ws": "http", "wss": "https", "http": "http", "https": "https"}


def header(scope: dict[str, Any], name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            try:
                return bytes(value).decode("latin-1")
            except (TypeError, ValueError):
                return None
    return None


def own_origin(scope: dict[str, Any]) -> str | None:
    """The origin of the page the socket was opened from if it came from this very host."""
    host = header(scope, b"host")
    scheme = SCHEMES.get(str(scope.get("scheme") or "ws"))
    # Daphne puts no scheme in a websocket scope; behind the TLS proxy (BEHIND_TLS_PROXY, the
    # same trust Django gives it for HTTP) nginx's X-Forwarded-Proto, which it overwrites, says it.
    proxy = settings.SECURE_PROXY_SSL_HEADER
    if "scheme" not in scope and proxy and header(scope, b"x-forwarded-proto") == proxy[1]:
        scheme = "https"
    if not host or scheme is None:
        return None
    domain, _port = split_domain_port(host)
    if not domain or not validate_host(domain, settings.ALLOWED_HOSTS):
        return None
    return normalise_origin(f"{scheme}://{host}")


def allowed_origins(scope: dict[str, Any]) -> set[str]:
    out = set(settings.SITE_ORIGINS)
    if settings.STAFF_ORIGIN:
        out.add(settings.STAFF_ORIGIN)
    own = own_origin(scope)
    if own:
        out.add(own)
    return out


def origin_allowed(scope: dict[str, Any]) -> bool:
    raw = header(scope, b"origin")
    origin = normalise_origin(raw) if raw else None
    return origin is not None and origin in allowed_origins(scope)


class ExactOriginValidator:
    """ASGI middleware: refuses a websocket whose Origin is not exactly an allowed one."""

    def __init__(self, application: Any) -> None:
        self.application = application

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        if scope["type"] == "websocket" and not origin_allowed(scope):
            denier = WebsocketDenier()
            return await denier(scope, receive, send)
        return await self.application(scope, receive, send)
