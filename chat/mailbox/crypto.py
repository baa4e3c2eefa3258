"""Reference implementation of secure messages, suite v1 (docs/PROTOCOL.md section 9).

Pure functions, no I/O: chat/mailbox/static/mailbox/js/mailbox-crypto.js implements the same
bytes in WebCrypto, and tests/mailbox checks both against the worked example in the protocol
document and against each other. The primitives are those of the chat (chat/e2ee.py): ECDH and
ECDSA P-256, HKDF-SHA-256, AES-256-GCM, the same padding buckets and certificates; the one new
primitive is PBKDF2-HMAC-SHA-256, which stretches the codename.

This module keeps nothing.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

from chat import e2ee
from chat.e2ee import ProtocolError, b64d, b64e

VERSION: Final = 1
CODENAME_WORDS: Final = 7
PBKDF2_ITERATIONS: Final = 600_000
# There is no per-mailbox salt: the salt would have to be looked up before the lookup identifier
# exists. A fixed domain-separation string keeps these hashes apart from any other use of PBKDF2.
PBKDF2_SALT: Final = b"helpline mailbox v1 codename"
HKDF_INFO: Final = b"helpline mailbox v1 keys"
WRAP_INFO: Final = b"helpline mailbox v1 wrap"
PRIVATE_MAGIC: Final = b"HLW\x01"
MESSAGE_MAGIC: Final = b"HLX\x01"
REPLY_MAGIC: Final = b"HLR\x01"
INBOX_KEY_MAGIC: Final = b"HLK\x01"
LOOKUP_BYTES: Final = 32
KEY_BYTES: Final = 32
NONCE_BYTES: Final = 12
WRAPPED_KEY_BYTES: Final = KEY_BYTES + e2ee.TAG_BYTES
WRAPPED_PRIVATE_BYTES: Final = NONCE_BYTES + 32 + e2ee.TAG_BYTES
ZERO_NONCE: Final = bytes(NONCE_BYTES)
# Recipient ids: the fingerprint (hex SHA-256 of the point) of the key a copy is wrapped for.
MAX_RECIPIENTS: Final = 64

FROM_SEEKER: Final = e2ee.FROM_SEEKER
FROM_COUNSELLOR: Final = e2ee.FROM_COUNSELLOR

WORDLIST_PATH: Final = Path(__file__).resolve().parent / "static" / "mailbox" / "eff_large_wordlist.txt"
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=1)
def wordlist() -> tuple[str, ...]:
    """The EFF large word list (7,776 words), as shipped to browsers."""
    words = tuple(WORDLIST_PATH.read_text(encoding="ascii").split())
    if len(words) != 7776 or len(set(words)) != 7776:
        raise RuntimeError("the codename word list must hold 7,776 different words")
    return words


def generate_codename(words: int = CODENAME_WORDS) -> str:
    """Seven words chosen uniformly at random: log2(7776) * 7 = 90.5 bits."""
    table = wordlist()
    return " ".join(secrets.choice(table) for _ in range(words))


def normalise_codename(text: str) -> str:
    """Lower case, words separated by single spaces. Raises ProtocolError(bad_codename) unless it is
    at least seven words of the list (a typing mistake is caught before any request is made)."""
    words = _SPACES.split(text.strip().lower())
    known = set(wordlist())
    if len(words) < CODENAME_WORDS or any(word not in known for word in words):
        raise ProtocolError("bad_codename", "a codename is at least seven words of the list")
    return " ".join(words)


@dataclass(frozen=True)
class CodenameKeys:
    stretched: bytes
    lookup: bytes
    wrap_key: bytes

    @property
    def lookup_b64(self) -> str:
        return b64e(self.lookup)


def derive_codename_keys(codename: str, *, iterations: int = PBKDF2_ITERATIONS) -> CodenameKeys:
    """PBKDF2 stretches the codename; HKDF splits the result into the lookup identifier (sent to the
    server, which keeps only its SHA-256) and the key that wraps the mailbox's private key (never sent)."""
    normalised = normalise_codename(codename)
    stretched = PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=PBKDF2_SALT, iterations=iterations).derive(
        normalised.encode("ascii")
    )
    okm = HKDF(algorithm=hashes.SHA256(), length=64, salt=None, info=HKDF_INFO).derive(stretched)
    return CodenameKeys(stretched, okm[:LOOKUP_BYTES], okm[LOOKUP_BYTES:])


def lookup_hash(lookup: bytes) -> str:
    """What the server stores and searches by: hex SHA-256 of the lookup identifier."""
    if len(lookup) != LOOKUP_BYTES:
        raise ProtocolError("bad_encoding", "lookup must be 32 bytes")
    return hashlib.sha256(lookup).hexdigest()


# --- the mailbox key pair ----------------------------------------------------------------------


def private_ad(mailbox_point: bytes) -> bytes:
    return PRIVATE_MAGIC + mailbox_point


