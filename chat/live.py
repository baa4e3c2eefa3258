"""The live path's actions: every state change of a chat goes through one `do_*` here.

Each action owns its whole effect: it changes the live state (chat.store), writes its audit row
(helpline.audit: the day's staff action and its actor, never the chat), counts what chat.tally
says the event counts (helpline.counters, aggregate only), and tells the sockets concerned
(chat.bus, with frames built by chat.protocol). Consumers parse a frame, call one action, and
send what it returns; they write nothing themselves.

These functions never see plaintext (ciphertext is relayed as an opaque base64url string) and
never log a session id, a token, an address or a frame. Counters and audit rows are the only
database writes. Work that runs after the reply goes through chat.bus.after_reply (its rule is
written there). docs/ARCHITECTURE.md follows a message, a claim, a wrap-up and a resume through them.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from channels.db import database_sync_to_async
from django.conf import settings

from chat import bus, positions, protocol, tally
from chat.access import get_chat_for_counsellor
from chat.domain import Chat, ClaimResult, Presence, Side
from chat.queueing import queue_score, requeue_score
from chat.store import live_store as store
from helpline.audit import do_audit
from helpline.counters import do_count_many
from helpline.db_outage import write_soon


def now() -> float:
    return time.time()


async def count_all(counts: list[tally.Count]) -> None:
    """What one event counts (chat.tally), in one trip to the worker's database thread (each trip
    also costs a connection health check, and handshakes' certificate checks wait behind them)."""
    if counts:
        # While PostgreSQL is unreachable the write waits and is retried (helpline.db_outage): the
        # chat goes on.
        await write_soon(do_count_many, counts)


def _write_audit(actor: int, action: str, target: str) -> None:
    """An audit row for a staff member's action (sync: on the database thread)."""
    from django.contrib.auth import get_user_model

    do_audit(actor=get_user_model().objects.filter(pk=actor).first(), action=action, target=target)


async def audit(actor: int, action: str, target: str = "") -> None:
    await write_soon(_write_audit, actor, action, target)  # retried while the database is down


def rules() -> dict[str, int]:
    return {
        "queue_idle_seconds": settings.SEEKER_QUEUE_IDLE_SECONDS,
        "chat_idle_seconds": settings.SEEKER_CHAT_IDLE_SECONDS,
        "idle_warning_seconds": settings.IDLE_WARNING_SECONDS,
        "grace_seconds": settings.SEEKER_GRACE_SECONDS,
    }


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
        await count_all(tally.attempted("blocked"))
        return JoinOutcome([protocol.error_frame("blocked", "this connection cannot start a chat now")],
                           close_code=protocol.CLOSE_FORBIDDEN)
    is_open, opens_at = await _service_status()
    if not is_open:
        await count_all(tally.attempted("closed"))
        opens = opens_at.isoformat().replace("+00:00", "Z") if opens_at else None
        return JoinOutcome([protocol.closed_frame(opens_at=opens)], close_code=1000)
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
    position, eta = await positions.queue_position(chat)
    too_long = eta is not None and eta > settings.QUEUE_MAX_WAIT_SECONDS
    if too_long or not await live.create_chat(chat, max_queue=settings.QUEUE_MAX_LENGTH):
        await count_all(tally.attempted("full"))
        return JoinOutcome([protocol.full_frame()], close_code=1000)
    await arm_idle(chat.sid, queued=True, since=moment)
    landing = bool(chat.source and await _valid_source(chat.source))
    crisis_reason = result.crisis_reasons[0] if result.crisis_reasons else None
    frames = [protocol.welcome_frame(token=chat.token, session=chat.sid, rules=rules())]
    if crisis_reason:
        frames.append(protocol.crisis_frame(contacts=await _crisis_contacts(chat.language)))
    await count_all(tally.joined(chat, landing=landing, crisis_reason=crisis_reason))
    frames.append(protocol.queue_frame(position=position, eta_seconds=eta))
    return JoinOutcome(frames, chat=chat, position=(position, eta))


