"""The help-seeker's chat in real Chromium against a real Daphne server.

The seeker is Chromium on /chat/; the counsellor is the Python reference client
(chat.client.CounsellorClient) in a thread with its own event loop, signed in with an account
provisioned in the live server's database (`python -m chat.loadtest.provision 1`). A test with both sides
in Chromium is tests/chat/test_two_browsers.py.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Coroutine, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TypeVar

import pytest

from chat.client import ClientError, CounsellorClient
from chat.loadtest.provision import ProvisionedCounsellor
from tests.chat.browser_helpers import (
    Recorder,
    database_dump,
    redis_dump,
    seeker_context,
    trusted_root_env,
    until,
    view,
)
from tests.conftest import REPO, LiveServer, _base_server_env

pytestmark = [pytest.mark.browser, pytest.mark.integration]

T = TypeVar("T")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SEEKER_CANARY = "canary-seeker-7f3a9c2e"
COUNSELLOR_CANARY = "canary-counsellor-4b81d06f"
PAGE_WEIGHT_LIMIT = 150 * 1024
NEUTRAL_PAGE = b"<!doctype html><html lang=en><title>Weather</title><h1>Weather</h1></html>"


# --- fixtures and helpers ----------------------------------------------------------------------


class _Neutral(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(NEUTRAL_PAGE)))
        self.end_headers()
        self.wfile.write(NEUTRAL_PAGE)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def neutral_site() -> Iterator[str]:
    """The neutral site quick exit goes to (no internet in tests)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Neutral)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/weather"
    server.shutdown()
    server.server_close()


@pytest.fixture
def start_server(daphne_server: Callable[..., LiveServer], neutral_site: str) -> Callable[..., LiveServer]:
    """A live server that trusts the test run's root key (the one collectstatic published)."""

    def start(**extra: str) -> LiveServer:
        env = {
            **trusted_root_env(),
            "QUICK_EXIT_URL": neutral_site,
            **extra,
        }
        return daphne_server(**env)

    return start


class CuttableProxy:
    """A loopback TCP proxy in front of a live server whose connections the test can cut, the way a
    train going into a tunnel cuts them (Chromium's offline emulation leaves open sockets alone)."""

    def __init__(self, port: int) -> None:
        import socket as sockets

        self.upstream = port
        self.listener = sockets.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.offline = False
        self.pairs: list[tuple[Any, Any]] = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        import socket as sockets

        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.offline:
                client.close()
                continue
            server = sockets.create_connection(("127.0.0.1", self.upstream))
            with self.lock:
                self.pairs.append((client, server))
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    @staticmethod
    def _pump(source: Any, target: Any) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        for end in (source, target):
            try:
                end.close()
            except OSError:
                pass

    def cut(self) -> None:
        import socket as sockets

        self.offline = True
        with self.lock:
            pairs, self.pairs = self.pairs, []
        for pair in pairs:
            for end in pair:
                try:
                    end.shutdown(sockets.SHUT_RDWR)
                except OSError:
                    pass
                end.close()

    def restore(self) -> None:
        self.offline = False

    def close(self) -> None:
        self.cut()
        self.listener.close()


