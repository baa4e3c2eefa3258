"""After a store outage: bring a seeker's socket and its chat in the store back into step.

Redis Sentinel promotes a replica when the master dies; replication is asynchronous, so the new
master may lack the last writes of the old one (a claim, a handshake step, a message). The
worker's sockets stayed open through the outage. When the store answers again (chat.health), each
seeker socket compares what it was told with what the store now holds, and the outcome is one of
the following, chosen by `resync_action` (pure) and carried out by `do_resync_seeker`:

- `gone`: the chat is not in the store (a restart without persistence, or a chat created just
  before the fail-over): the socket says `ended: interrupted` (the counsellor's socket says the
  same when it registers again).
- `interrupted`: the store is behind what both people already saw (the claim, or the confirmed
  handshake, was lost): the chat cannot go on honestly, so it ends as `interrupted` for both.
- `restart_handshake`: the chat was claimed but its handshake not started (the `assigned` may
  have been lost): the seeker is asked (`assigned`) to start it; `none`: a handshake under way
  is left to finish.
- `assigned`: the claim happened while this worker could not hear it: the seeker is told now.
- `requeue_watch`: still waiting in the queue: position updates go on.
- `resync`: the chat goes on. The seeker gets `welcome` again, as after a resume, and the
  counsellor's unacknowledged messages (some may have been published while this worker was not
  subscribed). A client resends its own unacknowledged messages on `welcome` (the page's outbox,
  chat.client): those the store refused during the outage, or that the new master lacks. The
  store drops what it has by sequence number and relays it again while unacknowledged.

Keeps nothing. Never logs a session id.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from chat import live, protocol
from chat.domain import Chat
from chat.store import live_store

REASON_INTERRUPTED = "interrupted"


def resync_action(*, socket_state: str, confirmed: bool, chat: Chat | None) -> str:
    """What a seeker socket in `socket_state` ("queued" or "chat"; `confirmed`: it completed a
    handshake in this chat) does when the store holds `chat` after an outage."""
    if chat is None:
        return "gone"
    if socket_state == "queued":
        return "requeue_watch" if chat.state == "queued" else "assigned"
    if chat.state == "queued":
        return "interrupted"  # the claim was lost: the counsellor is told the same
    if chat.hs != "done":
        if confirmed:
            return "interrupted"
        # Not started yet (the `assigned` may not have reached this socket): start it. One under
        # way is left alone: starting it again while its offer is in flight made the seeker check
        # the old offer against new keys, which fails as a bad signature.
        return "restart_handshake" if chat.hs == "" else "none"
    return "resync"


async def do_resync_seeker(*, sid: str, socket_state: str, confirmed: bool, channel: str,
                           send: Callable[[str], Awaitable[None]]) -> str:
    """Carry out `resync_action` for one seeker socket; returns the action taken."""
    store = live_store()
    chat = await store.get_chat(sid)
    action = resync_action(socket_state=socket_state, confirmed=confirmed, chat=chat)
    if action == "gone":
        await send(protocol.ended_frame(reason=REASON_INTERRUPTED))
    elif action == "interrupted":
        if await live.do_end_chat(sid=sid, reason=REASON_INTERRUPTED, ended_by="dropped") is None:
            await send(protocol.ended_frame(reason=REASON_INTERRUPTED))
    elif action == "restart_handshake":
        await store.restart_handshake(sid)
        await send(protocol.assigned_frame())
    elif action == "assigned":
        await send(protocol.assigned_frame())
    elif action == "resync":
        assert chat is not None
        if chat.seeker_channel != channel:
            await store.update_chat(sid, seeker_channel=channel, seeker_online=True)
        await send(protocol.welcome_frame(token=chat.token, session=chat.sid, rules=live.rules()))
        for seq, ct in await store.pending_frames(sid, "c"):
            await send(protocol.msg_frame(seq, ct))
    return action
