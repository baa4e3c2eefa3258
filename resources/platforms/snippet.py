"""The copy-paste snippet a partner puts on its page (docs/PLATFORMS.md shows it with the
placeholders below; a test checks that the document and this function agree)."""

from __future__ import annotations

from django.utils.html import escape

PLACEHOLDER_ORIGIN = "https://help.example.org"
PLACEHOLDER_CODE = "example-partner"
PLACEHOLDER_LANG = "en"

# The iframe may open help in a new, unsandboxed tab and nothing else: no scripts, no forms, no
# navigation of the partner's page. The page inside runs no script anyway.
SANDBOX = "allow-popups allow-popups-to-escape-sandbox allow-same-origin"

_TEMPLATE = (
    '<div class="helpline-warning">\n'
    '  <iframe src="{origin}/embed/{code}/?lang={lang}"\n'
    '          title="Anonymous help is available"\n'
    '          sandbox="{sandbox}"\n'
    '          referrerpolicy="no-referrer" loading="eager"\n'
    '          width="100%" height="340"></iframe>\n'
    "  <noscript>\n"
    '    <p><a href="{origin}/go/{code}/0/chat/?lang={lang}" target="_blank" rel="noopener noreferrer"\n'
    '          referrerpolicy="no-referrer">Anonymous help is available now: talk to someone in confidence</a></p>\n'
    "  </noscript>\n"
    "</div>"
)


def snippet(*, origin: str, code: str, lang: str) -> str:
    """The snippet as text (plain str: a staff page shows it escaped, never as a live iframe)."""
    values = {"origin": origin.rstrip("/"), "code": code, "lang": lang, "sandbox": SANDBOX}
    return _TEMPLATE.format(**{name: str(escape(value)) for name, value in values.items()})