class RecordingCounsellor(CounsellorClient):
    """The reference client, keeping every frame it sends as text too."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sent: list[str] = []

    async def send(self, frame: dict[str, Any]) -> None:
        self.sent.append(json.dumps(frame))
        await super().send(frame)


class CounsellorThread:
    """Runs a RecordingCounsellor on its own event loop, so the sync Playwright test can drive it."""

    def __init__(self, server: LiveServer, person: ProvisionedCounsellor) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.client = RecordingCounsellor(
            server.ws_url, cookie=person.cookie, identity_private=person.identity_private,
            cert=person.cert, sig_cert=person.sig_cert,
        )

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = 20) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def start(self) -> None:
        self.run(self.client.connect())
        self.run(self.client.hello())
        self.run(self.client.set_status("available"))

    def take_next(self) -> str:
        """Take the next chat, retrying while the seeker is not in the queue yet."""
        deadline = time.monotonic() + 15
        while True:
            try:
                return self.run(self.client.take_next())
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def close(self) -> None:
        try:
            self.run(self.client.close(), timeout=10)
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(10)


@pytest.fixture
def counsellors() -> Iterator[Callable[[LiveServer, ProvisionedCounsellor], CounsellorThread]]:
    made: list[CounsellorThread] = []

    def make(server: LiveServer, person: ProvisionedCounsellor) -> CounsellorThread:
        counsellor = CounsellorThread(server, person)
        made.append(counsellor)
        counsellor.start()
        return counsellor

    yield make
    for counsellor in made:
        counsellor.close()


def check_axe(page: Any, where: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    # The quick-exit button floats over the page on purpose; axe would count whatever happens to be
    # scrolled under it as obscured, so every check runs from the top of the page.
    page.evaluate("() => window.scrollTo(0, 0)")
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    assert results.violations_count == 0, f"{where}:\n{results.generate_report()}"


def tab_to(page: Any, selector: str, limit: int = 60) -> None:
    """Press Tab until the element matching `selector` has the focus."""
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


# --- a whole chat --------------------------------------------------------------------------------


def test_it_completes_a_whole_chat_without_plaintext_leaving_the_browsers(
    start_server: Callable[..., LiveServer], redis_url: str, redis_client: Any,
    new_context: Callable[..., Any], counsellors: Callable[..., CounsellorThread],
) -> None:
    server = start_server(redis_url=redis_url)
    (person,), _ = server.provision()
    counsellor = counsellors(server, person)
    page = seeker_context(new_context).new_page()
    recorder = Recorder(page)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(f"{server.url}/chat/?src=poster")
    view(page, "intro")
    entries = page.evaluate("history.length")
    check_axe(page, "intro")
    page.get_by_role("button", name="I understand, continue").click()
    view(page, "triage")
    check_axe(page, "triage")
    page.locator('#triage-form input[type="radio"]:not([value=""])').first.check()
    page.get_by_role("button", name="Join the queue").click()
    view(page, "waiting")
    until(page, "document.getElementById('queue-position').textContent.includes('queue')")
    check_axe(page, "waiting")
    token = page.evaluate("sessionStorage.getItem('helpline.chat.token')")
    assert token and len(token) == 43
    assert page.evaluate("document.cookie") == ""

    session = counsellor.take_next()
    view(page, "chat")
    page.wait_for_selector("#message:not([disabled])")
    counsellor.run(counsellor.client.handshake(session))
    assert person_name(page) == person.username  # the pseudonym comes from the certificate
    check_axe(page, "chat")

    page.fill("#message", f"Hello, {SEEKER_CANARY}")
    page.keyboard.press("Enter")
    received = counsellor.run(counsellor.client.next_text(session))
    assert received == {"t": "text", "body": f"Hello, {SEEKER_CANARY}"}
    page.wait_for_selector('.from-me .msg-status[data-state="delivered"]')

    counsellor.run(counsellor.client.send_text(session, f"I am here to listen. {COUNSELLOR_CANARY}"))
    page.wait_for_selector(f'.from-counsellor:has-text("{COUNSELLOR_CANARY}")')
    shared = json.dumps({"t": "resource", "url": "/help/first-steps/", "title": "First steps"})
    elsewhere = json.dumps({"t": "resource", "url": "https://elsewhere.example/x", "title": "Elsewhere"})
    for envelope in (shared, elsewhere):
        conversation = counsellor.client.conversation(session)
        assert conversation.cipher is not None
        seq, ct = conversation.cipher.seal(envelope)
        counsellor.run(counsellor.client.send({"type": "msg", "session": session, "seq": seq, "ct": ct}))
    page.wait_for_selector('.from-counsellor a[href="/help/first-steps/"]')
    page.wait_for_selector('.from-counsellor:has-text("https://elsewhere.example/x")')
    assert page.locator('.from-counsellor a[href^="https:"]').count() == 0
    check_axe(page, "chat with messages")

    # While the chat is live, Redis holds its state: ciphertext only.
    live_state = redis_dump(redis_client)
    assert live_state, "the chat should have live state in Redis"

    counsellor.run(counsellor.client.end(session))
    view(page, "ended")
    assert "ended the chat" in page.locator("#ended-reason").text_content()
    assert page.evaluate("sessionStorage.length") == 0
    check_axe(page, "ended")
    page.locator("#f-helpful-yes").check()
    page.get_by_role("button", name="Send feedback").click()
    page.wait_for_selector("#feedback-thanks:not([hidden])")
    assert page.evaluate("history.length") == entries  # the whole chat was one history entry

    # Nothing but ciphertext passed the server, and nothing of the conversation stayed anywhere.
    types = recorder.frame_types()
    for kind in ("join", "welcome", "queue", "assigned", "hs_init", "hs_offer", "hs_confirm", "msg", "ack", "ended",
                 "feedback", "feedback_thanks"):
        assert kind in types, kind
    join = next(json.loads(f) for f in recorder.frames if '"join"' in f)
    assert join["source"] == "poster" and join["lang"] == "en" and len(join["triage"]) == 1
    places = {
        "seeker frames": "\n".join(recorder.frames),
        "counsellor frames received": json.dumps(counsellor.client.frames),
        "counsellor frames sent": "\n".join(counsellor.client.sent),
        "redis during the chat": live_state,
        "redis afterwards": redis_dump(redis_client),
        "database": database_dump(server),
        "server log": server.logs(),
    }
    for where, text in places.items():
        for canary in (SEEKER_CANARY, COUNSELLOR_CANARY, "I am here to listen", "First steps"):
            assert canary not in text, f"{canary} found in {where}"
    assert token not in places["server log"] and session not in places["server log"]

    # Every request went to the service's own origin, and no response set a cookie.
    origins = {server.url, server.ws_url}
    assert recorder.requests and all(url.startswith(tuple(origins)) for url in recorder.requests), recorder.requests
    assert recorder.set_cookies == []
    assert errors == []


def person_name(page: Any) -> str:
    """The counsellor's pseudonym as the page shows it (from the certificate)."""
    text = page.locator("#chat-with").text_content() or ""
    return text.split("You are chatting with ", 1)[1].split(".", 1)[0]


