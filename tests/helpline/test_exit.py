"""/exit clears the site's data only for this site's own pages (issue 17, item 5).

A link or a form on another site must not wipe a counsellor's non-extractable identity key with
Clear-Site-Data; the redirect to the neutral site still happens for everyone.
"""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

CLEARS = '"cache", "storage", "executionContexts"'


def test_it_clears_site_data_for_a_same_origin_link(client: Client, settings) -> None:
    response = client.get("/exit", headers={"Sec-Fetch-Site": "same-origin"})
    assert response.status_code == 303 and response.headers["Location"] == settings.QUICK_EXIT_URL
    assert response.headers["Clear-Site-Data"] == CLEARS


def test_it_clears_site_data_for_the_quick_exit_script(client: Client) -> None:
    response = client.post("/exit", headers={"Sec-Fetch-Site": "same-origin", "Origin": "http://testserver"})
    assert response.status_code == 204
    assert response.headers["Clear-Site-Data"] == CLEARS


@pytest.mark.parametrize("site", ["cross-site", "same-site", "none"])
def test_it_clears_nothing_for_a_request_from_elsewhere(client: Client, settings, site: str) -> None:
    response = client.get("/exit", headers={"Sec-Fetch-Site": site})
    assert response.status_code == 303 and response.headers["Location"] == settings.QUICK_EXIT_URL
    assert "Clear-Site-Data" not in response.headers
    response = client.post("/exit", headers={"Sec-Fetch-Site": site, "Origin": "https://evil.example"})
    assert response.status_code == 204
    assert "Clear-Site-Data" not in response.headers


def test_it_trusts_a_post_origin_only_without_fetch_metadata(client: Client) -> None:
    # An older browser sends no Sec-Fetch-Site: then a POST with this site's Origin clears ...
    response = client.post("/exit", headers={"Origin": "http://testserver"})
    assert response.headers["Clear-Site-Data"] == CLEARS
    # ... and one with another origin, another port or another scheme, or a bare GET, does not.
    for origin in ("https://evil.example", "http://testserver:8080", "https://testserver", "null"):
        response = client.post("/exit", headers={"Origin": origin})
        assert "Clear-Site-Data" not in response.headers, origin
    assert "Clear-Site-Data" not in client.get("/exit").headers
    assert "Clear-Site-Data" not in client.post("/exit").headers


def test_it_serves_staff_pages_only_on_the_staff_origin(client: Client, settings) -> None:
    settings.STAFF_ORIGIN = "http://staff.testserver"
    settings.ALLOWED_HOSTS = ["testserver", "staff.testserver"]
    response = client.get("/staff/login/?next=/staff/")
    assert response.status_code == 301
    assert response.headers["Location"] == "http://staff.testserver/staff/login/?next=/staff/"
    assert client.get("/staff/login/", HTTP_HOST="staff.testserver").status_code == 200
    # Seeker pages and the quick exit stay where they are.
    assert client.get("/exit", headers={"Sec-Fetch-Site": "same-origin"}).status_code == 303
