"""A whole chat with both sides in real Chromium against one live Daphne server with Redis.

The help-seeker is one browser context on /chat/; the counsellor is another, signed in with
password and authenticator code on /staff/workspace/, where the demo server certifies the key the
browser makes (DEMO_AUTO_CERTIFY) with the test run's root key, which the seeker page trusts.
Each side types its own canary string; neither ever passes the server in plaintext: not in any
websocket frame either page sends or receives, not in Redis, not in any database table, not in
the server's log.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.chat.browser_helpers import (
    Recorder,
    database_dump,
    redis_dump,
    seeker_context,
    trusted_root_env,
    view,
)
from tests.conftest import LiveServer
from tests.personas import browser_sign_in, live_staff

pytestmark = [pytest.mark.browser, pytest.mark.integration]

SEEKER_CANARY = "canary-seeker-2d9e61b7"
COUNSELLOR_CANARY = "canary-counsellor-85c0f3a4"


def test_it_completes_a_whole_chat_between_two_browsers_without_plaintext_at_the_server(
    daphne_server: Callable[..., LiveServer], redis_url: str, redis_client: Any, new_context: Callable[..., Any],
) -> None:
    server = daphne_server(redis_url=redis_url, **trusted_root_env())
    staff = live_staff(server, "counsellor", "casey", pseudonym="Casey", languages="en")
    errors: list[str] = []

    workspace = new_context().new_page()
    counsellor_frames = Recorder(workspace)
    workspace.on("pageerror", lambda error: errors.append(f"workspace: {error}"))
    browser_sign_in(workspace, server, staff, next_path="/staff/workspace/")
    workspace.wait_for_url("**/staff/workspace/")
    workspace.locator("#key-state[data-state=certified]").wait_for()
    workspace.get_by_role("button", name="Available", exact=True).click()
    workspace.locator("#counsellor-status[data-status=available]").wait_for()

    seeker = seeker_context(new_context).new_page()
    seeker_frames = Recorder(seeker)
    seeker.on("pageerror", lambda error: errors.append(f"seeker: {error}"))
    seeker.goto(f"{server.url}/chat/")
    view(seeker, "intro")
    seeker.get_by_role("button", name="I understand, continue").click()
    view(seeker, "triage")
    seeker.locator('#triage-form input[type="radio"]:not([value=""])').first.check()
    seeker.get_by_role("button", name="Join the queue").click()
    view(seeker, "waiting")

    workspace.locator("#queue-total").filter(has_text="1 waiting").wait_for(timeout=10000)
    workspace.get_by_role("button", name="Take the next chat").click()
    workspace.get_by_role("tab", name="Chat 1").wait_for()
    panel = workspace.get_by_role("tabpanel")
    # The two browsers complete the handshake between them; the seeker's page checked the certificate.
    panel.locator(".composer-text:not([disabled])").wait_for()
    view(seeker, "chat")
    seeker.wait_for_selector("#message:not([disabled])")
    assert "Casey" in (seeker.locator("#chat-with").text_content() or "")

    seeker.fill("#message", f"Hello, I would like to talk. {SEEKER_CANARY}")
    seeker.keyboard.press("Enter")
    panel.locator(".line-theirs").filter(has_text=SEEKER_CANARY).wait_for()
    seeker.wait_for_selector('.from-me .msg-status[data-state="delivered"]')

    panel.get_by_label("Your message").fill(f"I am here to listen. {COUNSELLOR_CANARY}")
    panel.get_by_role("button", name="Send", exact=True).click()
    seeker.wait_for_selector(f'.from-counsellor:has-text("{COUNSELLOR_CANARY}")')
    panel.locator(".line-mine.delivered").filter(has_text=COUNSELLOR_CANARY).wait_for()

    seeker.fill("#message", f"Thank you. {SEEKER_CANARY}")
    seeker.keyboard.press("Enter")
    panel.locator(".line-theirs").filter(has_text="Thank you.").wait_for()

    # While the chat is live, Redis holds its state: ciphertext only.
    live_state = redis_dump(redis_client)
    assert live_state, "the chat should have live state in Redis"

    # The counsellor ends the chat and files the wrap-up; the seeker gives feedback.
    panel.get_by_role("button", name="End chat").click()
    view(seeker, "ended")
    assert "ended the chat" in (seeker.locator("#ended-reason").text_content() or "")
    assert seeker.evaluate("sessionStorage.length") == 0
    wrapup = panel.locator(".wrapup")
    wrapup.wait_for()
    wrapup.get_by_label("Own sexual thoughts about children").check()
    wrapup.get_by_role("group", name="Was a protective step agreed in the chat?").get_by_label("Yes").check()
    wrapup.get_by_label("Therapy or counselling").check()
    wrapup.get_by_label("No risk noted").check()
    wrapup.get_by_label("Support given").check()
    workspace.get_by_role("button", name="Save wrap-up").click()
    workspace.locator("#counsellor-status[data-status=available]").wait_for()
    assert workspace.get_by_role("tab").count() == 0
    seeker.locator("#f-helpful-yes").check()
    seeker.get_by_role("button", name="Send feedback").click()
    seeker.wait_for_selector("#feedback-thanks:not([hidden])")

    # Both pages spoke the whole protocol, and every message went as ciphertext.
    seeker_types, counsellor_types = seeker_frames.frame_types(), counsellor_frames.frame_types()
    for kind in ("join", "welcome", "assigned", "hs_init", "hs_offer", "hs_confirm", "msg", "ack", "ended",
                 "feedback", "feedback_thanks"):
        assert kind in seeker_types, f"seeker: {kind}"
    for kind in ("hello", "take_next", "chat", "hs_init", "hs_offer", "hs_confirm", "msg", "ack", "end", "wrapup"):
        assert kind in counsellor_types, f"counsellor: {kind}"
    assert seeker_types.count("msg") >= 3 and counsellor_types.count("msg") >= 3

    places = {
        "seeker frames": "\n".join(seeker_frames.frames),
        "counsellor frames": "\n".join(counsellor_frames.frames),
        "redis during the chat": live_state,
        "redis afterwards": redis_dump(redis_client),
        "database": database_dump(server),
        "server log": server.logs(),
    }
    assert "wrapup" in places["database"].lower()  # the dump does reach the tables the chat wrote to
    for where, text in places.items():
        for canary in (SEEKER_CANARY, COUNSELLOR_CANARY, "I would like to talk", "I am here to listen"):
            assert canary not in text, f"{canary} found in {where}"
    assert all(json.loads(f).get("type") for f in seeker_frames.frames + counsellor_frames.frames)
    assert errors == []
