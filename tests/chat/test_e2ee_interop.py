"""Interop: a full handshake and 50 messages each way between the Python reference and the browser
module, in both role assignments. The browser counsellor uses its IndexedDB identity key."""

from __future__ import annotations

import os
import re
import time

import pytest

from chat import e2ee
from tests.chat.conftest import run_js

MESSAGES = 50
NOW = int(time.time())


def _text(sender: str, number: int) -> str:
    # Mixed scripts and sizes so that several padding buckets are used.
    body = f"{sender} message {number}: Grüße, 你好, مرحبا " + "." * (number * 37)
    return '{"t":"text","body":"' + body + '"}'


BROWSER_SEEKER = """
if (arg.step === "init") {
  window.hs = new E.SeekerHandshake(arg.session, arg.root, []);
  return await window.hs.init();
}
if (arg.step === "accept") {
  const {mac, cipher} = await window.hs.acceptOffer(arg.offer, {now: arg.now});
  window.cipher = cipher;
  return {mac, pseudonym: window.hs.certificate.pseudonym};
}
"""

BROWSER_COUNSELLOR = """
if (arg.step === "identity") {
  const first = await E.loadOrCreateIdentityKey();
  const again = await E.loadOrCreateIdentityKey();
  let extractable = true;
  try { await crypto.subtle.exportKey("jwk", again.privateKey); } catch (error) { extractable = false; }
  return {point: first.point, fingerprint: first.fingerprint, same: again.fingerprint === first.fingerprint,
          extractable, flag: again.privateKey.extractable};
}
if (arg.step === "store") {
  await E.saveCertificate(arg.certificate);
  return null;
}
if (arg.step === "offer") {
  const identity = await E.loadOrCreateIdentityKey();
  const stored = await E.loadCertificate();
  window.hs = new E.CounsellorHandshake(arg.session, identity.privateKey, stored.cert, stored.sig_cert);
  return await window.hs.offer(arg.eph);
}
if (arg.step === "confirm") {
  window.cipher = await window.hs.confirm(arg.mac);
  return null;
}
"""

# One round: open what the Python side sent (checking duplicates are dropped), then reply.
BROWSER_ROUND = """
const c = window.cipher, opened = [];
for (const frame of arg.incoming) {
  const result = await c.open(frame.seq, frame.ct);
  opened.push(result === E.DUPLICATE ? "DUPLICATE" : result);
}
const outgoing = [];
for (const text of arg.send) outgoing.push(await c.seal(text));
return {opened, outgoing, sent: c.sent, received: c.received};
"""


def _exchange(page, python_cipher: e2ee.ChatCipher, python_name: str, browser_name: str) -> None:
    """50 messages each way: first interleaved one for one, then a burst in each direction."""
    got_python: list[str] = []
    got_browser: list[str] = []
    want_python = [_text(browser_name, n) for n in range(1, MESSAGES + 1)]
    want_browser = [_text(python_name, n) for n in range(1, MESSAGES + 1)]
    pending_from_browser: list[dict] = []
    for n in range(40):
        frame = python_cipher.seal(want_browser[n])
        # Redelivery after a reconnect: the previous frame arrives again and must be dropped.
        incoming = [{"seq": frame[0], "ct": frame[1]}]
        result = run_js(page, BROWSER_ROUND, {"incoming": incoming, "send": [want_python[n]]})
        got_browser.extend(result["opened"])
        pending_from_browser = result["outgoing"]
        for out in pending_from_browser:
            got_python.append(python_cipher.open(out["seq"], out["ct"]))
        assert python_cipher.open(out["seq"], out["ct"]) is e2ee.DUPLICATE
    burst = [python_cipher.seal(text) for text in want_browser[40:]]
    incoming = [{"seq": seq, "ct": ct} for seq, ct in burst]
    result = run_js(page, BROWSER_ROUND, {"incoming": incoming + incoming[:3], "send": want_python[40:]})
    got_browser.extend(result["opened"])
    for out in result["outgoing"]:
        got_python.append(python_cipher.open(out["seq"], out["ct"]))
    assert got_browser == want_browser + ["DUPLICATE"] * 3
    assert got_python == want_python
    assert result["sent"] == result["received"] == MESSAGES
    assert python_cipher.sent == python_cipher.received == MESSAGES


