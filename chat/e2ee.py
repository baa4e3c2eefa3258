"""Reference implementation of the end-to-end encryption protocol, suite v1 (docs/PROTOCOL.md).

Pure functions and small state objects, no I/O: the browser module chat/static/chat/js/e2ee.js
implements the same bytes, and tests/chat checks that both agree with each other and with the
worked example in the protocol document.

Suite v1: ECDH P-256, ECDSA P-256 with SHA-256, HKDF-SHA-256, AES-256-GCM.

This module keeps nothing: keys live in the objects the caller holds and vanish with them.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
import struct
import time
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

VERSION: Final = 1

CERT_MAGIC: Final = b"HLC\x01"
TRANSCRIPT_MAGIC: Final = b"HLT\x01"
AD_MAGIC: Final = b"HLM\x01"
HKDF_INFO: Final = b"helpline e2ee v1 chat keys"
CONFIRM_LABEL: Final = b"helpline e2ee v1 confirm"

# Direction bytes: who sent the message.
FROM_SEEKER: Final = 1
FROM_COUNSELLOR: Final = 2

POINT_BYTES: Final = 65
SIGNATURE_BYTES: Final = 64
SESSION_BYTES: Final = 16
SERIAL_BYTES: Final = 16
MAX_PSEUDONYM_BYTES: Final = 64
CERT_FIXED_BYTES: Final = 4 + SERIAL_BYTES + POINT_BYTES + 8 + 8 + 32 + 1
MAX_CERT_BYTES: Final = CERT_FIXED_BYTES + MAX_PSEUDONYM_BYTES

PAD_BUCKETS: Final = (256, 1024, 4096, 16384)
LENGTH_PREFIX_BYTES: Final = 4
MAX_PLAINTEXT_BYTES: Final = PAD_BUCKETS[-1] - LENGTH_PREFIX_BYTES
TAG_BYTES: Final = 16
MAX_CIPHERTEXT_BYTES: Final = PAD_BUCKETS[-1] + TAG_BYTES
# Sequence numbers must survive a round trip through JSON and JavaScript numbers.
MAX_SEQ: Final = 2**53 - 1

_B64URL = re.compile(r"^[A-Za-z0-9_-]*$")


class ProtocolError(Exception):
    """A refusal with a stable code (docs/PROTOCOL.md, "Client-side error codes")."""

    def __init__(self, code: str, message: str = "") -> None:
        super().__init__(f"{code}: {message}" if message else code)
        self.code = code
        self.message = message or code


class _Duplicate:
    """Returned by ChatCipher.open for a frame that was already received (redelivery)."""

    _instance: _Duplicate | None = None

    def __new__(cls) -> _Duplicate:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "DUPLICATE"

    def __bool__(self) -> bool:
        return False


DUPLICATE: Final = _Duplicate()


# ---------------------------------------------------------------------------------------------
# Encodings


def b64e(data: bytes) -> str:
    """base64url without padding."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64d(text: object, *, exact: int | None = None, maximum: int | None = None, what: str = "value") -> bytes:
    """Strict base64url decoding: no padding, no other alphabet, canonical trailing bits only."""
    if not isinstance(text, str):
        raise ProtocolError("bad_encoding", f"{what} must be a string")
    limit = exact if exact is not None else maximum
    if limit is not None and len(text) > (limit * 4 + 2) // 3:
        raise ProtocolError("bad_encoding", f"{what} is too long")
    if not _B64URL.match(text) or len(text) % 4 == 1:
        raise ProtocolError("bad_encoding", f"{what} is not base64url")
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise ProtocolError("bad_encoding", f"{what} is not base64url") from exc
    if b64e(data) != text:
        raise ProtocolError("bad_encoding", f"{what} is not canonical base64url")
    if exact is not None and len(data) != exact:
        raise ProtocolError("bad_encoding", f"{what} must be {exact} bytes")
    return data


def session_bytes(session_id: str) -> bytes:
    return b64d(session_id, exact=SESSION_BYTES, what="session id")


def public_point(key: ec.EllipticCurvePublicKey) -> bytes:
    """The 65-byte uncompressed SEC1 point of a P-256 public key."""
    return key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)


