"""The workspace and supervisor pages, the identity-key endpoints and the IdentityKey admin."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from chat import e2ee
from chat.certificates import (
    do_certify,
    do_request_certification,
    write_private_key,
)
from chat.models import IdentityKey
from helpline.models import AuditEvent, CannedResponse
from helpline.workspace import check_resource_path, wrapup_choices
from tests.personas import signed_in_client

pytestmark = pytest.mark.usefixtures("clear_cache")


def json_block(html: str, element_id: str) -> Any:
    found = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S)
    assert found, element_id
    return json.loads(found.group(1))


def new_point() -> str:
    return e2ee.b64e(e2ee.public_point(e2ee.generate_ephemeral().public_key()))


@pytest.fixture
def root_key_on_server(org_root: Any, settings: Any, tmp_path: Path) -> Any:
    """The organisation root key with its private half on the server (the admin's Certify action)."""
    settings.ORG_ROOT_PRIVATE_KEY = str(tmp_path / "root_private.pem")
    write_private_key(settings.ORG_ROOT_PRIVATE_KEY, org_root)
    return org_root


# --- Pages ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_gives_the_workspace_its_data_in_json_blocks(counsellor: User) -> None:
    CannedResponse.objects.create(language="fr", title="Bonjour", body="Bonjour.")
    html = signed_in_client(counsellor).get("/staff/workspace/").content.decode()
    config = json_block(html, "workspace-config")
    assert config["socket"] == "/ws/counsellor/"
    assert config["keys_request"] == "/staff/keys/request/" and config["csrf_token"]
    assert config["languages"] == ["en", "de"] and config["pseudonym"] == "Sam"
    canned = json_block(html, "canned-responses")
    assert canned and {item["language"] for item in canned} <= {"en", "de"}
    assert json_block(html, "wrapup-choices") == json.loads(json.dumps(wrapup_choices()))
    triage = json_block(html, "triage-texts")
    assert triage["concern"]["options"]["own_thoughts"] == "Myself: my own thoughts or behaviour"
    assert "take_needs_certificate" in json_block(html, "workspace-strings")
    # Scripts only as hashed modules with integrity; the JSON blocks are data, never executed.
    scripts = re.findall(r"<script[^>]*>", html)
    assert all('type="application/json"' in tag or ("integrity=" in tag and "src=" in tag) for tag in scripts)
    assert re.search(r'<link rel="modulepreload" href="/static/chat/js/e2ee\.[0-9a-f]+\.js" integrity=', html)
    assert 'id="demo-banner"' not in html


@pytest.mark.django_db
def test_it_says_loudly_when_keys_are_certified_automatically(
    counsellor: User, settings: Any, root_key_on_server: Any
) -> None:
    settings.DEMO_MODE = True
    settings.DEMO_AUTO_CERTIFY = True
    html = signed_in_client(counsellor).get("/staff/workspace/").content.decode()
    assert 'id="demo-banner"' in html and "Demo mode." in html
    assert json_block(html, "workspace-config")["demo_auto_certify"] is True


@pytest.mark.django_db
def test_it_shows_the_supervisor_view_without_any_chat_content(supervisor: User) -> None:
    response = signed_in_client(supervisor).get("/staff/supervisor/")
    html = response.content.decode()
    assert response.status_code == 200
    assert json_block(html, "workspace-config")["socket"] == "/ws/counsellor/"
    assert "chat/js/supervisor." in html
    assert 'href="/staff/supervisor/"' in html  # in the staff navigation


# --- Pure helpers ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "expected"),
    [("/help/", "/help/"), ("/help/a/coping-with-urges", "/help/a/coping-with-urges/"), ("/de/help/", "/de/help/")],
)
def test_it_accepts_paths_of_the_self_help_library(path: str, expected: str) -> None:
    assert check_resource_path(path) == expected


@pytest.mark.parametrize(
    "path",
    ["https://elsewhere.example/", "//elsewhere.example/help/", "/staff/", "/help/../staff/", "javascript:x", ""],
)
def test_it_refuses_to_share_anything_else(path: str) -> None:
    with pytest.raises(ValueError, match="/help/"):
        check_resource_path(path)


# --- Key endpoints -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_records_a_key_request_and_reports_it_pending(counsellor: User, root_key_on_server: Any) -> None:
    client = signed_in_client(counsellor)
    point = new_point()
    assert client.get("/staff/keys/mine/").json() == {"status": "none", "demo_auto_certify": False}
    answer = client.post("/staff/keys/request/", {"public_key": point}).json()
    fingerprint = e2ee.fingerprint(e2ee.b64d(point))
    assert answer == {"status": "pending", "fingerprint": fingerprint, "pseudonym": "Sam", "demo_auto_certify": False}
    assert AuditEvent.objects.filter(action="identity_key_requested", actor=counsellor).count() == 1
    # The same key again is the same request, not a second one.
    assert client.post("/staff/keys/request/", {"public_key": point}).json()["status"] == "pending"
    assert IdentityKey.objects.filter(user=counsellor).count() == 1

    do_certify(key=IdentityKey.objects.get(fingerprint=fingerprint), root_private=root_key_on_server)
    mine = client.get(f"/staff/keys/mine/?fingerprint={fingerprint}").json()
    assert mine["status"] == "certified"
    certificate = e2ee.Certificate.decode(e2ee.b64d(mine["cert"]))
    assert certificate.key_fingerprint == fingerprint and certificate.pseudonym == "Sam"
    assert e2ee.b64d(mine["sig_cert"]) and mine["expires_at"]


