"""Helpers shared by the Chromium tests of the chat (tests/chat/test_*_browser.py and
test_two_browsers.py): recording what a page sends and receives, waiting for the seeker page's
views, and reading back everything a live server kept (Redis, every database table) to look for
words that must never be there."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings

from tests.conftest import REPO, LiveServer

# Prints every row of every table of the server's database, one line each.
_EVERY_TABLE = """
from django.db import connection
with connection.cursor() as cursor:
    for table in connection.introspection.table_names():
        cursor.execute("SELECT * FROM " + connection.ops.quote_name(table))
        for row in cursor.fetchall():
            print(table, [bytes(v) if isinstance(v, memoryview) else v for v in row])
"""


def trusted_root_env() -> dict[str, str]:
    """Server settings for the test run's root key (the one collectstatic published for the seeker page)."""
    return {
        "ORG_ROOT_PUBLIC_KEY": str(settings.ORG_ROOT_PUBLIC_KEY),
        "ORG_ROOT_PRIVATE_KEY": str(settings.ORG_ROOT_PRIVATE_KEY),
    }


class Recorder:
    """Every request, response header and websocket frame of one page."""

    def __init__(self, page: Any) -> None:
        self.requests: list[str] = []
        self.set_cookies: list[str] = []
        self.frames: list[str] = []
        self.sockets: list[Any] = []
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("response", self._response)
        page.on("websocket", self._socket)

    def _response(self, response: Any) -> None:
        for header in response.headers_array():
            if header["name"].lower() == "set-cookie":
                self.set_cookies.append(response.url)

    def _socket(self, socket: Any) -> None:
        self.sockets.append(socket)
        self.requests.append(socket.url)
        socket.on("framesent", lambda payload: self.frames.append(str(payload)))
        socket.on("framereceived", lambda payload: self.frames.append(str(payload)))

    def frame_types(self) -> list[str]:
        types = []
        for text in self.frames:
            try:
                types.append(json.loads(text).get("type", ""))
            except ValueError:
                continue
        return types


def view(page: Any, name: str, timeout: float = 15000) -> None:
    page.wait_for_selector(f'[data-view="{name}"]:not([hidden])', timeout=timeout)


def until(page: Any, expression: str, timeout: float = 15) -> None:
    """Wait until a JavaScript expression is true (wait_for_function evaluates strings, which the CSP forbids)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(f"() => Boolean({expression})"):
        if time.monotonic() > deadline:
            raise AssertionError(f"never true: {expression}")
        page.wait_for_timeout(50)


def seeker_context(new_context: Callable[..., Any], **kwargs: Any) -> Any:
    return new_context(viewport={"width": 390, "height": 800}, **kwargs)


def redis_dump(client: Any) -> str:
    parts = []
    for key in client.keys("*"):
        kind = client.type(key).decode()
        parts.append(key.decode(errors="replace"))
        if kind == "string":
            parts.append(repr(client.get(key)))
        elif kind == "hash":
            parts.append(repr(client.hgetall(key)))
        elif kind == "list":
            parts.append(repr(client.lrange(key, 0, -1)))
        elif kind == "set":
            parts.append(repr(client.smembers(key)))
        elif kind == "zset":
            parts.append(repr(client.zrange(key, 0, -1, withscores=True)))
        elif kind == "stream":
            parts.append(repr(client.xrange(key)))
    return "\n".join(parts)


def database_dump(server: LiveServer) -> str:
    """Every row of every table in the live server's database, as text."""
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", _EVERY_TABLE], cwd=REPO, env=server.env,
        capture_output=True, text=True, check=True, timeout=120,
    )
    return result.stdout
