"""Markdown to safe HTML, and reading time. Pure functions, no I/O.

Editors write Markdown; the HTML it produces is cleaned with nh3 against a short allow-list, so
raw HTML, scripts, event handlers, styles and javascript: or data: links never reach a page.
"""

from __future__ import annotations

import math
import re

import markdown  # type: ignore[import-untyped]
import nh3

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "hr", "h2", "h3", "h4", "strong", "em", "b", "i", "ul", "ol", "li", "blockquote",
        "a", "code", "pre", "abbr", "table", "thead", "tbody", "tr", "th", "td",
    }
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}}
ALLOWED_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
WORDS_PER_MINUTE = 200

_WORD = re.compile(r"\w+", re.UNICODE)


def render_markdown(text: str) -> str:
    """Sanitised HTML for Markdown written by an editor."""
    html = markdown.markdown(text, extensions=["tables", "sane_lists"], output_format="html")
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_SCHEMES),
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def reading_minutes(*texts: str) -> int:
    words = sum(len(_WORD.findall(text)) for text in texts)
    return max(1, math.ceil(words / WORDS_PER_MINUTE))
