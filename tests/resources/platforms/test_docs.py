"""docs/PLATFORMS.md: the snippet partners copy is the one the service generates."""

from __future__ import annotations

import re

from resources.platforms.snippet import PLACEHOLDER_CODE, PLACEHOLDER_LANG, PLACEHOLDER_ORIGIN, snippet
from tests.conftest import REPO


def documented_snippet() -> str:
    text = (REPO / "docs" / "PLATFORMS.md").read_text()
    blocks = re.findall(r"```html\n(.*?)```", text, re.DOTALL)
    assert len(blocks) == 1, "docs/PLATFORMS.md has exactly one html block: the snippet"
    return blocks[0].strip()


def test_the_documented_snippet_is_the_generated_one() -> None:
    assert documented_snippet() == snippet(origin=PLACEHOLDER_ORIGIN, code=PLACEHOLDER_CODE, lang=PLACEHOLDER_LANG)


def test_the_snippet_sandboxes_and_sends_no_referrer() -> None:
    text = documented_snippet()
    assert 'sandbox="allow-popups allow-popups-to-escape-sandbox allow-same-origin"' in text
    assert "allow-scripts" not in text
    assert text.count('referrerpolicy="no-referrer"') == 2
    assert "<noscript>" in text
