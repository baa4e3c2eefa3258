"""The warning component's public paths (included from helpline/urls.py, outside the language prefixes)."""

from __future__ import annotations

from django.urls import path

from resources.platforms import views

app_name = "platforms"

urlpatterns = [
    path("embed/<str:code>/", views.embed, name="embed"),
    path("embed/<str:code>/message.json", views.message_json, name="message-json"),
    path("go/<str:code>/<str:variant>/<str:destination>/", views.go, name="go"),
]
