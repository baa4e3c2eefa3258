"""The language of staff pages: the one the person chose in the staff footer, else English.

Help-seeker pages choose their language by URL prefix only (helpline.settings); staff pages have
no prefix, so Django's LocaleMiddleware always gives them settings.LANGUAGE_CODE. This middleware
runs after it and, on staff paths only, uses the `staff_language` cookie that Django's
set_language view (/staff/language/) sets when someone picks a language. No Accept-Language
guessing: a shared computer never surprises the next person.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from helpline.middleware import is_staff_path


class StaffLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if is_staff_path(request.path) and chosen in dict(settings.LANGUAGES):
            translation.activate(chosen)
            request.LANGUAGE_CODE = chosen
            response = self.get_response(request)
            response.headers.setdefault("Content-Language", chosen)
            return response
        return self.get_response(request)
