"""The wire protocol's frame schemas: parse every incoming frame, build every outgoing one.

Pure: no I/O. Every incoming websocket text frame goes through `parse_frame` before anything
else happens; it either returns a `Frame` whose fields have been checked against the declared
schema (types, lengths, ranges) or raises `FrameError` with a documented error code. Outgoing
frames are built by `frame(...)`, which refuses undeclared types. docs/PROTOCOL.md is the
specification; the tables here follow it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

MAX_FRAME_BYTES = 65536
VERSION = 1

# Close codes (docs/PROTOCOL.md, "Close codes").
CLOSE_BAD_FRAME = 4400
CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_IDLE = 4408
CLOSE_SUPERSEDED = 4409
CLOSE_RATE_LIMITED = 4429
CLOSE_UNAVAILABLE = 4503

# `ended.reason` (docs/PROTOCOL.md 3.5).
ENDED_REASONS = ("seeker_left", "counsellor_ended", "seeker_lost", "idle", "blocked", "expired", "gone", "interrupted")

ERROR_CODES = frozenset(
    {
        "bad_frame", "unknown_type", "too_large", "rate_limited", "not_in_chat", "not_allowed", "closed",
        "full", "blocked", "store_unavailable", "bad_token", "bad_state", "wrapup_required", "not_available",
        "at_limit", "queue_empty", "server_error",
    }
)

_B64URL = re.compile(r"^[A-Za-z0-9_-]*$")
_CODE = re.compile(r"^[a-z0-9_]{1,32}$")
_SOURCE = re.compile(r"^[a-z0-9_-]{1,32}$")
_LANG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{1,4})?$")
_SESSION = re.compile(r"^[A-Za-z0-9_-]{22}$")
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$")


class FrameError(Exception):
    """A frame that does not match its schema. `code` is one of ERROR_CODES."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


Check = Callable[[Any], Any]


def b64url(max_len: int, *, min_len: int = 1) -> Check:
    def check(value: Any) -> str:
        if not isinstance(value, str) or not (min_len <= len(value) <= max_len) or not _B64URL.match(value):
            raise ValueError(f"must be base64url text of {min_len} to {max_len} characters")
        return value

    return check


def integer(low: int, high: int) -> Check:
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not (low <= value <= high):
            raise ValueError(f"must be a whole number from {low} to {high}")
        return value

    return check


def code(value: Any) -> str:
    if not isinstance(value, str) or not _CODE.match(value):
        raise ValueError("must be a short lower-case code")
    return value


def source(value: Any) -> str:
    if not isinstance(value, str) or not _SOURCE.match(value):
        raise ValueError("must be a short landing-page code")
    return value


def lang(value: Any) -> str:
    if not isinstance(value, str) or not _LANG.match(value):
        raise ValueError("must be a language code")
    return value


def one_of(*choices: str) -> Check:
    def check(value: Any) -> str:
        if value not in choices:
            raise ValueError("must be one of " + ", ".join(choices))
        return str(value)

    return check


def code_map(max_items: int) -> Check:
    def check(value: Any) -> dict[str, str]:
        if not isinstance(value, dict) or len(value) > max_items:
            raise ValueError(f"must be an object of at most {max_items} codes")
        return {code(k): code(v) for k, v in value.items()}

    return check


def code_list(max_items: int) -> Check:
    def check(value: Any) -> list[str]:
        if not isinstance(value, list) or len(value) > max_items:
            raise ValueError(f"must be a list of at most {max_items} codes")
        return [code(item) for item in value]

    return check


def session(value: Any) -> str:
    if not isinstance(value, str) or not _SESSION.match(value):
        raise ValueError("must be a 22-character session id")
    return value


def token(value: Any) -> str:
    if not isinstance(value, str) or not _TOKEN.match(value):
        raise ValueError("must be a 43-character resume token")
    return value


def version(value: Any) -> int:
    if value != VERSION:
        raise ValueError(f"must be {VERSION}")
    return VERSION


SEQ = integer(1, 2**53 - 1)
EPH = b64url(87, min_len=87)  # 65-byte uncompressed P-256 point
MAC = b64url(43, min_len=43)  # 32 bytes
CT = b64url(21867, min_len=363)  # 272 to 16,400 bytes of padded ciphertext
CERT = b64url(264, min_len=179)
SIG = b64url(86, min_len=86)  # 64-byte raw ECDSA signature


@dataclass(frozen=True)
class Field:
    check: Check
    required: bool = True


def req(check: Check) -> Field:
    return Field(check)


def opt(check: Check) -> Field:
    return Field(check, required=False)


Schema = Mapping[str, Field]

SEEKER_IN: dict[str, Schema] = {
    "join": {"v": req(version), "lang": opt(lang), "triage": opt(code_map(16)), "source": opt(source)},
    "resume": {"token": req(token)},
    "hs_init": {"eph": req(EPH)},
    "hs_confirm": {"mac": req(MAC)},
    "msg": {"seq": req(SEQ), "ct": req(CT)},
    "ack": {"seq": req(SEQ)},
    "leave": {},
    "feedback": {"answers": req(code_map(16))},
    "ping": {},
}

WRAPUP_FIELDS: Schema = {
    "session": req(session),
    "concern": req(code),
    "protective_action": req(one_of("yes", "no")),
    "referrals": opt(code_list(8)),
    "risk": opt(code_list(8)),
    "outcome": req(code),
}

