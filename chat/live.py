"""The live path's service functions: every state change of a chat goes through one `do_*` here.

Consumers parse frames (chat.protocol), call one function, and send what it returns. These
functions talk to the live-state store (chat.store) and the channel layer; they never see
plaintext (ciphertext is relayed as an opaque base64url string) and never log a session id, a
token, an address or a frame. Counters (helpline.counters) are the only database writes, and
they are aggregate.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from channels.db import database_sync_to_async
from channels.exceptions import ChannelFull
from channels.layers import BaseChannelLayer, get_channel_layer
from django.conf import settings

from chat import protocol
from chat.domain import Chat, ClaimResult, Presence, Side
from chat.queueing import (
    capacity,
    queue_score,
    requeue_score,
    shared_queue_keys,
    wait_estimate,
)
from chat.store import get_store
from chat.store.base import LiveStore
from helpline import metrics
from helpline.counters import do_count, do_count_many

SEEKER_CLOSE = "seeker.close"
logger = logging.getLogger(__name__)


def now() -> float:
    return time.time()


def store() -> LiveStore:
    return get_store()  # type: ignore[no-any-return]


def layer() -> BaseChannelLayer:
    found = get_channel_layer()
    assert found is not None
    return found


# A worker's channel-layer inbox is full when it cannot keep up: the sender waits (which slows a
# flood at its source) for at most this long in total, then gives up on this one event. A `msg`
# given up on is still kept in the store and redelivered when the receiver resumes.
FULL_RETRY_SECONDS = (0.02, 0.05, 0.1, 0.2, 0.4)


async def send_to(channel: str, text: str, *, kind: str = "", **extra: Any) -> None:
    """Send a prebuilt frame to one socket's consumer (which forwards the text unchanged)."""
    if not channel:
        return
    event = {"type": "relay.text", "text": text, "kind": kind, **extra}
    for pause in (*FULL_RETRY_SECONDS, None):
        try:
            await layer().send(channel, event)
            return
        except ChannelFull:
            if pause is None:
                logger.warning("a worker's channel inbox stayed full; one event was not relayed")
                return
            await asyncio.sleep(pause)


async def count(metric: str, dims: dict[str, object] | None = None, *, n: int = 1) -> None:
    await database_sync_to_async(do_count)(metric, dims=dims, n=n)


async def count_all(items: list[tuple[str, dict[str, object] | None]]) -> None:
    """What one event counts, in one trip to the worker's database thread (each trip also costs a
    connection health check, and handshakes' certificate checks wait behind them)."""
    await database_sync_to_async(do_count_many)(items)


# Bookkeeping that runs after the reply has gone (counters and the audit of a claim): database
# writes, through the one sync thread a worker has, must not hold up the frames a counsellor waits
# for. Kept here until done; a worker stopped in between loses those few writes.
_after_reply: set[asyncio.Task[None]] = set()


def after_reply(work: Awaitable[None]) -> None:
    """Run `work` in the background; failures are logged by type only."""

    async def run() -> None:
        try:
            await work
        except Exception as exc:
            logger.error("bookkeeping after a reply failed: %s", exc.__class__.__name__)

    task = asyncio.get_running_loop().create_task(run())
    _after_reply.add(task)
    task.add_done_callback(_after_reply.discard)


async def settle() -> None:
    """Wait for the bookkeeping started by `after_reply` (tests use it before reading counters)."""
    while _after_reply:
        await asyncio.gather(*list(_after_reply), return_exceptions=True)


def rules() -> dict[str, int]:
    return {
        "queue_idle_seconds": settings.SEEKER_QUEUE_IDLE_SECONDS,
        "chat_idle_seconds": settings.SEEKER_CHAT_IDLE_SECONDS,
        "idle_warning_seconds": settings.IDLE_WARNING_SECONDS,
        "grace_seconds": settings.SEEKER_GRACE_SECONDS,
    }


