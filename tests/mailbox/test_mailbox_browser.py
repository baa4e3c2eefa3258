"""The whole secure-message flow in Chromium against a live Daphne server with Redis (issue 19's
"Done when"): a seeker at closed hours writes a message with a canary and gets a codename; a
counsellor in another browser context reads it and replies; the seeker comes back in a fresh
context with the codename, reads the reply, writes again, and deletes the mailbox. No canary, no
codename is ever in a frame or request the pages send, in Redis, in any table or in the server's
log; after deletion no row of the mailbox remains.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.chat.browser_helpers import Recorder, database_dump, redis_dump, seeker_context, trusted_root_env, view
from tests.conftest import REPO, LiveServer, _base_server_env
from tests.personas import browser_sign_in, live_staff

pytestmark = [pytest.mark.browser, pytest.mark.integration]

SEEKER_CANARY = "canary-mailbox-seeker-7c1e90d2"
COUNSELLOR_CANARY = "canary-mailbox-counsellor-4b8a03f6"
RETURN_CANARY = "canary-mailbox-return-e55d21aa"
MAILBOX_TABLES = ("mailbox_mailbox", "mailbox_thread", "mailbox_message")


class Bodies:
    """Every request body a page sends (fetch and form posts)."""

    def __init__(self, page: Any) -> None:
        self.bodies: list[str] = []
        page.on("request", lambda request: self.bodies.append(request.post_data or ""))


def closed_database(live_database: Callable[[], str], tmp_path: Path) -> str:
    url = live_database()
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from helpline.models import OpeningHours; OpeningHours.objects.all().delete()",
        ],
        cwd=REPO,
        env={**_base_server_env(tmp_path), "DATABASE_URL": url},
        check=True,
        timeout=60,
    )
    return url


def test_it_carries_a_secure_message_and_its_reply_without_plaintext_at_the_server(
    daphne_server: Callable[..., LiveServer],
    live_database: Callable[[], str],
    tmp_path: Path,
    redis_url: str,
    redis_client: Any,
    new_context: Callable[..., Any],
) -> None:
    server = daphne_server(
        redis_url=redis_url, database_url=closed_database(live_database, tmp_path), **trusted_root_env()
    )
    staff = live_staff(server, "counsellor", "casey", pseudonym="Casey", languages="en")
    errors: list[str] = []

    # The counsellor: the workspace certifies the identity key, the inbox registers an inbox key.
    inbox = new_context().new_page()
    counsellor_record, counsellor_bodies = Recorder(inbox), Bodies(inbox)
    inbox.on("pageerror", lambda error: errors.append(f"inbox: {error}"))
    browser_sign_in(inbox, server, staff, next_path="/staff/workspace/")
    inbox.wait_for_url("**/staff/workspace/")
    inbox.locator("#key-state[data-state=certified]").wait_for()
    inbox.get_by_role("link", name="Secure messages inbox").click()
    inbox.locator("#inbox-key-state[data-state=ready]").wait_for()

    # A seeker at closed hours.
    first = seeker_context(new_context).new_page()
    seeker_record, seeker_bodies = Recorder(first), Bodies(first)
    first.on("pageerror", lambda error: errors.append(f"seeker: {error}"))
    first.goto(f"{server.url}/chat/")
    assert first.locator("h1").first.text_content() == "The chat is closed at the moment"
    first.get_by_role("link", name="Leave a secure message").click()
    view(first, "write")
    assert "deleted 30 days after the last message" in (first.locator('[data-view="write"]').text_content() or "")
    first.get_by_label("Your message", exact=True).fill(f"I would like to talk about my thoughts. {SEEKER_CANARY}")
    first.get_by_role("button", name="Encrypt and send").click()
    view(first, "codename", timeout=30000)
    codename = (first.locator("#codename").text_content() or "").strip()
    assert len(codename.split(" ")) == 7

    # The counsellor claims the thread, reads the message and replies.
    inbox.get_by_role("button", name="Refresh").click()
    inbox.get_by_role("button", name="Claim").first.click()
    inbox.locator("#thread-messages").filter(has_text=SEEKER_CANARY).wait_for()
    inbox.get_by_label("Your reply").fill(f"Thank you for writing to us. {COUNSELLOR_CANARY}")
    inbox.get_by_role("button", name="Encrypt, sign and send").click()
    inbox.locator("#thread-messages").filter(has_text=COUNSELLOR_CANARY).wait_for()

    # The seeker comes back in a fresh browser context with the codename.
    second = seeker_context(new_context).new_page()
    return_record, return_bodies = Recorder(second), Bodies(second)
    second.on("pageerror", lambda error: errors.append(f"return: {error}"))
    second.goto(f"{server.url}/mailbox/return/")
    view(second, "enter")
    second.get_by_label("Your codename").fill(codename.upper())
    second.get_by_role("button", name="Open", exact=True).click()
    view(second, "mailbox", timeout=30000)
    messages = second.locator("#mailbox-messages")
    messages.filter(has_text=COUNSELLOR_CANARY).wait_for()
    assert "Casey, counsellor" in (messages.text_content() or "")
    assert SEEKER_CANARY in (messages.text_content() or "")
    second.get_by_label("Write again").fill(f"Thank you, I will. {RETURN_CANARY}")
    second.get_by_role("button", name="Encrypt and send").click()
    messages.filter(has_text=RETURN_CANARY).wait_for()

    # The counsellor sees the new message in the same thread.
    inbox.get_by_role("button", name="Refresh").click()
    inbox.get_by_role("button", name="Open").first.click()
    inbox.locator("#thread-messages").filter(has_text=RETURN_CANARY).wait_for()

    # Before deletion the server holds the mailbox, as ciphertext only.
    secrets = (SEEKER_CANARY, COUNSELLOR_CANARY, RETURN_CANARY, codename)
    tables = database_dump(server)
    assert any(line.startswith("mailbox_message ") for line in tables.splitlines())

    second.get_by_role("button", name="Delete my mailbox…").click()
    second.get_by_role("button", name="Yes, delete everything").click()
    view(second, "deleted")

    after = database_dump(server)
    assert not [line for line in after.splitlines() if line.startswith(MAILBOX_TABLES)]
    stored = redis_dump(redis_client)
    logs = server.logs()
    everything_sent = [
        *counsellor_record.frames,
        *seeker_record.frames,
        *return_record.frames,
        *counsellor_bodies.bodies,
        *seeker_bodies.bodies,
        *return_bodies.bodies,
    ]
    for secret in secrets:
        for where, text in (("tables before deletion", tables), ("tables", after), ("redis", stored), ("log", logs)):
            assert secret not in text, f"{secret} in {where}"
            assert secret.lower() not in text.lower(), f"{secret} in {where}"
        assert not [item for item in everything_sent if secret in item], secret
    assert not seeker_record.set_cookies and not return_record.set_cookies
    assert not errors, errors


def test_it_answers_calmly_without_counsellors_and_for_unknown_or_mistyped_codenames(
    daphne_server: Callable[..., LiveServer], new_context: Callable[..., Any],
) -> None:
    from tests.chat.test_seeker_browser import check_axe

    server = daphne_server(**trusted_root_env())
    page = seeker_context(new_context).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    for path in ("/mailbox/", "/de/mailbox/"):
        page.goto(server.url + path)
        view(page, "write")
        check_axe(page, path)
    page.goto(server.url + "/mailbox/")
    view(page, "write")
    page.get_by_label("Your message", exact=True).fill("Is anyone there?")
    page.get_by_role("button", name="Encrypt and send").click()
    page.locator("#write-error").filter(has_text="We cannot take secure messages at the moment").wait_for()
    assert "mailbox_mailbox " not in database_dump(server)

    page.goto(server.url + "/mailbox/return/")
    view(page, "enter")
    check_axe(page, "/mailbox/return/")
    page.get_by_label("Your codename").fill("these are not seven listed words")
    page.get_by_role("button", name="Open", exact=True).click()
    page.locator("#codename-error").filter(has_text="does not look like a codename").wait_for()
    page.get_by_label("Your codename").fill("abacus abdomen abdominal abide abiding ability ablaze")
    page.get_by_role("button", name="Open", exact=True).click()
    view(page, "empty", timeout=30000)
    check_axe(page, "empty mailbox")
    assert not errors, errors
