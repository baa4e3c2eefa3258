"""The self-help pages in a real Chromium against a real Daphne: accessibility, privacy, progress."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import REPO, LiveServer, _base_server_env

pytestmark = [pytest.mark.browser, pytest.mark.integration]

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_PAGES = [
    "/help/",
    "/help/understanding/",
    "/help/a/you-are-not-alone/",
    "/help/modules/first-steps/",
    "/help/modules/first-steps/4/",
    "/help/modules/first-steps/finished/",
    "/help/search/?q=help",
    "/help/self-assessment/",
    "/crisis/",
    "/l/platform-warning/",
    "/de/help/",
    "/de/help/a/you-are-not-alone/",
    "/de/help/modules/first-steps/2/",
    "/de/help/self-assessment/",
    "/de/crisis/?country=DE",
]


@pytest.fixture
def content_server(
    tmp_path: Path, live_database: Callable[[], str], daphne_server: Callable[..., LiveServer]
) -> Callable[..., LiveServer]:
    """A live server whose fresh database holds the starter content."""

    def start(**kwargs: str) -> LiveServer:
        database_url = live_database()
        env = {**_base_server_env(tmp_path), "DATABASE_URL": database_url}
        subprocess.run(
            [sys.executable, "manage.py", "loadstartercontent"], cwd=REPO, env=env, check=True, capture_output=True
        )
        return daphne_server(database_url=database_url, **kwargs)

    return start


def counter_rows(server: LiveServer) -> list[tuple[str, str, int]]:
    url = server.env["DATABASE_URL"]
    sql = "SELECT metric, dimension, value FROM helpline_counter ORDER BY metric, dimension"
    if url.startswith("sqlite:///"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as connection:
            return [tuple(row) for row in connection.execute(sql)]
    import psycopg

    with psycopg.connect(url) as connection:
        return [tuple(row) for row in connection.execute(sql)]


def test_the_pages_have_no_wcag_violations(content_server, new_context) -> None:
    from axe_playwright_python.sync_playwright import Axe

    server = content_server()
    page = new_context().new_page()
    axe = Axe()
    failures = {}
    for path in AXE_PAGES:
        page.goto(server.url + path)
        results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        assert results.response["passes"], f"axe did not run on {path}"
        if results.violations_count:
            failures[path] = results.generate_report()
    assert failures == {}, "\n\n".join(f"{path}\n{report}" for path, report in failures.items())


def test_the_self_assessment_answered_sends_no_request(content_server, new_context) -> None:
    server = content_server()
    context = new_context()
    page = context.new_page()
    requests: list[tuple[str, str, str | None]] = []
    page.on("request", lambda request: requests.append((request.method, request.url, request.post_data)))
    page.goto(server.url + "/help/self-assessment/")
    page.wait_for_load_state("networkidle")
    loaded = list(requests)
    assert all(method == "GET" for method, _, _ in loaded)
    assert all(url == server.url + "/help/self-assessment/" or "/static/" in url for _, url, _ in loaded)

    page.get_by_label("I am not sure").first.check()
    page.locator("#urgent-no").check()
    page.get_by_label("A lot").check()
    page.get_by_label("Not yet").check()
    page.get_by_label("Finding a professional who can help in person").check()
    page.get_by_role("button", name="Show my suggestions").click()

    suggestions = page.locator("[data-suggestions]")
    suggestions.wait_for(state="visible")
    visible = page.locator("[data-route]:visible")
    assert [visible.nth(i).get_attribute("data-route") for i in range(visible.count())] == [
        "crisis", "chat", "professional", "module"
    ]
    page.get_by_role("button", name="Clear my answers").click()
    page.wait_for_timeout(300)
    assert requests == loaded, f"requests after answering: {requests[len(loaded):]}"
    assert context.cookies() == []
    stored = page.evaluate("() => [sessionStorage.length, localStorage.length]")
    assert stored == [0, 0]


def test_the_self_assessment_suggests_a_module_for_reading_alone(content_server, new_context) -> None:
    server = content_server()
    page = new_context().new_page()
    page.goto(server.url + "/de/help/self-assessment/")
    page.locator("#safety-no").check()
    page.locator("#urgent-no").check()
    page.locator("#wish-self").check()
    page.get_by_role("button", name="Meine Vorschläge anzeigen").click()
    first = page.locator("[data-route]:visible").first
    assert first.get_attribute("data-route") == "module"
    assert first.get_by_role("link").get_attribute("href") == "/de/help/modules/first-steps/"


def test_module_progress_and_notes_stay_in_session_storage(
    content_server, new_context, redis_url: str, redis_client
) -> None:
    server = content_server(redis_url=redis_url)
    context = new_context()
    page = context.new_page()
    posts: list[tuple[str, str | None]] = []
    page.on("request", lambda r: posts.append((r.url, r.post_data)) if r.method == "POST" else None)

    page.goto(server.url + "/help/modules/first-steps/1/")
    note = "my private reflection 7f3a"
    page.get_by_label("What made you decide to look for help today?").fill(note)
    page.get_by_role("button", name="Done: next step").click()
    page.wait_for_url("**/help/modules/first-steps/2/")
    assert page.locator('[data-step="1"][data-done="true"]').count() == 1
    for number in range(2, 7):
        page.goto(server.url + f"/help/modules/first-steps/{number}/")
        page.locator("[data-step-done] button").click()
    page.wait_for_url("**/help/modules/first-steps/finished/")
    assert note in page.locator("[data-notes]").inner_text()

    page.goto(server.url + "/help/modules/first-steps/")
    assert "6 of 6" in page.locator("[data-progress-summary]").inner_text()
    assert all(note not in (body or "") and note not in url for url, body in posts)
    assert all(body in (None, "") for _, body in posts)
    assert context.cookies() == []

    rows = {(metric, dimension): value for metric, dimension, value in counter_rows(server)}
    assert rows[("resource.module_step", "module=first-steps")] == 6
    assert rows[("resource.module_completed", "module=first-steps")] == 1
    # Nothing in Redis names the reader: only the keyed-hash rate-limit keys and the hash key itself.
    for key in redis_client.keys("*"):
        text = key.decode()
        assert "127.0.0.1" not in text and "note" not in text and "7f3a" not in text

    # Quick exit clears the progress and the notes: back on the site in the same tab, nothing is left.
    page.goto(server.url + "/help/modules/first-steps/")
    assert page.evaluate("() => sessionStorage.length") == 1
    context.route("https://www.bbc.co.uk/**", lambda route: route.fulfill(body="elsewhere"))
    page.get_by_role("button", name="Exit this page").click()
    page.wait_for_url("https://www.bbc.co.uk/**")
    page.goto(server.url + "/help/modules/first-steps/")
    assert page.evaluate("() => sessionStorage.length") == 0
    assert page.locator("[data-progress-summary]").is_hidden()