def msg_frame_parts(seq: int, session: str | None = None) -> tuple[str, str]:
    """A `msg` frame's text before and after the ciphertext.

    The hot path: ct and session were validated as base64url, so no JSON escaping is needed."""
    if session is None:
        return f'{{"type":"msg","seq":{seq},"ct":"', '"}'
    return f'{{"type":"msg","session":"{session}","seq":{seq},"ct":"', '"}'


def msg_frame(seq: int, ct: str, session: str | None = None) -> str:
    head, tail = msg_frame_parts(seq, session)
    return head + ct + tail


# --- Joining ------------------------------------------------------------------------------------


@dataclass
class JoinOutcome:
    frames: list[str] = field(default_factory=list)
    chat: Chat | None = None
    close_code: int | None = None
    position: tuple[int, int | None] | None = None  # the position and estimate in the frames


async def _service_status() -> tuple[bool, Any]:
    from helpline.hours import service_status

    return await database_sync_to_async(service_status)()


async def _triage(answers: dict[str, str], language: str | None) -> Any:
    from helpline.triage import load_catalogue, score_triage

    catalogue = await database_sync_to_async(load_catalogue)()
    default = language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    return score_triage(answers, catalogue, default_language=default)


async def _crisis_contacts(language: str) -> list[dict[str, str]]:
    try:
        from resources.crisis import crisis_contacts_for
    except ImportError:
        return []
    contacts = await database_sync_to_async(crisis_contacts_for)(None, language)
    keep = ("name", "phone", "url", "hours")
    return [{k: str(c.get(k, ""))[:200] for k in keep if c.get(k)} for c in contacts][:20]


async def _valid_source(code: str) -> str | None:
    try:
        from resources.landing import valid_source
    except ImportError:
        return None
    return await database_sync_to_async(valid_source)(code)


async def do_join(*, frame: protocol.Frame, channel: str, addr: str) -> JoinOutcome:
    moment = now()
    live = store()
    if await live.is_blocked(addr):
        await count(metrics.CONTACT_ATTEMPTED, {"when": "blocked"})
        return JoinOutcome([protocol.error_frame("blocked", "this connection cannot start a chat now")],
                           close_code=protocol.CLOSE_FORBIDDEN)
    is_open, opens_at = await _service_status()
    if not is_open:
        await count(metrics.CONTACT_ATTEMPTED, {"when": "closed"})
        opens = opens_at.isoformat().replace("+00:00", "Z") if opens_at else None
        return JoinOutcome([protocol.frame("closed", opens_at=opens)], close_code=1000)
    result = await _triage(frame.get("triage") or {}, frame.get("lang"))
    enqueued = moment
    chat = Chat(
        sid=secrets.token_urlsafe(16),
        token=secrets.token_urlsafe(32),
        priority=result.priority,
        pathway=result.pathway,
        language=result.language,
        enqueued_at=enqueued,
        score=queue_score(enqueued_at=enqueued, priority=result.priority, ageing_seconds=settings.QUEUE_AGEING_SECONDS),
        triage=dict(frame.get("triage") or {}),
        source=frame.get("source") or "",
        addr=addr,
        seeker_channel=channel,
        last_seeker_activity=moment,
    )
    position, eta = await queue_position(chat, extra_ahead=0, assume_queued=False)
    too_long = eta is not None and eta > settings.QUEUE_MAX_WAIT_SECONDS
    if too_long or not await live.create_chat(chat, max_queue=settings.QUEUE_MAX_LENGTH):
        await count(metrics.CONTACT_ATTEMPTED, {"when": "full"})
        return JoinOutcome([protocol.frame("full")], close_code=1000)
    await arm_idle(chat.sid, queued=True, since=moment)
    counted: list[tuple[str, dict[str, object] | None]] = [
        (metrics.CONTACT_ATTEMPTED, {"when": "open"}),
        (metrics.CHAT_QUEUED, {"priority": chat.priority, "pathway": chat.pathway, "language": chat.language}),
    ]
    if chat.source and await _valid_source(chat.source):
        counted.append((metrics.LANDING_CHAT_STARTED, {"source": chat.source}))
    frames = [protocol.frame("welcome", token=chat.token, session=chat.sid, rules=rules())]
    if result.crisis_reasons:
        counted.append((metrics.CRISIS_SHOWN, {"reason": result.crisis_reasons[0]}))
        frames.append(protocol.frame("crisis", contacts=await _crisis_contacts(chat.language)))
    await count_all(counted)
    frames.append(protocol.frame("queue", position=position, eta_seconds=eta))
    return JoinOutcome(frames, chat=chat, position=(position, eta))


