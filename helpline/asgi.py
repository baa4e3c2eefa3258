"""ASGI entry point: HTTP through Django, websockets through the chat routing.

The websocket stack sits inside chat.origins.ExactOriginValidator, so a page on another origin
(another scheme, host or port) cannot open a socket to the service, and inside the session and
auth middleware so that the counsellor socket knows its staff user (the seeker socket ignores
both: help-seekers have no cookies).
"""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpline.settings")

from django.core.asgi import get_asgi_application

django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from chat.origins import ExactOriginValidator  # noqa: E402
from chat.routing import websocket_urlpatterns  # noqa: E402
from resources.platforms.asgi import EmbedFastPath  # noqa: E402

application = ProtocolTypeRouter(
    {
        # The partner embed's page (millions of impressions) is answered before Django's handler.
        "http": EmbedFastPath(django_asgi_app),
        "websocket": ExactOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)

# Everything imported so far lives as long as the process: take it out of the garbage collector's
# full collections, which otherwise walk it mid-burst (26 ms pauses in the claim benchmark,
# docs/PERFORMANCE.md).
import gc  # noqa: E402

gc.collect()
gc.freeze()
# A worker holding a thousand chats keeps a few million objects alive, and the default thresholds
# (700, 10, 10) walk all of them in a full collection every few seconds under load: 100-550 ms
# pauses that were the whole of the relay's p99 (docs/PERFORMANCE.md, second round). A young
# generation of 10,000 keeps each young collection short (a pause of a few ms: what a message
# arriving then waits), and 50 x 1,000 of them between full collections makes those rare (about
# every 500 million allocations) without turning them off: cyclic garbage is still freed.
# GC_THRESHOLDS="young,middle,old" overrides them (docs/OPERATIONS.md).
gc.set_threshold(*(int(n) for n in os.environ.get("GC_THRESHOLDS", "10000,50,1000").split(",")))
