"""The worked example in docs/PROTOCOL.md is reproduced by the Python reference and the browser module."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from chat import e2ee
from chat.loadtest.e2ee_vector import build_vector, read_from_doc
from tests.chat.conftest import run_js

SIGNATURES = {("certificate", "signature_hex"), ("hs_offer", "sig_cert"), ("hs_offer", "sig")}


@pytest.fixture(scope="module")
def vector() -> dict[str, Any]:
    return read_from_doc()


def _without_signatures(vector: dict[str, Any]) -> dict[str, Any]:
    copy = {key: dict(value) if isinstance(value, dict) else value for key, value in vector.items()}
    for outer, inner in SIGNATURES:
        copy[outer].pop(inner)
    return copy


def test_it_regenerates_the_documented_vector_except_signatures(vector) -> None:
    assert _without_signatures(build_vector()) == _without_signatures(vector)


def test_it_verifies_the_documented_signatures(vector) -> None:
    keys = vector["keys"]
    root = e2ee.load_point(bytes.fromhex(keys["root"]["public_hex"]))
    identity = e2ee.load_point(bytes.fromhex(keys["counsellor_identity"]["public_hex"]))
    cert = bytes.fromhex(vector["certificate"]["bytes_hex"])
    assert e2ee.verify(root, bytes.fromhex(vector["certificate"]["signature_hex"]), cert)
    assert e2ee.verify(identity, e2ee.b64d(vector["hs_offer"]["sig"]), bytes.fromhex(vector["transcript_hex"]))
    assert not e2ee.verify(identity, e2ee.b64d(vector["hs_offer"]["sig"]), cert)
    assert e2ee.b64d(vector["hs_offer"]["sig_cert"]).hex() == vector["certificate"]["signature_hex"]


def test_it_reproduces_the_documented_vector_step_by_step(vector) -> None:
    keys = vector["keys"]
    seeker_eph = e2ee.private_key_from_hex(keys["seeker_ephemeral"]["d_hex"])
    counsellor_eph = e2ee.private_key_from_hex(keys["counsellor_ephemeral"]["d_hex"])
    root_point = keys["root"]["public_b64"]
    for name, key in keys.items():
        private = e2ee.private_key_from_hex(key["d_hex"])
        assert e2ee.public_point(private.public_key()).hex() == key["public_hex"], name
        assert e2ee.fingerprint(key["public_b64"]) == key["fingerprint"], name

    cert = e2ee.Certificate(
        serial=bytes.fromhex(vector["certificate"]["serial_hex"]),
        public_key=bytes.fromhex(vector["certificate"]["public_key_hex"]),
        not_before=vector["certificate"]["not_before"],
        not_after=vector["certificate"]["not_after"],
        issuer=bytes.fromhex(vector["certificate"]["issuer_hex"]),
        pseudonym=vector["certificate"]["pseudonym"],
    )
    assert cert.encode().hex() == vector["certificate"]["bytes_hex"]

    seeker = e2ee.SeekerHandshake(vector["session_id"], root_point, ephemeral=seeker_eph)
    assert seeker.init() == vector["hs_init"]["eph"]
    offer = {k: vector["hs_offer"][k] for k in ("cert", "sig_cert", "eph", "sig")}
    mac, seeker_cipher = seeker.accept_offer(**offer, now=vector["now"])
    assert mac == vector["hs_confirm"]["mac"]
    assert seeker.keys is not None
    assert seeker.keys.transcript_hash.hex() == vector["transcript_hash_hex"]
    assert hashlib.sha256(bytes.fromhex(vector["transcript_hex"])).hexdigest() == vector["transcript_hash_hex"]
    assert seeker.keys.shared_secret.hex() == vector["shared_secret_hex"]
    assert seeker.keys.seeker_chain.hex() == vector["seeker_chain_key_hex"]
    assert seeker.keys.counsellor_chain.hex() == vector["counsellor_chain_key_hex"]
    assert seeker.keys.confirm_key.hex() == vector["confirm_key_hex"]
    assert vector["hkdf"]["okm_hex"] == (
        vector["seeker_chain_key_hex"] + vector["counsellor_chain_key_hex"] + vector["confirm_key_hex"]
    )

    identity = e2ee.private_key_from_hex(keys["counsellor_identity"]["d_hex"])
    counsellor = e2ee.CounsellorHandshake(
        vector["session_id"],
        identity,
        bytes.fromhex(vector["certificate"]["bytes_hex"]),
        bytes.fromhex(vector["certificate"]["signature_hex"]),
        ephemeral=counsellor_eph,
    )
    fresh_offer = counsellor.offer(vector["hs_init"]["eph"])
    assert fresh_offer["eph"] == vector["hs_offer"]["eph"]
    counsellor_cipher = counsellor.confirm(mac)

    session = e2ee.session_bytes(vector["session_id"])
    senders = {e2ee.FROM_SEEKER: seeker_cipher, e2ee.FROM_COUNSELLOR: counsellor_cipher}
    receivers = {e2ee.FROM_SEEKER: counsellor_cipher, e2ee.FROM_COUNSELLOR: seeker_cipher}
    for message in vector["messages"]:
        direction, seq = message["direction_byte"], message["seq"]
        chain_key = bytes.fromhex(message["chain_key_hex"])
        assert e2ee.message_key(chain_key).hex() == message["message_key_hex"]
        assert e2ee.next_chain_key(chain_key).hex() == message["next_chain_key_hex"]
        assert e2ee.pad(message["plaintext"].encode()).hex() == message["padded_hex"]
        assert e2ee.nonce_for(direction, seq).hex() == message["nonce_hex"]
        assert e2ee.associated_data(session, direction, seq).hex() == message["associated_data_hex"]
        assert senders[direction].seal(message["plaintext"]) == (seq, message["frame"]["ct"])
        assert e2ee.b64d(message["frame"]["ct"]).hex() == message["ciphertext_hex"]
        assert receivers[direction].open(seq, message["frame"]["ct"]) == message["plaintext"]


BROWSER_VECTOR = """
const v = arg, k = v.keys, hex = E.fromHex;
const jwk = (key) => key.jwk;
const pair = async (key) => ({
  privateKey: await E.importPrivateJwk(jwk(key), "ecdh"),
  publicKey: await E.importPoint(hex(key.public_hex), {usage: "ecdh"}),
});
const out = {};
out.cert = E.toHex(E.encodeCertificate({
  serial: hex(v.certificate.serial_hex), publicKey: hex(v.certificate.public_key_hex),
  notBefore: v.certificate.not_before, notAfter: v.certificate.not_after,
  issuer: hex(v.certificate.issuer_hex), pseudonym: v.certificate.pseudonym,
}));
out.fingerprints = {};
for (const [name, key] of Object.entries(k)) out.fingerprints[name] = await E.fingerprint(hex(key.public_hex));
const seeker = new E.SeekerHandshake(v.session_id, k.root.public_b64, [], {ephemeral: await pair(k.seeker_ephemeral)});
out.eph = await seeker.init();
const offer = v.hs_offer;
const {mac, cipher: seekerCipher} = await seeker.acceptOffer(offer, {now: v.now});
out.mac = mac;
out.transcriptHash = E.toHex(seeker.keys.transcriptHash);
out.shared = E.toHex(seeker.keys.sharedSecret);
out.chains = [E.toHex(seeker.keys.seekerChain), E.toHex(seeker.keys.counsellorChain), E.toHex(seeker.keys.confirmKey)];
out.pseudonym = seeker.certificate.pseudonym;
const identity = await E.importPrivateJwk(jwk(k.counsellor_identity), "sign");
const counsellor = new E.CounsellorHandshake(v.session_id, identity, hex(v.certificate.bytes_hex),
  hex(v.certificate.signature_hex), {ephemeral: await pair(k.counsellor_ephemeral)});