def test_it_runs_the_whole_chat_with_the_keyboard_only(
    start_server: Callable[..., LiveServer], new_context: Callable[..., Any],
    counsellors: Callable[..., CounsellorThread],
) -> None:
    server = start_server()
    (person,), _ = server.provision()
    counsellor = counsellors(server, person)
    page = seeker_context(new_context).new_page()
    page.goto(f"{server.url}/chat/")
    view(page, "intro")

    tab_to(page, '[data-view="intro"] [data-action="accept"]')
    page.keyboard.press("Enter")
    view(page, "triage")
    first_radio = page.locator('#triage-form input[type="radio"]').first
    first_name = first_radio.get_attribute("name")
    tab_to(page, f'#triage-form input[name="{first_name}"]:checked')
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.value") != ""
    tab_to(page, '#triage-form button[type="submit"]')
    page.keyboard.press("Enter")
    view(page, "waiting")

    session = counsellor.take_next()
    view(page, "chat")
    until(page, "document.activeElement && document.activeElement.id === 'message'")
    counsellor.run(counsellor.client.handshake(session))
    page.keyboard.type("Typed with the keyboard alone")
    page.keyboard.press("Enter")
    assert counsellor.run(counsellor.client.next_text(session))["body"] == "Typed with the keyboard alone"
    counsellor.run(counsellor.client.send_text(session, "Thank you for writing."))
    page.wait_for_selector('.from-counsellor:has-text("Thank you for writing.")')

    tab_to(page, '[data-view="chat"] [data-action="end"]')
    page.keyboard.press("Enter")
    view(page, "ended")
    assert page.evaluate("document.activeElement.id") == "ended-title"
    tab_to(page, 'input[name="helpful"]')
    page.keyboard.press("Space")
    tab_to(page, '#feedback-form button[type="submit"]')
    page.keyboard.press("Enter")
    page.wait_for_selector("#feedback-thanks:not([hidden])")
    assert counsellor.run(counsellor.client.expect("ended"))["reason"] == "seeker_left"


# --- quick exit ----------------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["button", "shift"])
def test_it_leaves_at_once_and_leaves_nothing_behind(
    start_server: Callable[..., LiveServer], new_context: Callable[..., Any], neutral_site: str, how: str,
    counsellors: Callable[..., CounsellorThread],
) -> None:
    server = start_server()
    counsellor = counsellors(server, server.provision()[0][0])
    page = seeker_context(new_context).new_page()
    recorder = Recorder(page)
    page.goto(f"{server.url}/")
    entries = page.evaluate("history.length")
    page.get_by_role("link", name="Chat with a counsellor").click()
    view(page, "intro")
    page.get_by_role("button", name="I understand, continue").click()
    page.get_by_role("button", name="Join the queue").click()
    until(page, "sessionStorage.getItem('helpline.chat.token')")

    if how == "button":
        page.get_by_role("button", name="Exit this page").click()
    else:
        # Capital letters typed with Shift do not count; three Shift presses on their own do.
        page.locator("body").press("Shift+A")
        page.locator("body").press("Shift+B")
        assert page.url.startswith(server.url)
        for _ in range(3):
            page.keyboard.press("Shift")
    page.wait_for_url(neutral_site)
    assert page.title() == "Weather"
    assert "leave" in recorder.frame_types()
    # The server ended the chat at once: nobody is left in the queue for a counsellor to take.
    deadline = time.monotonic() + 10
    while True:
        try:
            counsellor.run(counsellor.client.take_next())
        except ClientError as exc:
            if str(exc) == "queue_empty":
                break
        assert time.monotonic() < deadline, "the chat stayed in the queue after quick exit"
        time.sleep(0.2)

    # The home page and the chat took one place in the tab's history, which quick exit replaced:
    # Back does not return to this site (quick-exit.js).
    assert page.evaluate("history.length") == entries
    # Back goes to what the tab showed before the site (a navigation, so it is started from a timer).
    page.evaluate("setTimeout(() => history.back(), 0)")
    page.wait_for_timeout(500)
    assert not page.url.startswith(server.url)
    # The same tab back on this site finds nothing kept (sessionStorage belongs to the tab and origin).
    page.goto(f"{server.url}/")
    assert page.evaluate("sessionStorage.length") == 0
    assert page.evaluate("localStorage.length") == 0


