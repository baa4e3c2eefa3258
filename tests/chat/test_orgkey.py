"""manage.py orgkey and chat.certificates: root key, certification, revocation, listing."""

from __future__ import annotations

import datetime as dt
import json
import stat
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from chat import certificates, e2ee
from chat.models import IdentityKey
from helpline.models import AuditEvent

pytestmark = pytest.mark.django_db


def orgkey(*args: str) -> str:
    out = StringIO()
    call_command("orgkey", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def root_paths(tmp_path: Path, settings) -> tuple[Path, Path]:
    settings.ORG_ROOT_PUBLIC_KEY = tmp_path / "public.pem"
    private = tmp_path / "offline" / "root.pem"
    private.parent.mkdir()
    orgkey("init", "--out", str(private))
    return private, settings.ORG_ROOT_PUBLIC_KEY


def new_point() -> str:
    return e2ee.b64e(e2ee.public_point(e2ee.generate_ephemeral().public_key()))


def test_it_initialises_a_root_key(tmp_path: Path, settings) -> None:
    settings.ORG_ROOT_PUBLIC_KEY = tmp_path / "public.pem"
    out = orgkey("init", "--out", str(tmp_path / "root.pem"))
    assert stat.S_IMODE((tmp_path / "root.pem").stat().st_mode) == 0o600
    public = certificates.load_public_key(tmp_path / "public.pem")
    private = certificates.load_private_key(tmp_path / "root.pem")
    assert e2ee.fingerprint(private.public_key()) == e2ee.fingerprint(public)
    assert e2ee.format_fingerprint(e2ee.fingerprint(public)) in out
    assert e2ee.b64e(e2ee.public_point(public)) in out


def test_it_refuses_to_overwrite_a_root_key(root_paths) -> None:
    private, _ = root_paths
    before = private.read_bytes()
    with pytest.raises(CommandError, match="exists"):
        orgkey("init", "--out", str(private))
    assert private.read_bytes() == before


def test_it_prints_the_browser_asset(root_paths, tmp_path: Path) -> None:
    out = orgkey("public", "--json-out", str(tmp_path / "root.json"))
    asset = json.loads((tmp_path / "root.json").read_text())
    assert asset == certificates.root_public_key_asset()
    assert e2ee.fingerprint(asset["public_key"]) == asset["fingerprint"]
    assert e2ee.format_fingerprint(asset["fingerprint"]) in out


def test_it_certifies_a_pending_key_by_username(root_paths, counsellor) -> None:
    private, public = root_paths
    # Without a pseudonym in the request, the certificate carries the account's first name.
    User.objects.filter(pk=counsellor.pk).update(first_name="Robin")
    counsellor.refresh_from_db()
    pending = certificates.do_request_certification(user=counsellor, public_key=new_point())
    assert pending.status == IdentityKey.Status.PENDING and pending.pseudonym == "Robin"
    assert certificates.certified_key_for(counsellor) is None

    out = orgkey("certify", "counsellor", "--key", str(private))
    key = certificates.certified_key_for(counsellor)
    assert key is not None and key.pk == pending.pk and key.serial in out
    assert key.expires_at is not None and key.issued_at is not None
    assert key.expires_at - key.issued_at == dt.timedelta(days=90)
    cert = e2ee.verify_certificate(
        bytes(key.certificate), bytes(key.signature), root_public=certificates.load_public_key(public)
    )
    assert cert.pseudonym == "Robin" and cert.key_fingerprint == key.fingerprint
    assert cert.not_after == int(key.expires_at.timestamp())
    assert AuditEvent.objects.filter(action="identity_key_certified", target="counsellor").exists()


def test_it_certifies_by_fingerprint_with_a_given_expiry(root_paths, counsellor) -> None:
    private, _ = root_paths
    key = certificates.do_request_certification(user=counsellor, public_key=new_point(), pseudonym="Kim")
    orgkey("certify", key.fingerprint[:12], "--key", str(private), "--days", "7")
    key.refresh_from_db()
    assert key.status == IdentityKey.Status.CERTIFIED
    assert key.expires_at - key.issued_at == dt.timedelta(days=7)
    fields = certificates.certificate_fields(key)
    assert e2ee.Certificate.decode(e2ee.b64d(fields["cert"])).pseudonym == "Kim"


def test_it_refuses_a_root_key_that_browsers_would_not_trust(root_paths, counsellor, tmp_path: Path) -> None:
    stranger = tmp_path / "stranger.pem"
    certificates.write_private_key(stranger, certificates.generate_root_key())
    certificates.do_request_certification(user=counsellor, public_key=new_point())
    with pytest.raises(CommandError, match="does not match"):
        orgkey("certify", "counsellor", "--key", str(stranger))
    assert certificates.certified_key_for(counsellor) is None


def test_it_refuses_unknown_keys_and_bad_points(root_paths, counsellor) -> None:
    private, _ = root_paths
    with pytest.raises(CommandError, match="no identity key"):
        orgkey("certify", "nobody", "--key", str(private))
    with pytest.raises(certificates.CertificateError):
        certificates.do_request_certification(user=counsellor, public_key=e2ee.b64e(b"\x04" + b"\x01" * 64))


def test_it_does_not_let_two_accounts_share_a_key(counsellor, other_counsellor) -> None:
    point = new_point()
    first = certificates.do_request_certification(user=counsellor, public_key=point)
    assert certificates.do_request_certification(user=counsellor, public_key=point).pk == first.pk
    with pytest.raises(certificates.CertificateError, match="another account"):
        certificates.do_request_certification(user=other_counsellor, public_key=point)


def test_it_revokes_and_lists_revoked_certificates_for_seekers(root_paths, counsellor, other_counsellor) -> None:
    private, public = root_paths
    certificates.do_request_certification(user=counsellor, public_key=new_point())
    certificates.do_request_certification(user=other_counsellor, public_key=new_point())
    orgkey("certify", "counsellor", "--key", str(private))
    orgkey("certify", "other-counsellor", "--key", str(private))
    key = certificates.certified_key_for(counsellor)
    assert key is not None

    out = orgkey("revoke", "counsellor")
    assert "Revoked counsellor" in out
    assert certificates.certified_key_for(counsellor) is None
    assert certificates.certified_key_for(other_counsellor) is not None
    revoked = certificates.revocation_list()
    assert key.serial in revoked and key.fingerprint in revoked
    with pytest.raises(e2ee.ProtocolError, match="certificate_revoked"):
        e2ee.verify_certificate(
            bytes(key.certificate),
            bytes(key.signature),
            root_public=certificates.load_public_key(public),
            revoked=revoked,
        )
    with pytest.raises(CommandError, match="revoked"):
        orgkey("certify", key.fingerprint, "--key", str(private))
    assert AuditEvent.objects.filter(action="identity_key_revoked").count() == 1


def test_it_drops_expired_certificates_from_the_revocation_list(root_paths, counsellor) -> None:
    private, _ = root_paths
    key = certificates.do_request_certification(user=counsellor, public_key=new_point())
    key = certificates.do_certify(key=key, root_private=certificates.load_private_key(private), days=1)
    certificates.do_revoke(key=key)
    assert key.fingerprint in certificates.revocation_list()
    assert certificates.revocation_list(now=timezone.now() + dt.timedelta(days=2)) == []


def test_it_lists_keys(root_paths, counsellor, other_counsellor) -> None:
    private, _ = root_paths
    certificates.do_request_certification(user=counsellor, public_key=new_point())
    pending = certificates.do_request_certification(user=other_counsellor, public_key=new_point())
    orgkey("certify", "counsellor", "--key", str(private))
    out = orgkey("list")
    assert "counsellor" in out and "certified" in out and pending.fingerprint[:16] in out
    only_pending = orgkey("list", "--status", "pending")
    assert "other-counsellor" in only_pending and "certified" not in only_pending


def test_it_creates_the_demo_root_key_once(tmp_path: Path, settings) -> None:
    settings.DEMO_MODE = True
    settings.ORG_ROOT_PRIVATE_KEY = str(tmp_path / "var" / "private.pem")
    settings.ORG_ROOT_PUBLIC_KEY = tmp_path / "var" / "public.pem"
    assert certificates.ensure_demo_root_key() is True
    first = certificates.root_public_key_asset()
    assert certificates.ensure_demo_root_key() is False
    assert certificates.root_public_key_asset() == first
    assert stat.S_IMODE(Path(settings.ORG_ROOT_PRIVATE_KEY).stat().st_mode) == 0o600


def test_it_refuses_the_demo_root_key_outside_demo_mode(settings) -> None:
    settings.DEMO_MODE = False
    with pytest.raises(Exception, match="demo mode"):
        certificates.ensure_demo_root_key()
