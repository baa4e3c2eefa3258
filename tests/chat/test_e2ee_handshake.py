"""Handshake and key substitution: the help-seeker side refuses, with a clear error and before any
key is derived, every offer that is not from a currently certified counsellor key."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from chat import e2ee
from tests.chat.conftest import run_js

NOW = int(time.time())


@dataclass
class Org:
    root: object = field(default_factory=e2ee.generate_ephemeral)
    identity: object = field(default_factory=e2ee.generate_ephemeral)
    other: object = field(default_factory=e2ee.generate_ephemeral)
    session_id: str = field(default_factory=lambda: e2ee.b64e(os.urandom(16)))

    def cert(self, *, signer=None, key=None, not_before=NOW - 3600, not_after=NOW + 86400, serial=None):
        return e2ee.issue_certificate(
            root_private=signer or self.root,
            public_key=(key or self.identity).public_key(),
            pseudonym="Alex",
            not_before=not_before,
            not_after=not_after,
            serial=serial,
        )

    def offer(self, eph_s: str, *, identity=None, cert=None) -> dict[str, str]:
        cert_bytes, cert_sig = cert or self.cert()
        return e2ee.CounsellorHandshake(self.session_id, identity or self.identity, cert_bytes, cert_sig).offer(eph_s)


def _other_root_signed(org: Org, eph: str) -> dict[str, str]:
    return org.offer(eph, cert=org.cert(signer=org.other))


def _signed_by_other_key_with_right_issuer(org: Org, eph: str) -> dict[str, str]:
    cert_bytes, _ = org.cert()
    return org.offer(eph, cert=(cert_bytes, e2ee.sign(org.other, cert_bytes)))


def _tampered_pseudonym(org: Org, eph: str) -> dict[str, str]:
    cert_bytes, sig = org.cert()
    return org.offer(eph, cert=(cert_bytes[:-1] + b"y", sig))


def _expired(org: Org, eph: str) -> dict[str, str]:
    return org.offer(eph, cert=org.cert(not_before=NOW - 90 * 86400, not_after=NOW - 60))


def _not_yet_valid(org: Org, eph: str) -> dict[str, str]:
    return org.offer(eph, cert=org.cert(not_before=NOW + 3600, not_after=NOW + 86400))


REVOKED_SERIAL = bytes(range(16))


def _revoked_serial(org: Org, eph: str) -> dict[str, str]:
    return org.offer(eph, cert=org.cert(serial=REVOKED_SERIAL))


def _revoked_key(org: Org, eph: str) -> dict[str, str]:
    return org.offer(eph, cert=org.cert(key=org.other))


def _transcript_signed_by_other_key(org: Org, eph: str) -> dict[str, str]:
    return org.offer(eph, identity=org.other)


def _swapped_counsellor_ephemeral(org: Org, eph: str) -> dict[str, str]:
    offer = org.offer(eph)
    attacker = e2ee.generate_ephemeral()
    return {**offer, "eph": e2ee.b64e(e2ee.public_point(attacker.public_key()))}


def _swapped_seeker_ephemeral(org: Org, eph: str) -> dict[str, str]:
    # A relay that gave the counsellor its own key instead of the seeker's.
    attacker = e2ee.generate_ephemeral()
    return org.offer(e2ee.b64e(e2ee.public_point(attacker.public_key())))


def _offer_for_another_session(org: Org, eph: str) -> dict[str, str]:
    cert_bytes, cert_sig = org.cert()
    other = e2ee.CounsellorHandshake(e2ee.b64e(os.urandom(16)), org.identity, cert_bytes, cert_sig)
    return other.offer(eph)


def _point_off_the_curve(org: Org, eph: str) -> dict[str, str]:
    offer = org.offer(eph)
    return {**offer, "eph": e2ee.b64e(b"\x04" + b"\x01" * 64)}


CASES: list[tuple[str, Callable[[Org, str], dict[str, str]], str]] = [
    ("certificate from another root", _other_root_signed, "untrusted_certificate"),
    ("certificate signed by another key", _signed_by_other_key_with_right_issuer, "untrusted_certificate"),
    ("certificate altered", _tampered_pseudonym, "untrusted_certificate"),
    ("expired certificate", _expired, "certificate_expired"),
    ("certificate not yet valid", _not_yet_valid, "certificate_not_yet_valid"),
    ("revoked serial", _revoked_serial, "certificate_revoked"),
    ("revoked key", _revoked_key, "certificate_revoked"),
    ("transcript signed by another key", _transcript_signed_by_other_key, "bad_signature"),
    ("swapped counsellor ephemeral", _swapped_counsellor_ephemeral, "bad_signature"),
    ("swapped seeker ephemeral", _swapped_seeker_ephemeral, "bad_signature"),
    ("offer for another session", _offer_for_another_session, "bad_signature"),
    ("ephemeral off the curve", _point_off_the_curve, "bad_key"),
]


def _revoked(org: Org) -> list[str]:
    return [REVOKED_SERIAL.hex(), e2ee.fingerprint(org.other.public_key())]


def test_it_completes_a_handshake_and_both_sides_agree() -> None:
    org = Org()
    seeker = e2ee.SeekerHandshake(org.session_id, org.root.public_key(), _revoked(org))
    counsellor = e2ee.CounsellorHandshake(org.session_id, org.identity, *org.cert())
    mac, seeker_cipher = seeker.accept_offer(**counsellor.offer(seeker.init()), now=NOW)
    counsellor_cipher = counsellor.confirm(mac)
    assert seeker.certificate is not None and seeker.certificate.pseudonym == "Alex"
    assert counsellor_cipher.open(*seeker_cipher.seal('{"t":"text","body":"Hello"}')) == '{"t":"text","body":"Hello"}'
    assert seeker_cipher.open(*counsellor_cipher.seal('{"t":"text","body":"Hi"}')) == '{"t":"text","body":"Hi"}'


@pytest.mark.parametrize(("name", "make", "code"), CASES, ids=[case[0] for case in CASES])
def test_it_refuses_a_substituted_key_before_deriving_anything(name, make, code) -> None:
    org = Org()
    seeker = e2ee.SeekerHandshake(org.session_id, org.root.public_key(), _revoked(org))
    offer = make(org, seeker.init())
    with pytest.raises(e2ee.ProtocolError) as caught:
        seeker.accept_offer(**offer, now=NOW)
    assert caught.value.code == code
    assert seeker.keys is None and seeker.certificate is None


def test_it_refuses_a_wrong_confirmation() -> None:
    org = Org()
    counsellor = e2ee.CounsellorHandshake(org.session_id, org.identity, *org.cert())
    counsellor.offer(e2ee.SeekerHandshake(org.session_id, org.root.public_key()).init())
    with pytest.raises(e2ee.ProtocolError) as caught:
        counsellor.confirm(e2ee.b64e(bytes(32)))
    assert caught.value.code == "confirm_failed"


def test_it_refuses_to_repeat_handshake_steps() -> None:
    org = Org()
    seeker = e2ee.SeekerHandshake(org.session_id, org.root.public_key())
    counsellor = e2ee.CounsellorHandshake(org.session_id, org.identity, *org.cert())
    offer = counsellor.offer(seeker.init())
    with pytest.raises(e2ee.ProtocolError, match="wrong_state"):
        counsellor.offer(seeker.init())
    mac, _ = seeker.accept_offer(**offer, now=NOW)
    with pytest.raises(e2ee.ProtocolError, match="wrong_state"):
        seeker.accept_offer(**offer, now=NOW)
    counsellor.confirm(mac)
    with pytest.raises(e2ee.ProtocolError, match="wrong_state"):
        counsellor.confirm(mac)


@pytest.mark.parametrize(
    "bad",
    ["", "AAAA=", "A", "a+b/", "AB", "tzM0rlSwG9x4jujnyiU7TR", "tzM0rlSwG9x4jujnyiU7T"],
)
def test_it_refuses_malformed_session_ids(bad: str) -> None:
    with pytest.raises(e2ee.ProtocolError) as caught:
        e2ee.session_bytes(bad)
    assert caught.value.code == "bad_encoding"


def test_it_refuses_certificates_with_bad_pseudonyms() -> None:
    org = Org()
    for name in ("", " ", "x" * 65):
        with pytest.raises(e2ee.ProtocolError):
            e2ee.issue_certificate(
                root_private=org.root, public_key=org.identity.public_key(), pseudonym=name, not_before=0, not_after=1
            )


BROWSER_CASE = """
if (arg.step === "init") {
  window.seeker = new E.SeekerHandshake(arg.session, arg.root, arg.revoked);
  return await window.seeker.init();
}
try {
  await window.seeker.acceptOffer(arg.offer, {now: arg.now});
  return {code: null};
} catch (error) {
  return {code: error.code || String(error), name: error.name, keys: window.seeker.keys};
}
"""


@pytest.mark.browser
def test_it_refuses_substituted_keys_in_the_browser(e2ee_page) -> None:
    for name, make, code in CASES:
        org = Org()
        root = e2ee.b64e(e2ee.public_point(org.root.public_key()))
        eph = run_js(
            e2ee_page,
            BROWSER_CASE,
            {"step": "init", "session": org.session_id, "root": root, "revoked": _revoked(org)},
        )
        result = run_js(e2ee_page, BROWSER_CASE, {"step": "accept", "offer": make(org, eph), "now": NOW})
        assert result == {"code": code, "name": "ProtocolError", "keys": None}, name


@pytest.mark.browser
def test_it_accepts_a_good_offer_in_the_browser(e2ee_page) -> None:
    org = Org()
    root = e2ee.b64e(e2ee.public_point(org.root.public_key()))
    eph = run_js(e2ee_page, BROWSER_CASE, {"step": "init", "session": org.session_id, "root": root, "revoked": []})
    result = run_js(e2ee_page, BROWSER_CASE, {"step": "accept", "offer": org.offer(eph), "now": NOW})
    assert result == {"code": None}
