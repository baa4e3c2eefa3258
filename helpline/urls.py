from __future__ import annotations

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path

from chat import views as chat_views
from helpline import seeker_views, views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("exit", views.exit_page, name="exit"),
    path("chat/revoked.json", chat_views.revoked, name="seeker-revoked"),
    # Secure messages (chat/mailbox): the JSON endpoints, and the pages in every language below.
    path("mailbox/api/", include("chat.mailbox.urls")),
    path("admin/", admin.site.urls),
    path("manage/stats/", include("helpline.stats.urls")),
    path("staff/partners/", include("resources.platforms.staff_urls")),
    path("staff/", include("helpline.staff.urls")),
    # The warning component that partners embed (docs/PLATFORMS.md): no language prefix, the
    # partner's `lang` parameter or the browser's language chooses.
    path("", include("resources.platforms.urls")),
]

# Help-seeker pages: English without a prefix, other languages under /<code>/ (no cookie needed).
urlpatterns += i18n_patterns(
    path("", seeker_views.home, name="home"),
    path("chat/", chat_views.chat, name="seeker-chat"),
    path("how-we-protect-you/", seeker_views.how_we_protect_you, name="seeker-protect"),
    path("mailbox/", include("chat.mailbox.seeker_urls")),
    path("staying-private/", seeker_views.staying_private, name="seeker-private"),
    path("", include("resources.urls")),
    prefix_default_language=False,
)

if settings.SERVE_STATIC:
    # One-process mode: Daphne serves the collected, content-hashed files. Behind nginx, nginx does.
    urlpatterns += [
        re_path(
            r"^static/(?P<path>.*)$",
            views.static_file,
            {"document_root": settings.STATIC_ROOT, "show_indexes": False},
            name="static",
        )
    ]

handler500 = "helpline.seeker_views.server_error"
