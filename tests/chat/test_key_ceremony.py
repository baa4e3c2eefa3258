"""The offline certification ceremony as files (chat.key_ceremony) and the Keys page that drives it."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from chat import e2ee
from chat.certificates import CertificateError, do_request_certification, do_revoke, generate_root_key
from chat.key_ceremony import (
    certified_and_revoked,
    do_import_certificates,
    export_requests,
    pending_requests,
    sign_requests,
)
from chat.models import IdentityKey
from helpline.models import AuditEvent
from tests.personas import signed_in_client

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clear_cache")]


def new_point() -> str:
    return e2ee.b64e(e2ee.public_point(e2ee.generate_ephemeral().public_key()))


def request_key(user: User, pseudonym: str) -> IdentityKey:
    return do_request_certification(user=user, public_key=new_point(), pseudonym=pseudonym)


def test_it_exports_pending_requests_with_full_fingerprints(counsellor: User, org_root: Any) -> None:
    key = request_key(counsellor, "Sam")
    exported = json.loads(export_requests())
    assert exported["format"] == "helpline-certification-requests/1"
    assert exported["root_fingerprint"] == e2ee.fingerprint(org_root.public_key())
    assert exported["requests"] == [{
        "account": "counsellor", "pseudonym": "Sam", "fingerprint": key.fingerprint,
        "public_key": key.public_key, "requested_on": f"{key.created_at:%Y-%m-%d}",
    }]
    assert len(key.fingerprint) == 64


def test_a_round_trip_certifies_every_request(counsellor: User, other_counsellor: User, org_root: Any) -> None:
    first, second = request_key(counsellor, "Sam"), request_key(other_counsellor, "Robin")
    text, signed = sign_requests(export_requests(), root_private=org_root, days=30)
    assert [s["fingerprint"] for s in signed] == [first.fingerprint, second.fingerprint]
    result = do_import_certificates(actor=None, data=text.encode())
    assert [k.fingerprint for k in result.imported] == [first.fingerprint, second.fingerprint]
    assert result.refused == []
    first.refresh_from_db()
    assert first.status == "certified" and first.serial
    assert dt.timedelta(days=29) < first.expires_at - timezone.now() <= dt.timedelta(days=30)
    cert = e2ee.verify_certificate(bytes(first.certificate), bytes(first.signature), root_public=org_root.public_key())
    assert cert.pseudonym == "Sam"
    assert pending_requests() == []
    assert AuditEvent.objects.filter(action="identity_key_certified", detail__via="certificate import").count() == 2


def test_it_refuses_certificates_from_another_root_or_for_another_key(counsellor: User, org_root: Any) -> None:
    key = request_key(counsellor, "Sam")
    stranger = generate_root_key()
    text, _ = sign_requests(export_requests(), root_private=stranger)
    result = do_import_certificates(actor=None, data=text)
    assert result.imported == [] and "not signed by this service's root key" in result.refused[0][1]
    good, _ = sign_requests(export_requests(), root_private=org_root)
    body = json.loads(good)
    body["certificates"][0]["fingerprint"] = "00" * 32
    swapped = do_import_certificates(actor=None, data=json.dumps(body))
    assert "another key" in swapped.refused[0][1]
    key.refresh_from_db()
    assert key.status == "pending"


def test_it_refuses_a_certificate_for_a_revoked_key_or_with_another_pseudonym(counsellor: User, org_root: Any) -> None:
    key = request_key(counsellor, "Sam")
    text, _ = sign_requests(export_requests(), root_private=org_root)
    do_revoke(key=key)
    assert "revoked" in do_import_certificates(actor=None, data=text).refused[0][1]
    other = request_key(counsellor, "Sam")
    exported = json.loads(export_requests())
    exported["requests"][0]["pseudonym"] = "Someone else"
    renamed, _ = sign_requests(json.dumps(exported), root_private=org_root)
    assert "another pseudonym" in do_import_certificates(actor=None, data=renamed).refused[0][1]
    other.refresh_from_db()
    assert other.status == "pending"


def test_the_ceremony_refuses_a_request_whose_fingerprint_does_not_match_its_key(
    counsellor: User, org_root: Any
) -> None:
    request_key(counsellor, "Sam")
    exported = json.loads(export_requests())
    exported["requests"][0]["fingerprint"] = "ab" * 32
    with pytest.raises(CertificateError, match="names a fingerprint its key does not have"):
        sign_requests(json.dumps(exported), root_private=org_root)


@pytest.mark.parametrize("data", [b"not json", b'{"format": "something else"}', b"\xff\xfe", b"x" * 600_000])
def test_it_refuses_files_that_are_not_certificates(data: bytes, org_root: Any) -> None:
    with pytest.raises(CertificateError):
        do_import_certificates(actor=None, data=data)


def test_the_ceremony_command_signs_without_a_database_and_refuses_to_overwrite(
    counsellor: User, org_root: Any, tmp_path: Path
) -> None:
    from chat.certificates import write_private_key

    request_key(counsellor, "Sam")
    requests_file, key_file, out = tmp_path / "requests.json", tmp_path / "offline-root.pem", tmp_path / "certs.json"
    requests_file.write_text(export_requests())
    write_private_key(key_file, org_root)
    stdout = StringIO()
    call_command("ceremony", str(requests_file), "--key", str(key_file), "--out", str(out), stdout=stdout)
    assert "Signed Sam (counsellor)" in stdout.getvalue()
    assert json.loads(out.read_text())["format"] == "helpline-certificates/1"
    with pytest.raises(CommandError, match="exists"):
        call_command("ceremony", str(requests_file), "--key", str(key_file), "--out", str(out))


def test_it_warns_fourteen_days_before_a_certificate_expires(counsellor: User, other_counsellor: User,
                                                             org_root: Any) -> None:
    soon, later = request_key(counsellor, "Sam"), request_key(other_counsellor, "Robin")
    text, _ = sign_requests(export_requests(), root_private=org_root, days=90)
    do_import_certificates(actor=None, data=text)
    IdentityKey.objects.filter(pk=soon.pk).update(expires_at=timezone.now() + dt.timedelta(days=10))
    warned = {key.pk: flag for key, flag in certified_and_revoked()}
    assert warned == {soon.pk: True, later.pk: False}


def test_the_keys_page_imports_a_file_and_revokes(admin: User, counsellor: User, org_root: Any) -> None:
    key = request_key(counsellor, "Sam")
    client = signed_in_client(admin)
    page = client.get("/staff/manage/keys/").content.decode()
    assert e2ee.format_fingerprint(key.fingerprint) in page
    download = client.get("/staff/manage/keys/export/")
    assert download["Content-Disposition"].startswith('attachment; filename="certification-requests-')
    text, _ = sign_requests(download.content, root_private=org_root)
    upload = SimpleUploadedFile("certificates.json", text.encode(), content_type="application/json")
    imported = client.post("/staff/manage/keys/import/", {"certificates": upload})
    assert imported.status_code == 200 and "1 certificate imported." in imported.content.decode()
    client.post(f"/staff/manage/keys/{key.pk}/revoke/")
    key.refresh_from_db()
    assert key.status == "revoked"
    assert AuditEvent.objects.filter(action="identity_keys_exported", actor=admin).exists()
