# ruff: noqa: E501  (the JavaScript bodies that run in Chromium are kept one statement per line)
"""Appendix C of docs/PROTOCOL.md is reproduced by the Python reference and by the browser module,
and each implementation opens what the other sealed (known-answer and interop tests)."""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from chat import e2ee
from chat.mailbox import crypto
from chat.mailbox.vector import NOW, _key, build_vector, read_from_doc

REPO = Path(__file__).resolve().parents[2]
SIGNED = {("recipient", "sig_cert"), ("recipient", "key_sig"), ("reply", "sig"), ("reply", "sig_cert")}


@pytest.fixture(scope="module")
def mailbox_vector() -> dict[str, Any]:
    return read_from_doc()


def _unsigned(mailbox_vector: dict[str, Any]) -> dict[str, Any]:
    copy = json.loads(json.dumps(mailbox_vector))
    for outer, inner in SIGNED:
        copy[outer].pop(inner)
    return copy


def test_it_regenerates_the_documented_vector_except_signatures(mailbox_vector: dict[str, Any]) -> None:
    assert _unsigned(build_vector()) == _unsigned(mailbox_vector)


def test_it_verifies_the_documented_signatures(mailbox_vector: dict[str, Any]) -> None:
    root = mailbox_vector["keys"]["root"]["public_b64"]
    recipient = crypto.verify_recipient(**mailbox_vector["recipient"], root_public=root, now=NOW)
    assert recipient.fingerprint == mailbox_vector["keys"]["counsellor_inbox"]["fingerprint"]
    mailbox_point = e2ee.b64d(mailbox_vector["keys"]["mailbox"]["public_b64"])
    fields = mailbox_vector["reply"]["fields"]
    certificate = crypto.verify_reply(
        mailbox_point=mailbox_point,
        seq=1,
        eph=e2ee.b64d(fields["eph"]),
        nonce=e2ee.b64d(fields["nonce"]),
        ct=e2ee.b64d(fields["ct"]),
        cert=mailbox_vector["reply"]["cert"],
        sig_cert=mailbox_vector["reply"]["sig_cert"],
        sig=mailbox_vector["reply"]["sig"],
        root_public=root,
        now=NOW,
    )
    assert certificate.pseudonym == "Counsellor Robin"


def test_it_uses_the_documented_parameters() -> None:
    assert crypto.PBKDF2_ITERATIONS == 600_000
    assert crypto.CODENAME_WORDS == 7 and len(crypto.wordlist()) == 7776
    assert len(crypto.generate_codename().split(" ")) == 7


def test_it_refuses_a_wrong_codename_and_a_moved_message(mailbox_vector: dict[str, Any]) -> None:
    mailbox_point = e2ee.b64d(mailbox_vector["keys"]["mailbox"]["public_b64"])
    other = crypto.derive_codename_keys("abacus " * 6 + "zoom")
    with pytest.raises(e2ee.ProtocolError) as caught:
        crypto.unwrap_private_key(bytes.fromhex(mailbox_vector["wrapped_private_hex"]), other.wrap_key, mailbox_point)
    assert caught.value.code == "wrong_key"
    fields = mailbox_vector["seeker_message"]["fields"]
    wraps = {w["to"]: e2ee.b64d(w["key"]) for w in fields["wraps"]}
    for seq, direction in ((2, 1), (1, 2)):
        with pytest.raises(e2ee.ProtocolError) as caught:
            crypto.open_message(
                private_key=_key("mailbox"),
                mailbox_point=mailbox_point,
                direction=direction,
                seq=seq,
                eph=e2ee.b64d(fields["eph"]),
                nonce=e2ee.b64d(fields["nonce"]),
                ct=e2ee.b64d(fields["ct"]),
                wraps=wraps,
            )
        assert caught.value.code == "decrypt_failed"