def load_point(data: bytes, *, what: str = "public key") -> ec.EllipticCurvePublicKey:
    """A P-256 public key from its uncompressed point; refuses anything else, even off-curve points."""
    if len(data) != POINT_BYTES or data[0] != 4:
        raise ProtocolError("bad_key", f"{what} must be an uncompressed P-256 point")
    try:
        return ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), data)
    except ValueError as exc:
        raise ProtocolError("bad_key", f"{what} is not a point on P-256") from exc


def as_public_key(key: ec.EllipticCurvePublicKey | bytes | str) -> ec.EllipticCurvePublicKey:
    """Accept a key object, its 65-byte point, or the base64url of that point."""
    if isinstance(key, ec.EllipticCurvePublicKey):
        if not isinstance(key.curve, ec.SECP256R1):
            raise ProtocolError("bad_key", "only P-256 keys are supported")
        return key
    if isinstance(key, str):
        key = b64d(key, exact=POINT_BYTES, what="public key")
    return load_point(key)


def fingerprint(key: ec.EllipticCurvePublicKey | bytes | str) -> str:
    """Lower-case hex SHA-256 of the uncompressed point: how keys are named everywhere."""
    return hashlib.sha256(public_point(as_public_key(key))).hexdigest()


def format_fingerprint(hex_fingerprint: str) -> str:
    """Groups of four for reading aloud or comparing by eye."""
    return " ".join(hex_fingerprint[i : i + 4] for i in range(0, len(hex_fingerprint), 4))


def signature_to_raw(der: bytes) -> bytes:
    r, s = decode_dss_signature(der)
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def signature_from_raw(raw: bytes) -> bytes:
    if len(raw) != SIGNATURE_BYTES:
        raise ProtocolError("bad_signature", "signatures are 64 bytes (r || s)")
    return encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))


def sign(private_key: ec.EllipticCurvePrivateKey, data: bytes) -> bytes:
    """ECDSA P-256 / SHA-256 as WebCrypto produces it: 64 bytes r || s."""
    return signature_to_raw(private_key.sign(data, ec.ECDSA(hashes.SHA256())))


def verify(public_key: ec.EllipticCurvePublicKey, signature: bytes, data: bytes) -> bool:
    try:
        public_key.verify(signature_from_raw(signature), data, ec.ECDSA(hashes.SHA256()))
    except (InvalidSignature, ProtocolError):
        return False
    return True


def generate_ephemeral() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def private_key_from_hex(d_hex: str) -> ec.EllipticCurvePrivateKey:
    return ec.derive_private_key(int(d_hex, 16), ec.SECP256R1())


# ---------------------------------------------------------------------------------------------
# Certificates


@dataclass(frozen=True)
class Certificate:
    serial: bytes
    public_key: bytes
    not_before: int
    not_after: int
    issuer: bytes
    pseudonym: str

    @property
    def serial_hex(self) -> str:
        return self.serial.hex()

    @property
    def key_fingerprint(self) -> str:
        return hashlib.sha256(self.public_key).hexdigest()

    def encode(self) -> bytes:
        name = self.pseudonym.encode("utf-8")
        return b"".join(
            [
                CERT_MAGIC,
                self.serial,
                self.public_key,
                struct.pack(">QQ", self.not_before, self.not_after),
                self.issuer,
                bytes([len(name)]),
                name,
            ]
        )

    @classmethod
    def decode(cls, data: bytes) -> Certificate:
        if not CERT_FIXED_BYTES < len(data) <= MAX_CERT_BYTES or data[:4] != CERT_MAGIC:
            raise ProtocolError("bad_certificate", "not a v1 certificate")
        offset = 4
        serial = data[offset : offset + SERIAL_BYTES]
        offset += SERIAL_BYTES
        point = data[offset : offset + POINT_BYTES]
        offset += POINT_BYTES
        not_before, not_after = struct.unpack(">QQ", data[offset : offset + 16])
        offset += 16
        issuer = data[offset : offset + 32]
        offset += 32
        length = data[offset]
        offset += 1
        if length < 1 or length > MAX_PSEUDONYM_BYTES or offset + length != len(data):
            raise ProtocolError("bad_certificate", "pseudonym length does not match")
        try:
            pseudonym = data[offset:].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ProtocolError("bad_certificate", "pseudonym is not UTF-8") from exc
        if unicodedata.normalize("NFC", pseudonym) != pseudonym:
            raise ProtocolError("bad_certificate", "pseudonym is not in NFC")
        load_point(point, what="certified key")
        if not_before > not_after or not_after > MAX_SEQ:
            raise ProtocolError("bad_certificate", "validity period is invalid")
        return cls(serial, point, not_before, not_after, issuer, pseudonym)


