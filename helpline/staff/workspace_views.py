"""The counsellor workspace, the supervisor view and the identity-key endpoints.

Thin views: the pages are server-rendered shells whose data the scripts read from JSON blocks
(chat/static/chat/js/workspace.js and supervisor.js); everything live happens over the counsellor
socket. The key endpoints call chat.certificates and nothing else; every state change is audited
there.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_GET, require_POST

from chat import certificates
from helpline import workspace
from helpline.ratelimits import limited
from helpline.staff.access import staff_required
from helpline.staff.accounts import staff_profile
from helpline.staff.rules import ADMIN, FLOOR_ROLES, SUPERVISOR
from helpline.triage import load_catalogue

SUPERVISOR_ROLES = (SUPERVISOR, ADMIN)


def _socket_config(request: HttpRequest) -> dict[str, Any]:
    return {
        "socket": "/ws/counsellor/",
        "grace_seconds": int(settings.COUNSELLOR_GRACE_SECONDS),
        "block_hours": int(settings.BLOCK_HOURS),
    }


def _placeholder_values(pseudonym: str) -> dict[str, str]:
    from helpline.hours import load_schedule
    from helpline.links import seeker_links
    from helpline.staff.manage.forms import day_names
    from helpline.timetable import week_in_words

    links = seeker_links()
    return {
        "counsellor": pseudonym,
        "service": str(settings.SERVICE_NAME),
        "opening_hours": week_in_words(load_schedule().periods, [str(n) for n in day_names()]),
        "self_help_url": links["self_help_url"],
        "crisis_url": links["crisis_url"],
    }


@never_cache
@require_GET
@staff_required(*FLOOR_ROLES)
def workspace_page(request: HttpRequest) -> HttpResponse:
    profile = staff_profile(request.user)  # type: ignore[arg-type]
    languages = profile.language_codes or [settings.LANGUAGE_CODE]
    lang = get_language() or settings.LANGUAGE_CODE
    config = {
        **_socket_config(request),
        "keys_mine": reverse("staff-keys-mine"),
        "keys_request": reverse("staff-keys-request"),
        "pseudonym": profile.display_pseudonym,
        "languages": languages,
        "demo_auto_certify": certificates.demo_auto_certify(),
        "csrf_token": get_token(request),
    }
    context = {
        "profile": profile,
        "config": config,
        "strings": workspace.workspace_strings(),
        "canned": workspace.canned_responses(languages, values=_placeholder_values(profile.display_pseudonym)),
        "wrapup": workspace.wrapup_choices(),
        "triage": workspace.triage_texts(load_catalogue(), lang),
        "resources": workspace.shareable_resources(languages),
        "demo_auto_certify": config["demo_auto_certify"],
    }
    return render(request, "helpline/staff/workspace.html", context)


@never_cache
@require_GET
@staff_required(*SUPERVISOR_ROLES)
def supervisor_page(request: HttpRequest) -> HttpResponse:
    context = {"config": _socket_config(request), "strings": workspace.workspace_strings()}
    return render(request, "helpline/staff/supervisor.html", context)


@never_cache
@require_GET
@staff_required(*FLOOR_ROLES)
@limited(group="staff-keys", rate="60/m")
def keys_mine(request: HttpRequest) -> JsonResponse:
    """The status of this person's identity key (the one with `?fingerprint=`, else the newest)."""
    fingerprint = request.GET.get("fingerprint", "")[:64]
    key = certificates.current_key(request.user, fingerprint)
    return JsonResponse(workspace.key_status(key, demo_auto_certify=certificates.demo_auto_certify()))


@never_cache
@csrf_protect
@require_POST
@staff_required(*FLOOR_ROLES)
@limited(group="staff-keys", rate="60/m")
def keys_request(request: HttpRequest) -> JsonResponse:
    """The browser sends its new identity public key (base64url point) for certification."""
    public_key = request.POST.get("public_key", "")[:200]
    profile = staff_profile(request.user)  # type: ignore[arg-type]
    try:
        key = certificates.do_request_certification(
            user=request.user,  # type: ignore[arg-type]
            public_key=public_key,
            pseudonym=profile.display_pseudonym,
        )
    except certificates.CertificateError as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    auto = certificates.demo_auto_certify()
    if auto and key.status == "pending":
        root = certificates.server_root_private_key()
        if root is not None:
            # DEMO ONLY: the server holds the root key and certifies at once (audited in do_certify).
            key = certificates.do_certify(key=key, root_private=root, actor=None)
    return JsonResponse(workspace.key_status(key, demo_auto_certify=auto))

