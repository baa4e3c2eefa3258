"""Builds the worked example (test vector) in the appendix of docs/PROTOCOL.md.

    python -m chat.loadtest.e2ee_vector            # print the vector as JSON
    python -m chat.loadtest.e2ee_vector --write    # replace the protocol-test-vector block in docs/PROTOCOL.md

Everything is derived from fixed private keys and fixed inputs, so every value except the two
ECDSA signatures is reproducible; the signatures are randomised and are checked by verifying them.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec

from chat import e2ee

DOC = Path(__file__).resolve().parents[2] / "docs" / "PROTOCOL.md"
FENCE = re.compile(r"(```json protocol-test-vector\n)(.*?)(\n```)", re.DOTALL)

NOW = 1767225600  # 2026-01-01T00:00:00Z
NOT_BEFORE = 1767139200  # 2025-12-31T00:00:00Z
NOT_AFTER = 1774915200  # 2026-03-31T00:00:00Z
SESSION_ID = e2ee.b64e(hashlib.sha256(b"helpline e2ee v1 test vector: session").digest()[:16])
SERIAL = hashlib.sha256(b"helpline e2ee v1 test vector: serial").digest()[:16]
PSEUDONYM = "Counsellor Robin"
PLAINTEXTS = [
    (e2ee.FROM_SEEKER, '{"t":"text","body":"Hello, is anyone there?"}'),
    (e2ee.FROM_COUNSELLOR, '{"t":"text","body":"Hello, yes. I am here to listen. Take your time."}'),
    (e2ee.FROM_SEEKER, '{"t":"text","body":"Thank you."}'),
    (
        e2ee.FROM_COUNSELLOR,
        '{"t":"resource","url":"https://example.org/self-help","title":"Self-help: first steps"}',
    ),
]
# P-256 group order.
ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


def fixed_key(label: str) -> ec.EllipticCurvePrivateKey:
    """d = (SHA-256("helpline e2ee v1 test vector: " + label) mod (n - 1)) + 1."""
    digest = hashlib.sha256(f"helpline e2ee v1 test vector: {label}".encode()).digest()
    return ec.derive_private_key(int.from_bytes(digest, "big") % (ORDER - 1) + 1, ec.SECP256R1())


def describe_key(key: ec.EllipticCurvePrivateKey) -> dict[str, Any]:
    d = key.private_numbers().private_value.to_bytes(32, "big")
    point = e2ee.public_point(key.public_key())
    return {
        "d_hex": d.hex(),
        "jwk": {
            "kty": "EC",
            "crv": "P-256",
            "d": e2ee.b64e(d),
            "x": e2ee.b64e(point[1:33]),
            "y": e2ee.b64e(point[33:]),
        },
        "public_hex": point.hex(),
        "public_b64": e2ee.b64e(point),
        "fingerprint": hashlib.sha256(point).hexdigest(),
    }


def build_vector() -> dict[str, Any]:
    root = fixed_key("root")
    identity = fixed_key("counsellor identity")
    seeker_eph = fixed_key("seeker ephemeral")
    counsellor_eph = fixed_key("counsellor ephemeral")

    cert_bytes, cert_sig = e2ee.issue_certificate(
        root_private=root,
        public_key=identity.public_key(),
        pseudonym=PSEUDONYM,
        not_before=NOT_BEFORE,
        not_after=NOT_AFTER,
        serial=SERIAL,
    )
    seeker = e2ee.SeekerHandshake(SESSION_ID, root.public_key(), ephemeral=seeker_eph)
    counsellor = e2ee.CounsellorHandshake(
        SESSION_ID, identity, cert_bytes, cert_sig, ephemeral=counsellor_eph
    )
    hs_init = {"type": "hs_init", "eph": seeker.init()}
    offer = counsellor.offer(hs_init["eph"])
    mac, seeker_cipher = seeker.accept_offer(**offer, now=NOW)
    counsellor_cipher = counsellor.confirm(mac)
    keys = seeker.keys
    assert keys is not None and counsellor.keys == keys

    session = e2ee.session_bytes(SESSION_ID)
    transcript = e2ee.transcript(session, e2ee.b64d(hs_init["eph"]), e2ee.b64d(offer["eph"]), cert_bytes)
    okm = keys.seeker_chain + keys.counsellor_chain + keys.confirm_key

    chains = {e2ee.FROM_SEEKER: keys.seeker_chain, e2ee.FROM_COUNSELLOR: keys.counsellor_chain}
    ciphers = {e2ee.FROM_SEEKER: seeker_cipher, e2ee.FROM_COUNSELLOR: counsellor_cipher}
    readers = {e2ee.FROM_SEEKER: counsellor_cipher, e2ee.FROM_COUNSELLOR: seeker_cipher}
    messages = []
    for direction, plaintext in PLAINTEXTS:
        chain_key = chains[direction]
        seq, ct = ciphers[direction].seal(plaintext)
        assert readers[direction].open(seq, ct) == plaintext
        padded = e2ee.pad(plaintext.encode("utf-8"))
        messages.append(
            {
                "direction": "seeker_to_counsellor"
                if direction == e2ee.FROM_SEEKER
                else "counsellor_to_seeker",
                "direction_byte": direction,
                "seq": seq,
                "chain_key_hex": chain_key.hex(),
                "message_key_hex": e2ee.message_key(chain_key).hex(),
                "next_chain_key_hex": e2ee.next_chain_key(chain_key).hex(),
                "plaintext": plaintext,
                "padded_length": len(padded),
                "padded_hex": padded.hex(),
                "nonce_hex": e2ee.nonce_for(direction, seq).hex(),
                "associated_data_hex": e2ee.associated_data(session, direction, seq).hex(),
                "ciphertext_hex": e2ee.b64d(ct).hex(),
                "frame": {"type": "msg", "seq": seq, "ct": ct},
            }
        )
        chains[direction] = e2ee.next_chain_key(chain_key)

    return {
        "description": (
            "Worked example for suite v1. Byte strings are lower-case hex (fields ending in _hex) or "
            "base64url without padding (wire fields and fields ending in _b64). Every value is "
            "reproducible from the private keys and inputs except certificate.signature_hex (which "
            "hs_offer.sig_cert carries) and hs_offer.sig: ECDSA signatures are randomised, so check "
            "them by verifying, not by comparing bytes."
        ),
        "version": e2ee.VERSION,
        "now": NOW,
        "session_id": SESSION_ID,
        "session_hex": session.hex(),
        "keys": {
            "root": describe_key(root),
            "counsellor_identity": describe_key(identity),
            "seeker_ephemeral": describe_key(seeker_eph),
            "counsellor_ephemeral": describe_key(counsellor_eph),
        },
        "certificate": {
            "serial_hex": SERIAL.hex(),
            "public_key_hex": e2ee.public_point(identity.public_key()).hex(),
            "not_before": NOT_BEFORE,
            "not_after": NOT_AFTER,
            "issuer_hex": describe_key(root)["fingerprint"],
            "pseudonym": PSEUDONYM,
            "bytes_hex": cert_bytes.hex(),
            "signature_hex": cert_sig.hex(),
            "signature_check": "ECDSA P-256/SHA-256 verify of bytes_hex with keys.root public key; r || s",
        },
        "hs_init": hs_init,
        "hs_offer": {"type": "hs_offer", "session": SESSION_ID, **offer},
        "hs_offer_sig_check": (
            "ECDSA P-256/SHA-256 verify of transcript_hex with keys.counsellor_identity public key; r || s"
        ),
        "transcript_hex": transcript.hex(),
        "transcript_hash_hex": keys.transcript_hash.hex(),
        "shared_secret_hex": keys.shared_secret.hex(),
        "hkdf": {
            "ikm": "shared_secret_hex",
            "salt_hex": keys.transcript_hash.hex(),
            "info_hex": e2ee.HKDF_INFO.hex(),
            "length": 96,
            "okm_hex": okm.hex(),
        },
        "seeker_chain_key_hex": keys.seeker_chain.hex(),
        "counsellor_chain_key_hex": keys.counsellor_chain.hex(),
        "confirm_key_hex": keys.confirm_key.hex(),
        "hs_confirm": {"type": "hs_confirm", "mac": mac},
        "messages": messages,
    }


def render(vector: dict[str, Any]) -> str:
    return json.dumps(vector, indent=2, ensure_ascii=False)


def read_from_doc(path: Path = DOC) -> dict[str, Any]:
    match = FENCE.search(path.read_text(encoding="utf-8"))
    if match is None:
        raise LookupError(f"{path} has no ```json protocol-test-vector block")
    return json.loads(match.group(2))


def write_to_doc(vector: dict[str, Any], path: Path = DOC) -> None:
    text = path.read_text(encoding="utf-8")
    if FENCE.search(text) is None:
        raise LookupError(f"{path} has no ```json protocol-test-vector block")
    path.write_text(
        FENCE.sub(lambda m: m.group(1) + render(vector) + m.group(3), text, count=1), encoding="utf-8"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help=f"replace the block in {DOC}")
    args = parser.parse_args(argv)
    vector = build_vector()
    if args.write:
        write_to_doc(vector)
    else:
        sys.stdout.write(render(vector) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
