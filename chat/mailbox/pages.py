"""The help-seeker's secure-message pages: write a first message, and come back with a codename.

Keeps nothing and sets no cookie (helpline.middleware strips any). The pages are shells: the
browser (chat/mailbox/static/mailbox/js/seeker-mailbox.js) does all the cryptography and talks to
the JSON endpoints in chat/mailbox/api.py.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from chat.certificates import ROOT_KEY_ASSET, root_key_fingerprint
from chat.views import MAX_MESSAGE_CHARS
from helpline.links import localised_path, seeker_links

WORDLIST = "mailbox/eff_large_wordlist.txt"


def _context(page: str) -> dict[str, Any]:
    fingerprint = root_key_fingerprint()
    config = {
        "page": page,
        "wordlist": static(WORDLIST),
        "root_key_url": static(ROOT_KEY_ASSET) if fingerprint else "",
        "root_fingerprint": fingerprint or "",
        "recipients": reverse("mailbox-recipients"),
        "create": reverse("mailbox-create"),
        "open": reverse("mailbox-open"),
        "send": reverse("mailbox-send"),
        "delete": reverse("mailbox-delete"),
        "language": get_language() or settings.LANGUAGE_CODE,
        "max_chars": MAX_MESSAGE_CHARS,
        "write_url": localised_path("/mailbox/"),
        "return_url": localised_path("/mailbox/return/"),
    }
    return {
        "config": config,
        "available": fingerprint is not None,
        "retention_days": settings.MAILBOX_RETENTION_DAYS,
        "max_chars": MAX_MESSAGE_CHARS,
        "write_url": config["write_url"],
        "return_url": config["return_url"],
        **seeker_links(),
    }


@require_GET
def write(request: HttpRequest) -> HttpResponse:
    return render(request, "mailbox/write.html", _context("write"))


@require_GET
def come_back(request: HttpRequest) -> HttpResponse:
    return render(request, "mailbox/return.html", _context("return"))
