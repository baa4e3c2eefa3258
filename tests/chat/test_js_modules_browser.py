"""The small shared browser modules, run in Chromium: socket.js's waits and share-paths.js's rule,
which must refuse and accept exactly what the server's check_resource_path does.

Uses the loopback static server of chat/static from tests/chat/conftest.py (no Django needed).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from helpline.workspace import check_resource_path

pytestmark = pytest.mark.browser

PATHS = [
    "/help/", "/help/a/coping-with-urges", "/de/help/", "/de-ch/help/modules/first-steps/4/", "/help/a/b.html",
    "https://elsewhere.example/", "//elsewhere.example/help/", "/staff/", "/help/../staff/", "javascript:x", "",
    "/help//x/", "/HELP/", "/help/?q=1", "/crisis/", "/xx-toolongcode/help/",
]


@pytest.fixture
def page(e2ee_browser: Any, e2ee_static_server: str) -> Iterator[Any]:
    context = e2ee_browser.new_context()
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    opened.goto(f"{e2ee_static_server}/blank.html")
    try:
        yield opened
    finally:
        context.close()
    assert not errors, errors


def python_rule(path: str) -> str:
    try:
        return check_resource_path(path)
    except ValueError:
        return ""


def test_it_shares_exactly_the_paths_the_server_accepts(page: Any) -> None:
    results = page.evaluate(
        """async (paths) => {
          const S = await import('/chat/js/share-paths.js');
          return paths.map((path) => {
            const normal = S.normaliseSharePath(path);
            return S.isShareablePath(normal) ? normal : "";
          });
        }""",
        PATHS,
    )
    assert results == [python_rule(path) for path in PATHS]
    assert results[:4] == ["/help/", "/help/a/coping-with-urges/", "/de/help/", "/de-ch/help/modules/first-steps/4/"]


def test_it_makes_links_clickable_only_on_this_origin(page: Any, e2ee_static_server: str) -> None:
    links = page.evaluate(
        """async (urls) => {
          const S = await import('/chat/js/share-paths.js');
          return urls.map((url) => S.shareableLink(url));
        }""",
        ["/help/first-steps/", f"{e2ee_static_server}/help/", "https://elsewhere.example/help/",
         f"{e2ee_static_server}.elsewhere.example/help/", f"{e2ee_static_server}/staff/", "/help/" + "a" * 300, 7],
    )
    assert links == ["/help/first-steps/", f"{e2ee_static_server}/help/", "", "", "", "", ""]


def test_it_backs_off_as_the_pages_did_with_jitter_below_each_step(page: Any) -> None:
    result = page.evaluate(
        """async () => {
          const S = await import('/chat/js/socket.js');
          const steps = (first) => [0, 1, 2, 3, 4, 5, 6, 40].map((n) => S.backoffDelay(n, { first, max: 15000 }));
          return {
            seeker: steps(500), staff: steps(1000),
            low: S.withJitter(8000, () => 0), high: S.withJitter(8000, () => 1),
          };
        }"""
    )
    assert result["seeker"] == [500, 1000, 2000, 4000, 8000, 15000, 15000, 15000]
    assert result["staff"] == [1000, 2000, 4000, 8000, 15000, 15000, 15000, 15000]
    assert (result["low"], result["high"]) == (4000, 8000)