@pytest.mark.django_db
def test_it_refuses_a_key_that_is_not_a_point_or_belongs_to_someone_else(
    counsellor: User, other_counsellor: User
) -> None:
    client = signed_in_client(counsellor)
    bad = client.post("/staff/keys/request/", {"public_key": "not-a-key"})
    assert bad.status_code == 400 and "error" in bad.json()
    point = new_point()
    do_request_certification(user=other_counsellor, public_key=point)
    taken = client.post("/staff/keys/request/", {"public_key": point})
    assert taken.status_code == 400 and "another account" in taken.json()["error"]
    # Nobody learns about another person's key through the status endpoint.
    fingerprint = e2ee.fingerprint(e2ee.b64d(point))
    assert client.get(f"/staff/keys/mine/?fingerprint={fingerprint}").json()["status"] == "none"


@pytest.mark.django_db
def test_it_demands_the_csrf_token_for_a_key_request(counsellor: User) -> None:
    client = signed_in_client(counsellor, client=Client(enforce_csrf_checks=True))
    assert client.post("/staff/keys/request/", {"public_key": new_point()}).status_code == 403
    assert not IdentityKey.objects.exists()


@pytest.mark.django_db
def test_it_certifies_at_once_in_demo_mode_only(counsellor: User, settings: Any, root_key_on_server: Any) -> None:
    client = signed_in_client(counsellor)
    settings.DEMO_MODE = True
    settings.DEMO_AUTO_CERTIFY = True
    answer = client.post("/staff/keys/request/", {"public_key": new_point()}).json()
    assert answer["status"] == "certified" and answer["demo_auto_certify"] is True and answer["cert"]
    assert AuditEvent.objects.filter(action="identity_key_certified").count() == 1

    settings.DEMO_MODE = False
    answer = client.post("/staff/keys/request/", {"public_key": new_point()}).json()
    assert answer["status"] == "pending" and answer["demo_auto_certify"] is False


# --- Admin ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_admin_certifies_pending_keys_where_the_server_holds_the_root_key(
    admin: User, counsellor: User, root_key_on_server: Any
) -> None:
    key = do_request_certification(user=counsellor, public_key=new_point(), pseudonym="Sam")
    client = signed_in_client(admin)
    response = client.post(
        "/admin/chat/identitykey/",
        {"action": "certify_with_server_root_key", "_selected_action": [key.pk]},
        follow=True,
    )
    assert response.status_code == 200 and b"1 key(s) certified." in response.content
    key.refresh_from_db()
    assert key.status == "certified"
    event = AuditEvent.objects.get(action="identity_key_certified")
    assert event.actor == admin and event.detail["fp"] == key.fingerprint


@pytest.mark.django_db
def test_the_admin_says_so_when_the_server_has_no_root_key(admin: User, counsellor: User, settings: Any) -> None:
    settings.ORG_ROOT_PRIVATE_KEY = ""
    key = do_request_certification(user=counsellor, public_key=new_point(), pseudonym="Sam")
    response = signed_in_client(admin).post(
        "/admin/chat/identitykey/",
        {"action": "certify_with_server_root_key", "_selected_action": [key.pk]},
        follow=True,
    )
    assert b"does not hold the root private key" in response.content
    key.refresh_from_db()
    assert key.status == "pending"


@pytest.mark.django_db
def test_an_admin_revokes_a_key_and_cannot_delete_it(admin: User, counsellor: User) -> None:
    key = do_request_certification(user=counsellor, public_key=new_point(), pseudonym="Sam")
    client = signed_in_client(admin)
    client.post("/admin/chat/identitykey/", {"action": "revoke_keys", "_selected_action": [key.pk]}, follow=True)
    key.refresh_from_db()
    assert key.status == "revoked"
    assert AuditEvent.objects.filter(action="identity_key_revoked", actor=admin).count() == 1
    assert client.get(f"/admin/chat/identitykey/{key.pk}/delete/").status_code == 403


def test_every_ending_reason_the_protocol_names_has_words_in_the_workspace() -> None:
    from chat.protocol import ENDED_REASONS
    from helpline.workspace import WORKSPACE_STRINGS

    documented = Path(__file__).resolve().parents[2] / "docs" / "PROTOCOL.md"
    section = documented.read_text().split("### 3.5 Ending reasons", 1)[1].split("###", 1)[0]
    assert set(re.findall(r"`([a-z_]+)`", section)) - {"ended.reason"} == set(ENDED_REASONS)
    assert [r for r in ENDED_REASONS if f"ended_{r}" not in WORKSPACE_STRINGS] == []
    chat_code = "".join(p.read_text() for p in (documented.parents[1] / "chat").glob("*.py"))
    assert set(re.findall(r'reason="([a-z_]+)"', chat_code)) <= set(ENDED_REASONS)