async def arm_idle(sid: str, *, queued: bool, since: float) -> None:
    limit = settings.SEEKER_QUEUE_IDLE_SECONDS if queued else settings.SEEKER_CHAT_IDLE_SECONDS
    warn_at = since + max(0, limit - settings.IDLE_WARNING_SECONDS)
    live = store()
    await live.clear_deadlines(sid, "sidle_end")
    await live.set_deadline("sidle", sid, warn_at)


async def do_warn_idle(*, chat: Chat, moment: float) -> None:
    """The janitor: the seeker has been quiet; the chat or queue place ends after a warning."""
    await bus.send_to(chat.seeker_channel, protocol.idle_warning_frame(seconds=settings.IDLE_WARNING_SECONDS))
    await store().set_deadline("sidle_end", chat.sid, moment + settings.IDLE_WARNING_SECONDS)


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
                              protocol.ended_frame(reason="expired")], None)
    previous = chat.seeker_channel
    moment = now()
    chat = await live.update_chat(chat.sid, seeker_channel=channel, seeker_online=True, last_seeker_activity=moment)
    if chat is None:
        return ResumeOutcome([protocol.ended_frame(reason="expired")], None)
    await live.clear_deadlines(chat.sid, "sgrace")
    if previous and previous != channel:
        await bus.close_socket(previous, code=protocol.CLOSE_SUPERSEDED)
    frames = [protocol.welcome_frame(token=token, session=chat.sid, rules=rules())]  # the store has only its hash
    if chat.state == "queued":
        position, eta = await positions.queue_position(chat)
        frames.append(protocol.queue_frame(position=position, eta_seconds=eta))
    else:
        await bus.send_to(chat.counsellor_channel, protocol.peer_frame(session=chat.sid, state="back"))
        if chat.hs != "done":
            # The handshake was not finished: start it again with fresh keys.
            frames.append(protocol.assigned_frame())
        else:
            frames.extend(protocol.msg_frame(seq, ct) for seq, ct in await live.pending_frames(chat.sid, "c"))
            if chat.counsellor_online:
                await relay_pending(chat, sender="s")
    return ResumeOutcome(frames, chat)


async def redeliver_one(*, sid: str, sender: Side, seq: int, peer: str) -> None:
    """Relay one kept, unacknowledged frame to `peer` again (nothing if it was acknowledged)."""
    if not peer:
        return
    for kept, ct in await store().pending_frames(sid, sender):
        if kept == seq:
            await bus.send_to(peer, protocol.msg_frame(kept, ct, sid if sender == "s" else None))
            return


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
            await bus.send_to(chat.counsellor_channel, protocol.msg_frame(seq, ct, chat.sid))
    else:
        for seq, ct in pending:
            await bus.send_to(chat.seeker_channel, protocol.msg_frame(seq, ct))


async def do_seeker_disconnect(*, sid: str, channel: str) -> None:
    live = store()
    chat = await live.get_chat(sid)
    if chat is None or chat.seeker_channel != channel:
        return  # ended, or already resumed on another socket
    await live.update_chat(sid, seeker_online=False)
    await live.set_deadline("sgrace", sid, now() + settings.SEEKER_GRACE_SECONDS)
    if chat.state != "queued":
        await bus.send_to(chat.counsellor_channel, protocol.peer_frame(session=sid, state="reconnecting"))


# --- Handshake relay -------------------------------------------------------------------------------


async def do_hs_init(*, sid: str, eph: str) -> str | None:
    """Seeker starts (or restarts) the handshake. Returns an error frame or None."""
    live = store()
    chat = await live.restart_handshake(sid)
    if chat is None:
        return protocol.error_frame("not_in_chat", "no counsellor has taken this chat yet")
    await live.update_chat(sid, last_seeker_activity=now())
    await bus.send_to(chat.counsellor_channel, protocol.hs_init_frame(session=sid, eph=eph))
    return None