def test_it_refuses_substituted_recipient_keys(mailbox_vector: dict[str, Any]) -> None:
    """A key the server slips in without a root-signed certificate, or an inbox key the identity key
    did not sign, or a revoked certificate: the reference refuses each."""
    from cryptography.hazmat.primitives.asymmetric import ec

    root = mailbox_vector["keys"]["root"]["public_b64"]
    entry = mailbox_vector["recipient"]
    rogue_root = ec.generate_private_key(ec.SECP256R1())
    rogue_identity = ec.generate_private_key(ec.SECP256R1())
    rogue_inbox = e2ee.public_point(ec.generate_private_key(ec.SECP256R1()).public_key())
    cert, sig_cert = e2ee.issue_certificate(
        root_private=rogue_root,
        public_key=rogue_identity.public_key(),
        pseudonym="Counsellor Robin",
        not_before=NOW - 10,
        not_after=NOW + 10,
    )
    identity_point = e2ee.public_point(rogue_identity.public_key())
    self_signed = {
        "cert": e2ee.b64e(cert),
        "sig_cert": e2ee.b64e(sig_cert),
        "key": e2ee.b64e(rogue_inbox),
        "key_sig": e2ee.b64e(e2ee.sign(rogue_identity, crypto.inbox_key_statement(rogue_inbox, identity_point))),
    }
    swapped_key = {**entry, "key": e2ee.b64e(rogue_inbox)}
    cases = [
        (self_signed, [], "untrusted_certificate"),
        (swapped_key, [], "bad_signature"),
        (entry, [mailbox_vector["keys"]["counsellor_identity"]["fingerprint"]], "certificate_revoked"),
    ]
    for candidate, revoked, code in cases:
        with pytest.raises(e2ee.ProtocolError) as caught:
            crypto.verify_recipient(**candidate, root_public=root, revoked=revoked, now=NOW)
        assert caught.value.code == code


# --- the browser -------------------------------------------------------------------------------


class _Quiet(SimpleHTTPRequestHandler):
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".js": "text/javascript"}

    def do_GET(self) -> None:
        if self.path == "/blank.html":
            body = b"<!doctype html><html lang=en><title>mailbox test</title></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def static_origin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """chat/static and the mailbox app's static files side by side, as collectstatic lays them out."""
    root = tmp_path_factory.mktemp("static")
    (root / "chat").symlink_to(REPO / "chat" / "static" / "chat")
    (root / "mailbox").symlink_to(REPO / "chat" / "mailbox" / "static" / "mailbox")
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def mailbox_page(browser: Any, static_origin: str) -> Iterator[Any]:
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{static_origin}/blank.html")
    page.evaluate(
        "async () => { window.M = await import('/mailbox/js/mailbox-crypto.js'); "
        "window.E = await import('/chat/js/e2ee.js'); }"
    )
    yield page
    context.close()
    assert not errors, errors


def js(mailbox_page: Any, body: str, arg: Any = None) -> Any:
    return mailbox_page.evaluate(f"async (arg) => {{ const M = window.M, E = window.E; {body} }}", arg)


@pytest.mark.browser
def test_the_browser_derives_the_documented_keys(mailbox_page: Any, mailbox_vector: dict[str, Any]) -> None:
    out = js(
        mailbox_page,
        """
        const words = await M.loadWordlist('/mailbox/eff_large_wordlist.txt');
        const keys = await M.deriveCodenameKeys(arg.codename, words);
        const generated = M.generateCodename(words).split(' ');
        return { stretched: E.toHex(keys.stretched), lookup: E.toHex(keys.lookup), wrap: E.toHex(keys.wrapKey),
                 generated: generated.length, listed: generated.every((w) => words.includes(w)) };
    """,
        mailbox_vector,
    )
    assert out == {
        "stretched": mailbox_vector["pbkdf2"]["stretched_hex"],
        "lookup": mailbox_vector["lookup_hex"],
        "wrap": mailbox_vector["wrap_key_hex"],
        "generated": 7,
        "listed": True,
    }