# --- Queue position -----------------------------------------------------------------------------


class _Snapshot:
    """Per-process cache of presence and handling time: read at most once a second per worker."""

    presences: list[Presence] = []
    queue_keys: list[str] = []
    mean_handle: float | None = None
    at: float = 0.0
    refreshing: asyncio.Task[None] | None = None


async def _refresh_snapshot() -> None:
    live = store()
    _Snapshot.presences = await live.all_presence()
    _Snapshot.queue_keys = await live.queue_keys()
    _Snapshot.mean_handle = await live.mean_handle_time()
    _Snapshot.at = now()


def _single_flight(current: asyncio.Task[None] | None, refresh: Callable[[], Awaitable[None]]) -> asyncio.Task[None]:
    """The refresh already under way in this loop, or a new one.

    A thousand queued seekers ask for their position in the same second: without this, every one
    of them re-read every counsellor's presence while the first read was still on its way (the
    stampede the load test found: docs/PERFORMANCE.md)."""
    loop = asyncio.get_running_loop()
    if current is not None and not current.done() and current.get_loop() is loop:
        return current
    return loop.create_task(refresh())  # type: ignore[arg-type]


async def snapshot() -> type[_Snapshot]:
    """Every counsellor's presence, the queues and the mean handling time, at most a second old."""
    if now() - _Snapshot.at > 1.0:
        _Snapshot.refreshing = _single_flight(_Snapshot.refreshing, _refresh_snapshot)
        await asyncio.shield(_Snapshot.refreshing)
    return _Snapshot


async def queue_position(chat: Chat, *, extra_ahead: int = 0, assume_queued: bool = True) -> tuple[int, int | None]:
    snap = await snapshot()
    keys = shared_queue_keys(snap.presences, chat.language, chat.pathway, snap.queue_keys)
    ahead = await store().queue_counts_before(chat.score, keys)
    position = ahead + 1 + extra_ahead
    slots = capacity(snap.presences, chat.language, chat.pathway)
    return position, wait_estimate(position=position, slots=slots, mean_handle_seconds=snap.mean_handle)


async def arm_idle(sid: str, *, queued: bool, since: float) -> None:
    limit = settings.SEEKER_QUEUE_IDLE_SECONDS if queued else settings.SEEKER_CHAT_IDLE_SECONDS
    warn_at = since + max(0, limit - settings.IDLE_WARNING_SECONDS)
    live = store()
    await live.clear_deadlines(sid, "sidle_end")
    await live.set_deadline("sidle", sid, warn_at)


# --- Resume and disconnect -----------------------------------------------------------------------


@dataclass
class ResumeOutcome:
    frames: list[str]
    chat: Chat | None


async def do_seeker_resume(*, token: str, channel: str) -> ResumeOutcome:
    live = store()
    chat = await live.find_by_token(token)
    if chat is None:
        return ResumeOutcome([protocol.error_frame("bad_token", "this chat has ended or the link expired"),
                              protocol.frame("ended", reason="expired")], None)
    previous = chat.seeker_channel
    moment = now()
    chat = await live.update_chat(chat.sid, seeker_channel=channel, seeker_online=True, last_seeker_activity=moment)
    if chat is None:
        return ResumeOutcome([protocol.frame("ended", reason="expired")], None)
    await live.clear_deadlines(chat.sid, "sgrace")
    if previous and previous != channel:
        await layer().send(previous, {"type": SEEKER_CLOSE, "code": protocol.CLOSE_SUPERSEDED})
    frames = [protocol.frame("welcome", token=chat.token, session=chat.sid, rules=rules())]
    if chat.state == "queued":
        position, eta = await queue_position(chat)
        frames.append(protocol.frame("queue", position=position, eta_seconds=eta))
    else:
        await send_to(chat.counsellor_channel, protocol.frame("peer", session=chat.sid, state="back"))
        if chat.hs != "done":
            # The handshake was not finished: start it again with fresh keys.
            frames.append(protocol.frame("assigned"))
        else:
            frames.extend(msg_frame(seq, ct) for seq, ct in await live.pending_frames(chat.sid, "c"))
            if chat.counsellor_online:
                await relay_pending(chat, sender="s")
    return ResumeOutcome(frames, chat)