async def do_hs_offer(*, counsellor: int, frame: protocol.Frame) -> str | None:
    from chat.certificates import holds_certified_key

    live = store()
    sid = frame["session"]
    chat = await get_chat_for_counsellor(counsellor, sid)
    if chat is None:
        return protocol.error_frame("not_allowed", "this chat is not yours")
    if chat.hs != "init":
        return protocol.error_frame("bad_state", "the seeker has not started a handshake")
    if not await database_sync_to_async(holds_certified_key)(counsellor, frame["cert"]):
        return protocol.error_frame("not_allowed", "this certificate is not your current certified key")
    await live.update_chat(sid, hs="offer")
    await bus.send_to(chat.seeker_channel, protocol.hs_offer_frame(
        cert=frame["cert"], sig_cert=frame["sig_cert"], eph=frame["eph"], sig=frame["sig"]))
    return None


async def do_hs_confirm(*, sid: str, mac: str) -> str | None:
    live = store()
    chat = await live.get_chat(sid)
    if chat is None or chat.hs != "offer":
        return protocol.error_frame("bad_state", "there is no handshake offer to confirm")
    moment = now()
    await live.update_chat(sid, hs="done", state="active", last_seeker_activity=moment)
    await arm_idle(sid, queued=False, since=moment)
    await bus.send_to(chat.counsellor_channel, protocol.hs_confirm_frame(session=sid, mac=mac))
    return None


async def do_rekey(*, counsellor: int, sid: str) -> str | None:
    """The counsellor lost its keys (a reload): ask the seeker for a fresh handshake."""
    chat = await get_chat_for_counsellor(counsellor, sid)
    if chat is None:
        return protocol.error_frame("not_allowed", "this chat is not yours")
    await bus.send_event(chat.seeker_channel, bus.CHAT_ASSIGNED, protocol.assigned_frame())
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
    head, tail = protocol.msg_frame_parts(seq, sid if sender == "s" else None)
    if live.publishes:  # kept and delivered in one round trip
        result, peer = await live.append_frame(sid, sender, seq, ct, now=now(), counsellor=counsellor,
                                               publish=(head, tail))
    else:
        result, peer = await live.append_frame(sid, sender, seq, ct, now=now(), counsellor=counsellor)
        if result == "ok":
            await bus.send_to(peer, head + ct + tail)
    if result == "ok":
        return None
    if result == "dup":
        # A resend (after a reconnect or a store outage): the first copy is kept, but may not have
        # reached the receiver (its worker was not subscribed again yet after a Redis fail-over).
        # Pass the kept copy on again while it is unacknowledged; receivers drop duplicates by seq.
        await redeliver_one(sid=sid, sender=sender, seq=seq, peer=peer)
        return None
    if result == "gap":
        return protocol.error_frame("bad_frame", "sequence numbers must increase by one")
    if result == "not_active":
        return protocol.error_frame("not_in_chat", "the handshake is not finished")
    if result == "not_yours":
        return NOT_YOURS
    return protocol.ended_frame(reason="gone", session=None if sender == "s" else sid)


async def do_ack(*, sid: str, receiver: Side, seq: int, counsellor: int = 0) -> None:
    """The receiver has the frames up to seq. With `counsellor`, only for that counsellor's chat."""
    live = store()
    text = protocol.ack_frame(seq, sid if receiver == "s" else None)
    if live.publishes:  # dropped and told in one round trip
        await live.ack_frames(sid, receiver, seq, counsellor=counsellor, publish=text)
    elif channel := await live.ack_frames(sid, receiver, seq, counsellor=counsellor):
        await bus.send_to(channel, text)


async def do_seeker_ping(*, sid: str) -> None:
    await store().update_chat(sid, last_seeker_activity=now())


# --- Ending --------------------------------------------------------------------------------------


async def do_end_chat(*, sid: str, reason: str, ended_by: str) -> Chat | None:
    """End a chat from any side or the janitor; counts it exactly once and tells both sides."""
    moment = now()
    chat = await store().end_chat(sid, now=moment)
    if chat is None:
        return None
    if chat.answered_at:
        await store().record_handle_time(moment - chat.answered_at)
    await count_all(tally.ended(chat, moment=moment, ended_by=ended_by))
    await bus.send_event(chat.seeker_channel, bus.CHAT_ENDED, protocol.ended_frame(reason=reason))
    if chat.counsellor and chat.state != "queued":
        await bus.send_event(chat.counsellor_channel, bus.CHAT_ENDED, protocol.ended_frame(reason=reason, session=sid),
                             session=sid)
    return chat


