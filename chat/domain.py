"""The live path's domain types: a chat, a counsellor's presence, the result of a claim.

Pure data (no I/O): what chat.store keeps for a chat and a counsellor, and how a chat is written to
and read back from the store's flat fields. What each field holds, and for how long it is kept,
is listed at the top of chat/store/base.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields, replace
from typing import Any, Literal

Side = Literal["s", "c"]


@dataclass
class Chat:
    sid: str
    token: str
    priority: str
    pathway: str
    language: str
    enqueued_at: float
    score: float
    triage: dict[str, str] = field(default_factory=dict)
    source: str = ""
    addr: str = ""
    state: str = "queued"  # queued | assigned | active
    counsellor: int = 0
    assigned_at: float = 0.0
    answered_at: float = 0.0
    epoch: int = 0  # the number of the current assignment; a new one means a fresh handshake
    hs: str = ""  # "", "init", "offer", "done" within the current epoch
    seeker_channel: str = ""
    counsellor_channel: str = ""
    seeker_online: bool = True
    counsellor_online: bool = True
    last_seeker_activity: float = 0.0
    help_requested: bool = False

    @property
    def queue_key(self) -> str:
        return f"{self.language}:{self.pathway}"

    def to_fields(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "triage":
                out[f.name] = json.dumps(value, separators=(",", ":"))
            elif isinstance(value, bool):
                out[f.name] = "1" if value else "0"
            else:
                out[f.name] = str(value)
        return out

    @classmethod
    def from_fields(cls, raw: dict[Any, Any]) -> Chat:
        data = {(k.decode() if isinstance(k, bytes) else k): (v.decode() if isinstance(v, bytes) else v)
                for k, v in raw.items()}
        kwargs: dict[str, Any] = {}
        for f in fields(cls):
            if f.name not in data:
                continue
            value = data[f.name]
            if f.name == "triage":
                kwargs[f.name] = json.loads(value or "{}")
            elif f.type in ("float",):
                kwargs[f.name] = float(value)
            elif f.type in ("int",):
                kwargs[f.name] = int(float(value))
            elif f.type in ("bool",):
                kwargs[f.name] = value == "1"
            else:
                kwargs[f.name] = value
        return cls(**kwargs)

    def copy(self, **changes: Any) -> Chat:
        return replace(self, **changes)


@dataclass
class Presence:
    user_id: int
    name: str = ""
    state: str = "offline"  # available | break | offline
    limit: int = 2
    languages: tuple[str, ...] = ("en",)
    pathways: tuple[str, ...] = ()
    channel: str = ""
    online: bool = False
    active: int = 0
    wrapups: tuple[str, ...] = ()
    since: float = 0.0

    def serves(self, language: str, pathway: str) -> bool:
        return language in self.languages and (not self.pathways or pathway in self.pathways)


@dataclass(frozen=True)
class ClaimResult:
    chat: Chat | None
    refusal: str = ""  # not_available | at_limit | wrapup_required | queue_empty | bad_state
    previous_counsellor: int = 0


@dataclass(frozen=True)
class Block:
    """One active block: the keyed address hash it applies to, when it ends (epoch seconds) and the
    note stored with it (who placed it and why, where the caller gave them; never an address)."""

    addr: str
    expires_at: float
    placed_by: str = ""
    reason: str = ""
