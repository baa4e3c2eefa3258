from __future__ import annotations

from django.urls import path

from helpline.stats import views

urlpatterns = [
    path("", views.dashboard, name="stats-dashboard"),
    path("export.csv", views.export_csv, name="stats-export-csv"),
    path("export.json", views.export_json, name="stats-export-json"),
]
