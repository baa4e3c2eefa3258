"""Help-seeker pages: library, articles, modules, search, self-assessment, crisis contacts, landing pages.

Thin views: read through resources.content, count through resources.counting, render. No view
sets a cookie or keeps anything about a reader; module progress and reflection answers stay in
the reader's browser (sessionStorage), and the self-assessment is computed there too.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from helpline import metrics
from helpline.ratelimits import limited
from resources import content
from resources.counting import do_count_reading
from resources.landing import source_code_shape
from resources.models import Audience
from resources.rendering import render_markdown


def current_language() -> str:
    code = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return code if code in dict(settings.LANGUAGES) else str(settings.LANGUAGE_CODE)


def chat_url(*, source: str | None = None) -> str:
    """The chat page (the lead's live path), with the landing page's source code if there is one."""
    try:
        base = reverse("chat")
    except NoReverseMatch:
        lang = current_language()
        base = "/chat/" if lang == settings.LANGUAGE_CODE else f"/{lang}/chat/"
    return f"{base}?{urlencode({'src': source})}" if source else base


def _audiences() -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in Audience.choices]


@require_GET
def library(request: HttpRequest) -> HttpResponse:
    lang = current_language()
    audience = content.check_audience(request.GET.get("audience"))
    return render(
        request,
        "resources/library.html",
        {
            "categories": content.categories_with_counts(lang=lang, audience=audience),
            "modules": content.published_modules(lang=lang),
            "audiences": _audiences(),
            "audience": audience,
        },
    )


@require_GET
def category(request: HttpRequest, slug: str) -> HttpResponse:
    lang = current_language()
    found = content.get_category(slug)
    audience = content.check_audience(request.GET.get("audience"))
    name, description = content.category_label(found, lang=lang)
    return render(
        request,
        "resources/category.html",
        {
            "category": found,
            "category_name": name,
            "category_description": description,
            "articles": content.published_articles(lang=lang, category=found, audience=audience),
            "audiences": _audiences(),
            "audience": audience,
        },
    )


@require_GET
def article(request: HttpRequest, slug: str) -> HttpResponse:
    lang = current_language()
    found = content.get_article(slug, lang=lang)
    do_count_reading(request, metrics.ARTICLE_VIEW, dims={"article": found.slug})
    name, _ = content.category_label(found.category, lang=lang)
    return render(
        request,
        "resources/article.html",
        {
            "article": found,
            "body_html": render_markdown(found.body),
            "category_name": name,
            "fallback": found.language != lang,
            "related": content.related_articles(found, lang=lang),
            "audience_label": Audience(found.audience).label,
        },
    )


@require_GET
def module_overview(request: HttpRequest, slug: str) -> HttpResponse:
    module, steps = content.get_module(slug, lang=current_language())
    return render(
        request,
        "resources/module.html",
        {"module": module, "steps": steps, "fallback": module.language != current_language()},
    )


def _step_or_404(steps: list, number: int) -> object:
    if not 1 <= number <= len(steps):
        raise Http404("no such step")
    return steps[number - 1]


@require_GET
def module_step(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    module, steps = content.get_module(slug, lang=current_language())
    step = _step_or_404(steps, number)
    return render(
        request,
        "resources/module_step.html",
        {
            "module": module,
            "step": step,
            "number": number,
            "total": len(steps),
            "steps": steps,
            "body_html": render_markdown(step.body),  # type: ignore[attr-defined]
            "is_last": number == len(steps),
            "fallback": module.language != current_language(),
        },
    )


# A plain form posts here when the reader finishes a step: no cookie, no token, nothing about
# the reader, so it needs no CSRF protection; the count itself is rate-limited per address hash.
@csrf_exempt
@require_POST
@limited(group="module-step", rate="120/m")
def module_step_done(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    module, steps = content.get_module(slug, lang=current_language())
    _step_or_404(steps, number)
    do_count_reading(request, metrics.MODULE_STEP_COMPLETED, dims={"module": module.slug})
    if number == len(steps):
        do_count_reading(request, metrics.MODULE_COMPLETED, dims={"module": module.slug})
        target = reverse("resources:module-finished", args=[module.slug])
    else:
        target = reverse("resources:module-step", args=[module.slug, number + 1])
    return HttpResponseRedirect(target, status=303)


@require_GET
def module_finished(request: HttpRequest, slug: str) -> HttpResponse:
    module, steps = content.get_module(slug, lang=current_language())
    return render(request, "resources/module_finished.html", {"module": module, "steps": steps})


@require_GET
@limited(group="search", rate="60/m")
def search(request: HttpRequest) -> HttpResponse:
    query = content.clean_query(request.GET.get("q"))
    results = content.search_articles(query, lang=current_language()) if query else []
    return render(request, "resources/search.html", {"query": query, "results": results})


@require_GET
@limited(group="self-assessment", rate="60/m")
def self_assessment(request: HttpRequest) -> HttpResponse:
    do_count_reading(request, metrics.SELF_ASSESSMENT_VIEW)
    modules = content.published_modules(lang=current_language())
    return render(
        request,
        "resources/self_assessment.html",
        {"module": modules[0] if modules else None, "chat_url": chat_url()},
    )


@require_GET
def crisis(request: HttpRequest) -> HttpResponse:
    """Every country's crisis contacts in the page's language; `?country=` (the picker without
    JavaScript) chooses which one shows (resources/templatetags/crisis.py)."""
    return render(request, "resources/crisis.html")


@require_GET
def landing(request: HttpRequest, code: str) -> HttpResponse:
    shaped = source_code_shape(code)
    if shaped is None or shaped != code:
        raise Http404("no such landing page")
    page = content.get_landing_page(shaped, lang=current_language())
    do_count_reading(request, metrics.LANDING_VISIT, dims={"source": page.code})
    return render(
        request,
        "resources/landing.html",
        {
            "page": page,
            "body_html": render_markdown(page.body),
            "chat_url": chat_url(source=page.code),
            "fallback": page.language != current_language(),
        },
    )