async def relay_pending(chat: Chat, *, sender: Side) -> None:
    """Pass on again what `sender` sent and the other side has not acknowledged.

    A worker that dies (kill -9, a crash) between keeping a frame and relaying it loses the relay,
    and the sender's resend is then a duplicate the store does not relay again. So when a side
    comes back, its unacknowledged frames go to the other side once more; receivers drop what
    they already have by sequence number, so each message is still shown exactly once.
    """
    pending = await store().pending_frames(chat.sid, sender)
    if sender == "s":
        for seq, ct in pending:
            await send_to(chat.counsellor_channel, msg_frame(seq, ct, chat.sid))
    else:
        for seq, ct in pending:
            await send_to(chat.seeker_channel, msg_frame(seq, ct))


async def do_seeker_disconnect(*, sid: str, channel: str) -> None:
    live = store()
    chat = await live.get_chat(sid)
    if chat is None or chat.seeker_channel != channel:
        return  # ended, or already resumed on another socket
    await live.update_chat(sid, seeker_online=False)
    await live.set_deadline("sgrace", sid, now() + settings.SEEKER_GRACE_SECONDS)
    if chat.state != "queued":
        await send_to(chat.counsellor_channel, protocol.frame("peer", session=sid, state="reconnecting"))


# --- Handshake relay -------------------------------------------------------------------------------


async def do_hs_init(*, sid: str, eph: str) -> str | None:
    """Seeker starts (or restarts) the handshake. Returns an error frame or None."""
    live = store()
    chat = await live.restart_handshake(sid)
    if chat is None:
        return protocol.error_frame("not_in_chat", "no counsellor has taken this chat yet")
    await live.update_chat(sid, last_seeker_activity=now())
    await send_to(chat.counsellor_channel, protocol.frame("hs_init", session=sid, eph=eph))
    return None


def _holds_certified_key(counsellor: int, cert: str) -> bool:
    """The certificate is this counsellor's current, unrevoked, unexpired one (checked on every
    handshake, so a revocation takes effect at once even for a browser that kept its certificate)."""
    from django.contrib.auth import get_user_model

    from chat import e2ee
    from chat.certificates import certified_key_for

    try:
        presented = e2ee.Certificate.decode(e2ee.b64d(cert, maximum=e2ee.MAX_CERT_BYTES, what="cert"))
    except e2ee.ProtocolError:
        return False
    user = get_user_model().objects.filter(pk=counsellor, is_active=True).first()
    key = certified_key_for(user) if user is not None else None
    return key is not None and key.fingerprint == presented.key_fingerprint


async def do_hs_offer(*, counsellor: int, frame: protocol.Frame) -> str | None:
    live = store()
    sid = frame["session"]
    chat = await get_chat_for_counsellor(counsellor, sid)
    if chat is None:
        return protocol.error_frame("not_allowed", "this chat is not yours")
    if chat.hs != "init":
        return protocol.error_frame("bad_state", "the seeker has not started a handshake")
    if not await database_sync_to_async(_holds_certified_key)(counsellor, frame["cert"]):
        return protocol.error_frame("not_allowed", "this certificate is not your current certified key")
    await live.update_chat(sid, hs="offer")
    fields = {k: frame[k] for k in ("cert", "sig_cert", "eph", "sig")}
    await send_to(chat.seeker_channel, protocol.frame("hs_offer", **fields))
    return None


