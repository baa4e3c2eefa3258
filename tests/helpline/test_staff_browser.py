"""Staff sign-in in a real browser against a live Daphne: password, TOTP computed here, and axe-core."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.personas import code_from_secret, live_staff

pytestmark = [pytest.mark.browser, pytest.mark.integration]

WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe_violations(page: Any) -> tuple[int, str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}})
    return results.violations_count, results.generate_report()


def test_it_signs_a_counsellor_in_with_password_and_code(
    daphne_server: Callable[..., Any], new_context: Callable[..., Any]
) -> None:
    server = daphne_server()
    staff = live_staff(server, "counsellor", "browser-counsellor", pseudonym="Sam")
    page = new_context().new_page()
    page.goto(f"{server.url}/staff/login/")

    count, report = axe_violations(page)
    assert count == 0, report

    page.get_by_label("Username").fill(staff.username)
    page.get_by_label("Password").fill(staff.password)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/staff/login/code/")
    count, report = axe_violations(page)
    assert count == 0, report

    page.get_by_label("Code from your authenticator app").fill(staff.code())
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/staff/workspace/")
    assert page.get_by_role("heading", level=1).inner_text() == "Workspace"
    assert "Help-seekers see you as “Sam”" in page.inner_text("main")
    count, report = axe_violations(page)
    assert count == 0, report

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/staff/login/")
    assert "You have signed out" in page.inner_text("main")


def test_it_enrols_an_authenticator_from_the_qr_page(
    daphne_server: Callable[..., Any], new_context: Callable[..., Any]
) -> None:
    server = daphne_server()
    staff = live_staff(server, "supervisor", "browser-newcomer", enrol_at_sign_in=True)
    page = new_context().new_page()
    page.goto(f"{server.url}/staff/login/")
    page.get_by_label("Username").fill(staff.username)
    page.get_by_label("Password").fill(staff.password)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/staff/enrol/")

    qr = page.get_by_role("img", name="QR code to add this account to your authenticator app")
    assert qr.is_visible()
    box = qr.bounding_box()
    assert box is not None and box["width"] >= 150
    count, report = axe_violations(page)
    assert count == 0, report

    # With an error shown, the page stays accessible too.
    page.get_by_label("Code from your authenticator app").fill("000000")
    page.get_by_role("button", name="Confirm and sign in").click()
    page.wait_for_load_state()
    assert "That code did not work" in page.inner_text("main")
    count, report = axe_violations(page)
    assert count == 0, report

    secret = page.locator("#totp-secret").inner_text()
    # After a wrong code the device refuses every code for a second (django-otp's throttling).
    page.wait_for_timeout(1200)
    page.get_by_label("Code from your authenticator app").fill(code_from_secret(secret))
    page.get_by_role("button", name="Confirm and sign in").click()
    page.wait_for_url("**/staff/workspace/")
    assert page.get_by_role("heading", level=1).inner_text() == "Workspace"


def test_it_keeps_the_sign_in_page_free_of_console_errors_and_foreign_requests(
    daphne_server: Callable[..., Any], new_context: Callable[..., Any]
) -> None:
    server = daphne_server()
    page = new_context().new_page()
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"{server.url}/staff/login/")
    page.wait_for_load_state("networkidle")
    assert errors == []
    assert requests and all(url.startswith(server.url) for url in requests)
