"""Content-hashed static files with Subresource Integrity.

Every static file is served under a name that contains a hash of its content, and every script
and stylesheet tag carries an `integrity` attribute. The manifest of hashes (`integrity_manifest`)
is published on the "how we protect you" page, so that a change to the JavaScript that handles
encryption is visible to anyone who compares it (docs/THREAT_MODEL.md).
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache

from django.contrib.staticfiles.storage import ManifestStaticFilesStorage, staticfiles_storage


class HashedStaticStorage(ManifestStaticFilesStorage):
    # Rewrite `import ... from "./x.js"` so that ES modules import each other by hashed name.
    support_js_module_import_aggregation = True
    manifest_strict = True


@lru_cache(maxsize=512)
def _integrity_for_hashed(hashed_name: str) -> str:
    with staticfiles_storage.open(hashed_name) as handle:
        digest = hashlib.sha384(handle.read()).digest()
    return "sha384-" + base64.b64encode(digest).decode("ascii")


def hashed_name(name: str) -> str:
    return staticfiles_storage.stored_name(name)  # type: ignore[attr-defined]


def integrity(name: str) -> str:
    """SRI value of a static file given by its unhashed name."""
    return _integrity_for_hashed(hashed_name(name))


def integrity_manifest(prefixes: tuple[str, ...] = ("chat/", "helpline/js/", "resources/js/")) -> list[dict[str, str]]:
    """Every published script under the given prefixes with its hashed URL and SRI value."""
    storage = staticfiles_storage
    entries = []
    for name, stored in sorted(getattr(storage, "hashed_files", {}).items()):
        if name.endswith((".js", ".json", ".pem")) and name.startswith(prefixes):
            entries.append({"name": name, "url": storage.url(name), "integrity": _integrity_for_hashed(stored)})
    return entries
