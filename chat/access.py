"""Who may use the counsellor socket (staff signed in with a verified second factor), and which
chats a counsellor may act on (`get_chat_for_counsellor`), and how often a keyed address hash may
open a socket (`check_connection_rate`).

The OTP middleware does not run for websockets, so the verification it does for pages is done
here from the session that Channels' AuthMiddlewareStack loaded into the scope.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from channels.db import database_sync_to_async
from django.conf import settings

from chat.domain import Chat
from chat.store import live_store

COUNSELLING_ROLES = ("counsellor", "supervisor", "admin")


@dataclass(frozen=True)
class StaffIdentity:
    user_id: int
    username: str
    pseudonym: str
    roles: frozenset[str]
    limit: int
    languages: tuple[str, ...]
    pathways: tuple[str, ...]

    @property
    def is_supervisor(self) -> bool:
        return bool(self.roles & {"supervisor", "admin"})


def _identity(scope: Mapping[str, Any]) -> StaffIdentity | None:
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.models import Device

    user = scope.get("user")
    session = scope.get("session")
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active or session is None:
        return None
    device_id = session.get(DEVICE_ID_SESSION_KEY)
    device = Device.from_persistent_id(device_id) if device_id else None
    if device is None or device.user_id != user.pk or not getattr(device, "confirmed", False):
        return None
    roles = set(user.groups.values_list("name", flat=True))
    if user.is_superuser:
        roles.add("admin")
    if not roles & set(COUNSELLING_ROLES):
        return None
    profile = getattr(user, "staffprofile", None)
    split = lambda text: tuple(x.strip() for x in (text or "").split(",") if x.strip())  # noqa: E731
    return StaffIdentity(
        user_id=user.pk,
        username=user.get_username(),
        pseudonym=getattr(profile, "pseudonym", "") or user.get_username(),
        roles=frozenset(roles),
        limit=int(getattr(profile, "chat_limit", 0) or settings.DEFAULT_CHAT_LIMIT),
        languages=split(getattr(profile, "languages", "")) or ("en",),
        pathways=split(getattr(profile, "pathways", "")),
    )


@database_sync_to_async
def socket_staff_identity(scope: Mapping[str, Any]) -> StaffIdentity | None:
    """The signed-in, OTP-verified staff member behind a counsellor socket, or None."""
    return _identity(scope)


@database_sync_to_async
def refresh_staff_session(scope: Mapping[str, Any], *, active: bool) -> bool:
    """Is the socket's staff session still valid? Keep it alive while the counsellor works.

    Staff sessions expire after STAFF_IDLE_MINUTES without a request. A counsellor in a long chat
    makes no HTTP requests, so activity on the socket counts as activity; a signed-out or expired
    session ends the socket (4401) at the next check.
    """
    from django.utils.module_loading import import_string

    session = scope.get("session")
    key = getattr(session, "session_key", None)
    if not key:
        return False
    fresh = import_string(settings.SESSION_ENGINE + ".SessionStore")(session_key=key)
    if not fresh.load() or fresh.get("_auth_user_id") is None:
        return False
    if active:
        fresh.save()  # pushes the expiry forward by SESSION_COOKIE_AGE
    return _identity({**scope, "session": fresh}) is not None


async def get_chat_for_counsellor(counsellor: int, sid: str) -> Chat | None:
    """The chat if it is this counsellor's, else None. The only lookup of a chat by staff."""
    chat = await live_store().get_chat(sid)
    if chat is None or chat.counsellor != counsellor or chat.state == "queued":
        return None
    return chat


async def check_connection_rate(*, kind: str, addr: str, limit: int) -> bool:
    """Count one connection attempt of this kind from a keyed address hash (never the address);
    False once there have been more than `limit` in the current minute."""
    return await live_store().hit(f"{kind}:{addr}", 60) <= limit
