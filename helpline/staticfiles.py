"""Content-hashed static files with Subresource Integrity.

Every static file is served under a name that contains a hash of its content, and every script
and stylesheet tag carries an `integrity` attribute. The manifest of hashes (`integrity_manifest`)
is published on the "how we protect you" page, so that a change to the JavaScript that handles
encryption is visible to anyone who compares it (docs/THREAT_MODEL.md).
"""

from __future__ import annotations

import base64
import hashlib
import posixpath
import re
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


# A static `import ... from "./x.js";`, `export ... from "./x.js";` or `import "./x.js";` of a
# relative module: the forms the storage above rewrites to hashed names (the chat's modules use no other).
_MODULE_IMPORT = re.compile(
    r"""^\s*(?:import|export)\b[^;'"]*?\bfrom\s*["'](\.{1,2}/[^"']+)["']\s*;|^\s*import\s*["'](\.{1,2}/[^"']+)["']\s*;""",
    re.MULTILINE,
)


def module_imports(source: str) -> list[str]:
    """The relative module paths a JavaScript module imports or re-exports, in file order."""
    return [found.group(1) or found.group(2) for found in _MODULE_IMPORT.finditer(source)]


@lru_cache(maxsize=64)
def module_graph(name: str) -> tuple[str, ...]:
    """Every module that the module `name` (an unhashed static name) imports, directly or not.

    Pages preload each with its integrity (templatetags/sri.py `module_script`), so the browser checks
    imported modules as it checks the entry script (docs/THREAT_MODEL.md).
    """
    seen: list[str] = []

    def visit(current: str) -> None:
        with staticfiles_storage.open(current) as handle:
            source = handle.read().decode("utf-8")
        for relative in module_imports(source):
            target = posixpath.normpath(posixpath.join(posixpath.dirname(current), relative))
            if target != name and target not in seen:
                seen.append(target)
                visit(target)

    visit(name)
    return tuple(seen)


def integrity_manifest(
    prefixes: tuple[str, ...] = ("chat/", "mailbox/", "helpline/js/", "resources/js/"),
) -> list[dict[str, str]]:
    """Every published script under the given prefixes with its hashed URL and SRI value."""
    storage = staticfiles_storage
    entries = []
    for name, stored in sorted(getattr(storage, "hashed_files", {}).items()):
        if name.endswith((".js", ".json", ".pem")) and name.startswith(prefixes):
            entries.append({"name": name, "url": storage.url(name), "integrity": _integrity_for_hashed(stored)})
    return entries