@pytest.mark.browser
def test_the_browser_seals_the_documented_bytes(mailbox_page: Any, mailbox_vector: dict[str, Any]) -> None:
    out = js(
        mailbox_page,
        """
        const k = arg.keys;
        const mp = E.b64d(k.mailbox.public_b64), inbox = E.b64d(k.counsellor_inbox.public_b64);
        const eph = { privateKey: await M.importEcdhJwk(k.ephemeral_1.jwk),
                      publicKey: await E.importPoint(E.b64d(k.ephemeral_1.public_b64), { usage: 'ecdh' }) };
        const sealed = await M.sealMessage(arg.seeker_message.plaintext, {
          mailboxPoint: mp, direction: 1, seq: 1, recipients: [inbox, mp],
          messageKey: E.fromHex(arg.seeker_message.message_key_hex), nonce: E.b64d(arg.seeker_message.fields.nonce),
          ephemeral: eph });
        const jwk = await crypto.subtle.importKey('jwk', { kty: 'EC', crv: 'P-256', ...k.mailbox.jwk }, { name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits']);
        const wrapped = await M.wrapPrivateKey(jwk, mp, E.fromHex(arg.wrap_key_hex), { nonce: E.fromHex(arg.private_nonce_hex) });
        return { sealed, wrapped: E.toHex(wrapped), ad: E.toHex(M.messageAd(mp, 1, 1)) };
    """,
        mailbox_vector,
    )
    assert out["sealed"] == mailbox_vector["seeker_message"]["fields"]
    assert out["wrapped"] == mailbox_vector["wrapped_private_hex"]
    assert out["ad"] == mailbox_vector["seeker_message"]["ad_hex"]


@pytest.mark.browser
def test_the_browser_opens_and_verifies_what_python_made(mailbox_page: Any, mailbox_vector: dict[str, Any]) -> None:
    out = js(
        mailbox_page,
        """
        const k = arg.keys, mp = E.b64d(k.mailbox.public_b64), inbox = E.b64d(k.counsellor_inbox.public_b64);
        const words = await M.loadWordlist('/mailbox/eff_large_wordlist.txt');
        const keys = await M.deriveCodenameKeys(arg.codename, words);
        const mailboxKey = await M.unwrapPrivateKey(E.fromHex(arg.wrapped_private_hex), mp, keys.wrapKey);
        const seeker = await M.openMessage({ ...arg.seeker_message.fields, seq: 1 }, { privateKey: mailboxKey, ownPoint: mp, mailboxPoint: mp, direction: 1 });
        const byCounsellor = await M.openMessage({ ...arg.seeker_message.fields, seq: 1 }, { privateKey: await M.importEcdhJwk(k.counsellor_inbox.jwk), ownPoint: inbox, mailboxPoint: mp, direction: 1 });
        const reply = { ...arg.reply.fields, cert: arg.reply.cert, sig_cert: arg.reply.sig_cert, sig: arg.reply.sig };
        const cert = await M.verifyReply(reply, { mailboxPoint: mp, rootPublic: E.b64d(k.root.public_b64), now: arg.now });
        const replyText = await M.openMessage(reply, { privateKey: mailboxKey, ownPoint: mp, mailboxPoint: mp, direction: 2 });
        const recipient = await M.verifyRecipient(arg.recipient, { rootPublic: E.b64d(k.root.public_b64), now: arg.now });
        let wrong = '';
        try { await M.unwrapPrivateKey(E.fromHex(arg.wrapped_private_hex), mp, new Uint8Array(32)); } catch (e) { wrong = e.code; }
        let moved = '';
        try { await M.openMessage({ ...arg.seeker_message.fields, seq: 2 }, { privateKey: mailboxKey, ownPoint: mp, mailboxPoint: mp, direction: 1 }); } catch (e) { moved = e.code; }
        return { seeker, byCounsellor, replyText, pseudonym: cert.pseudonym, recipient: recipient.fingerprint, wrong, moved };
    """,
        mailbox_vector,
    )
    assert out == {
        "seeker": mailbox_vector["seeker_message"]["plaintext"],
        "byCounsellor": mailbox_vector["seeker_message"]["plaintext"],
        "replyText": mailbox_vector["reply"]["plaintext"],
        "pseudonym": "Counsellor Robin",
        "recipient": mailbox_vector["keys"]["counsellor_inbox"]["fingerprint"],
        "wrong": "wrong_key",
        "moved": "decrypt_failed",
    }


