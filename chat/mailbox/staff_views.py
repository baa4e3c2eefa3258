"""The counsellor inbox (under /staff/inbox/): a page, and JSON endpoints its script calls.

Thin views: each checks the role (password + TOTP, helpline.staff.access), calls one service
function and answers with JSON. Counsellors see threads' metadata and, once they claim a thread,
its ciphertext; their browser decrypts it. Supervisors see counts and ages, never content.
The endpoints use the staff session, so they are CSRF-protected like every staff form.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_GET, require_POST

from chat.certificates import ROOT_KEY_ASSET
from chat.mailbox import schemas, services
from chat.mailbox.api import error_response
from chat.mailbox.schemas import MailboxError
from helpline import workspace
from helpline.staff.access import staff_required, staff_role
from helpline.staff.rules import ADMIN, COUNSELLOR, SUPERVISOR
from helpline.wrapup import WrapupError, check_wrapup

# Counsellors read and answer; supervisors and admins see counts and ages, never content.
READERS = (COUNSELLOR,)
SUMMARY_ROLES = (SUPERVISOR, ADMIN)
PAGE_ROLES = READERS + SUMMARY_ROLES


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _json(request: HttpRequest) -> dict[str, Any]:
    return schemas.parse_body(request.body) if request.body else {}


@never_cache
@require_GET
@staff_required(*PAGE_ROLES)
def inbox_page(request: HttpRequest) -> HttpResponse:
    reader = staff_role(request.user) in READERS
    config = {
        "threads": reverse("inbox-threads") if reader else "",
        "summary": reverse("inbox-summary") if not reader else "",
        "thread": reverse("inbox-thread", args=[0]).replace("/0/", "/{id}/"),
        "key": reverse("inbox-key"),
        "recipients": reverse("mailbox-recipients"),
        "root_key_url": static(ROOT_KEY_ASSET),
        "workspace": reverse("staff-workspace"),
        "csrf_token": get_token(request),
    }
    context = {
        "config": config,
        "wrapup": workspace.wrapup_choices(),
        "is_supervisor": not reader,
    }
    return render(request, "mailbox/inbox.html", context)


def _answer(call: Any) -> JsonResponse:
    try:
        return JsonResponse(call())
    except MailboxError as error:
        return error_response(error)


@never_cache
@require_GET
@staff_required(*READERS)
def threads(request: HttpRequest) -> HttpResponse:
    """`{"columns": [...], "threads": [[...], ...]}`: rows rather than objects, for ten thousand threads."""
    body = {"columns": services.THREAD_COLUMNS, "threads": services.inbox_threads(_user(request))}
    return HttpResponse(json.dumps(body, separators=(",", ":")), content_type="application/json")


@never_cache
@require_GET
@staff_required(*SUMMARY_ROLES)
def summary(request: HttpRequest) -> JsonResponse:
    return _answer(services.supervisor_summary)


@never_cache
@require_GET
@staff_required(*READERS)
def thread(request: HttpRequest, thread_id: int) -> JsonResponse:
    user = _user(request)
    return _answer(lambda: services.thread_view(user, services.get_thread_for_counsellor(user, thread_id)))


@never_cache
@csrf_protect
@require_POST
@staff_required(*READERS)
def claim(request: HttpRequest, thread_id: int) -> JsonResponse:
    user = _user(request)

    def act() -> dict[str, Any]:
        claimed = services.do_claim_thread(counsellor=user, thread_id=thread_id)
        return services.thread_view(user, services.get_thread_for_counsellor(user, claimed.pk))

    return _answer(act)


@never_cache
@csrf_protect
@require_POST
@staff_required(*READERS)
def release(request: HttpRequest, thread_id: int) -> JsonResponse:
    user = _user(request)

    def act() -> dict[str, Any]:
        services.do_release_thread(counsellor=user, thread_id=thread_id)
        return {"released": True}

    return _answer(act)


@never_cache
@csrf_protect
@require_POST
@staff_required(*READERS)
def reply(request: HttpRequest, thread_id: int) -> JsonResponse:
    user = _user(request)

    def act() -> dict[str, Any]:
        data = _json(request)
        schemas.check_only(data, {"message"})
        message = schemas.check_message(data.get("message"), reply=True)
        row = services.do_reply(counsellor=user, thread_id=thread_id, message=message)
        return {"seq": row.seq, "day": row.day.isoformat()}

    return _answer(act)


@never_cache
@csrf_protect
@require_POST
@staff_required(*READERS)
def close(request: HttpRequest, thread_id: int) -> JsonResponse:
    user = _user(request)

    def act() -> dict[str, Any]:
        try:
            wrapup = check_wrapup(_json(request))
        except (WrapupError, ValueError) as exc:
            raise MailboxError("bad_wrapup", str(exc)[:200]) from exc
        services.do_close_thread(counsellor=user, thread_id=thread_id, wrapup=wrapup)
        return {"closed": True}

    return _answer(act)


@never_cache
@csrf_protect
@require_POST
@staff_required(*READERS)
def register_key(request: HttpRequest) -> JsonResponse:
    """The browser's inbox key (base64url point) and its identity key's signature over it."""
    user = _user(request)

    def act() -> dict[str, Any]:
        data = _json(request)
        schemas.check_only(data, {"public_key", "signature"})
        key = services.do_register_inbox_key(
            user=user, public_key=str(data.get("public_key", ""))[:200], signature=str(data.get("signature", ""))[:200]
        )
        return {"fingerprint": key.fingerprint}

    return _answer(act)


