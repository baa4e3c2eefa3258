"""Read access to published content, with language fallback and search.

Every seeker page reads content through these helpers, so the rules live in one place: only
published content is shown; a language without its own version of an article or module falls
back to the default language (settings.LANGUAGE_CODE); search uses PostgreSQL full-text search
on PostgreSQL and a plain substring match elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from resources.models import Article, Audience, Category, LandingPage, Module, ModuleStep

# PostgreSQL text-search configurations for each site language.
SEARCH_CONFIGS = {"en": "english", "de": "german"}
SEARCH_MAX_RESULTS = 30
SEARCH_MAX_QUERY = 200


def default_language() -> str:
    return str(settings.LANGUAGE_CODE)


def _published(queryset: QuerySet) -> QuerySet:
    return queryset.filter(published_on__isnull=False, published_on__lte=timezone.localdate())


def with_fallback(queryset: QuerySet, *, lang: str, key: str = "slug") -> list:
    """The rows in `lang`, plus rows in the default language whose `key` has no `lang` version."""
    rows = list(queryset.filter(language__in={lang, default_language()}))
    own = {getattr(row, key) for row in rows if row.language == lang}
    return [row for row in rows if row.language == lang or getattr(row, key) not in own]


@dataclass(frozen=True)
class CategoryView:
    slug: str
    name: str
    description: str
    article_count: int


def category_label(category: Category, *, lang: str) -> tuple[str, str]:
    for translation in category.translations.all():
        if translation.language == lang:
            return translation.name, translation.description
    return category.name, category.description


def published_articles(*, lang: str, category: Category | None = None, audience: str | None = None) -> list[Article]:
    queryset = _published(Article.objects.select_related("category"))
    if category is not None:
        queryset = queryset.filter(category=category)
    if audience:
        queryset = queryset.filter(audience=audience)
    return with_fallback(queryset.order_by("category__position", "title"), lang=lang)


def categories_with_counts(*, lang: str, audience: str | None = None) -> list[CategoryView]:
    articles = published_articles(lang=lang, audience=audience)
    counts: dict[int, int] = {}
    for article in articles:
        counts[article.category_id] = counts.get(article.category_id, 0) + 1
    views = []
    for category in Category.objects.prefetch_related("translations"):
        name, description = category_label(category, lang=lang)
        views.append(CategoryView(category.slug, name, description, counts.get(category.pk, 0)))
    return [view for view in views if view.article_count]


def get_category(slug: str) -> Category:
    try:
        return Category.objects.prefetch_related("translations").get(slug=slug)
    except Category.DoesNotExist:
        raise Http404("no such category") from None


def check_audience(value: str | None) -> str | None:
    """A known audience code, or None for "all audiences" (an unknown value is ignored)."""
    return value if value in Audience.values else None


def get_article(slug: str, *, lang: str) -> Article:
    """The published article in `lang`, else in the default language, else 404."""
    rows = {a.language: a for a in _published(Article.objects.select_related("category")).filter(slug=slug)}
    article = rows.get(lang) or rows.get(default_language())
    if article is None:
        raise Http404("no such article")
    return article


def related_articles(article: Article, *, lang: str, limit: int = 3) -> list[Article]:
    """Other articles in the same category first, then for the same audience."""
    candidates = [a for a in published_articles(lang=lang) if a.slug != article.slug]
    same_category = [a for a in candidates if a.category_id == article.category_id]
    same_audience = [a for a in candidates if a.category_id != article.category_id and a.audience == article.audience]
    return (same_category + same_audience)[:limit]


def published_modules(*, lang: str) -> list[Module]:
    return with_fallback(_published(Module.objects.all()).order_by("title"), lang=lang)


def get_module(slug: str, *, lang: str) -> tuple[Module, list[ModuleStep]]:
    rows = {m.language: m for m in _published(Module.objects.all()).filter(slug=slug)}
    module = rows.get(lang) or rows.get(default_language())
    if module is None:
        raise Http404("no such module")
    steps = list(module.steps.order_by("position"))
    if not steps:
        raise Http404("module without steps")
    return module, steps


def get_landing_page(code: str, *, lang: str) -> LandingPage:
    rows = {p.language: p for p in LandingPage.objects.filter(code=code, active=True)}
    page = rows.get(lang) or rows.get(default_language()) or next(iter(rows.values()), None)
    if page is None:
        raise Http404("no such landing page")
    return page


def clean_query(raw: str | None) -> str:
    return " ".join((raw or "").split())[:SEARCH_MAX_QUERY]


def search_articles(query: str, *, lang: str) -> list[Article]:
    """Published articles matching `query`, best first, in `lang` with fallback to the default."""
    query = clean_query(query)
    if not query:
        return []
    base = _published(Article.objects.select_related("category"))
    if connection.vendor == "postgresql":
        found = _postgres_search(base, query, lang=lang)
    else:
        found = _simple_search(base, query)
    # Keep the ranking order, then apply the language fallback to it: an article that exists in
    # `lang` is only ever shown in `lang`, as in the library.
    own = set(base.filter(language=lang).values_list("slug", flat=True))
    results = [a for a in found if a.language == lang or (a.language == default_language() and a.slug not in own)]
    return results[:SEARCH_MAX_RESULTS]


def _postgres_search(base: QuerySet, query: str, *, lang: str) -> list[Article]:
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    results: list[Article] = []
    for language in dict.fromkeys([lang, default_language()]):
        config = SEARCH_CONFIGS.get(language, "simple")
        vector = (
            SearchVector("title", weight="A", config=config)
            + SearchVector("summary", weight="B", config=config)
            + SearchVector("body", weight="C", config=config)
        )
        search_query = SearchQuery(query, config=config, search_type="websearch")
        rows = (
            base.filter(language=language)
            .annotate(document=vector, rank=SearchRank(vector, search_query))
            .filter(document=search_query)
            .order_by("-rank", "title")
        )
        results.extend(rows[: SEARCH_MAX_RESULTS * 2])
    return results


def _simple_search(base: QuerySet, query: str) -> list[Article]:
    """SQLite fallback: every word must appear somewhere; title matches rank first."""
    words = [w for w in query.split() if len(w) > 1][:8] or [query]
    condition = Q()
    for word in words:
        condition &= Q(title__icontains=word) | Q(summary__icontains=word) | Q(body__icontains=word)
    rows = list(base.filter(condition)[: SEARCH_MAX_RESULTS * 4])

    def score(article: Article) -> tuple[int, str]:
        title = article.title.lower()
        summary = article.summary.lower()
        points = sum(3 for w in words if w.lower() in title) + sum(1 for w in words if w.lower() in summary)
        return (-points, article.title)

    return sorted(rows, key=score)