@pytest.mark.browser
def test_it_interoperates_with_a_browser_seeker_and_python_counsellor(e2ee_page) -> None:
    root = e2ee.generate_ephemeral()
    identity = e2ee.generate_ephemeral()
    cert = e2ee.issue_certificate(
        root_private=root, public_key=identity.public_key(), pseudonym="Jo", not_before=NOW - 60, not_after=NOW + 600
    )
    session_id = e2ee.b64e(os.urandom(16))
    root_b64 = e2ee.b64e(e2ee.public_point(root.public_key()))
    eph = run_js(e2ee_page, BROWSER_SEEKER, {"step": "init", "session": session_id, "root": root_b64})
    counsellor = e2ee.CounsellorHandshake(session_id, identity, *cert)
    offer = counsellor.offer(eph)
    accepted = run_js(e2ee_page, BROWSER_SEEKER, {"step": "accept", "offer": offer, "now": NOW})
    assert accepted["pseudonym"] == "Jo"
    cipher = counsellor.confirm(accepted["mac"])
    _exchange(e2ee_page, cipher, "counsellor", "seeker")


@pytest.mark.browser
def test_it_interoperates_with_a_browser_counsellor_and_python_seeker(e2ee_page) -> None:
    root = e2ee.generate_ephemeral()
    identity = run_js(e2ee_page, BROWSER_COUNSELLOR, {"step": "identity"})
    assert identity["same"] is True
    assert identity["extractable"] is False and identity["flag"] is False
    assert e2ee.fingerprint(identity["point"]) == identity["fingerprint"]
    cert_bytes, cert_sig = e2ee.issue_certificate(
        root_private=root, public_key=identity["point"], pseudonym="Sam", not_before=NOW - 60, not_after=NOW + 600
    )
    run_js(
        e2ee_page,
        BROWSER_COUNSELLOR,
        {"step": "store", "certificate": {"cert": e2ee.b64e(cert_bytes), "sig_cert": e2ee.b64e(cert_sig)}},
    )
    session_id = e2ee.b64e(os.urandom(16))
    seeker = e2ee.SeekerHandshake(session_id, root.public_key())
    offer = run_js(e2ee_page, BROWSER_COUNSELLOR, {"step": "offer", "session": session_id, "eph": seeker.init()})
    mac, cipher = seeker.accept_offer(**offer, now=NOW)
    assert seeker.certificate is not None and seeker.certificate.pseudonym == "Sam"
    run_js(e2ee_page, BROWSER_COUNSELLOR, {"step": "confirm", "mac": mac})
    _exchange(e2ee_page, cipher, "seeker", "counsellor")


@pytest.mark.browser
def test_it_refuses_tampering_and_gaps_in_the_browser(e2ee_page) -> None:
    send, receive = os.urandom(32), os.urandom(32)
    session_id = e2ee.b64e(os.urandom(16))
    python = e2ee.ChatCipher(session_id, e2ee.FROM_COUNSELLOR, send, receive)
    frames = [python.seal(f'{{"t":"text","body":"{n}"}}') for n in range(3)]
    flipped = bytearray(e2ee.b64d(frames[0][1]))
    flipped[5] ^= 1
    result = run_js(
        e2ee_page,
        """
        const c = new E.ChatCipher(arg.session, E.FROM_SEEKER, E.fromHex(arg.send), E.fromHex(arg.receive));
        const codes = [];
        for (const [seq, ct] of arg.bad) {
          try { await c.open(seq, ct); codes.push(null); } catch (error) { codes.push(error.code); }
        }
        const good = await c.open(arg.good[0], arg.good[1]);
        return {codes, good, received: c.received};
        """,
        {
            "session": session_id,
            "send": receive.hex(),
            "receive": send.hex(),
            "bad": [
                [1, e2ee.b64e(bytes(flipped))],
                [2, frames[1][1]],
                [1, e2ee.b64e(e2ee.b64d(frames[0][1])[:-3])],
                [1, frames[0][1] + "="],
                [0, frames[0][1]],
                [1.5, frames[0][1]],
            ],
            "good": list(frames[0]),
        },
    )
    assert result == {
        "codes": ["decrypt_failed", "gap", "decrypt_failed", "bad_encoding", "bad_seq", "bad_seq"],
        "good": '{"t":"text","body":"0"}',
        "received": 1,
    }


def test_it_needs_only_its_own_parts_so_it_works_under_content_hashed_names() -> None:
    from helpline.staticfiles import module_imports
    from tests.chat.conftest import STATIC_ROOT

    parts = {"./e2ee-bytes.js", "./e2ee-ratchet.js", "./e2ee-keystore.js"}
    for name in ("e2ee.js", *(part[2:] for part in parts)):
        source = (STATIC_ROOT / "chat" / "js" / name).read_text()
        # Static relative imports of its own parts only, which collectstatic rewrites to hashed names.
        assert set(module_imports(source)) <= parts - {f"./{name}"}, name
        statements = re.findall(r"\bfrom\s*[\"']", source)
        assert len(statements) == len(module_imports(source)), name
        assert not re.search(r"\bimport\s*\(", source), name
        assert "importScripts" not in source
        assert "eval(" not in source and "new Function" not in source
        assert "http://" not in source and "https://" not in source
    assert set(module_imports((STATIC_ROOT / "chat" / "js" / "e2ee.js").read_text())) == parts
