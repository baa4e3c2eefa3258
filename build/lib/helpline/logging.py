"""Logging filter that keeps network identifiers out of every log line.

Nothing in this project logs an address, a user agent, a session id or a frame body on purpose;
this filter is the second line of defence for third-party code (Django, Daphne, Channels) that
might. It is attached to every handler in settings.LOGGING.
"""

from __future__ import annotations

import logging
import re

_IPV4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?::\d{1,5})?(?![\w.])")
# IPv6 in its common written forms (full, compressed, bracketed with a port, v4-mapped).
_IPV6 = re.compile(
    r"\[?(?<![\w:])(?:[0-9a-fA-F]{1,4}:){2,7}(?::|[0-9a-fA-F]{1,4})(?:%\w+)?\]?(?::\d{1,5})?"
    r"|\[?(?<![\w:])::(?:[0-9a-fA-F]{1,4}:){0,6}[0-9a-fA-F]{0,4}\]?(?::\d{1,5})?"
)
_USER_AGENT = re.compile(r"(?i)(user[-_ ]?agent['\"]?\s*[:=]\s*)(['\"]?)[^'\"\n,}]*\2")
_BROWSER_TOKEN = re.compile(r"Mozilla/\d\.\d[^\n\"']*")
_SCRUBBED_ATTRIBUTES = ("request", "scope", "client", "headers")


def scrub(text: str) -> str:
    """Replace addresses and user-agent strings in text with fixed markers."""
    text = _USER_AGENT.sub(r"\1[user-agent]", text)
    text = _BROWSER_TOKEN.sub("[user-agent]", text)
    text = _IPV4.sub("[address]", text)
    return _IPV6.sub("[address]", text)


class ScrubIdentifiersFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not take the log line (or the request) down
            message = str(record.msg)
        record.msg = scrub(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        # Django attaches the request (with META) to records from django.request; handlers that
        # format it (mail_admins) would leak addresses, so it never travels further.
        for name in _SCRUBBED_ATTRIBUTES:
            if hasattr(record, name):
                setattr(record, name, None)
        return True
