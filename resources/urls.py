from __future__ import annotations

from django.urls import path

from resources import views

app_name = "resources"

# Fixed paths come before /help/<category>/; resources.models.RESERVED_CATEGORY_SLUGS keeps them apart.
urlpatterns = [
    path("help/", views.library, name="library"),
    path("help/search/", views.search, name="search"),
    path("help/self-assessment/", views.self_assessment, name="self-assessment"),
    path("help/a/<slug:slug>/", views.article, name="article"),
    path("help/modules/<slug:slug>/", views.module_overview, name="module"),
    path("help/modules/<slug:slug>/finished/", views.module_finished, name="module-finished"),
    path("help/modules/<slug:slug>/<int:number>/", views.module_step, name="module-step"),
    path("help/modules/<slug:slug>/<int:number>/done/", views.module_step_done, name="module-step-done"),
    path("help/<slug:slug>/", views.category, name="category"),
    path("crisis/", views.crisis, name="crisis"),
    path("l/<str:code>/", views.landing, name="landing"),
]
