"""The counsellor workspace and the supervisor view in Chromium against a live Daphne with Redis.

The help-seeker side is the Python reference client (chat.client.SeekerClient) running in a thread
with its own event loop; counsellors other than the one in the browser are reference clients too.
Accessibility: axe-core with the WCAG 2.2 A/AA rules on the dashboard (with a chat and its wrap-up
form open) and on the supervisor view (with a live chat on the floor).
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import threading
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

from chat import e2ee
from chat.certificates import generate_root_key, write_private_key, write_public_key
from chat.client import CounsellorClient, SeekerClient
from chat.loadtest.provision import ProvisionedCounsellor
from tests.conftest import REPO, LiveServer
from tests.personas import browser_sign_in, code_from_secret, live_staff

pytestmark = pytest.mark.integration

T = TypeVar("T")
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


class Loop:
    """An asyncio loop in a thread, for the reference clients beside the synchronous Playwright."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = 15) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


@pytest.fixture
def client_loop() -> Iterator[Loop]:
    running = Loop()
    yield running
    running.stop()


@pytest.fixture
def server(daphne_server: Any, redis_client: Any, redis_url: str) -> LiveServer:
    # Certification by the operator's command, not the demo shortcut.
    live: LiveServer = daphne_server(redis_url=redis_url, DEMO_AUTO_CERTIFY="0")
    return live


def root_key_files(server: LiveServer) -> tuple[Path, bytes]:
    """The organisation root key where the demo server looks for it; returns (private path, point)."""
    var = Path(server.env["HELPLINE_VAR_DIR"])
    private = var / "org_root_private.pem"
    if not private.exists():
        key = generate_root_key()
        write_private_key(private, key)
        write_public_key(var / "org_root_public.pem", key.public_key())
    from chat.certificates import load_private_key

    return private, e2ee.public_point(load_private_key(private).public_key())


def manage(server: LiveServer, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=REPO, env=server.env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def provision(server: LiveServer, role: str = "counsellor") -> ProvisionedCounsellor:
    root_key_files(server)
    (person,), _ = server.provision(role=role)
    return person


def no_axe_violations(page: Any) -> None:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG}})
    assert results.violations_count == 0, results.generate_report()


