from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from chat.store.base import LiveStore


@lru_cache(maxsize=1)
def get_store():  # type: ignore[no-untyped-def]
    return import_string(settings.LIVE_STORE)()


def live_store() -> LiveStore:
    """This process's live-state store (settings.LIVE_STORE), typed."""
    return get_store()  # type: ignore[no-any-return]