def issue_certificate(
    *,
    root_private: ec.EllipticCurvePrivateKey,
    public_key: ec.EllipticCurvePublicKey | bytes | str,
    pseudonym: str,
    not_before: int,
    not_after: int,
    serial: bytes | None = None,
) -> tuple[bytes, bytes]:
    """Certificate bytes and the root's 64-byte signature over them."""
    pseudonym = unicodedata.normalize("NFC", pseudonym.strip())
    if not 1 <= len(pseudonym.encode("utf-8")) <= MAX_PSEUDONYM_BYTES:
        raise ProtocolError("bad_certificate", f"pseudonym must be 1 to {MAX_PSEUDONYM_BYTES} bytes of UTF-8")
    if not 0 <= not_before <= not_after <= MAX_SEQ:
        raise ProtocolError("bad_certificate", "validity period is invalid")
    serial = os.urandom(SERIAL_BYTES) if serial is None else serial
    if len(serial) != SERIAL_BYTES:
        raise ProtocolError("bad_certificate", "serial must be 16 bytes")
    cert = Certificate(
        serial=serial,
        public_key=public_point(as_public_key(public_key)),
        not_before=int(not_before),
        not_after=int(not_after),
        issuer=bytes.fromhex(fingerprint(root_private.public_key())),
        pseudonym=pseudonym,
    )
    data = cert.encode()
    return data, sign(root_private, data)


def verify_certificate(
    cert_bytes: bytes,
    signature: bytes,
    *,
    root_public: ec.EllipticCurvePublicKey | bytes | str,
    now: float | None = None,
    revoked: Iterable[str] = (),
) -> Certificate:
    """The decoded certificate if the root signed it, it is valid at `now` and not revoked.

    `revoked` holds certificate serials or identity-key fingerprints, as lower-case hex.
    """
    root = as_public_key(root_public)
    cert = Certificate.decode(cert_bytes)
    if cert.issuer != bytes.fromhex(fingerprint(root)) or not verify(root, signature, cert_bytes):
        raise ProtocolError(
            "untrusted_certificate", "the certificate is not signed by the organisation's root key"
        )
    moment = int(time.time() if now is None else now)
    if moment < cert.not_before:
        raise ProtocolError("certificate_not_yet_valid", "the certificate is not valid yet")
    if moment > cert.not_after:
        raise ProtocolError("certificate_expired", "the certificate has expired")
    refused = {item.lower() for item in revoked}
    if cert.serial_hex in refused or cert.key_fingerprint in refused:
        raise ProtocolError("certificate_revoked", "the certificate has been revoked")
    return cert


# ---------------------------------------------------------------------------------------------
# Handshake


def transcript(session: bytes, eph_seeker: bytes, eph_counsellor: bytes, cert_bytes: bytes) -> bytes:
    return b"".join(
        [
            TRANSCRIPT_MAGIC,
            session,
            eph_seeker,
            eph_counsellor,
            struct.pack(">H", len(cert_bytes)),
            cert_bytes,
        ]
    )


@dataclass(frozen=True)
class SessionKeys:
    transcript_hash: bytes
    shared_secret: bytes
    seeker_chain: bytes
    counsellor_chain: bytes
    confirm_key: bytes

    @property
    def confirm_mac(self) -> bytes:
        return hmac.new(self.confirm_key, CONFIRM_LABEL + self.transcript_hash, hashlib.sha256).digest()


def derive_keys(
    private_key: ec.EllipticCurvePrivateKey, peer_point: bytes, transcript_bytes: bytes
) -> SessionKeys:
    shared = private_key.exchange(ec.ECDH(), load_point(peer_point, what="ephemeral key"))
    th = hashlib.sha256(transcript_bytes).digest()
    okm = HKDF(algorithm=hashes.SHA256(), length=96, salt=th, info=HKDF_INFO).derive(shared)
    return SessionKeys(th, shared, okm[:32], okm[32:64], okm[64:])


