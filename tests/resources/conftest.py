"""Personas and content shared by the resources tests."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import User
from django.test import Client

from resources.models import Article, Category
from resources.revisions import do_save_article
from resources.starter import do_load_starter_content
from tests.personas import signed_in_client


@pytest.fixture
def starter(db: None) -> None:
    do_load_starter_content()


@pytest.fixture
def seeker() -> Client:
    """A help-seeker's browser: no cookies, a loopback address."""
    return Client(HTTP_HOST="localhost")


@pytest.fixture
def editor(db: None) -> User:
    return User.objects.create_superuser("editor", "editor@example.org", "a-long-editor-password")


@pytest.fixture
def editor_client(editor: User) -> Client:
    # The admin demands the second factor (helpline.staff.admin_site).
    return signed_in_client(editor, client=Client(HTTP_HOST="localhost"))


@pytest.fixture
def category(db: None) -> Category:
    return Category.objects.create(slug="coping", name="Coping", position=1)


@pytest.fixture
def make_article(category: Category):
    def make(**fields: object) -> Article:
        values: dict[str, object] = {
            "slug": "a-test-article",
            "language": "en",
            "category": category,
            "audience": "self",
            "title": "A test article",
            "summary": "A summary.",
            "body": "Some **text**.",
            "published_on": date(2025, 1, 1),
        }
        values.update(fields)
        article = Article(**values)
        do_save_article(article=article, actor=None)
        return article

    return make