COUNSELLOR_IN: dict[str, Schema] = {
    "status": {"state": req(one_of("available", "break", "offline"))},
    "take_next": {},
    "hs_offer": {"session": req(session), "cert": req(CERT), "sig_cert": req(SIG), "eph": req(EPH), "sig": req(SIG)},
    "msg": {"session": req(session), "seq": req(SEQ), "ct": req(CT)},
    "ack": {"session": req(session), "seq": req(SEQ)},
    "end": {"session": req(session)},
    "wrapup": WRAPUP_FIELDS,
    "block": {"session": req(session)},
    "rekey": {"session": req(session)},
    "help": {"session": req(session)},
    "assign": {"session": req(session), "counsellor": req(integer(1, 2**31 - 1))},
    "set_offline": {"counsellor": req(integer(1, 2**31 - 1))},
    "ping": {},
}


@dataclass(frozen=True)
class Frame:
    type: str
    fields: dict[str, Any]

    def __getitem__(self, name: str) -> Any:
        return self.fields[name]

    def get(self, name: str, default: Any = None) -> Any:
        return self.fields.get(name, default)


# The per-message hot path: `msg` and `ack` frames in the shape every reference client sends
# (compact JSON, keys in the documented order) are matched by one regular expression that checks
# exactly what the schemas check, so the ciphertext is scanned once and never JSON-decoded. Any
# other spelling of the same frame takes the general path below and gets the same result.
_FAST = re.compile(
    r'\{"type":"(msg|ack)",(?:"session":"([A-Za-z0-9_-]{22})",)?"seq":([1-9][0-9]{0,15})'
    r'(?:,"ct":"([A-Za-z0-9_-]{363,21867})")?\}'
)


def _fast_frame(text: str, schemas: Mapping[str, Schema]) -> Frame | None:
    found = _FAST.fullmatch(text)
    if found is None:
        return None
    kind, session, seq_text, ct = found.groups()
    schema = schemas.get(kind)
    seq = int(seq_text)
    if schema is None or seq > 2**53 - 1 or ("session" in schema) != (session is not None):
        return None
    if ("ct" in schema) != (ct is not None):
        return None
    fields: dict[str, Any] = {"session": session, "seq": seq, "ct": ct} if session else {"seq": seq, "ct": ct}
    if ct is None:
        del fields["ct"]
    return Frame(kind, fields)


def parse_frame(text: str | bytes | None, schemas: Mapping[str, Schema]) -> Frame:
    """Parse one incoming text frame against the schemas of its endpoint."""
    if isinstance(text, str) and len(text) <= MAX_FRAME_BYTES and text.startswith('{"type":"'):
        fast = _fast_frame(text, schemas)
        if fast is not None:
            return fast
    return parse_general(text, schemas)


def parse_general(text: str | bytes | None, schemas: Mapping[str, Schema]) -> Frame:
    """The general parser: any frame of any type (parse_frame's fast path gives the same results)."""
    if text is None:
        raise FrameError("bad_frame", "only text frames are accepted")
    if isinstance(text, bytes):
        raise FrameError("bad_frame", "only text frames are accepted")
    if len(text) > MAX_FRAME_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_FRAME_BYTES:
        raise FrameError("too_large", f"frames are limited to {MAX_FRAME_BYTES} bytes")
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        raise FrameError("bad_frame", "a frame must be a JSON object") from None
    if not isinstance(data, dict):
        raise FrameError("bad_frame", "a frame must be a JSON object")
    kind = data.get("type")
    if not isinstance(kind, str) or kind not in schemas:
        raise FrameError("unknown_type", "unknown frame type")
    schema = schemas[kind]
    extra = set(data) - set(schema) - {"type"}
    if extra:
        raise FrameError("bad_frame", f"unexpected field in {kind}: {sorted(extra)[0][:32]}")
    fields: dict[str, Any] = {}
    for name, spec in schema.items():
        if name not in data:
            if spec.required:
                raise FrameError("bad_frame", f"{kind}.{name} is required")
            continue
        try:
            fields[name] = spec.check(data[name])
        except ValueError as exc:
            raise FrameError("bad_frame", f"{kind}.{name} {exc}") from None
    return Frame(kind, fields)


SEEKER_OUT = frozenset(
    {
        "welcome", "queue", "closed", "full", "crisis", "assigned", "hs_offer", "msg", "ack", "peer", "requeued",
        "idle_warning", "ended", "error", "pong", "feedback_thanks", "store_unavailable",
    }
)
COUNSELLOR_OUT = frozenset(
    {
        "hello", "status", "chat", "hs_init", "hs_confirm", "msg", "ack", "peer", "ended", "queue_summary", "error",
        "pong", "wrapup_saved", "help", "floor", "store_unavailable", "reassigned",
    }
)


def frame(kind: str, **fields: Any) -> str:
    """Build one outgoing frame as JSON text."""
    if kind not in SEEKER_OUT and kind not in COUNSELLOR_OUT:
        raise ValueError(f"undeclared outgoing frame type {kind!r}")
    return json.dumps({"type": kind, **fields}, separators=(",", ":"))


def error_frame(code: str, message: str) -> str:
    if code not in ERROR_CODES:
        raise ValueError(f"undeclared error code {code!r}")
    return frame("error", code=code, message=message)
