from __future__ import annotations

from django.urls import path

from chat import consumers

websocket_urlpatterns = [
    path("ws/seeker/", consumers.SeekerConsumer.as_asgi()),
    path("ws/counsellor/", consumers.CounsellorConsumer.as_asgi()),
]