class SeekerHandshake:
    """The help-seeker's side: sends hs_init, checks hs_offer, answers with hs_confirm."""

    def __init__(
        self,
        session_id: str,
        root_public: ec.EllipticCurvePublicKey | bytes | str,
        revoked: Iterable[str] = (),
        *,
        ephemeral: ec.EllipticCurvePrivateKey | None = None,
    ) -> None:
        self.session_id = session_id
        self._session = session_bytes(session_id)
        self._root = as_public_key(root_public)
        self._revoked = tuple(revoked)
        self._ephemeral = ephemeral or generate_ephemeral()
        self._eph = public_point(self._ephemeral.public_key())
        self.certificate: Certificate | None = None
        self.keys: SessionKeys | None = None

    def init(self) -> str:
        """The `eph` field of hs_init."""
        return b64e(self._eph)

    def accept_offer(
        self, cert: str, sig_cert: str, eph: str, sig: str, *, now: float | None = None
    ) -> tuple[str, ChatCipher]:
        """Checks the counsellor's offer; returns the `mac` of hs_confirm and the chat cipher.

        Raises ProtocolError, before any key is derived, if the certificate or the transcript
        signature does not check out.
        """
        if self.keys is not None:
            raise ProtocolError("wrong_state", "the handshake has already completed")
        cert_bytes = b64d(cert, maximum=MAX_CERT_BYTES, what="cert")
        cert_sig = b64d(sig_cert, exact=SIGNATURE_BYTES, what="sig_cert")
        eph_c = b64d(eph, exact=POINT_BYTES, what="eph")
        signature = b64d(sig, exact=SIGNATURE_BYTES, what="sig")
        load_point(eph_c, what="counsellor ephemeral key")
        certificate = verify_certificate(
            cert_bytes, cert_sig, root_public=self._root, now=now, revoked=self._revoked
        )
        data = transcript(self._session, self._eph, eph_c, cert_bytes)
        if not verify(load_point(certificate.public_key), signature, data):
            raise ProtocolError(
                "bad_signature", "the handshake was not signed by the certified counsellor key"
            )
        keys = derive_keys(self._ephemeral, eph_c, data)
        self.certificate, self.keys = certificate, keys
        cipher = ChatCipher(self.session_id, FROM_SEEKER, keys.seeker_chain, keys.counsellor_chain)
        return b64e(keys.confirm_mac), cipher


class CounsellorHandshake:
    """The counsellor's side: answers hs_init with hs_offer, checks hs_confirm."""

    def __init__(
        self,
        session_id: str,
        identity_private: ec.EllipticCurvePrivateKey,
        cert_bytes: bytes,
        cert_sig: bytes,
        *,
        ephemeral: ec.EllipticCurvePrivateKey | None = None,
    ) -> None:
        self.session_id = session_id
        self._session = session_bytes(session_id)
        self._identity = identity_private
        self._cert = bytes(cert_bytes)
        self._cert_sig = bytes(cert_sig)
        self._ephemeral = ephemeral or generate_ephemeral()
        self._eph = public_point(self._ephemeral.public_key())
        self.keys: SessionKeys | None = None
        self._done = False

    def offer(self, eph_seeker: str) -> dict[str, str]:
        """The fields of hs_offer (without `session`) for the seeker's hs_init `eph`."""
        if self.keys is not None:
            raise ProtocolError("wrong_state", "an offer has already been made")
        eph_s = b64d(eph_seeker, exact=POINT_BYTES, what="eph")
        load_point(eph_s, what="seeker ephemeral key")
        data = transcript(self._session, eph_s, self._eph, self._cert)
        self.keys = derive_keys(self._ephemeral, eph_s, data)
        return {
            "cert": b64e(self._cert),
            "sig_cert": b64e(self._cert_sig),
            "eph": b64e(self._eph),
            "sig": b64e(sign(self._identity, data)),
        }

    def confirm(self, mac: str) -> ChatCipher:
        if self.keys is None or self._done:
            raise ProtocolError("wrong_state", "no offer is waiting for confirmation")
        value = b64d(mac, exact=32, what="mac")
        if not hmac.compare_digest(value, self.keys.confirm_mac):
            raise ProtocolError("confirm_failed", "the help-seeker derived different keys")
        self._done = True
        keys = self.keys
        return ChatCipher(self.session_id, FROM_COUNSELLOR, keys.counsellor_chain, keys.seeker_chain)


# ---------------------------------------------------------------------------------------------
# Messages


def message_key(chain_key: bytes) -> bytes:
    return hmac.new(chain_key, b"\x01", hashlib.sha256).digest()


def next_chain_key(chain_key: bytes) -> bytes:
    return hmac.new(chain_key, b"\x02", hashlib.sha256).digest()


