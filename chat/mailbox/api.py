"""The help-seeker's secure-message endpoints (docs/PROTOCOL.md 9.7): JSON in, JSON out.

Seekers have no cookie, so there is no ambient credential for another site to ride on: the
codename-derived lookup identifier in the body is the only credential. The endpoints are
therefore exempt from Django's cookie-based CSRF check, and instead accept only
`Content-Type: application/json`, which a cross-site form cannot send and a cross-site script can
send only after a CORS preflight that this service never answers. Keeps nothing beyond what
chat/mailbox/services.py keeps; logs nothing about the request.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from chat.mailbox import schemas, services
from chat.mailbox.schemas import MailboxError
from helpline.ratelimits import check_rate

logger = logging.getLogger(__name__)

JsonView = Callable[..., JsonResponse]


def error_response(error: MailboxError) -> JsonResponse:
    return JsonResponse({"error": error.code, "message": error.message[:200]}, status=error.status)


def json_endpoint(view: Callable[[HttpRequest, dict[str, Any]], dict[str, Any]]) -> JsonView:
    """POST with a JSON body, answered with JSON; every refusal is a documented error code."""

    @wraps(view)
    def wrapped(request: HttpRequest) -> JsonResponse:
        try:
            if request.content_type != "application/json":
                raise MailboxError("bad_request", "send Content-Type: application/json")
            result = view(request, schemas.parse_body(request.body))
        except MailboxError as error:
            return error_response(error)
        except Exception:
            # Nothing about the request is logged: not its body, not its address.
            logger.exception("a secure-message request failed")
            return error_response(MailboxError("server_error"))
        response = JsonResponse(result)
        response.headers["Cache-Control"] = "no-store"
        return response

    return never_cache(csrf_exempt(require_POST(wrapped)))  # type: ignore[no-any-return]


def _limit_codename(request: HttpRequest) -> None:
    if check_rate(request, group="mailbox-codename", rate=settings.MAILBOX_CODENAME_RATE):
        raise MailboxError("rate_limited")


@never_cache
@require_GET
def recipients(request: HttpRequest) -> JsonResponse:
    """The counsellor keys a new message may be wrapped for, for the browser to check (9.3)."""
    if check_rate(request, group="mailbox-recipients", rate="120/m"):
        return error_response(MailboxError("rate_limited"))
    response = JsonResponse(services.recipients())
    response.headers["Cache-Control"] = "no-store"
    return response


@json_endpoint
def create(request: HttpRequest, data: dict[str, Any]) -> dict[str, Any]:
    if check_rate(request, group="mailbox-create", rate=settings.MAILBOX_CREATE_RATE):
        raise MailboxError("rate_limited")
    new = schemas.check_create(data)
    mailbox = services.do_create_mailbox(new=new)
    return services.mailbox_view(mailbox)


@json_endpoint
def open_mailbox(request: HttpRequest, data: dict[str, Any]) -> dict[str, Any]:
    """The mailbox for this lookup identifier; an unknown one answers `{"mailbox": null}`, which is
    also what a deleted or expired one answers."""
    _limit_codename(request)
    schemas.check_only(data, {"lookup"})
    return services.mailbox_view(services.get_mailbox_for_seeker(schemas.check_lookup(data)))


@json_endpoint
def send(request: HttpRequest, data: dict[str, Any]) -> dict[str, Any]:
    _limit_codename(request)
    schemas.check_only(data, {"lookup", "message"})
    lookup = schemas.check_lookup(data)
    message = schemas.check_message(data.get("message"))
    mailbox = services.get_mailbox_for_seeker(lookup)
    if mailbox is None:
        raise MailboxError("expired")
    services.do_seeker_send(mailbox=mailbox, message=message)
    return services.mailbox_view(services.get_mailbox_for_seeker(lookup))


@json_endpoint
def delete(request: HttpRequest, data: dict[str, Any]) -> dict[str, Any]:
    """Deletes the mailbox; answers the same whether there was one or not."""
    _limit_codename(request)
    schemas.check_only(data, {"lookup"})
    mailbox = services.get_mailbox_for_seeker(schemas.check_lookup(data))
    if mailbox is not None:
        services.do_delete_mailbox(mailbox=mailbox)
    return {"deleted": True}
