from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.utils import timezone

from resources import content
from resources.models import Article, Category, CategoryTranslation

pytestmark = pytest.mark.django_db


def test_it_lists_categories_with_counts_of_published_articles(make_article, category: Category) -> None:
    make_article(slug="one")
    make_article(slug="two", audience="family")
    make_article(slug="draft", published_on=None)
    Category.objects.create(slug="empty", name="Empty")
    views = content.categories_with_counts(lang="en")
    assert [(v.slug, v.article_count) for v in views] == [("coping", 2)]


def test_it_filters_by_audience(make_article, seeker: Client) -> None:
    make_article(slug="for-me", title="For me")
    make_article(slug="for-family", title="For family", audience="family")
    page = seeker.get("/help/coping/?audience=family").content.decode()
    assert "For family" in page and "For me" not in page
    library = seeker.get("/help/?audience=family").content.decode()
    assert 'href="?audience=family" aria-current="true"' in library


def test_it_ignores_an_unknown_audience(make_article, seeker: Client) -> None:
    make_article(slug="for-me", title="For me")
    assert "For me" in seeker.get("/help/coping/?audience=<script>").content.decode()


def test_it_shows_only_one_category_on_its_page(make_article, seeker: Client) -> None:
    other = Category.objects.create(slug="other", name="Other topic", position=2)
    make_article(slug="here", title="Here")
    make_article(slug="there", title="There", category=other)
    page = seeker.get("/help/coping/").content.decode()
    assert "Here" in page and ">There<" not in page
    assert seeker.get("/help/no-such-topic/").status_code == 404


def test_it_hides_drafts_and_future_articles(make_article, seeker: Client) -> None:
    make_article(slug="draft", published_on=None)
    make_article(slug="later", published_on=timezone.localdate() + timedelta(days=3))
    assert seeker.get("/help/a/draft/").status_code == 404
    assert seeker.get("/help/a/later/").status_code == 404
    assert content.search_articles("test", lang="en") == []


def test_it_falls_back_to_english_when_there_is_no_german_version(make_article, seeker: Client) -> None:
    make_article(slug="only-english", title="Only in English")
    response = seeker.get("/de/help/a/only-english/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="de" dir="ltr">' in html
    assert '<article lang="en">' in html
    assert "Only in English" in html
    assert "noch nicht auf Deutsch" in html


def test_it_prefers_the_german_version_when_there_is_one(make_article, seeker: Client) -> None:
    make_article(slug="both", title="English title")
    make_article(slug="both", language="de", title="Deutscher Titel")
    german = seeker.get("/de/help/a/both/").content.decode()
    english = seeker.get("/help/a/both/").content.decode()
    assert "Deutscher Titel" in german and "English title" not in german
    assert "English title" in english
    assert [a.title for a in content.published_articles(lang="de")] == ["Deutscher Titel"]
    assert [a.title for a in content.published_articles(lang="en")] == ["English title"]


def test_it_translates_category_names(make_article, category: Category, seeker: Client) -> None:
    make_article()
    CategoryTranslation.objects.create(category=category, language="de", name="Bewältigung")
    assert "Bewältigung" in seeker.get("/de/help/").content.decode()
    assert "Coping" in seeker.get("/help/").content.decode()


def test_it_suggests_related_articles_from_the_same_category_first(make_article) -> None:
    other = Category.objects.create(slug="other", name="Other", position=2)
    current = make_article(slug="current")
    same = make_article(slug="same-category", audience="family")
    same_audience = make_article(slug="same-audience", category=other)
    make_article(slug="unrelated", category=other, audience="professional")
    related = content.related_articles(current, lang="en")
    assert [a.slug for a in related] == [same.slug, same_audience.slug]


def test_it_refuses_category_slugs_that_name_other_pages() -> None:
    with pytest.raises(ValidationError):
        Category(slug="search", name="Search").full_clean()


def test_it_finds_articles_by_words_in_the_body(make_article, seeker: Client) -> None:
    make_article(slug="sleep", title="Rest", body="Regular sleep makes difficult moments easier.")
    make_article(slug="other", title="Other", body="Nothing to see.")
    assert [a.slug for a in content.search_articles("sleep", lang="en")] == ["sleep"]
    page = seeker.get("/help/search/?q=sleep").content.decode()
    assert 'href="/help/a/sleep/"' in page and 'href="/help/a/other/"' not in page


def test_it_ranks_title_matches_first(make_article) -> None:
    make_article(slug="body-match", title="Evenings", body="Notes about shame and how it feels.")
    make_article(slug="title-match", title="Shame and reaching out", body="Talking helps.")
    assert content.search_articles("shame", lang="en")[0].slug == "title-match"


def test_it_searches_german_pages_with_english_fallback(make_article) -> None:
    make_article(slug="both", title="Sleep well", body="About sleep.")
    make_article(slug="both", language="de", title="Gut schlafen", body="Über Schlaf und Ruhe.")
    make_article(slug="only-en", title="Sleep and stress", body="More about sleep.")
    assert {a.slug: a.language for a in content.search_articles("sleep", lang="de")} == {"only-en": "en"}
    assert {a.slug: a.language for a in content.search_articles("Schlaf", lang="de")} == {"both": "de"}


def test_it_handles_empty_and_odd_queries(make_article, seeker: Client) -> None:
    make_article()
    assert content.search_articles("   ", lang="en") == []
    for query in ["'", '"', "&|!", "a" * 500, "<script>", "-", "or"]:
        assert seeker.get("/help/search/", {"q": query}).status_code == 200


def test_the_simple_search_matches_every_word(make_article) -> None:
    make_article(slug="both-words", body="warning signs and plans")
    make_article(slug="one-word", body="warning only")
    found = content._simple_search(Article.objects.all(), "warning plans")
    assert [a.slug for a in found] == ["both-words"]


def test_postgres_search_understands_word_forms(postgres_required: None, make_article) -> None:
    assert connection.vendor == "postgresql"
    make_article(slug="stems", title="Coping", body="She was thinking about the warnings she noticed.")
    assert [a.slug for a in content.search_articles("think warning", lang="en")] == ["stems"]
    make_article(slug="german", language="de", title="Gedanken", body="Die Gedanken kommen und gehen.")
    assert [a.slug for a in content.search_articles("Gedanke", lang="de")] == ["german"]


def test_it_dates_are_shown_on_reviewed_articles(make_article, seeker: Client) -> None:
    make_article(reviewed_on=date(2025, 3, 4))
    assert '<time datetime="2025-03-04">' in seeker.get("/help/a/a-test-article/").content.decode()