def test_it_does_not_count_shift_used_for_capital_letters(
    start_server: Callable[..., LiveServer], new_context: Callable[..., Any],
) -> None:
    server = start_server()
    page = seeker_context(new_context).new_page()
    page.goto(f"{server.url}/")
    for letter in "ABCDE":
        page.keyboard.press(f"Shift+{letter}")
    page.wait_for_timeout(200)
    assert page.url == f"{server.url}/"


# --- every page and state: accessibility, weight, origin --------------------------------------------


SEEKER_PAGES = ["/", "/de/", "/how-we-protect-you/", "/de/how-we-protect-you/", "/no-such-page/", "/de/chat/"]


def test_every_seeker_page_is_accessible_small_and_self_contained(
    start_server: Callable[..., LiveServer], new_context: Callable[..., Any],
) -> None:
    server = start_server()
    for width in (320, 1280):
        page = new_context(viewport={"width": width, "height": 800}).new_page()
        recorder = Recorder(page)
        for path in SEEKER_PAGES:
            page.goto(server.url + path)
            page.wait_for_load_state("networkidle")
            check_axe(page, f"{path} at {width}px")
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{path} scrolls sideways at {width}px"
        assert all(url.startswith(server.url) for url in recorder.requests), recorder.requests
        assert recorder.set_cookies == []


def test_the_chat_page_weighs_at_most_150_kb(
    start_server: Callable[..., LiveServer], new_context: Callable[..., Any],
) -> None:
    server = start_server()
    page = seeker_context(new_context).new_page()
    sizes: dict[str, int] = {}

    def count(response: Any) -> None:
        if response.request.resource_type in ("document", "script", "stylesheet"):
            sizes[response.url] = len(response.body())

    page.on("response", count)
    page.goto(f"{server.url}/chat/")
    view(page, "intro")
    page.wait_for_load_state("networkidle")
    assert any(url.endswith(".js") and "/chat/js/seeker." in url for url in sizes)
    assert any("/chat/js/e2ee." in url for url in sizes)
    total = sum(sizes.values())
    print(f"chat page weight: {total} bytes uncompressed ({len(sizes)} files)")
    assert total <= PAGE_WEIGHT_LIMIT, sizes


def test_it_tells_an_old_browser_that_it_cannot_chat(
    start_server: Callable[..., LiveServer], new_context: Callable[..., Any],
) -> None:
    server = start_server()
    context = seeker_context(new_context)
    context.add_init_script("Object.defineProperty(Crypto.prototype, 'subtle', { get() { return undefined; } });")
    page = context.new_page()
    page.goto(f"{server.url}/chat/")
    view(page, "unsupported")
    assert page.locator('[data-view="intro"]').is_hidden()
    check_axe(page, "no WebCrypto")


def test_it_shows_the_closed_page_in_the_same_frame(
    start_server: Callable[..., LiveServer], new_context: Callable[..., Any], live_database: Callable[[], str],
    tmp_path: Path,
) -> None:
    database_url = live_database()
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c",
         "from helpline.models import OpeningHours; OpeningHours.objects.all().delete()"],
        cwd=REPO, env={**_base_server_env(tmp_path), "DATABASE_URL": database_url}, check=True, timeout=60,
    )
    server = start_server(database_url=database_url)
    page = seeker_context(new_context).new_page()
    for path in ("/chat/", "/de/chat/"):
        page.goto(server.url + path)
        assert page.locator("h1").first.text_content() in ("The chat is closed at the moment",
                                                             "Der Chat ist gerade geschlossen")
        assert page.locator("[data-quick-exit]").is_visible()
        check_axe(page, f"closed {path}")


