"""The wire protocol's frame schemas: parse every incoming frame, build every outgoing one.

Pure: no I/O. Every incoming websocket text frame goes through `parse_frame` before anything
else happens; it either returns a `Frame` whose fields have been checked against the declared
schema (types, lengths, ranges) or raises `FrameError` with a documented error code. Every
outgoing frame is built here, by one function per frame type (`welcome_frame`, `msg_frame`, ...):
no other module writes frame text. docs/PROTOCOL.md is the specification; the tables here follow it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from chat.domain import Chat, Presence

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


def _frame(kind: str, **fields: Any) -> str:
    """One outgoing frame as compact JSON text, `type` first (the builders below call this)."""
    if kind not in SEEKER_OUT and kind not in COUNSELLOR_OUT:
        raise ValueError(f"undeclared outgoing frame type {kind!r}")
    return json.dumps({"type": kind, **fields}, separators=(",", ":"))


def is_frame_of(text: str, kind: str) -> bool:
    """Whether a frame built here is of this type (without parsing it: its `type` comes first)."""
    return text.startswith(f'{{"type":"{kind}"')


# --- Both sockets (docs/PROTOCOL.md 3.1, 3.3 and 3.4) ---------------------------------------------


def error_frame(code: str, message: str) -> str:
    if code not in ERROR_CODES:
        raise ValueError(f"undeclared error code {code!r}")
    return _frame("error", code=code, message=message)


def pong_frame() -> str:
    return _frame("pong")


def msg_frame_parts(seq: int, session: str | None = None) -> tuple[str, str]:
    """A `msg` frame's text before and after the ciphertext; `session` only towards a counsellor.

    The hot path (the store may join the parts itself: chat.store.redis, RELAY_FROM_STORE): ct and
    session were validated as base64url, so no JSON escaping is needed and nothing is encoded."""
    if session is None:
        return f'{{"type":"msg","seq":{seq},"ct":"', '"}'
    return f'{{"type":"msg","session":"{session}","seq":{seq},"ct":"', '"}'


def msg_frame(seq: int, ct: str, session: str | None = None) -> str:
    head, tail = msg_frame_parts(seq, session)
    return head + ct + tail


def ack_frame(seq: int, session: str | None = None) -> str:
    """The receiver has processed messages up to `seq`; `session` only towards a counsellor."""
    if session is None:
        return f'{{"type":"ack","seq":{seq}}}'
    return f'{{"type":"ack","session":"{session}","seq":{seq}}}'


def peer_frame(*, state: str, session: str | None = None) -> str:
    """The other side's connection dropped (`reconnecting`) or returned (`back`)."""
    if session is None:
        return _frame("peer", state=state)
    return _frame("peer", session=session, state=state)


def ended_frame(*, reason: str, session: str | None = None) -> str:
    """The chat is over; `reason` is one of ENDED_REASONS; `session` only towards a counsellor."""
    if reason not in ENDED_REASONS:
        raise ValueError(f"undeclared ending reason {reason!r}")
    if session is None:
        return _frame("ended", reason=reason)
    return _frame("ended", session=session, reason=reason)


# --- To the help-seeker (docs/PROTOCOL.md 3.3) -----------------------------------------------------


def welcome_frame(*, token: str, session: str, rules: Mapping[str, int]) -> str:
    return _frame("welcome", token=token, session=session, rules=dict(rules))


def queue_frame(*, position: int, eta_seconds: int | None) -> str:
    return _frame("queue", position=position, eta_seconds=eta_seconds)


def closed_frame(*, opens_at: str | None) -> str:
    return _frame("closed", opens_at=opens_at)


def full_frame() -> str:
    return _frame("full")


def crisis_frame(*, contacts: list[dict[str, str]]) -> str:
    return _frame("crisis", contacts=contacts)


def assigned_frame() -> str:
    return _frame("assigned")


def hs_offer_frame(*, cert: str, sig_cert: str, eph: str, sig: str) -> str:
    return _frame("hs_offer", cert=cert, sig_cert=sig_cert, eph=eph, sig=sig)


def requeued_frame() -> str:
    return _frame("requeued")


def idle_warning_frame(*, seconds: int) -> str:
    return _frame("idle_warning", seconds=seconds)


def feedback_thanks_frame() -> str:
    return _frame("feedback_thanks")


# --- To a counsellor (docs/PROTOCOL.md 3.4) -----------------------------------------------------------


def hello_frame(*, counsellor: int, name: str, supervisor: bool) -> str:
    return _frame("hello", counsellor=counsellor, name=name, supervisor=supervisor)


def status_frame(presence: Presence | None) -> str:
    """A counsellor's own status; `offline` with nothing held when there is no presence."""
    if presence is None:
        return _frame("status", state="offline", active=0, limit=0, wrapups=[])
    return _frame("status", state=presence.state, active=presence.active, limit=presence.limit,
                  wrapups=list(presence.wrapups))


def chat_frame(chat: Chat, *, moment: float) -> str:
    """A chat the counsellor holds: its triage codes and metadata, never the resume token."""
    return _frame(
        "chat", session=chat.sid, triage=chat.triage, priority=chat.priority, pathway=chat.pathway,
        language=chat.language, waited=int(max(0, (chat.answered_at or moment) - chat.enqueued_at)),
        state=chat.state, hs=chat.hs,
    )


def hs_init_frame(*, session: str, eph: str) -> str:
    return _frame("hs_init", session=session, eph=eph)


def hs_confirm_frame(*, session: str, mac: str) -> str:
    return _frame("hs_confirm", session=session, mac=mac)


def reassigned_frame(*, session: str) -> str:
    return _frame("reassigned", session=session)


def wrapup_saved_frame(*, session: str) -> str:
    return _frame("wrapup_saved", session=session)


def queue_summary_frame(*, total: int, by_priority: Mapping[str, Mapping[str, int]],
                        by_language: Mapping[str, Mapping[str, int]]) -> str:
    return _frame("queue_summary", total=total, by_priority=by_priority, by_language=by_language)


def floor_frame(*, chats: Iterable[Chat], queued: Iterable[Chat], counsellors: Iterable[Presence],
                moment: float) -> str:
    """The supervisor's view: metadata of every live chat and queue entry, and every counsellor;
    never content, triage answers or the resume token."""
    live = [
        {
            "session": c.sid, "priority": c.priority, "language": c.language, "pathway": c.pathway,
            "counsellor": c.counsellor, "state": c.state, "waited": int((c.answered_at or moment) - c.enqueued_at),
            "duration": int(moment - c.answered_at) if c.answered_at else 0, "help": c.help_requested,
            "seeker_online": c.seeker_online, "counsellor_online": c.counsellor_online,
        }
        for c in chats
    ]
    waiting = [
        {"session": c.sid, "priority": c.priority, "language": c.language, "pathway": c.pathway,
         "waited": int(moment - c.enqueued_at)}
        for c in queued
    ]
    people = [
        {"id": p.user_id, "name": p.name, "state": p.state, "online": p.online, "active": p.active, "limit": p.limit,
         "wrapups": len(p.wrapups), "languages": list(p.languages)}
        for p in counsellors
    ]
    return _frame("floor", chats=live, queue=waiting, counsellors=people)


def help_frame(*, session: str, counsellor: int, counsellor_name: str, priority: str, language: str,
               minutes: int) -> str:
    """To supervisors: a counsellor asks for help with a chat (its metadata only)."""
    return _frame("help", session=session, counsellor=counsellor, counsellor_name=counsellor_name,
                  priority=priority, language=language, minutes=minutes)