const fresh = await counsellor.offer(v.hs_init.eph);
out.offerEph = fresh.eph;
out.offerSigValid = await E.verify(await E.importPoint(hex(k.counsellor_identity.public_hex)),
  E.b64d(fresh.sig), hex(v.transcript_hex));
const counsellorCipher = await counsellor.confirm(mac);
const session = E.sessionBytes(v.session_id);
const senders = {1: seekerCipher, 2: counsellorCipher}, receivers = {1: counsellorCipher, 2: seekerCipher};
out.messages = [];
for (const m of v.messages) {
  const chain = hex(m.chain_key_hex);
  const sealed = await senders[m.direction_byte].seal(m.plaintext);
  out.messages.push({
    message_key_hex: E.toHex(await E.messageKey(chain)),
    next_chain_key_hex: E.toHex(await E.nextChainKey(chain)),
    padded_hex: E.toHex(E.pad(new TextEncoder().encode(m.plaintext))),
    nonce_hex: E.toHex(E.nonceFor(m.direction_byte, m.seq)),
    associated_data_hex: E.toHex(E.associatedData(session, m.direction_byte, m.seq)),
    seq: sealed.seq, ct: sealed.ct,
    opened: await receivers[m.direction_byte].open(m.seq, m.frame.ct),
  });
}
return out;
"""


@pytest.mark.browser
def test_it_reproduces_the_documented_vector_in_the_browser(e2ee_page, vector) -> None:
    out = run_js(e2ee_page, BROWSER_VECTOR, vector)
    assert out["cert"] == vector["certificate"]["bytes_hex"]
    assert out["fingerprints"] == {name: key["fingerprint"] for name, key in vector["keys"].items()}
    assert out["eph"] == vector["hs_init"]["eph"]
    assert out["mac"] == vector["hs_confirm"]["mac"]
    assert out["transcriptHash"] == vector["transcript_hash_hex"]
    assert out["shared"] == vector["shared_secret_hex"]
    assert out["chains"] == [
        vector["seeker_chain_key_hex"],
        vector["counsellor_chain_key_hex"],
        vector["confirm_key_hex"],
    ]
    assert out["pseudonym"] == vector["certificate"]["pseudonym"]
    assert out["offerEph"] == vector["hs_offer"]["eph"]
    assert out["offerSigValid"] is True
    for got, want in zip(out["messages"], vector["messages"], strict=True):
        for field in ("message_key_hex", "next_chain_key_hex", "padded_hex", "nonce_hex", "associated_data_hex"):
            assert got[field] == want[field], field
        assert (got["seq"], got["ct"]) == (want["seq"], want["frame"]["ct"])
        assert got["opened"] == want["plaintext"]
