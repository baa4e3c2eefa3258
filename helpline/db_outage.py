"""What the service does while PostgreSQL cannot be reached (a restart, a fail-over, a network cut).

Keeps, in this process only and for at most RETRY_SECONDS: the aggregate counter increments and
staff audit rows that could not be written, as the function calls that write them (metric names,
dimension codes, the actor's id and the action: nothing about a help-seeker). They are written
when the database answers again; a worker stopped meanwhile loses them, and after RETRY_SECONDS
they are given up with a warning (counted, never described).

- `write_soon(fn, *args)`: run a database write on the database thread now; if the database is
  unreachable, keep it and try again in the background with backoff, so that the live path
  (ending a chat, a status change) goes on without waiting for PostgreSQL.
- `DatabaseUnavailableMiddleware`: a page whose view finds the database unreachable (sign-in,
  content pages) answers 503 with a calm "try again in a few minutes" page, not a 500.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from channels.db import database_sync_to_async
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)
# Pauses between attempts: quick at first (a restart takes seconds), then every 30 s.
RETRY_DELAYS = (0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 30.0)
RETRY_SECONDS = 600.0

_waiting: set[asyncio.Task[None]] = set()
_given_up = {"count": 0}


def delays(total: float = RETRY_SECONDS) -> list[float]:
    """The pauses before each retry, adding up to at most `total` seconds."""
    out: list[float] = []
    spent = 0.0
    while True:
        pause = RETRY_DELAYS[min(len(out), len(RETRY_DELAYS) - 1)]
        if spent + pause > total:
            return out
        out.append(pause)
        spent += pause


async def write_soon(fn: Callable[..., Any], *args: Any) -> bool:
    """Write now (True), or keep the write and retry it in the background (False)."""
    try:
        await database_sync_to_async(fn)(*args)
        return True
    except DATABASE_ERRORS:
        logger.warning("the database is unreachable; a write waits to be retried")
    task = asyncio.get_running_loop().create_task(_retry(fn, args))
    _waiting.add(task)
    task.add_done_callback(_waiting.discard)
    return False


async def _retry(fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
    for pause in delays():
        await asyncio.sleep(pause)
        try:
            await database_sync_to_async(fn)(*args)
            return
        except DATABASE_ERRORS:
            continue
        except Exception as exc:
            logger.error("a retried database write failed: %s", exc.__class__.__name__)
            return
    _given_up["count"] += 1
    logger.warning("a database write was given up after %.0f s", RETRY_SECONDS)


def waiting() -> int:
    """Writes of this process still waiting for the database."""
    return len(_waiting)


async def settle(timeout: float) -> bool:
    """Wait until no write waits any more (tests, and a worker shutting down); True if none does."""
    try:
        async with asyncio.timeout(timeout):
            while _waiting:
                await asyncio.gather(*list(_waiting), return_exceptions=True)
    except TimeoutError:
        return False
    return True


MINIMAL_503 = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1"><title>Please try again soon</title>'
    '</head><body><p><a href="/exit" rel="nofollow noreferrer">Exit this page</a></p><main>'
    "<h1>We are having a technical problem</h1>"
    "<p>This page cannot be shown right now. Please try again in a few minutes. "
    "Nothing you entered has been kept.</p></main></body></html>"
)


class DatabaseUnavailableMiddleware:
    """Turns an unreachable database into a 503 page instead of a 500 (never a stack trace)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DATABASE_ERRORS):
            return None
        logger.warning("a page could not reach the database")
        try:
            response = render(request, "503.html", status=503)
        except Exception:
            response = HttpResponse(MINIMAL_503, status=503)
        response["Retry-After"] = "60"
        return response
