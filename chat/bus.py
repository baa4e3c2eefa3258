"""Sends on the channel layer, and the one rule for work after the reply.

Keeps nothing but the background tasks `after_reply` started and has not finished (in this process
only, for a few milliseconds). Every frame text sent here was built by chat.protocol.

Events between sockets are typed: a consumer handles `chat.assigned` with its method
`chat_assigned`, and so on (EVENTS lists them), so each handler changes its own state and forwards
the frame. Frames that change no socket state (relayed ciphertext, acknowledgements, handshake
halves, `peer`) go as `relay.text`, which consumers forward unchanged: the raw path, also taken by
frames the Redis store publishes itself (chat.layers.raw_frame, RELAY_FROM_STORE).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import Any

from channels.exceptions import ChannelFull
from channels.layers import BaseChannelLayer, get_channel_layer

logger = logging.getLogger(__name__)

RELAY = "relay.text"
# Typed events, each handled by the consumer method of the same name with `_` for `.`.
CHAT_ASSIGNED = "chat.assigned"  # the seeker: a counsellor took the chat; a counsellor: you hold it now
CHAT_ENDED = "chat.ended"  # both sides: the chat is over
CHAT_REQUEUED = "chat.requeued"  # the seeker: back in the queue
CHAT_REASSIGNED = "chat.reassigned"  # the counsellor: a supervisor gave the chat to someone else
CHAT_HELP = "chat.help"  # supervisors: a counsellor asks for help
SOCKET_CLOSE = "socket.close"  # this socket was superseded by a newer one
EVENTS = (CHAT_ASSIGNED, CHAT_ENDED, CHAT_REQUEUED, CHAT_REASSIGNED, CHAT_HELP, SOCKET_CLOSE)

SUPERVISORS_GROUP = "supervisors"

# A worker's channel-layer inbox is full when it cannot keep up: the sender waits (which slows a
# flood at its source) for at most this long in total, then gives up on this one event. A `msg`
# given up on is still kept in the store and redelivered when the receiver resumes.
FULL_RETRY_SECONDS = (0.02, 0.05, 0.1, 0.2, 0.4)


def layer() -> BaseChannelLayer:
    found = get_channel_layer()
    assert found is not None
    return found


async def _send(channel: str, event: dict[str, Any]) -> None:
    if not channel:
        return
    for pause in (*FULL_RETRY_SECONDS, None):
        try:
            await layer().send(channel, event)
            return
        except ChannelFull:
            if pause is None:
                logger.warning("a worker's channel inbox stayed full; one event was not relayed")
                return
            await asyncio.sleep(pause)


async def send_to(channel: str, text: str) -> None:
    """Send a prebuilt frame to one socket's consumer, which forwards the text unchanged."""
    await _send(channel, {"type": RELAY, "text": text})


async def send_event(channel: str, kind: str, text: str, *, session: str = "") -> None:
    """A typed event (one of EVENTS) carrying the frame its handler forwards; `session` names the
    chat for a counsellor's socket, which carries several."""
    event: dict[str, Any] = {"type": kind, "text": text}
    if session:
        event["session"] = session
    await _send(channel, event)


async def close_socket(channel: str, *, code: int) -> None:
    """Close another socket (it was superseded) with this close code."""
    await _send(channel, {"type": SOCKET_CLOSE, "code": code})


async def send_to_supervisors(text: str) -> None:
    await layer().group_send(SUPERVISORS_GROUP, {"type": CHAT_HELP, "text": text})


# The rule for work after the reply: bookkeeping that the person waiting does not need to see
# (today the counters and the audit row of a claim, which a counsellor waits behind) runs after the
# reply has gone, in the background, through this function and nowhere else. Database writes go
# through the one sync thread a worker has and must not hold up the frames a counsellor waits for.
# Kept here until done; a stopping worker waits for them (helpline.serve, `settle`), and only a
# worker killed in between loses those few writes.
_after_reply: set[asyncio.Task[None]] = set()


def after_reply(work: Awaitable[object]) -> None:
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
    """Wait for the bookkeeping started by `after_reply` (shutdown, and tests before reading counters)."""
    while _after_reply:
        await asyncio.gather(*list(_after_reply), return_exceptions=True)