async def do_counsellor_end(*, counsellor: int, sid: str) -> bool:
    """The counsellor ends one of their chats; False if it is not theirs."""
    if await get_chat_for_counsellor(counsellor, sid) is None:
        return False
    await do_end_chat(sid=sid, reason="counsellor_ended", ended_by="counsellor")
    return True


async def do_block(*, counsellor: int, sid: str) -> bool:
    """End the chat and refuse new chats from the seeker's keyed address hash for BLOCK_HOURS."""
    chat = await get_chat_for_counsellor(counsellor, sid)
    if chat is None:
        return False
    if chat.addr:
        await store().block(chat.addr, settings.BLOCK_HOURS * 3600)
    await do_end_chat(sid=sid, reason="blocked", ended_by="counsellor")
    await audit(counsellor, "chat.block")
    return True


# --- Counsellors ---------------------------------------------------------------------------------------


async def _announce_assignment(chat: Chat, *, first_answer: bool, reply: Callable[[str], Awaitable[None]] | None = None,
                               claimed_by: int = 0) -> None:
    """Both sides hear first; the database writes run after, off the claim's critical path.

    `reply` sends the `chat` frame straight to the counsellor's socket when that socket asked for
    the chat (take_next): the frame does not go out through Redis and back to the same worker.
    `claimed_by` is the counsellor whose claim is audited, in the same database trip as the
    answer's counters (bus.after_reply)."""
    moment = now()
    text = protocol.chat_frame(chat, moment=moment)
    if reply is not None:
        await reply(text)
    else:
        await bus.send_event(chat.counsellor_channel, bus.CHAT_ASSIGNED, text, session=chat.sid)
    await bus.send_event(chat.seeker_channel, bus.CHAT_ASSIGNED, protocol.assigned_frame())
    counted = tally.answered(chat, moment=moment) if first_answer else []
    if counted or claimed_by:
        bus.after_reply(write_soon(_write_assignment, chat, counted, claimed_by))


def _write_assignment(chat: Chat, counted: list[tally.Count], claimed_by: int) -> None:
    if counted:
        do_count_many(counted)
    if claimed_by:
        # The audit names the counsellor and the chat's priority, never the chat itself.
        _write_audit(claimed_by, "chat.claim", chat.priority)


async def do_take_next(*, counsellor: int, reply: Callable[[str], Awaitable[None]]) -> ClaimResult:
    """The counsellor asks for the next chat; `reply` sends its `chat` frame to the asking socket.
    The claim's audit row and counters are written after the reply (docs/PERFORMANCE.md)."""
    result = await store().claim_next(counsellor, now=now())
    if result.chat is not None:
        chat = result.chat
        await _announce_assignment(chat, first_answer=chat.answered_at == chat.assigned_at, reply=reply,
                                   claimed_by=counsellor)
    return result


async def do_assign(*, supervisor: int, sid: str, counsellor: int) -> ClaimResult:
    """Supervisor: give a chat to a counsellor (a new handshake follows)."""
    result = await store().assign(sid, counsellor, now=now())
    if result.chat is not None:
        chat = result.chat
        if result.previous_counsellor:
            previous = await store().get_presence(result.previous_counsellor)
            if previous is not None:
                await bus.send_event(previous.channel, bus.CHAT_REASSIGNED, protocol.reassigned_frame(session=sid),
                                     session=sid)
        await _announce_assignment(chat, first_answer=chat.answered_at == chat.assigned_at)
        await audit(supervisor, "chat.reassign" if result.previous_counsellor else "chat.assign",
                    f"counsellor:{counsellor}")
    return result


@dataclass
class ConnectOutcome:
    presence: Presence
    frames: list[str]  # the counsellor's chats and what they have not acknowledged
    sessions: set[str]  # the chats this socket now carries


