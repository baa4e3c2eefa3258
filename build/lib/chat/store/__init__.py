from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.utils.module_loading import import_string


@lru_cache(maxsize=1)
def get_store():  # type: ignore[no-untyped-def]
    return import_string(settings.LIVE_STORE)()