async def do_hs_confirm(*, sid: str, mac: str) -> str | None:
    live = store()
    chat = await live.get_chat(sid)
    if chat is None or chat.hs != "offer":
        return protocol.error_frame("bad_state", "there is no handshake offer to confirm")
    moment = now()
    await live.update_chat(sid, hs="done", state="active", last_seeker_activity=moment)
    await arm_idle(sid, queued=False, since=moment)
    await send_to(chat.counsellor_channel, protocol.frame("hs_confirm", session=sid, mac=mac))
    return None


async def do_rekey(*, counsellor: int, sid: str) -> str | None:
    """The counsellor lost its keys (a reload): ask the seeker for a fresh handshake."""
    chat = await get_chat_for_counsellor(counsellor, sid)
    if chat is None:
        return protocol.error_frame("not_allowed", "this chat is not yours")
    await send_to(chat.seeker_channel, protocol.frame("assigned"), kind="assigned")
    return None


# --- Messages and acknowledgements -------------------------------------------------------------------


NOT_YOURS = "not_yours"


async def do_relay(*, sid: str, sender: Side, seq: int, ct: str, counsellor: int = 0) -> str | None:
    """Keep one ciphertext frame until acknowledged and pass it on. The per-message hot path.

    One store call (which also checks that a counsellor's frame is for their own chat: the check
    `get_chat_for_counsellor` makes elsewhere) and one channel-layer send; no database, no JSON
    parsing of the ciphertext, no logging. Returns a frame for the sender, None, or NOT_YOURS.
    """
    live = store()
    head, tail = msg_frame_parts(seq, sid if sender == "s" else None)
    if live.publishes:  # kept and delivered in one round trip
        result, peer = await live.append_frame(sid, sender, seq, ct, now=now(), counsellor=counsellor,
                                               publish=(head, tail))
    else:
        result, peer = await live.append_frame(sid, sender, seq, ct, now=now(), counsellor=counsellor)
        if result == "ok":
            await send_to(peer, head + ct + tail)
    if result == "ok":
        return None
    if result == "dup":
        return None  # a resend after a reconnect; the first copy is kept
    if result == "gap":
        return protocol.error_frame("bad_frame", "sequence numbers must increase by one")
    if result == "not_active":
        return protocol.error_frame("not_in_chat", "the handshake is not finished")
    if result == "not_yours":
        return NOT_YOURS
    return protocol.frame("ended", reason="gone") if sender == "s" else protocol.frame(
        "ended", session=sid, reason="gone"
    )


async def do_ack(*, sid: str, receiver: Side, seq: int, counsellor: int = 0) -> None:
    """The receiver has the frames up to seq. With `counsellor`, only for that counsellor's chat."""
    live = store()
    text = f'{{"type":"ack","session":"{sid}","seq":{seq}}}' if receiver == "s" else f'{{"type":"ack","seq":{seq}}}'
    if live.publishes:  # dropped and told in one round trip
        await live.ack_frames(sid, receiver, seq, counsellor=counsellor, publish=text)
    elif channel := await live.ack_frames(sid, receiver, seq, counsellor=counsellor):
        await send_to(channel, text)


async def do_seeker_ping(*, sid: str) -> None:
    await store().update_chat(sid, last_seeker_activity=now())


# --- Ending --------------------------------------------------------------------------------------


async def do_end_chat(*, sid: str, reason: str, ended_by: str) -> Chat | None:
    """End a chat from any side or the janitor; counts it exactly once and tells both sides."""
    moment = now()
    chat = await store().end_chat(sid, now=moment)
    if chat is None:
        return None
    counted: list[tuple[str, dict[str, object] | None]] = []
    if chat.state == "queued" and not chat.answered_at:
        counted.append((metrics.CHAT_ABANDONED, {"priority": chat.priority, "language": chat.language}))
        waited = metrics.bin_label(moment - chat.enqueued_at, metrics.WAIT_BINS)
        counted.append((metrics.ABANDON_WAIT_SECONDS, {"bin": waited}))
    elif ended_by == "dropped":
        counted.append((metrics.CHAT_DROPPED, {"priority": chat.priority}))
    else:
        counted.append((metrics.CHAT_COMPLETED, {
            "priority": chat.priority, "pathway": chat.pathway, "language": chat.language, "ended_by": ended_by,
        }))
    if chat.answered_at:
        duration = moment - chat.answered_at
        counted.append((metrics.CHAT_DURATION_SECONDS, {"bin": metrics.bin_label(duration, metrics.DURATION_BINS)}))
        await store().record_handle_time(duration)
    await count_all(counted)
    await send_to(chat.seeker_channel, protocol.frame("ended", reason=reason), kind="ended")
    if chat.counsellor and chat.state != "queued":
        await send_to(chat.counsellor_channel, protocol.frame("ended", session=sid, reason=reason), kind="ended",
                      session=sid)
    return chat


