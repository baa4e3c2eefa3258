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

logger = logging.getLogger(__name__)


@csrf_exempt
def exit_page(request: HttpRequest) -> HttpResponse:
    """Quick exit without JavaScript, and the target of the quick-exit script's beacon.

    The response tells the browser to forget everything this site stored. A GET (the exit link
    followed without JavaScript) then sends the person to the neutral site; the script's POST gets
    an empty answer, so that its request never follows a redirect to another origin. Never cached.
    """
    if request.method == "POST":
        response = HttpResponse(status=204)
    else:
        response = HttpResponseRedirect(settings.QUICK_EXIT_URL, status=303)
    response.headers["Clear-Site-Data"] = '"cache", "storage", "executionContexts"'
    return response


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
            channel = await layer.new_channel("healthz.")
            await layer.send(channel, {"type": "healthz"})
            message = await layer.receive(channel)
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