def wrap_private_key(
    private_key: ec.EllipticCurvePrivateKey, wrap_key: bytes, *, nonce: bytes | None = None
) -> bytes:
    """nonce || AES-256-GCM(wrap_key, nonce, d, ad = "HLW" 1 || mailbox point): 60 bytes."""
    nonce = os.urandom(NONCE_BYTES) if nonce is None else nonce
    d = private_key.private_numbers().private_value.to_bytes(32, "big")
    point = e2ee.public_point(private_key.public_key())
    return nonce + AESGCM(wrap_key).encrypt(nonce, d, private_ad(point))


def unwrap_private_key(wrapped: bytes, wrap_key: bytes, mailbox_point: bytes) -> ec.EllipticCurvePrivateKey:
    if len(wrapped) != WRAPPED_PRIVATE_BYTES:
        raise ProtocolError("wrong_key", "the wrapped private key has the wrong length")
    try:
        d = AESGCM(wrap_key).decrypt(wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:], private_ad(mailbox_point))
    except InvalidTag as exc:
        raise ProtocolError("wrong_key", "the codename does not open this mailbox") from exc
    key = ec.derive_private_key(int.from_bytes(d, "big"), ec.SECP256R1())
    if e2ee.public_point(key.public_key()) != mailbox_point:
        raise ProtocolError("wrong_key", "the private key does not match the mailbox")
    return key


# --- counsellor inbox keys ---------------------------------------------------------------------


def inbox_key_statement(inbox_point: bytes, identity_point: bytes) -> bytes:
    """What a counsellor's identity key signs to vouch for its inbox (ECDH) key."""
    return INBOX_KEY_MAGIC + inbox_point + identity_point


@dataclass(frozen=True)
class Recipient:
    """A counsellor inbox key the browser may wrap message keys for, after every check passed."""

    point: bytes
    fingerprint: str
    pseudonym: str
    identity_fingerprint: str


def verify_recipient(
    *,
    cert: str,
    sig_cert: str,
    key: str,
    key_sig: str,
    root_public: ec.EllipticCurvePublicKey | bytes | str,
    revoked: Iterable[str] = (),
    now: float | None = None,
) -> Recipient:
    """The inbox key if its certificate is signed by the root, valid and unrevoked, and the certified
    identity key signed the inbox key. Raises ProtocolError otherwise (section 4 codes, bad_signature)."""
    cert_bytes = b64d(cert, maximum=e2ee.MAX_CERT_BYTES, what="cert")
    certificate = e2ee.verify_certificate(
        cert_bytes, b64d(sig_cert, exact=e2ee.SIGNATURE_BYTES, what="sig_cert"),
        root_public=root_public, now=now, revoked=revoked,
    )
    point = b64d(key, exact=e2ee.POINT_BYTES, what="key")
    e2ee.load_point(point, what="inbox key")
    identity = e2ee.load_point(certificate.public_key, what="certified key")
    signature = b64d(key_sig, exact=e2ee.SIGNATURE_BYTES, what="key_sig")
    if not e2ee.verify(identity, signature, inbox_key_statement(point, certificate.public_key)):
        raise ProtocolError("bad_signature", "the inbox key was not signed by the certified counsellor key")
    return Recipient(point, hashlib.sha256(point).hexdigest(), certificate.pseudonym, certificate.key_fingerprint)


# --- messages ----------------------------------------------------------------------------------


def message_ad(mailbox_point: bytes, direction: int, seq: int) -> bytes:
    """"HLX" 1 || mailbox point || direction || u64(seq): 78 bytes."""
    if direction not in (FROM_SEEKER, FROM_COUNSELLOR) or not 1 <= seq <= e2ee.MAX_SEQ:
        raise ProtocolError("bad_seq", "direction or seq out of range")
    return MESSAGE_MAGIC + mailbox_point + bytes([direction]) + struct.pack(">Q", seq)


def _kek(shared: bytes, eph_point: bytes, recipient_point: bytes) -> bytes:
    salt = hashlib.sha256(eph_point + recipient_point).digest()
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=WRAP_INFO).derive(shared)


@dataclass(frozen=True)
class SealedMessage:
    direction: int
    seq: int
    eph: bytes
    nonce: bytes
    ct: bytes
    wraps: dict[str, bytes]

    def fields(self) -> dict[str, object]:
        """The JSON shape the endpoints take (docs/PROTOCOL.md 9.5)."""
        return {
            "seq": self.seq,
            "eph": b64e(self.eph),
            "nonce": b64e(self.nonce),
            "ct": b64e(self.ct),
            "wraps": [{"to": to, "key": b64e(value)} for to, value in sorted(self.wraps.items())],
        }