# --- Counsellors ---------------------------------------------------------------------------------------


async def get_chat_for_counsellor(counsellor: int, sid: str) -> Chat | None:
    """The chat if it is this counsellor's, else None. The only lookup of a chat by staff."""
    chat = await store().get_chat(sid)
    if chat is None or chat.counsellor != counsellor or chat.state == "queued":
        return None
    return chat


def chat_frame(chat: Chat, *, moment: float) -> str:
    return protocol.frame(
        "chat", session=chat.sid, triage=chat.triage, priority=chat.priority, pathway=chat.pathway,
        language=chat.language, waited=int(max(0, (chat.answered_at or moment) - chat.enqueued_at)),
        state=chat.state, hs=chat.hs,
    )


async def _announce_assignment(chat: Chat, *, first_answer: bool, reply: Callable[[str], Awaitable[None]] | None = None,
                               record: Callable[[Chat], None] | None = None) -> None:
    """Both sides hear first; the database writes run after, off the claim's critical path.

    `reply` sends the `chat` frame straight to the counsellor's socket when that socket asked for
    the chat (take_next): the frame does not go out through Redis and back to the same worker.
    `record(chat)` is the caller's own bookkeeping (the audit row), written on the database
    thread in the same trip as the answer's counters."""
    moment = now()
    text = chat_frame(chat, moment=moment)
    if reply is not None:
        await reply(text)
    else:
        await send_to(chat.counsellor_channel, text, kind="chat", session=chat.sid)
    await send_to(chat.seeker_channel, protocol.frame("assigned"), kind="assigned")
    counted = _answer_counts(chat, moment=moment) if first_answer else []
    if counted or record is not None:
        after_reply(database_sync_to_async(_write_assignment)(chat, counted, record))


def _answer_counts(chat: Chat, *, moment: float) -> list[tuple[str, dict[str, object] | None]]:
    return [
        (metrics.CHAT_ANSWERED, {"priority": chat.priority, "pathway": chat.pathway, "language": chat.language}),
        (metrics.WAIT_SECONDS, {"bin": metrics.bin_label(moment - chat.enqueued_at, metrics.WAIT_BINS)}),
    ]


def _write_assignment(chat: Chat, counted: list[tuple[str, dict[str, object] | None]],
                      record: Callable[[Chat], None] | None) -> None:
    if counted:
        do_count_many(counted)
    if record is not None:
        record(chat)


async def do_take_next(*, counsellor: int, reply: Callable[[str], Awaitable[None]],
                       record: Callable[[Chat], None] | None = None) -> ClaimResult:
    """The counsellor asks for the next chat; `reply` sends its `chat` frame to the asking socket,
    `record(chat)` (on the database thread, after the reply) is the caller's audit of the claim."""
    result = await store().claim_next(counsellor, now=now())
    if result.chat is not None:
        chat = result.chat
        await _announce_assignment(chat, first_answer=chat.answered_at == chat.assigned_at, reply=reply,
                                   record=record)
    return result


async def do_assign(*, sid: str, counsellor: int) -> ClaimResult:
    """Supervisor: give a chat to a counsellor (a new handshake follows)."""
    result = await store().assign(sid, counsellor, now=now())
    if result.chat is not None:
        chat = result.chat
        if result.previous_counsellor:
            previous = await store().get_presence(result.previous_counsellor)
            if previous is not None:
                await send_to(previous.channel, protocol.frame("reassigned", session=sid), kind="reassigned",
                              session=sid)
        await _announce_assignment(chat, first_answer=chat.answered_at == chat.assigned_at)
    return result


