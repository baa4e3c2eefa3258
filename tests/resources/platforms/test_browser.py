"""Done-when (issue 21): a partner page on another origin embeds the snippet from docs/PLATFORMS.md
in real Chromium, against a real Daphne server with Redis and PostgreSQL.

The message appears in the requested language; no cookie is set on either origin; no request goes
anywhere but the helpline's origin (besides the partner's own page); a click opens the chat in a
new top-level context and is counted; a page on an origin the partner has not listed cannot frame
it; with JavaScript off, the fallback link works and is counted too.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from resources.platforms.snippet import PLACEHOLDER_CODE, PLACEHOLDER_ORIGIN
from tests.chat.browser_helpers import trusted_root_env
from tests.conftest import REPO, LiveServer, free_port
from tests.resources.platforms.test_docs import documented_snippet

CODE = "browser-partner"
GERMAN_HEADING = "Diese Suche kann zu illegalen Bildern von Kindern führen"


class PartnerSite:
    """A partner's page on its own loopback port, with the documented snippet in it."""

    def __init__(self, html: str = "") -> None:
        self.port = free_port()
        self.html = html
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = site.html.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _manage(server: LiveServer, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=REPO, env=server.env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def _counter(server: LiveServer, metric: str) -> int:
    code = (
        "from helpline.models import Counter\n"
        f"row = Counter.objects.filter(metric={metric!r}, dimension='').values_list('value', flat=True)\n"
        "print(sum(row))"
    )
    return int(_manage(server, "shell", "-c", code).strip().splitlines()[-1])


@pytest.fixture
def sites() -> Iterator[Callable[[str], PartnerSite]]:
    started: list[PartnerSite] = []

    def start(html: str = "") -> PartnerSite:
        site = PartnerSite(html)
        started.append(site)
        return site

    yield start
    for site in started:
        site.close()


def _page_html(server: LiveServer) -> str:
    snippet = documented_snippet().replace(PLACEHOLDER_ORIGIN, server.url).replace(PLACEHOLDER_CODE, CODE)
    snippet = snippet.replace("lang=en", "lang=de")
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Partner search</title></head>'
        f"<body><h1>Search results</h1>{snippet}</body></html>"
    )


def test_a_partner_page_embeds_the_component(
    daphne_server: Callable[..., LiveServer],
    redis_url: str,
    redis_client: Any,
    new_context: Callable[..., Any],
    sites: Callable[[str], PartnerSite],
) -> None:
    server = daphne_server(redis_url=redis_url, PLATFORM_FLUSH_SECONDS="1", **trusted_root_env())
    partner_site = sites(_page_html(server))
    other_site = sites(_page_html(server))
    _manage(
        server,
        "shell",
        "-c",
        "from resources.platforms.models import Partner\n"
        "from resources.platforms.service import do_save_partner\n"
        f"p = Partner(name='Browser partner', code={CODE!r}, allowed_origins={partner_site.url!r})\n"
        "do_save_partner(actor=None, partner=p, changed=['name'], with_examples=True)\n"
        "p.variants.filter(language='de').exclude(label__startswith='A').update(active=False)\n",
    )

    # --- JavaScript on: the message in German, nothing but the helpline's origin --------------
    context = new_context()
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    responses: list[tuple[str, int]] = []
    context.on("response", lambda response: responses.append((response.url, response.status)))
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    page.goto(partner_site.url + "/")
    frame = page.frame_locator("iframe")
    heading = frame.get_by_role("heading", level=1)
    heading.wait_for(timeout=15000)
    assert heading.inner_text() == GERMAN_HEADING
    assert frame.get_by_role("link", name="Eine sichere Nachricht hinterlassen").is_visible()
    # Its one stylesheet loaded, with its integrity checked (a mismatch is refused and logged).
    styles = [(url, status) for url, status in responses if "/static/platforms/css/embed." in url]
    assert [status for _, status in styles] == [200]
    assert not [text for text in console if "integrity" in text.lower() or "Content Security Policy" in text]
    # With JavaScript on, the <noscript> fallback stays hidden.
    assert not page.get_by_text("talk to someone in confidence").is_visible()

    clicks_before = _counter(server, "platform.click")
    with page.expect_popup() as popup_info:
        frame.get_by_role("link", name="Jetzt anonym Hilfe bekommen").click()
    popup = popup_info.value
    popup.wait_for_load_state()
    assert popup.url.startswith(f"{server.url}/de/chat/?src={CODE}_")
    assert popup.evaluate("() => window.opener === null")
    assert popup.evaluate("() => window.top === window")  # a top-level context, not the frame
    assert _counter(server, "platform.click") == clicks_before + 1

    others = [url for url in requests if not url.startswith((server.url + "/", partner_site.url + "/"))]
    assert others == []
    assert [url for url in requests if url.startswith(partner_site.url)] == [partner_site.url + "/"]
    assert context.cookies() == []

    # The impression reached the counters through the batched flush: the worker pushes it to Redis
    # within about a second, and the flush moves it to the database.
    page.wait_for_timeout(1500)
    _manage(server, "flush_impressions")
    assert _counter(server, "platform.impression") == 1

    # --- An origin the partner has not listed cannot frame it --------------------------------
    blocked = context.new_page()
    refused: list[str] = []
    blocked.on("console", lambda message: refused.append(message.text))
    blocked.goto(other_site.url + "/")
    blocked.wait_for_timeout(1500)
    child = [f for f in blocked.frames if f is not blocked.main_frame]
    assert len(child) == 1
    assert GERMAN_HEADING not in (child[0].evaluate("() => document.body ? document.body.innerText : ''") or "")
    assert any("frame-ancestors" in text for text in refused)
    assert context.cookies() == []

    # --- JavaScript off: the fallback link works and is counted -------------------------------
    quiet = new_context(java_script_enabled=False)
    quiet_page = quiet.new_page()
    quiet_page.goto(partner_site.url + "/")
    fallback = quiet_page.get_by_role("link", name="Anonymous help is available now: talk to someone in confidence")
    assert fallback.is_visible()
    with quiet_page.expect_popup() as fallback_info:
        fallback.click()
    landed = fallback_info.value
    landed.wait_for_load_state()
    assert landed.url.startswith(f"{server.url}/de/chat/?src={CODE}_0")
    assert _counter(server, "platform.click") == clicks_before + 2
    assert quiet.cookies() == []
