"""The fast path for the warning component's page: `GET /embed/<code>/` answered on the event loop.

Keeps nothing but caches in this process: a snapshot of the partner catalogue and the chat's
open/closed state (rebuilt at most once a second in a worker thread), and the pages rendered from
it (at most MAX_RENDERED, dropped whenever the snapshot changes). Impressions go to the process's
local tally (resources.platforms.tally: no I/O per impression); the snapshot rebuild also pushes
and flushes them.

Why: an impression is the one request of this service that comes in millions. Through Django's
full handler each one costs a worker thread hop, ten middlewares and a template render (about
2-5 ms of CPU); here it costs a dictionary lookup and a write of bytes already rendered.
docs/PERFORMANCE.md ("Warning component") has the figures.

It answers exactly what the Django view (resources.platforms.views.embed) answers, with the same
headers (helpline.middleware.SECURITY_HEADERS with the embed's overrides; a test compares them),
and hands everything else to Django: other paths, other methods, and a Host that ALLOWED_HOSTS
refuses (Django answers that with its 400).
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, unquote

from channels.db import database_sync_to_async
from django.conf import settings
from django.http.request import split_domain_port, validate_host
from django.utils import translation

from helpline.middleware import SECURITY_HEADERS
from resources.platforms import catalogue, rules
from resources.platforms.catalogue import PartnerEntry, Variant
from resources.platforms.choose import Shown, choose_among, link_code
from resources.platforms.generic import generic_variant
from resources.platforms.tally import impressions

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
ASGIApp = Callable[..., Awaitable[None]]

logger = logging.getLogger(__name__)

_PATH = re.compile(r"^/embed/([^/]{1,64})/$")
SNAPSHOT_SECONDS = 1.0
MAX_RENDERED = 512


@dataclass(frozen=True)
class Snapshot:
    built_at: float
    partners: Mapping[str, PartnerEntry]
    generic: Mapping[str, Variant]
    status: Mapping[str, Any]
    key: tuple[int, bool, Any]  # changes whenever what a page shows may have changed


def _languages() -> list[str]:
    return [code for code, _ in settings.LANGUAGES]


def build_snapshot() -> Snapshot:
    """In a worker thread: the catalogue and the chat's state; and push/flush impressions."""
    from resources.platforms.views import chat_status

    impressions().maybe_flush()
    partners = catalogue.partners()
    generic = {}
    for language in _languages():
        with translation.override(language):
            generic[language] = generic_variant(language)
    status = chat_status()
    return Snapshot(time.monotonic(), partners, generic, status, (id(partners), status["is_open"], status["opens_at"]))


def response_headers(shown: Shown, *, language: str, length: int, secure: bool) -> list[tuple[bytes, bytes]]:
    from resources.platforms.views import embed_overrides

    headers: dict[str, str] = {"Content-Type": "text/html; charset=utf-8", **SECURITY_HEADERS}
    if secure and settings.SECURE_HSTS_SECONDS:
        headers["Strict-Transport-Security"] = f"max-age={settings.SECURE_HSTS_SECONDS}" + (
            "; includeSubDomains" if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS else ""
        )
    headers["Vary"] = "Accept-Language"
    for name, value in embed_overrides(shown, language).items():
        if value is None:
            headers.pop(name, None)
        else:
            headers[name] = value
    headers["Content-Length"] = str(length)
    return [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers.items()]


class EmbedFastPath:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._snapshot: Snapshot | None = None
        self._refresh: asyncio.Task[Snapshot] | None = None
        self._rendered: dict[tuple[str, int, str, bool], tuple[bytes, list[tuple[bytes, bytes]]]] = {}
        self._rendered_key: tuple[int, bool, Any] | None = None
        self._push_timer: asyncio.TimerHandle | None = None
        self._pushes: set[asyncio.Future[None]] = set()

    def _count(self, source: str) -> None:
        """Count on the event loop (no I/O), and make sure the count leaves this process within
        about a second even if no other impression comes to trigger a snapshot rebuild."""
        impressions().add([source])
        if self._push_timer is None:
            self._push_timer = asyncio.get_running_loop().call_later(SNAPSHOT_SECONDS + 0.1, self._push_later)

    def _push_later(self) -> None:
        self._push_timer = None
        task = asyncio.ensure_future(database_sync_to_async(impressions().maybe_flush)())
        # Held until done, so the loop does not drop the task half-way.
        self._pushes.add(task)
        task.add_done_callback(self._pushes.discard)

    async def snapshot(self) -> Snapshot:
        current = self._snapshot
        if current is not None and time.monotonic() - current.built_at < SNAPSHOT_SECONDS:
            return current
        if self._refresh is None or self._refresh.done():
            self._refresh = asyncio.ensure_future(database_sync_to_async(build_snapshot)())
        if current is None:
            current = await self._refresh
        elif self._refresh.done() and not self._refresh.cancelled() and self._refresh.exception() is None:
            current = self._refresh.result()
        self._snapshot = current
        return current

    def page(
        self, snap: Snapshot, shown: Shown, language: str, *, secure: bool
    ) -> tuple[bytes, list[tuple[bytes, bytes]]]:
        """The rendered page and its headers, from this snapshot's cache."""
        from resources.platforms.views import render_embed

        if self._rendered_key != snap.key or len(self._rendered) >= MAX_RENDERED:
            self._rendered = {}
            self._rendered_key = snap.key
        key = (link_code(shown), shown.variant.id, language, secure)
        found = self._rendered.get(key)
        if found is None:
            with translation.override(language):
                body = render_embed(shown, language, dict(snap.status)).encode()
            found = (body, response_headers(shown, language=language, length=len(body), secure=secure))
            self._rendered[key] = found
        return found

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        found = _PATH.fullmatch(scope.get("path", "")) if scope["type"] == "http" else None
        if found is None or scope.get("method") != "GET":
            await self.app(scope, receive, send)
            return
        headers = {name: value for name, value in scope.get("headers", [])}
        host = headers.get(b"host", b"").decode("latin-1")
        domain, _port = split_domain_port(host)
        if not domain or not validate_host(domain, settings.ALLOWED_HOSTS):
            await self.app(scope, receive, send)
            return
        snap = await self.snapshot()
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        language = rules.choose_language(
            requested=(query.get("lang") or [None])[0],
            accept_language=headers.get(b"accept-language", b"").decode("latin-1"),
            supported=_languages(),
            default=str(settings.LANGUAGE_CODE),
        )
        shown = choose_among(snap.partners, unquote(found.group(1)), language, snap.generic[language])
        if shown.source is not None:
            self._count(shown.source)
        secure = scope.get("scheme") == "https" or (
            settings.SECURE_PROXY_SSL_HEADER is not None and headers.get(b"x-forwarded-proto") == b"https"
        )
        try:
            body, response = self.page(snap, shown, language, secure=secure)
        except Exception:
            # Whatever went wrong, Django answers: the same page, or the service's calm error page.
            logger.warning("the embed fast path could not render a page; Django answers instead")
            await self.app(scope, receive, send)
            return
        if settings.ONION_LOCATION:
            query_string = scope.get("query_string", b"").decode("latin-1")
            location = settings.ONION_LOCATION + scope["path"] + (f"?{query_string}" if query_string else "")
            response = [*response, (b"onion-location", location.encode("latin-1"))]
        await send({"type": "http.response.start", "status": 200, "headers": response})
        await send({"type": "http.response.body", "body": body})
