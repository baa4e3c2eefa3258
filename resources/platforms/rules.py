"""Pure rules of the warning component: no database, no request, no clock.

- Partner codes and the source codes that carry a partner and a variant into the chat
  (`<partner code>_<variant id>`, variant 0 being the generic message).
- Allowed embedding origins and the `frame-ancestors` directive built from them.
- The visitor's language: the partner's `lang` parameter, else the browser's Accept-Language.
- The weighted choice of one variant per impression.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from urllib.parse import urlsplit

MAX_PARTNER_CODE = 24
MAX_WEIGHT = 1000
# Variant ids in source codes: the partner code, "_", and up to 7 digits fit the 32 characters that
# the chat protocol takes as a source (chat.protocol.source).
MAX_VARIANT_ID = 9_999_999
GENERIC_VARIANT = 0

# Where a click may go: the name in /go/<code>/<variant>/<destination>/.
CHAT = "chat"
MESSAGES = "messages"
SELF_HELP = "help"
SELF_ASSESSMENT = "assessment"
DESTINATIONS: tuple[str, ...] = (CHAT, MESSAGES, SELF_HELP, SELF_ASSESSMENT)

# What the embed's CSP says for a code that no partner has: the generic help message may be shown
# anywhere (it names no partner, counts nothing, and its links only open help in a new tab), so a
# mistyped code on a partner's page still shows help rather than the browser's "refused" page.
UNKNOWN_CODE_FRAME_ANCESTORS = "frame-ancestors *"

_PARTNER_CODE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,22}[a-z0-9])$")
_SOURCE = re.compile(r"^([a-z0-9][a-z0-9-]{0,22}[a-z0-9])_(0|[1-9][0-9]{0,6})$")
_HOST = re.compile(r"^(?:\*\.)?(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
_LANG_TAG = re.compile(r"^[a-zA-Z]{1,8}(?:-[a-zA-Z0-9]{1,8})*$")
MAX_ORIGINS = 50


def partner_code_shape(code: object) -> str | None:
    """The code if it has the shape of a partner code (2 to 24 of a-z, 0-9, '-'), else None."""
    if not isinstance(code, str) or not _PARTNER_CODE.fullmatch(code):
        return None
    return code


def variant_id_shape(value: object) -> int | None:
    """A variant id from a URL segment ("0" is the generic message), else None."""
    if not isinstance(value, str) or not value.isascii() or not value.isdigit() or len(value) > 7:
        return None
    if len(value) > 1 and value.startswith("0"):
        return None
    return int(value)


def source_for(code: str, variant_id: int) -> str:
    """The source code a click carries into the chat: `<partner>_<variant>`."""
    if partner_code_shape(code) is None or not 0 <= variant_id <= MAX_VARIANT_ID:
        raise ValueError("not a partner code and variant id")
    return f"{code}_{variant_id}"


def parse_source(source: object) -> tuple[str, int] | None:
    """(partner code, variant id) from a source code made by `source_for`, else None."""
    if not isinstance(source, str):
        return None
    found = _SOURCE.fullmatch(source)
    if found is None:
        return None
    return found.group(1), int(found.group(2))


def check_origin(text: str) -> str:
    """One allowed origin, normalised (`https://www.example.com`, `https://*.example.com:8443`).

    Raises ValueError with a sentence for the staff form. A path, query, user or fragment is
    refused: frame-ancestors matches origins, and anything more would be a promise it cannot keep.
    """
    candidate = text.strip()
    try:
        parts = urlsplit(candidate)
        port = parts.port
    except ValueError:
        raise ValueError(f"{candidate!r} is not an origin such as https://www.example.com") from None
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise ValueError(f"{candidate!r} must start with https:// (or http:// for a test server)")
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username or parts.password:
        raise ValueError(f"{candidate!r} must be an origin only: no path, query or user")
    host = (parts.hostname or "").lower()
    if host.startswith("*.") and not _HOST.fullmatch(host):
        raise ValueError(f"{candidate!r} has a host name that is not valid")
    if not host.startswith("*.") and not _HOST.fullmatch(host):
        raise ValueError(f"{candidate!r} has a host name that is not valid")
    if "*" in host and (not host.startswith("*.") or host.count(".") < 2):
        raise ValueError(
            f"{candidate!r}: a wildcard must be a whole left-most label of a domain, e.g. https://*.example.com"
        )
    return f"{parts.scheme}://{host}" + (f":{port}" if port is not None else "")


def parse_origins(text: str) -> list[str]:
    """Allowed origins from the staff form: one a line (commas and spaces also separate)."""
    origins: list[str] = []
    for item in re.split(r"[\s,]+", text or ""):
        if not item:
            continue
        origin = check_origin(item)
        if origin not in origins:
            origins.append(origin)
    if len(origins) > MAX_ORIGINS:
        raise ValueError(f"at most {MAX_ORIGINS} origins")
    return origins


def frame_ancestors(origins: Sequence[str]) -> str:
    """The CSP directive for a known partner: only its own origins; none listed means nobody."""
    return "frame-ancestors " + (" ".join(origins) if origins else "'none'")


def _accept_language(header: str) -> list[str]:
    """Language tags from an Accept-Language header, best first (q=0 dropped, order kept on ties)."""
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate(header.split(",")[:20]):
        tag, _, params = item.strip().partition(";")
        tag = tag.strip()
        if not tag or tag == "*" or not _LANG_TAG.fullmatch(tag):
            continue
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0:
            ranked.append((-quality, position, tag.lower()))
    return [tag for _, _, tag in sorted(ranked)]


def choose_language(*, requested: str | None, accept_language: str, supported: Iterable[str], default: str) -> str:
    """The partner's `lang` if the service has it, else the browser's first language it has, else default.

    A regional tag falls back to its language ("de-AT" -> "de").
    """
    available = list(supported)

    def match(tag: str) -> str | None:
        tag = tag.lower()
        if tag in available:
            return tag
        base = tag.split("-")[0]
        return base if base in available else None

    if requested and _LANG_TAG.fullmatch(requested):
        found = match(requested)
        if found:
            return found
    for tag in _accept_language(accept_language or ""):
        found = match(tag)
        if found:
            return found
    return default


def weighted_index(weights: Sequence[int], draw: float) -> int | None:
    """Which of the weighted items a uniform draw in [0, 1) picks; None when all weights are 0.

    Pure, so tests can walk the draw over [0, 1) and check the split exactly.
    """
    total = sum(w for w in weights if w > 0)
    if total <= 0:
        return None
    if not 0.0 <= draw < 1.0:
        raise ValueError("draw must be in [0, 1)")
    point = draw * total
    running = 0
    for index, weight in enumerate(weights):
        if weight <= 0:
            continue
        running += weight
        if point < running:
            return index
    # Floating point at the very top of the range: the last item with weight.
    return max(i for i, w in enumerate(weights) if w > 0)