def enrol_and_sign_in(page: Any, server: LiveServer, username: str, password: str, next_path: str) -> None:
    """First sign-in: password, then enrol the authenticator from the key the page shows."""
    page.goto(f"{server.url}/staff/login/?next={next_path}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    assert "/staff/enrol/" in page.url, (page.url, page.content()[:1500])
    secret = page.locator("#totp-secret").inner_text()
    page.get_by_label("Code from your authenticator app").fill(code_from_secret(secret))
    page.get_by_role("button", name="Confirm and sign in").click()
    page.wait_for_url(f"**{next_path}")


def test_a_counsellor_enrols_gets_certified_takes_a_chat_and_files_the_wrapup(
    server: LiveServer, new_context: Any, client_loop: Loop
) -> None:
    staff = live_staff(server, "counsellor", "casey", enrol_at_sign_in=True, pseudonym="Casey", languages="en")
    context = new_context()
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    enrol_and_sign_in(page, server, staff.username, staff.password, "/staff/workspace/")
    # The browser made its key and asked for certification; it refuses chats until certified.
    key_state = page.locator("#key-state")
    key_state.and_(page.locator("[data-state=pending]")).wait_for()
    fingerprint = page.locator("#identity-fingerprint").inner_text().replace(" ", "")
    assert len(fingerprint) == 64
    assert "certified" in page.locator("#take-next-why").inner_text()
    assert page.locator("#demo-banner").count() == 0

    # An administrator certifies it with the root key, naming the fingerprint the counsellor read out.
    private, root_point = root_key_files(server)
    manage(server, "orgkey", "certify", fingerprint[:16], "--key", str(private))
    page.get_by_role("button", name="Check again").click()
    page.locator("#key-state[data-state=certified]").wait_for()

    page.get_by_role("button", name="Available", exact=True).click()
    page.locator("#counsellor-status[data-status=available]").wait_for()

    seeker = SeekerClient(server.ws_url, root_public=root_point)
    client_loop.run(seeker.connect())
    welcome = client_loop.run(seeker.join(triage={"concern": "own_thoughts"}, lang="en"))
    assert welcome["type"] == "welcome"
    page.locator("#queue-total").filter(has_text="1 waiting").wait_for(timeout=10000)

    page.get_by_role("button", name="Take the next chat").click()
    tab = page.get_by_role("tab", name="Chat 1")
    tab.wait_for()
    panel = page.get_by_role("tabpanel")
    client_loop.run(seeker.handshake())
    assert seeker.pseudonym == "Casey"
    panel.locator(".composer-text:not([disabled])").wait_for()
    # The triage answer is shown as text, not as a code.
    assert panel.locator(".triage dd").inner_text() == "Myself: my own thoughts or behaviour"
    assert panel.locator(".meta-priority").inner_text() == "Normal"

    client_loop.run(seeker.send_text("Hello, I would like to talk."))
    panel.locator(".line-theirs").filter(has_text="Hello, I would like to talk.").wait_for()

    # Canned responses and pages in the chat's language only (the counsellor has en and de), the
    # example greeting with the counsellor's pseudonym filled in.
    titles = panel.locator(".canned-select option").all_inner_texts()
    assert titles and all(title.endswith("(en)") for title in titles), titles
    pages = panel.locator(".resource-select option").all_inner_texts()[1:]
    assert all(title.endswith("(en)") for title in pages), pages
    panel.get_by_label("Canned response").select_option(label="Greeting (en)")
    panel.get_by_role("button", name="Insert").click()
    inserted = panel.get_by_label("Your message").input_value()
    assert "My name is Casey and" in inserted and "[name]" not in inserted, inserted
    panel.get_by_label("Your message").press("End")
    panel.get_by_label("Your message").type(" Take your time.")
    panel.get_by_role("button", name="Send", exact=True).click()
    reply = client_loop.run(seeker.next_text())
    assert reply == {"t": "text", "body": f"{inserted} Take your time."}
    panel.locator(".line-mine.delivered").first.wait_for()

    # A self-help page, shared inside the encrypted chat.
    panel.get_by_label("Or a path on this service").fill("/help/")
    panel.get_by_label("Link text (optional)").fill("Self-help library")
    panel.get_by_role("button", name="Share in the chat").click()
    shared = client_loop.run(seeker.next_text())
    assert shared == {"t": "resource", "url": f"{server.url}/help/", "title": "Self-help library"}
    # A path to another site is refused in the browser.
    panel.get_by_label("Or a path on this service").fill("https://elsewhere.example/")
    panel.get_by_role("button", name="Share in the chat").click()
    assert panel.locator(".resource-error").is_visible()

    no_axe_violations(page)

    # End the chat; the wrap-up is required before the next one.
    panel.get_by_role("button", name="End chat").click()
    client_loop.run(seeker.expect("ended"))
    wrapup = panel.locator(".wrapup")
    wrapup.wait_for()
    page.locator("#counsellor-status[data-status=wrapup]").wait_for()
    # Nothing more to write: the composer goes, the transcript stays beside the wrap-up.
    assert not panel.locator(".composer").is_visible()
    assert not panel.locator(".canned").is_visible()
    assert panel.locator(".line-theirs").filter(has_text="Hello, I would like to talk.").is_visible()
    assert panel.locator(".chat-side .wrapup").is_visible()
    page.get_by_role("button", name="Save wrap-up").click()  # incomplete: refused in the page
    assert panel.locator(".wrapup-error").is_visible()
    no_axe_violations(page)
    wrapup.get_by_label("Own sexual thoughts about children").check()
    wrapup.get_by_role("group", name="Was a protective step agreed in the chat?").get_by_label("Yes").check()
    wrapup.get_by_label("Therapy or counselling").check()
    wrapup.get_by_label("No risk noted").check()
    wrapup.get_by_label("Support given").check()
    page.get_by_role("button", name="Save wrap-up").click()
    page.locator("#counsellor-status[data-status=available]").wait_for()
    assert page.get_by_role("tab").count() == 0
    client_loop.run(seeker.close())

    assert not errors, errors
    # Nothing anyone wrote reached the console.
    assert not [line for line in console if "Hello, I would" in line or "Take your time" in line]


def test_a_supervisor_reassigns_a_live_chat_and_the_seeker_continues(
    server: LiveServer, new_context: Any, client_loop: Loop
) -> None:
    _, root_point = root_key_files(server)
    first, second = provision(server), provision(server)
    supervisor = live_staff(server, "supervisor", "sky", pseudonym="Sky")

    def counsellor_client(who: ProvisionedCounsellor) -> CounsellorClient:
        return CounsellorClient(server.ws_url, cookie=who.cookie, identity_private=who.identity_private,
                                cert=who.cert, sig_cert=who.sig_cert)

    alice, bob = counsellor_client(first), counsellor_client(second)
    seeker = SeekerClient(server.ws_url, root_public=root_point)

    async def start() -> str:
        for client in (alice, bob):
            await client.connect()
            await client.hello()
        await alice.set_status("available")
        await seeker.connect()
        await seeker.join(triage={}, lang="en")
        session = await alice.take_next()
        await asyncio.gather(seeker.handshake(), alice.handshake(session))
        await seeker.send_text("first from the seeker")
        assert (await alice.next_text(session))["body"] == "first from the seeker"
        await alice.send_text(session, "first from Alice")
        assert (await seeker.next_text())["body"] == "first from Alice"
        await bob.set_status("available")
        return session

    session = client_loop.run(start())
    assert seeker.pseudonym == first.username

    page = new_context().new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    browser_sign_in(page, server, supervisor, next_path="/staff/supervisor/")
    page.wait_for_url("**/staff/supervisor/")
    row = page.locator("#live-chats tbody tr")
    row.wait_for(timeout=10000)
    assert first.username in row.inner_text()
    # Metadata only: the seeker's words never reach this page.
    assert "first from" not in page.content()
    page.locator("#counsellors tbody tr").filter(has_text=second.username).wait_for()
    no_axe_violations(page)

    mark = seeker.mark()
    select = row.locator("select")
    select.select_option(label=select.locator("option", has_text=second.username).inner_text())
    row.get_by_role("button", name="Pass on").click()

    async def after() -> None:
        await alice.expect(lambda f: f.get("type") == "reassigned" and f.get("session") == session)
        await bob.expect(lambda f: f.get("type") == "chat" and f.get("session") == session)
        await seeker.expect("assigned", since=mark)
        await asyncio.gather(seeker.handshake(), bob.handshake(session))
        await seeker.send_text("second from the seeker")
        assert (await bob.next_text(session))["body"] == "second from the seeker"
        await bob.send_text(session, "first from Bob")
        assert (await seeker.next_text())["body"] == "first from Bob"

    client_loop.run(after(), timeout=30)
    assert seeker.pseudonym == second.username
    # Nothing the seeker had was lost: both counsellors' messages are there, in order.
    assert seeker.conversation is not None
    bodies = [json.loads(text)["body"] for text in seeker.conversation.received]
    assert bodies == ["first from Alice", "first from Bob"]
    row.filter(has_text=second.username).wait_for()

    # Set a counsellor offline from the view.
    person = page.locator("#counsellors tbody tr").filter(has_text=first.username)
    person.get_by_role("button").click()
    client_loop.run(alice.expect(lambda f: f.get("type") == "status" and f.get("state") == "offline"))
    for client in (alice, bob, seeker):
        client_loop.run(client.close())
    assert not errors, errors