def nonce_for(direction: int, seq: int) -> bytes:
    return bytes([direction, 0, 0, 0]) + struct.pack(">Q", seq)


def associated_data(session: bytes, direction: int, seq: int) -> bytes:
    return AD_MAGIC + session + bytes([direction]) + struct.pack(">Q", seq)


def pad(message: bytes) -> bytes:
    """uint32 length || message || zero bytes, up to the smallest bucket that fits."""
    total = len(message) + LENGTH_PREFIX_BYTES
    for bucket in PAD_BUCKETS:
        if total <= bucket:
            return struct.pack(">I", len(message)) + message + bytes(bucket - total)
    raise ProtocolError("too_large", f"a message may be at most {MAX_PLAINTEXT_BYTES} bytes of UTF-8")


def unpad(padded: bytes) -> bytes:
    if len(padded) not in PAD_BUCKETS:
        raise ProtocolError("bad_padding", "padded length is not a bucket")
    (length,) = struct.unpack(">I", padded[:LENGTH_PREFIX_BYTES])
    end = LENGTH_PREFIX_BYTES + length
    if end > len(padded) or any(padded[end:]):
        raise ProtocolError("bad_padding", "padding is malformed")
    return padded[LENGTH_PREFIX_BYTES:end]


class _Chain:
    """One direction's hash ratchet: the key for the next sequence number, nothing older."""

    __slots__ = ("key", "seq")

    def __init__(self, key: bytes) -> None:
        self.key = key
        # The last sequence number sent or received; the next one is seq + 1.
        self.seq = 0


class ChatCipher:
    """Seals outgoing and opens incoming messages for one side of one chat."""

    def __init__(self, session_id: str, direction: int, send_chain: bytes, receive_chain: bytes) -> None:
        if direction not in (FROM_SEEKER, FROM_COUNSELLOR):
            raise ValueError("direction must be FROM_SEEKER or FROM_COUNSELLOR")
        self.session_id = session_id
        self._session = session_bytes(session_id)
        self.direction = direction
        self.peer_direction = FROM_COUNSELLOR if direction == FROM_SEEKER else FROM_SEEKER
        self._send = _Chain(send_chain)
        self._receive = _Chain(receive_chain)

    @property
    def sent(self) -> int:
        return self._send.seq

    @property
    def received(self) -> int:
        return self._receive.seq

    def seal(self, plaintext: str) -> tuple[int, str]:
        """The `seq` and `ct` of the next msg frame."""
        padded = pad(plaintext.encode("utf-8"))
        chain = self._send
        if chain.seq >= MAX_SEQ:
            raise ProtocolError("too_many_messages", "start a new handshake")
        seq = chain.seq + 1
        key = message_key(chain.key)
        ct = AESGCM(key).encrypt(
            nonce_for(self.direction, seq), padded, associated_data(self._session, self.direction, seq)
        )
        chain.key, chain.seq = next_chain_key(chain.key), seq
        return seq, b64e(ct)

    def open(self, seq: object, ct: object) -> str | _Duplicate:
        """The plaintext of a msg frame, DUPLICATE for one already received, or ProtocolError.

        On DUPLICATE or error nothing changes: the next expected sequence number and chain key
        are as before.
        """
        if isinstance(seq, bool) or not isinstance(seq, int) or not 1 <= seq <= MAX_SEQ:
            raise ProtocolError("bad_seq", "seq must be a whole number from 1")
        chain = self._receive
        if seq <= chain.seq:
            return DUPLICATE
        if seq != chain.seq + 1:
            raise ProtocolError("gap", f"expected message {chain.seq + 1}, got {seq}")
        data = b64d(ct, maximum=MAX_CIPHERTEXT_BYTES, what="ct")
        if len(data) - TAG_BYTES not in PAD_BUCKETS:
            raise ProtocolError("decrypt_failed", "ciphertext length is not a bucket")
        try:
            padded = AESGCM(message_key(chain.key)).decrypt(
                nonce_for(self.peer_direction, seq),
                data,
                associated_data(self._session, self.peer_direction, seq),
            )
        except InvalidTag as exc:
            raise ProtocolError("decrypt_failed", "the message was altered or is not for this chat") from exc
        message = unpad(padded)
        try:
            text = message.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ProtocolError("bad_padding", "the message is not UTF-8") from exc
        chain.key, chain.seq = next_chain_key(chain.key), seq
        return text
