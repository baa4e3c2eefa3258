from __future__ import annotations

import asyncio
import logging

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.static import serve

from helpline.env import normalise_origin
from helpline.ratelimits import limited

logger = logging.getLogger(__name__)


@csrf_exempt
@limited(group="exit", rate="120/m")
def exit_page(request: HttpRequest) -> HttpResponse:
    """Quick exit without JavaScript, and the target of the quick-exit script's beacon.

    The response tells the browser to forget everything this site stored, but only when the request
    came from this site (`exit_is_same_origin`): a link or form on another site must not wipe a
    counsellor's identity key (issue 17). A GET (the exit link followed without JavaScript) then
    sends the person to the neutral site; the script's POST gets an empty answer, so that its
    request never follows a redirect to another origin. Never cached.
    """
    if request.method == "POST":
        response = HttpResponse(status=204)
    else:
        response = HttpResponseRedirect(settings.QUICK_EXIT_URL, status=303)
    if exit_is_same_origin(request):
        response.headers["Clear-Site-Data"] = CLEAR_SITE_DATA
    return response


CLEAR_SITE_DATA = '"cache", "storage", "executionContexts"'


def exit_is_same_origin(request: HttpRequest) -> bool:
    """The request came from one of this site's own pages: the browser says `Sec-Fetch-Site:
    same-origin`, or (browsers without Fetch Metadata) a POST carries this site's Origin."""
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site == "same-origin"
    if request.method != "POST":
        return False
    origin = normalise_origin(request.headers.get("Origin", ""))
    if origin is None:
        return False
    return origin in settings.SITE_ORIGINS or origin == normalise_origin(
        f"{request.scheme}://{request.get_host()}"
    )


def _database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.warning("health check: the database did not answer")
        return False


async def _channel_layer_answers() -> bool:
    layer = get_channel_layer()
    if layer is None:
        return False
    try:
        async with asyncio.timeout(2):
            # The default prefix on purpose: channels-redis reads one inbox per prefix and process,
            # and whichever socket's receive holds the lock reads only its own prefix's inbox; a
            # "healthz." channel would wait behind it until its read times out (5 s) when any
            # socket is open on this worker.
            channel = await layer.new_channel()
            try:
                await layer.send(channel, {"type": "healthz"})
                message = await layer.receive(channel)
            finally:
                if forget := getattr(layer, "forget_channel", None):
                    await forget(channel)  # otherwise every check stays subscribed (chat.layers)
            return message.get("type") == "healthz"
    except Exception:
        logger.warning("health check: the channel layer did not answer")
        return False


async def _live_store_answers() -> bool:
    from chat.store import get_store

    try:
        async with asyncio.timeout(2):
            return await get_store().ping()
    except Exception:
        logger.warning("health check: the live-state store did not answer")
        return False


@never_cache
@limited(group="healthz", rate="600/m")
async def healthz(request: HttpRequest) -> HttpResponse:
    database = await sync_to_async(_database_answers, thread_sensitive=True)()
    channel_layer, live_store = await asyncio.gather(_channel_layer_answers(), _live_store_answers())
    healthy = database and channel_layer and live_store
    return JsonResponse(
        {
            "status": "ok" if healthy else "degraded",
            "database": database,
            "channel_layer": channel_layer,
            "live_store": live_store,
        },
        status=200 if healthy else 503,
    )


def ratelimited(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "429.html", status=429)


def static_file(
    request: HttpRequest, path: str, document_root: str, show_indexes: bool = False
) -> HttpResponseBase:
    """Serve a collected static file; hashed names never change, so they are cached for a year."""
    response = serve(request, path, document_root=document_root, show_indexes=False)
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