async def do_counsellor_connect(*, presence: Presence) -> tuple[Presence, list[str]]:
    """A counsellor's socket opened: take over their chats on this socket, return what to send."""
    live = store()
    old = await live.get_presence(presence.user_id)
    if old is not None and old.online and old.channel and old.channel != presence.channel:
        await layer().send(old.channel, {"type": SEEKER_CLOSE, "code": protocol.CLOSE_SUPERSEDED})
    if old is not None and old.state != "offline":
        presence.state = old.state
    stored = await live.set_presence(presence)
    moment = now()
    frames: list[str] = []
    for chat in await live.counsellor_chats(presence.user_id):
        await live.clear_deadlines(chat.sid, "cgrace")
        chat = await live.update_chat(chat.sid, counsellor_channel=presence.channel, counsellor_online=True) or chat
        frames.append(chat_frame(chat, moment=moment))
        frames.extend(msg_frame(seq, ct, chat.sid) for seq, ct in await live.pending_frames(chat.sid, "s"))
        await send_to(chat.seeker_channel, protocol.frame("peer", state="back"))
        if chat.hs == "done" and chat.seeker_online:
            await relay_pending(chat, sender="c")
    return stored, frames


async def do_counsellor_disconnect(*, counsellor: int, channel: str) -> None:
    live = store()
    presence = await live.get_presence(counsellor)
    if presence is None or presence.channel != channel:
        return  # already replaced by a newer socket
    await live.update_presence(counsellor, online=False)
    deadline = now() + settings.COUNSELLOR_GRACE_SECONDS
    for chat in await live.counsellor_chats(counsellor):
        await live.update_chat(chat.sid, counsellor_online=False)
        await live.set_deadline("cgrace", chat.sid, deadline)
        await send_to(chat.seeker_channel, protocol.frame("peer", state="reconnecting"))


async def do_set_status(*, counsellor: int, state: str) -> Presence | None:
    return await store().update_presence(counsellor, state=state, since=now())


async def do_requeue(*, sid: str) -> Chat | None:
    """The counsellor did not come back in time: the chat goes to the head of the queue."""
    live = store()
    chat = await live.get_chat(sid)
    if chat is None or chat.state == "queued" or chat.counsellor_online:
        return None
    back = await live.requeue(sid, score=requeue_score(
        enqueued_at=chat.enqueued_at, priority=chat.priority, ageing_seconds=settings.QUEUE_AGEING_SECONDS))
    if back is None:
        return None
    await count(metrics.CHAT_REQUEUED, {"priority": chat.priority})
    await send_to(back.seeker_channel, protocol.frame("requeued"), kind="requeued")
    return back


async def do_block(*, counsellor: int, sid: str) -> bool:
    chat = await get_chat_for_counsellor(counsellor, sid)
    if chat is None:
        return False
    if chat.addr:
        await store().block(chat.addr, settings.BLOCK_HOURS * 3600)
    await do_end_chat(sid=sid, reason="blocked", ended_by="counsellor")
    return True


# --- Wrap-up, feedback, help -----------------------------------------------------------------------


async def do_wrapup(*, counsellor: int, frame: protocol.Frame) -> str:
    """File the structured wrap-up of an ended chat: only aggregate counters change."""
    from helpline.counters import dimension, do_count_rows
    from helpline.wrapup import check_wrapup

    sid = frame["session"]
    try:
        wrapup = check_wrapup({k: v for k, v in frame.fields.items() if k != "session"})
    except ValueError as exc:
        return protocol.error_frame("bad_frame", str(exc)[:200])
    if not await store().file_wrapup(counsellor, sid):
        return protocol.error_frame("not_allowed", "there is no wrap-up due for this chat")
    rows = [
        "",
        dimension("concern", wrapup.concern),
        dimension("protective_action", "yes" if wrapup.protective_action else "no"),
        dimension("outcome", wrapup.outcome),
        *(dimension("referral", code) for code in wrapup.referrals),
        *(dimension("risk", code) for code in wrapup.risk),
    ]
    await database_sync_to_async(do_count_rows)(metrics.WRAPUP_FILED, rows)
    return protocol.frame("wrapup_saved", session=sid)