def test_it_says_so_when_the_chat_cannot_start(
    start_server: Callable[..., LiveServer], new_context: Callable[..., Any], tmp_path: Path,
) -> None:
    server = start_server(ORG_ROOT_PUBLIC_KEY=str(tmp_path / "missing.pem"))
    page = seeker_context(new_context).new_page()
    page.goto(f"{server.url}/chat/")
    view(page, "unavailable")
    check_axe(page, "unavailable")


def test_it_says_honestly_when_the_queue_is_full(
    start_server: Callable[..., LiveServer], new_context: Callable[..., Any],
) -> None:
    server = start_server(QUEUE_MAX_LENGTH="1")
    first = seeker_context(new_context).new_page()
    first.goto(f"{server.url}/chat/")
    first.get_by_role("button", name="I understand, continue").click()
    first.get_by_role("button", name="Join the queue").click()
    until(first, "sessionStorage.getItem('helpline.chat.token')")
    second = seeker_context(new_context).new_page()
    second.goto(f"{server.url}/chat/")
    second.get_by_role("button", name="I understand, continue").click()
    second.get_by_role("button", name="Join the queue").click()
    view(second, "full")
    assert second.evaluate("sessionStorage.length") == 0
    check_axe(second, "full")


def test_it_stops_when_the_counsellor_certificate_is_not_ours(
    start_server: Callable[..., LiveServer], new_context: Callable[..., Any],
    counsellors: Callable[..., CounsellorThread], tmp_path: Path,
) -> None:
    server = start_server()
    # Certified by another organisation's root key, which this page does not trust.
    (stranger,), _ = server.provision(
        ORG_ROOT_PUBLIC_KEY=str(tmp_path / "other-public.pem"),
        ORG_ROOT_PRIVATE_KEY=str(tmp_path / "other-private.pem"),
    )
    counsellor = counsellors(server, stranger)
    page = seeker_context(new_context).new_page()
    recorder = Recorder(page)
    page.goto(f"{server.url}/chat/")
    page.get_by_role("button", name="I understand, continue").click()
    page.get_by_role("button", name="Join the queue").click()
    view(page, "waiting")
    session = counsellor.take_next()
    view(page, "certfail")
    check_axe(page, "certificate check failed")
    assert "hs_confirm" not in recorder.frame_types()
    assert "msg" not in recorder.frame_types()
    assert page.evaluate("sessionStorage.length") == 0
    assert counsellor.run(counsellor.client.expect(lambda f: f.get("type") == "ended" and f.get("session") == session))


def test_it_reconnects_and_resends_after_a_dropped_connection(
    start_server: Callable[..., LiveServer], new_context: Callable[..., Any],
    counsellors: Callable[..., CounsellorThread],
) -> None:
    server = start_server()
    counsellor = counsellors(server, server.provision()[0][0])
    proxy = CuttableProxy(server.port)
    context = seeker_context(new_context)
    page = context.new_page()
    recorder = Recorder(page)
    page.goto(f"{proxy.url}/chat/")
    entries = page.evaluate("history.length")
    page.get_by_role("button", name="I understand, continue").click()
    page.get_by_role("button", name="Join the queue").click()
    session = counsellor.take_next()
    page.wait_for_selector("#message:not([disabled])")
    counsellor.run(counsellor.client.handshake(session))

    proxy.cut()
    page.wait_for_selector("#connection-status:not([hidden])")
    page.fill("#message", "Written while offline")
    page.keyboard.press("Enter")
    page.wait_for_selector('.from-me .msg-status[data-state="sending"]')
    page.wait_for_timeout(1500)  # a reconnect attempt or two is refused while "in the tunnel"
    proxy.restore()
    assert counsellor.run(counsellor.client.next_text(session), timeout=30)["body"] == "Written while offline"
    page.wait_for_selector('.from-me .msg-status[data-state="delivered"]', timeout=20000)
    assert page.locator("#connection-status").is_hidden()
    assert "resume" in recorder.frame_types()
    assert len(recorder.sockets) >= 2

    # A reload keeps the place (the token is in sessionStorage) but not the keys: a new handshake.
    page.reload()
    view(page, "chat")
    page.wait_for_selector("#message:not([disabled])")
    counsellor.run(counsellor.client.handshake(session))
    counsellor.run(counsellor.client.send_text(session, "Still here with you"), timeout=20)
    page.wait_for_selector('.from-counsellor:has-text("Still here with you")')
    assert page.evaluate("history.length") == entries
    proxy.close()