@pytest.mark.browser
def test_python_opens_and_verifies_what_the_browser_made(mailbox_page: Any, mailbox_vector: dict[str, Any]) -> None:
    """Fresh random keys on the browser side: a message, a signed reply and a wrapped private key."""
    identity = _key("counsellor identity")
    out = js(
        mailbox_page,
        """
        const k = arg.keys, inbox = E.b64d(k.counsellor_inbox.public_b64);
        const pair = await M.generateMailboxKey();
        const sealed = await M.sealMessage('{"t":"text","body":"from the browser"}', { mailboxPoint: pair.point, direction: 1, seq: 1, recipients: [inbox, pair.point] });
        const identity = await E.importPrivateJwk(k.counsellor_identity.jwk, 'sign');
        const reply = await M.sealMessage('{"t":"text","body":"signed reply"}', { mailboxPoint: pair.point, direction: 2, seq: 1, recipients: [pair.point, inbox] });
        const sig = await M.signReply(identity, pair.point, reply);
        const jwk = await crypto.subtle.exportKey('jwk', pair.privateKey);
        return { point: E.b64e(pair.point), sealed, reply, sig, d: jwk.d };
    """,
        mailbox_vector,
    )
    point = e2ee.b64d(out["point"])
    inbox = _key("counsellor inbox")

    def opened(fields: dict[str, Any], key: Any, direction: int) -> str:
        return crypto.open_message(
            private_key=key,
            mailbox_point=point,
            direction=direction,
            seq=1,
            eph=e2ee.b64d(fields["eph"]),
            nonce=e2ee.b64d(fields["nonce"]),
            ct=e2ee.b64d(fields["ct"]),
            wraps={w["to"]: e2ee.b64d(w["key"]) for w in fields["wraps"]},
        )

    assert opened(out["sealed"], inbox, 1) == '{"t":"text","body":"from the browser"}'
    mailbox = e2ee.private_key_from_hex(e2ee.b64d(out["d"]).hex())
    assert opened(out["reply"], mailbox, 2) == '{"t":"text","body":"signed reply"}'
    data = crypto.reply_signed_data(
        point, 1, e2ee.b64d(out["reply"]["eph"]), e2ee.b64d(out["reply"]["nonce"]), e2ee.b64d(out["reply"]["ct"])
    )
    assert e2ee.verify(identity.public_key(), e2ee.b64d(out["sig"]), data)


@pytest.mark.browser
def test_the_browser_refuses_substituted_recipient_keys(mailbox_page: Any, mailbox_vector: dict[str, Any]) -> None:
    """What the server could try: its own key with a self-made certificate, a genuine certificate with
    another inbox key, a revoked counsellor. Only the genuine entry is wrapped for."""
    out = js(
        mailbox_page,
        """
        const k = arg.keys, root = E.b64d(k.root.public_b64);
        const rogueRoot = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
        const rogueId = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
        const idPoint = await E.exportPoint(rogueId.publicKey);
        const rogueInbox = (await M.generateMailboxKey()).point;
        const issued = await E.issueCertificate({ rootPrivate: rogueRoot.privateKey, rootPoint: await E.exportPoint(rogueRoot.publicKey),
          publicKey: idPoint, pseudonym: 'Counsellor Robin', notBefore: arg.now - 10, notAfter: arg.now + 10 });
        const selfMade = { cert: E.b64e(issued.cert), sig_cert: E.b64e(issued.sigCert), key: E.b64e(rogueInbox),
          key_sig: E.b64e(await E.sign(rogueId.privateKey, M.inboxKeyStatement(rogueInbox, idPoint))) };
        const swapped = { ...arg.recipient, key: E.b64e(rogueInbox) };
        const result = await M.verifyRecipients([selfMade, swapped, arg.recipient], { rootPublic: root, now: arg.now });
        const revoked = await M.verifyRecipients([arg.recipient], { rootPublic: root, now: arg.now, revoked: [k.counsellor_identity.fingerprint] });
        return { accepted: result.accepted.map((r) => r.fingerprint), refused: result.refused, revoked: revoked.refused, none: revoked.accepted.length };
    """,
        mailbox_vector,
    )
    assert out == {
        "accepted": [mailbox_vector["keys"]["counsellor_inbox"]["fingerprint"]],
        "refused": ["untrusted_certificate", "bad_signature"],
        "revoked": ["certificate_revoked"],
        "none": 0,
    }