async def do_feedback(*, answers: dict[str, str]) -> str:
    from helpline.wrapup import check_feedback

    kept = check_feedback(answers)
    if kept:
        await count(metrics.FEEDBACK_GIVEN, dict(kept))
    return protocol.frame("feedback_thanks")


SUPERVISORS_GROUP = "supervisors"


async def do_ask_for_help(*, counsellor: int, counsellor_name: str, sid: str) -> str | None:
    """Alert every supervisor online with the chat's metadata (never its content)."""
    chat = await get_chat_for_counsellor(counsellor, sid)
    if chat is None:
        return protocol.error_frame("not_allowed", "this chat is not yours")
    await store().update_chat(sid, help_requested=True)
    moment = now()
    alert = protocol.frame(
        "help", session=sid, counsellor=counsellor, counsellor_name=counsellor_name, priority=chat.priority,
        language=chat.language, minutes=int((moment - (chat.answered_at or moment)) // 60),
    )
    await layer().group_send(SUPERVISORS_GROUP, {"type": "relay.text", "text": alert, "kind": "help"})
    return None


async def floor_frame() -> str:
    """The supervisor's view: metadata of every live chat and queue entry, and every counsellor."""
    live = store()
    moment = now()
    chats = [
        {
            "session": c.sid, "priority": c.priority, "language": c.language, "pathway": c.pathway,
            "counsellor": c.counsellor, "state": c.state, "waited": int((c.answered_at or moment) - c.enqueued_at),
            "duration": int(moment - c.answered_at) if c.answered_at else 0, "help": c.help_requested,
            "seeker_online": c.seeker_online, "counsellor_online": c.counsellor_online,
        }
        for c in await live.live_chats()
    ]
    queued = [
        {"session": c.sid, "priority": c.priority, "language": c.language, "pathway": c.pathway,
         "waited": int(moment - c.enqueued_at)}
        for c in await live.queued_chats()
    ]
    people = [
        {"id": p.user_id, "name": p.name, "state": p.state, "online": p.online, "active": p.active, "limit": p.limit,
         "wrapups": len(p.wrapups), "languages": list(p.languages)}
        for p in await live.all_presence()
    ]
    return protocol.frame("floor", chats=chats, queue=queued, counsellors=people)


def summarise_queue(chats: list[Chat], *, moment: float) -> dict[str, Any]:
    """Counts and longest wait by priority and by language: nothing that identifies a chat."""
    by_priority: dict[str, dict[str, int]] = {}
    by_language: dict[str, dict[str, int]] = {}
    for chat in chats:
        waited = int(moment - chat.enqueued_at)
        for table, key in ((by_priority, chat.priority), (by_language, chat.language)):
            entry = table.setdefault(key, {"count": 0, "longest_wait": 0})
            entry["count"] += 1
            entry["longest_wait"] = max(entry["longest_wait"], waited)
    return {"total": len(chats), "by_priority": by_priority, "by_language": by_language}


class _QueueSummaryCache:
    text: str = ""
    at: float = 0.0
    refreshing: asyncio.Task[None] | None = None


async def _refresh_queue_summary() -> None:
    chats = await store().queued_chats()
    _QueueSummaryCache.text = protocol.frame("queue_summary", **summarise_queue(chats, moment=now()))
    _QueueSummaryCache.at = now()


async def queue_summary_frame() -> str:
    if now() - _QueueSummaryCache.at > 1.0:
        _QueueSummaryCache.refreshing = _single_flight(_QueueSummaryCache.refreshing, _refresh_queue_summary)
        await asyncio.shield(_QueueSummaryCache.refreshing)
    return _QueueSummaryCache.text


def forget_caches() -> None:
    """Drop this process's second-old snapshots (tests that swap the store between cases)."""
    _Snapshot.at = _QueueSummaryCache.at = 0.0
