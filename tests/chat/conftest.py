"""Fixtures for the E2EE tests: a loopback static server for chat/static and a Chromium page that
has imported the browser module as `window.E2EE`.

Browser tests skip when /usr/bin/chromium is missing, unless REQUIRE_SERVICES=1, where they fail
(`missing_service` in tests/conftest.py).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

STATIC_ROOT = Path(__file__).resolve().parents[2] / "chat" / "static"
BLANK = b"<!doctype html><html lang=en><title>e2ee test</title></html>"


class _StaticHandler(SimpleHTTPRequestHandler):
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".js": "text/javascript"}

    def do_GET(self) -> None:
        if self.path == "/blank.html":
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(BLANK)))
            self.end_headers()
            self.wfile.write(BLANK)
            return
        super().do_GET()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="session")
def e2ee_static_server() -> Iterator[str]:
    """http://127.0.0.1:PORT serving chat/static (a loopback origin is a secure context)."""
    handler = functools.partial(_StaticHandler, directory=str(STATIC_ROOT))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def e2ee_browser(browser: Any) -> Any:
    return browser


@pytest.fixture
def e2ee_page(e2ee_browser: Any, e2ee_static_server: str) -> Iterator[Any]:
    """A fresh page (own context, so own IndexedDB) with `window.E2EE` set to the module."""
    context = e2ee_browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{e2ee_static_server}/blank.html")
    page.evaluate("async () => { window.E2EE = await import('/chat/js/e2ee.js'); }")
    try:
        yield page
    finally:
        context.close()
    assert not errors, errors


def run_js(page: Any, body: str, arg: Any = None) -> Any:
    """Runs `body` as an async function with `E` (the module) and `arg` in scope."""
    return page.evaluate(f"async (arg) => {{ const E = window.E2EE; {body} }}", arg)
