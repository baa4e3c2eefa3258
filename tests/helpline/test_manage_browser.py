"""The staff administration in Chromium against a live Daphne with Redis, as an administrator uses it.

- An administrator invites a counsellor; the counsellor enrols by the one-time link (password, QR
  code, code), the browser makes its identity key, the administrator exports the pending request,
  signs it in the offline ceremony (`manage.py ceremony`), imports the certificate, and the
  counsellor takes a chat from a help-seeker (the Python reference client).
- The administrator edits the week and the preview of the chat page changes; adds a closure whose
  note the preview shows; lifts a block; is refused a canned response with an unknown placeholder.
Every page passes axe-core's WCAG 2.2 A/AA rules, in English and in German.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from chat.client import SeekerClient
from chat.store.redis import RedisStore
from tests.chat.test_workspace_browser import Loop, no_axe_violations, root_key_files
from tests.conftest import REPO, LiveServer
from tests.personas import browser_sign_in, code_from_secret, live_staff

pytestmark = [pytest.mark.browser, pytest.mark.integration]

NEW_PASSWORD = "amber-orchard-compass-92"


@pytest.fixture
def loop() -> Iterator[Loop]:
    running = Loop()
    yield running
    running.stop()


@pytest.fixture
def server(daphne_server: Any, redis_client: Any, redis_url: str) -> LiveServer:
    live: LiveServer = daphne_server(redis_url=redis_url, DEMO_AUTO_CERTIFY="0")
    return live


def sign_in_admin(page: Any, server: LiveServer, username: str = "ada") -> None:
    staff = live_staff(server, "admin", username)
    browser_sign_in(page, server, staff)
    page.wait_for_url("**/staff/manage/")


def test_an_admin_invites_a_counsellor_who_enrols_by_the_link_is_certified_offline_and_takes_a_chat(
    server: LiveServer, new_context: Any, loop: Loop, tmp_path: Path
) -> None:
    admin = new_context(viewport={"width": 1280, "height": 800}, accept_downloads=True).new_page()
    errors: list[str] = []
    admin.on("pageerror", lambda error: errors.append(f"admin: {error}"))
    sign_in_admin(admin, server)
    assert admin.get_by_role("heading", level=1).inner_text() == "Administration"
    # The setup checklist shows what is missing until it is done.
    assert "Opening hours are set" in admin.inner_text("main")
    no_axe_violations(admin)

    admin.get_by_role("navigation", name="Administration").get_by_role("link", name="People").click()
    admin.wait_for_url("**/staff/manage/people/")
    no_axe_violations(admin)
    admin.get_by_role("link", name="Invite someone").click()
    admin.get_by_label("Username").fill("casey")
    admin.get_by_label("Role").select_option("counsellor")
    admin.get_by_label("Pseudonym").fill("Casey")
    admin.get_by_label("Languages").fill("en")
    admin.get_by_role("button", name="Create the account and the link").click()
    admin.wait_for_load_state()
    link = admin.get_by_label("Enrolment link").input_value()
    assert re.fullmatch(rf"{re.escape(server.url)}/staff/enrol/[A-Za-z0-9_-]{{30,}}/", link), link
    no_axe_violations(admin)

    # The counsellor opens the link in their own browser.
    counsellor = new_context(viewport={"width": 1280, "height": 800}).new_page()
    counsellor.on("pageerror", lambda error: errors.append(f"counsellor: {error}"))
    counsellor.goto(link)
    assert counsellor.get_by_role("img", name="QR code to add this account to your authenticator app").is_visible()
    no_axe_violations(counsellor)
    counsellor.get_by_label("Choose a password").fill(NEW_PASSWORD)
    counsellor.get_by_label("The same password again").fill("something-else-entirely-1")
    secret = counsellor.locator("#totp-secret").inner_text()
    counsellor.get_by_label("Code from your authenticator app").fill(code_from_secret(secret))
    counsellor.get_by_role("button", name="Finish and sign in").click()
    counsellor.wait_for_load_state()
    assert "The two passwords differ" in counsellor.inner_text("main")
    no_axe_violations(counsellor)
    counsellor.get_by_label("Choose a password").fill(NEW_PASSWORD)
    counsellor.get_by_label("The same password again").fill(NEW_PASSWORD)
    counsellor.get_by_label("Code from your authenticator app").fill(code_from_secret(secret))
    counsellor.get_by_role("button", name="Finish and sign in").click()
    counsellor.wait_for_url("**/staff/workspace/")
    counsellor.locator("#key-state[data-state=pending]").wait_for()
    fingerprint = counsellor.locator("#identity-fingerprint").inner_text().replace(" ", "")

    # The link works once.
    again = new_context().new_page()
    again.goto(link)
    assert again.get_by_role("heading", level=1).inner_text() == "This link does not work"
    no_axe_violations(again)

    # The people list shows the new account as set up, its key waiting.
    admin.goto(f"{server.url}/staff/manage/people/")
    row = admin.get_by_role("row").filter(has_text="casey")
    assert "Set up" in row.inner_text() and "Waiting for certification" in row.inner_text()
    row.get_by_role("link", name="casey").click()
    admin.wait_for_url("**/staff/manage/people/*/")
    assert admin.get_by_role("button", name="Reset the second factor").is_visible()
    no_axe_violations(admin)

    # Keys: the pending request with its full fingerprint, exported for the ceremony.
    admin.get_by_role("navigation", name="Administration").get_by_role("link", name="Keys").click()
    admin.wait_for_url("**/staff/manage/keys/")
    shown = admin.get_by_role("row").filter(has_text="casey").locator(".fingerprint").inner_text()
    assert shown.replace(" ", "") == fingerprint
    no_axe_violations(admin)
    with admin.expect_download() as download_info:
        admin.get_by_role("link", name="Export the requests for the ceremony").click()
    requests_file = tmp_path / "requests.json"
    download_info.value.save_as(requests_file)
    exported = json.loads(requests_file.read_text())
    assert [(r["account"], r["pseudonym"], r["fingerprint"]) for r in exported["requests"]] == [
        ("casey", "Casey", fingerprint)
    ]

    # The offline machine: the root private key signs the requests; no database involved.
    private, root_point = root_key_files(server)
    certificates_file = tmp_path / "certificates.json"
    env = {**server.env, "DATABASE_URL": "sqlite:////nonexistent/never-opened.sqlite3"}
    signed = subprocess.run(
        [sys.executable, "manage.py", "ceremony", str(requests_file), "--key", str(private),
         "--out", str(certificates_file)],
        cwd=REPO, env=env, capture_output=True, text=True, check=False,
    )
    assert signed.returncode == 0, signed.stdout + signed.stderr
    assert "Signed Casey (casey)" in signed.stdout

    admin.get_by_label("Certificates file").set_input_files(str(certificates_file))
    admin.get_by_role("button", name="Import").click()
    admin.wait_for_load_state()
    assert "1 certificate imported." in admin.inner_text("main")
    assert "certified" in admin.get_by_role("row").filter(has_text="casey").inner_text()
    no_axe_violations(admin)

    # The counsellor's browser now holds a certificate and takes a chat.
    counsellor.get_by_role("button", name="Check again").click()
    counsellor.locator("#key-state[data-state=certified]").wait_for()
    counsellor.get_by_role("button", name="Available", exact=True).click()
    counsellor.locator("#counsellor-status[data-status=available]").wait_for()
    seeker = SeekerClient(server.ws_url, root_public=root_point)
    loop.run(seeker.connect())
    welcome = loop.run(seeker.join(triage={"concern": "own_thoughts"}, lang="en"))
    assert welcome["type"] == "welcome"
    counsellor.locator("#queue-total").filter(has_text="1 waiting").wait_for(timeout=10000)
    counsellor.get_by_role("button", name="Take the next chat").click()
    counsellor.get_by_role("tab", name="Chat 1").wait_for()
    loop.run(seeker.handshake())
    assert seeker.pseudonym == "Casey"
    counsellor.get_by_role("tabpanel").locator(".composer-text:not([disabled])").wait_for()
    loop.run(seeker.close())
    assert errors == []


def test_an_admin_edits_the_week_previews_it_lifts_a_block_and_is_refused_a_bad_placeholder(
    server: LiveServer, new_context: Any, loop: Loop, redis_url: str
) -> None:
    admin = new_context(viewport={"width": 1280, "height": 800}).new_page()
    sign_in_admin(admin, server)

    # The week: Monday mornings and afternoons only.
    admin.goto(f"{server.url}/staff/manage/schedule/")
    assert "Europe/London" in admin.inner_text("main")
    no_axe_violations(admin)
    admin.get_by_label("Monday").fill("09:00-12:00, 13:00-17:00")
    for day in ("Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"):
        admin.get_by_label(day, exact=True).fill("")
    admin.get_by_role("button", name="Save the opening hours").click()
    admin.wait_for_load_state()
    assert "Saved the opening hours." in admin.inner_text("main")
    assert admin.get_by_role("row").filter(has_text="Monday").locator(".periods").inner_text() == (
        "09:00-12:00, 13:00-17:00"
    )
    # A period that closes before it opens is refused with a sentence, not saved.
    admin.get_by_label("Tuesday").fill("18:00-09:00")
    admin.get_by_role("button", name="Save the opening hours").click()
    admin.wait_for_load_state()
    assert "closes before it opens" in admin.inner_text("main")
    no_axe_violations(admin)

    def preview(moment: str, *, full: bool = False) -> str:
        admin.goto(f"{server.url}/staff/manage/schedule/preview/")
        admin.get_by_label("Moment to preview").fill(moment)
        if full:
            admin.get_by_label("As if every place in the queue were taken").check()
        admin.get_by_role("button", name="Show").click()
        admin.wait_for_load_state()
        return str(admin.locator(".seeker-preview").get_attribute("data-state"))

    # 7 December 2026 is a Monday.
    assert preview("2026-12-07T10:00") == "open"
    assert "Before you start" in admin.locator(".seeker-preview").inner_text()
    no_axe_violations(admin)
    assert preview("2026-12-07T12:30") == "closed"
    assert "Monday 7 December, 13:00" in admin.locator(".seeker-preview").inner_text()
    no_axe_violations(admin)
    assert preview("2026-12-07T10:00", full=True) == "full"
    assert "All our counsellors are busy" in admin.locator(".seeker-preview").inner_text()
    no_axe_violations(admin)

    # A closure on that Monday, with a note for seekers that the preview shows.
    admin.goto(f"{server.url}/staff/manage/schedule/")
    admin.get_by_label("Day", exact=True).fill("2026-12-07")
    admin.get_by_label("What help-seekers are told").fill("We are closed for staff training today.")
    admin.get_by_role("button", name="Add the closure").click()
    admin.wait_for_load_state()
    assert "Added the closure." in admin.inner_text("main")
    assert preview("2026-12-07T10:00") == "closed"
    text = admin.locator(".seeker-preview").inner_text()
    assert "We are closed for staff training today." in text and "Monday 14 December, 09:00" in text

    # A block placed by a counsellor (in the live store, as the live path places it).
    store = RedisStore(redis_url)
    loop.run(store.block("a3f1" * 16, 3600, placed_by="Casey", reason="abusive messages"))
    admin.goto(f"{server.url}/staff/manage/blocks/")
    row = admin.get_by_role("row").filter(has_text="Casey")
    assert "abusive messages" in row.inner_text() and re.search(r"(0 h 59|1 h 0) min", row.inner_text())
    assert "a3f1" not in admin.content()  # the keyed hash never reaches the page
    no_axe_violations(admin)
    row.get_by_role("button", name=re.compile("Lift block")).click()
    admin.wait_for_load_state()
    assert "The block was lifted." in admin.inner_text("main")
    assert "No connection is blocked at the moment." in admin.inner_text("main")
    assert loop.run(store.is_blocked("a3f1" * 16)) is False

    # A canned response with a placeholder that does not exist is refused.
    admin.goto(f"{server.url}/staff/manage/content/")
    no_axe_violations(admin)
    admin.get_by_role("link", name="Add a canned response").click()
    admin.get_by_label("Title").fill("Opening hours")
    admin.get_by_label("Text").fill("Our chat is open {oppening_hours}.")
    admin.get_by_role("button", name="Save").click()
    admin.wait_for_load_state()
    assert "Unknown placeholder: {oppening_hours}" in admin.inner_text("main")
    no_axe_violations(admin)
    admin.get_by_label("Text").fill("Hello, I am {counsellor} from {service}. We are open {opening_hours}.")
    admin.get_by_role("button", name="Preview").click()
    admin.wait_for_load_state()
    shown = admin.get_by_role("region", name="Preview, with example values").inner_text()
    assert "Monday 09:00-12:00, 13:00-17:00" in shown and "{" not in shown
    admin.get_by_role("button", name="Save").click()
    admin.wait_for_load_state()
    assert "Saved the canned response" in admin.inner_text("main")

    # The audit log shows each change, filtered by action, and exports as CSV.
    admin.goto(f"{server.url}/staff/audit/?action=block.lifted")
    assert "block.lifted" in admin.get_by_role("table").inner_text()
    no_axe_violations(admin)


def test_the_administration_is_accessible_in_german(server: LiveServer, new_context: Any) -> None:
    page = new_context(viewport={"width": 1280, "height": 800}).new_page()
    # The language is chosen in the staff footer (never guessed from the browser).
    page.goto(f"{server.url}/staff/login/")
    page.get_by_label("Language · Sprache").select_option("de")
    page.get_by_role("button", name="Change").click()
    page.wait_for_load_state()
    assert page.get_by_role("button", name="Ändern").is_visible()
    staff = live_staff(server, "admin", "berta")
    page.get_by_label("Benutzername").fill(staff.username)
    page.get_by_label("Passwort").fill(staff.password)
    page.get_by_role("button", name="Weiter").click()
    page.wait_for_url("**/staff/login/code/**")
    page.get_by_label("Code aus Ihrer Authenticator-App").fill(staff.code())
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url("**/staff/manage/")
    assert page.get_by_role("heading", level=1).inner_text() == "Verwaltung"
    no_axe_violations(page)
    for path, heading in (
        ("people/", "Personen"),
        ("people/invite/", "Jemanden einladen"),
        ("schedule/", "Zeitplan"),
        ("schedule/preview/", "Vorschau der Chat-Seite"),
        ("blocks/", "Sperren"),
        ("content/", "Inhalte"),
        ("content/canned/new/", "Neuer Textbaustein"),
        ("keys/", "Schlüssel"),
    ):
        page.goto(f"{server.url}/staff/manage/{path}")
        assert page.get_by_role("heading", level=1).inner_text() == heading, path
        no_axe_violations(page)
    page.goto(f"{server.url}/staff/manage/people/")
    page.get_by_role("link", name="berta").click()
    page.wait_for_url("**/staff/manage/people/*/")
    assert page.get_by_role("heading", level=2, name="Rolle und Profil").is_visible()
    no_axe_violations(page)
    page.goto(f"{server.url}/staff/audit/")
    assert page.get_by_role("heading", level=1).inner_text() == "Protokoll"
    no_axe_violations(page)