def seal_message(
    plaintext: str,
    *,
    mailbox_point: bytes,
    direction: int,
    seq: int,
    recipients: Sequence[bytes],
    message_key: bytes | None = None,
    nonce: bytes | None = None,
    ephemeral: ec.EllipticCurvePrivateKey | None = None,
) -> SealedMessage:
    """Encrypt once under a fresh message key, and wrap that key for every recipient point.

    One ephemeral ECDH key per message; for each recipient R:
    kek = HKDF(ECDH(eph, R), salt = SHA-256(eph || R), info = "helpline mailbox v1 wrap"),
    wrapped = AES-256-GCM(kek, 12 zero bytes, message_key, ad). The kek is used once, so the fixed
    nonce never repeats under a key.
    """
    if not recipients or len(recipients) > MAX_RECIPIENTS:
        raise ProtocolError("no_recipients", "a message needs 1 to 64 recipients")
    message_key = os.urandom(KEY_BYTES) if message_key is None else message_key
    nonce = os.urandom(NONCE_BYTES) if nonce is None else nonce
    ephemeral = ephemeral or ec.generate_private_key(ec.SECP256R1())
    eph_point = e2ee.public_point(ephemeral.public_key())
    ad = message_ad(mailbox_point, direction, seq)
    ct = AESGCM(message_key).encrypt(nonce, e2ee.pad(plaintext.encode("utf-8")), ad)
    wraps: dict[str, bytes] = {}
    for point in recipients:
        shared = ephemeral.exchange(ec.ECDH(), e2ee.load_point(point, what="recipient key"))
        wraps[hashlib.sha256(point).hexdigest()] = AESGCM(_kek(shared, eph_point, point)).encrypt(
            ZERO_NONCE, message_key, ad
        )
    return SealedMessage(direction, seq, eph_point, nonce, ct, wraps)


def open_message(
    *,
    private_key: ec.EllipticCurvePrivateKey,
    mailbox_point: bytes,
    direction: int,
    seq: int,
    eph: bytes,
    nonce: bytes,
    ct: bytes,
    wraps: dict[str, bytes],
) -> str:
    """The plaintext, or ProtocolError: `not_for_me` (no copy for this key), `decrypt_failed`."""
    own = e2ee.public_point(private_key.public_key())
    wrapped = wraps.get(hashlib.sha256(own).hexdigest())
    if wrapped is None:
        raise ProtocolError("not_for_me", "this message has no copy for this key")
    ad = message_ad(mailbox_point, direction, seq)
    if len(ct) - e2ee.TAG_BYTES not in e2ee.PAD_BUCKETS or len(nonce) != NONCE_BYTES:
        raise ProtocolError("decrypt_failed", "ciphertext length is not a bucket")
    shared = private_key.exchange(ec.ECDH(), e2ee.load_point(eph, what="ephemeral key"))
    try:
        message_key = AESGCM(_kek(shared, eph, own)).decrypt(ZERO_NONCE, wrapped, ad)
        padded = AESGCM(message_key).decrypt(nonce, ct, ad)
    except InvalidTag as exc:
        raise ProtocolError("decrypt_failed", "the message was altered or is not for this mailbox") from exc
    try:
        return e2ee.unpad(padded).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProtocolError("bad_padding", "the message is not UTF-8") from exc


def reply_signed_data(mailbox_point: bytes, seq: int, eph: bytes, nonce: bytes, ct: bytes) -> bytes:
    """What the counsellor's identity key signs for a reply: "HLR" 1 || ad || SHA-256(eph || nonce || ct)."""
    return REPLY_MAGIC + message_ad(mailbox_point, FROM_COUNSELLOR, seq) + hashlib.sha256(eph + nonce + ct).digest()


def sign_reply(identity: ec.EllipticCurvePrivateKey, sealed: SealedMessage, mailbox_point: bytes) -> bytes:
    return e2ee.sign(identity, reply_signed_data(mailbox_point, sealed.seq, sealed.eph, sealed.nonce, sealed.ct))


def verify_reply(
    *,
    mailbox_point: bytes,
    seq: int,
    eph: bytes,
    nonce: bytes,
    ct: bytes,
    cert: str,
    sig_cert: str,
    sig: str,
    root_public: ec.EllipticCurvePublicKey | bytes | str,
    revoked: Iterable[str] = (),
    now: float | None = None,
) -> e2ee.Certificate:
    """The counsellor's certificate if the reply was signed by a certified, unrevoked identity key."""
    certificate = e2ee.verify_certificate(
        b64d(cert, maximum=e2ee.MAX_CERT_BYTES, what="cert"),
        b64d(sig_cert, exact=e2ee.SIGNATURE_BYTES, what="sig_cert"),
        root_public=root_public, now=now, revoked=revoked,
    )
    identity = e2ee.load_point(certificate.public_key, what="certified key")
    data = reply_signed_data(mailbox_point, seq, eph, nonce, ct)
    if not e2ee.verify(identity, b64d(sig, exact=e2ee.SIGNATURE_BYTES, what="sig"), data):
        raise ProtocolError("bad_signature", "the reply was not signed by the certified counsellor key")
    return certificate