async def do_counsellor_connect(*, presence: Presence) -> ConnectOutcome:
    """A counsellor's socket opened: take over their chats on this socket, return what to send."""
    live = store()
    old = await live.get_presence(presence.user_id)
    if old is not None and old.online and old.channel and old.channel != presence.channel:
        await bus.close_socket(old.channel, code=protocol.CLOSE_SUPERSEDED)
    if old is not None and old.state != "offline":
        presence.state = old.state
    stored = await live.set_presence(presence)
    moment = now()
    frames: list[str] = []
    sessions: set[str] = set()
    for chat in await live.counsellor_chats(presence.user_id):
        await live.clear_deadlines(chat.sid, "cgrace")
        chat = await live.update_chat(chat.sid, counsellor_channel=presence.channel, counsellor_online=True) or chat
        sessions.add(chat.sid)
        frames.append(protocol.chat_frame(chat, moment=moment))
        frames.extend(protocol.msg_frame(seq, ct, chat.sid) for seq, ct in await live.pending_frames(chat.sid, "s"))
        await bus.send_to(chat.seeker_channel, protocol.peer_frame(state="back"))
        if chat.hs == "done" and chat.seeker_online:
            await relay_pending(chat, sender="c")
    return ConnectOutcome(stored, frames, sessions)


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
        await bus.send_to(chat.seeker_channel, protocol.peer_frame(state="reconnecting"))


async def do_set_status(*, counsellor: int, state: str) -> Presence | None:
    """The counsellor sets their own status (available, break, offline)."""
    presence = await store().update_presence(counsellor, state=state, since=now())
    await audit(counsellor, "counsellor.status", state)
    return presence


async def do_set_offline(*, supervisor: int, counsellor: int) -> Presence | None:
    """Supervisor: set another counsellor offline and tell their socket; None if not signed in."""
    presence = await store().update_presence(counsellor, state="offline", since=now())
    if presence is None:
        return None
    await bus.send_to(presence.channel, protocol.status_frame(presence))
    await audit(supervisor, "counsellor.set_offline", f"counsellor:{counsellor}")
    return presence


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
    await count_all(tally.requeued(chat))
    await bus.send_event(back.seeker_channel, bus.CHAT_REQUEUED, protocol.requeued_frame())
    return back


async def do_sample_capacity() -> None:
    """The janitor, once a minute on one worker: count staffed capacity and load."""
    live = store()
    await count_all(tally.capacity_sampled(await live.all_presence(), await live.live_chats()))


# --- Wrap-up, feedback, help -----------------------------------------------------------------------


async def do_wrapup(*, counsellor: int, frame: protocol.Frame) -> str:
    """File the structured wrap-up of an ended chat: only aggregate counters change."""
    from helpline.wrapup import check_wrapup

    sid = frame["session"]
    try:
        wrapup = check_wrapup({k: v for k, v in frame.fields.items() if k != "session"})
    except ValueError as exc:
        return protocol.error_frame("bad_frame", str(exc)[:200])
    if not await store().file_wrapup(counsellor, sid):
        return protocol.error_frame("not_allowed", "there is no wrap-up due for this chat")
    await count_all(tally.wrapup_filed(
        concern=wrapup.concern, protective_action=wrapup.protective_action, outcome=wrapup.outcome,
        referrals=wrapup.referrals, risk=wrapup.risk,
    ))
    return protocol.wrapup_saved_frame(session=sid)


async def do_feedback(*, answers: dict[str, str]) -> str:
    from helpline.wrapup import check_feedback

    await count_all(tally.feedback_given(check_feedback(answers)))
    return protocol.feedback_thanks_frame()


async def do_ask_for_help(*, counsellor: int, counsellor_name: str, sid: str) -> str | None:
    """Alert every supervisor online with the chat's metadata (never its content)."""
    chat = await get_chat_for_counsellor(counsellor, sid)
    if chat is None:
        return protocol.error_frame("not_allowed", "this chat is not yours")
    await store().update_chat(sid, help_requested=True)
    moment = now()
    await bus.send_to_supervisors(protocol.help_frame(
        session=sid, counsellor=counsellor, counsellor_name=counsellor_name, priority=chat.priority,
        language=chat.language, minutes=int((moment - (chat.answered_at or moment)) // 60),
    ))
    await audit(counsellor, "chat.help_requested")
    return None
