"""The declared shapes of every secure-message request, and the errors they answer with.

Pure: untrusted JSON in, checked values or a `MailboxError` (code, HTTP status) out. The codes are
the table in docs/PROTOCOL.md 9.7; the endpoints never answer with anything else.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Final

from chat import e2ee
from chat.e2ee import ProtocolError
from chat.mailbox import crypto

MAX_BODY_BYTES: Final = 65_536
_FINGERPRINT = re.compile(r"^[0-9a-f]{64}$")
_PRIORITIES: Final = {"normal": 2, "raised": 1}
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{1,4})?$")

# code -> (HTTP status, English explanation for developers; pages show their own words)
ERRORS: Final[dict[str, tuple[int, str]]] = {
    "bad_request": (400, "the request is not JSON of the declared shape"),
    "too_large": (413, "the request or the message is larger than allowed"),
    "wrong_keys": (422, "the message is not wrapped for the mailbox key and current counsellor keys only"),
    "replayed": (409, "this sequence number was already used"),
    "out_of_order": (409, "a message with a lower sequence number is missing"),
    "exists": (409, "a mailbox with this lookup identifier exists"),
    "expired": (410, "the mailbox no longer exists: it was deleted or expired"),
    "full": (409, "the mailbox holds as many messages as allowed"),
    "rate_limited": (429, "too many attempts; try again later"),
    "not_allowed": (403, "this thread is not claimed by you"),
    "claimed": (409, "another counsellor has claimed this thread"),
    "no_key": (409, "register a certified identity key and an inbox key first"),
    "bad_wrapup": (400, "the wrap-up is incomplete or holds unknown codes"),
    "not_found": (404, "no such thread"),
    "server_error": (500, "something failed on the server; nothing was changed"),
}


class MailboxError(Exception):
    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(code)
        self.code = code
        self.status, message = ERRORS[code]
        self.message = detail or message


def parse_body(body: bytes) -> dict[str, Any]:
    if len(body) > MAX_BODY_BYTES:
        raise MailboxError("too_large")
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise MailboxError("bad_request", "the body is not JSON") from exc
    if not isinstance(data, dict):
        raise MailboxError("bad_request", "the body is not a JSON object")
    return data


def check_only(data: dict[str, Any], allowed: set[str]) -> None:
    extra = set(data) - allowed
    if extra:
        raise MailboxError("bad_request", f"unknown member {sorted(extra)[0]!r}"[:200])


def _bytes(data: dict[str, Any], name: str, *, exact: int | None = None, maximum: int | None = None) -> bytes:
    try:
        return e2ee.b64d(data.get(name), exact=exact, maximum=maximum, what=name)
    except ProtocolError as exc:
        raise MailboxError("bad_request", exc.message) from exc


def check_lookup(data: dict[str, Any]) -> str:
    """The lookup hash to search by (the identifier itself goes no further than this function)."""
    return crypto.lookup_hash(_bytes(data, "lookup", exact=crypto.LOOKUP_BYTES))


@dataclass(frozen=True)
class IncomingMessage:
    seq: int
    eph: bytes
    nonce: bytes
    ct: bytes
    wraps: dict[str, str]
    cert: bytes | None = None
    sig_cert: bytes | None = None
    sig: bytes | None = None


def check_message(value: object, *, reply: bool = False) -> IncomingMessage:
    if not isinstance(value, dict):
        raise MailboxError("bad_request", "message must be an object")
    fields = {"seq", "eph", "nonce", "ct", "wraps"} | ({"cert", "sig_cert", "sig"} if reply else set())
    check_only(value, fields)
    seq = value.get("seq")
    if isinstance(seq, bool) or not isinstance(seq, int) or not 1 <= seq <= e2ee.MAX_SEQ:
        raise MailboxError("bad_request", "seq must be a whole number from 1")
    ct_text = value.get("ct")
    if isinstance(ct_text, str) and len(ct_text) > (e2ee.MAX_CIPHERTEXT_BYTES * 4 + 2) // 3:
        raise MailboxError("too_large", "the message is larger than the largest bucket")
    ct = _bytes(value, "ct", maximum=e2ee.MAX_CIPHERTEXT_BYTES)
    if len(ct) - e2ee.TAG_BYTES not in e2ee.PAD_BUCKETS:
        raise MailboxError("bad_request", "ct is not a padded bucket")
    eph = _bytes(value, "eph", exact=e2ee.POINT_BYTES)
    try:
        e2ee.load_point(eph, what="eph")
    except ProtocolError as exc:
        raise MailboxError("bad_request", exc.message) from exc
    nonce = _bytes(value, "nonce", exact=crypto.NONCE_BYTES)
    wraps_in = value.get("wraps")
    if not isinstance(wraps_in, list) or not 1 <= len(wraps_in) <= crypto.MAX_RECIPIENTS + 1:
        raise MailboxError("bad_request", "wraps must be a list of 1 to 65 objects")
    wraps: dict[str, str] = {}
    for item in wraps_in:
        if not isinstance(item, dict) or set(item) != {"to", "key"}:
            raise MailboxError("bad_request", "a wrap is {to, key}")
        to = item["to"]
        if not isinstance(to, str) or not _FINGERPRINT.match(to) or to in wraps:
            raise MailboxError("bad_request", "wrap.to must be a distinct 64-character fingerprint")
        _bytes(item, "key", exact=crypto.WRAPPED_KEY_BYTES)
        wraps[to] = item["key"]
    extra: dict[str, bytes] = {}
    if reply:
        extra = {
            "cert": _bytes(value, "cert", maximum=e2ee.MAX_CERT_BYTES),
            "sig_cert": _bytes(value, "sig_cert", exact=e2ee.SIGNATURE_BYTES),
            "sig": _bytes(value, "sig", exact=e2ee.SIGNATURE_BYTES),
        }
    return IncomingMessage(seq=seq, eph=eph, nonce=nonce, ct=ct, wraps=wraps, **extra)


@dataclass(frozen=True)
class NewMailbox:
    lookup_hash: str
    public_key: bytes
    wrapped_private: bytes
    priority: int
    language: str
    message: IncomingMessage


def check_create(data: dict[str, Any]) -> NewMailbox:
    check_only(data, {"lookup", "public_key", "wrapped_private", "priority", "language", "message"})
    lookup = check_lookup(data)
    public_key = _bytes(data, "public_key", exact=e2ee.POINT_BYTES)
    try:
        e2ee.load_point(public_key, what="public_key")
    except ProtocolError as exc:
        raise MailboxError("bad_request", exc.message) from exc
    wrapped = _bytes(data, "wrapped_private", exact=crypto.WRAPPED_PRIVATE_BYTES)
    priority = data.get("priority", "normal")
    if priority not in _PRIORITIES:
        raise MailboxError("bad_request", "priority is normal or raised")
    language = data.get("language", "en")
    if not isinstance(language, str) or not _LANGUAGE.match(language):
        raise MailboxError("bad_request", "language is a language code")
    return NewMailbox(lookup, public_key, wrapped, _PRIORITIES[priority], language, check_message(data.get("message")))


def check_sequence(*, seq: int, last: int) -> None:
    """The next message of a direction must be numbered exactly last + 1."""
    if seq <= last:
        raise MailboxError("replayed")
    if seq != last + 1:
        raise MailboxError("out_of_order")


def check_wraps(wraps: dict[str, str], *, mailbox_fingerprint: str, counsellor_fingerprints: set[str]) -> None:
    """A copy for the mailbox key, at least one for a current counsellor key, and none for any other key."""
    others = set(wraps) - {mailbox_fingerprint}
    if mailbox_fingerprint not in wraps or not others or not others <= counsellor_fingerprints:
        raise MailboxError("wrong_keys")
