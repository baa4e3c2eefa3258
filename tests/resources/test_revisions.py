from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from helpline.models import AuditEvent
from resources.models import Article, Module, Revision
from resources.revisions import do_record_module_revision, do_restore_revision, do_save_article
from resources.starter import do_load_starter_content
from tests.personas import signed_in_client

pytestmark = pytest.mark.django_db


def test_it_keeps_a_revision_on_every_save(make_article, editor: User) -> None:
    article = make_article(title="First")
    article.title = "Second"
    do_save_article(article=article, actor=editor)
    revisions = Revision.objects.filter(kind="article", object_id=article.pk).order_by("id")
    assert [r.snapshot["title"] for r in revisions] == ["First", "Second"]
    assert revisions.last().saved_by == editor
    assert AuditEvent.objects.filter(action="resources.article_saved", target=f"article:{article.pk}").count() == 2


def test_it_restores_an_article_revision(make_article, editor: User) -> None:
    article = make_article(title="Original", body="Original body")
    first = Revision.objects.get(kind="article", object_id=article.pk)
    article.title, article.body = "Changed", "Changed body"
    do_save_article(article=article, actor=editor)
    do_restore_revision(revision=first, actor=editor)
    article.refresh_from_db()
    assert (article.title, article.body) == ("Original", "Original body")
    newest = Revision.objects.filter(kind="article", object_id=article.pk).first()
    assert newest.note == f"restored from revision {first.pk}"
    assert AuditEvent.objects.filter(action="resources.revision_restored").exists()


def test_it_restores_a_deleted_article(make_article, editor: User) -> None:
    article = make_article(title="Gone")
    pk = article.pk
    revision = Revision.objects.get(kind="article", object_id=pk)
    article.delete()
    do_restore_revision(revision=revision, actor=editor)
    assert Article.objects.get(pk=pk).title == "Gone"


def test_it_restores_a_module_with_its_steps(starter: None, editor: User) -> None:
    module = Module.objects.get(slug="first-steps", language="en")
    revision = Revision.objects.filter(kind="module", object_id=module.pk).first()
    module.steps.filter(position__gt=2).delete()
    step = module.steps.get(position=1)
    step.title = "Edited"
    step.save()
    do_record_module_revision(module=module, actor=editor)
    do_restore_revision(revision=revision, actor=editor)
    titles = list(module.steps.order_by("position").values_list("title", flat=True))
    assert len(titles) == 6 and titles[0] == "Why you are here"


def test_editors_save_through_the_admin_and_get_a_revision(editor_client: Client, category) -> None:
    response = editor_client.post(
        "/admin/resources/article/add/",
        {
            "title": "Written in the admin",
            "slug": "admin-article",
            "language": "en",
            "category": category.pk,
            "audience": "family",
            "summary": "Summary",
            "body": "Body " * 450,
            "published_on": "2025-01-01",
            "reviewed_on": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get(slug="admin-article")
    assert article.reading_minutes == 3
    revision = Revision.objects.get(kind="article", object_id=article.pk)
    assert revision.saved_by.username == "editor"


def test_editors_restore_through_the_admin_action(editor_client: Client, make_article) -> None:
    article = make_article(title="Before")
    first = Revision.objects.get(kind="article", object_id=article.pk)
    article.title = "After"
    do_save_article(article=article, actor=None)
    response = editor_client.post(
        "/admin/resources/revision/", {"action": "restore", "_selected_action": [first.pk]}, follow=True
    )
    assert response.status_code == 200
    article.refresh_from_db()
    assert article.title == "Before"
    change_page = editor_client.get(f"/admin/resources/article/{article.pk}/change/").content.decode()
    assert f"restored from revision {first.pk}" in change_page


def test_the_admin_preview_shows_sanitised_markdown(editor_client: Client, make_article) -> None:
    article = make_article(body="## Heading\n\n<script>alert(1)</script>**bold**", published_on=None)
    change_page = editor_client.get(f"/admin/resources/article/{article.pk}/change/").content.decode()
    assert "<h2>Heading</h2>" in change_page and "<strong>bold</strong>" in change_page
    assert "<script>alert(1)" not in change_page
    preview = editor_client.get(f"/admin/resources/article/{article.pk}/preview/")
    assert preview.status_code == 200
    assert "<strong>bold</strong>" in preview.content.decode()
    assert "<script>alert(1)" not in preview.content.decode()


def test_the_admin_preview_is_refused_to_anonymous_and_non_staff(make_article) -> None:
    article = make_article(published_on=None)
    anonymous = Client(HTTP_HOST="localhost")
    assert anonymous.get(f"/admin/resources/article/{article.pk}/preview/").status_code == 302
    reader = User.objects.create_user("reader", password="a-long-reader-password")
    signed_in = Client(HTTP_HOST="localhost")
    signed_in.force_login(reader)
    assert signed_in.get(f"/admin/resources/article/{article.pk}/preview/").status_code == 302
    staff = User.objects.create_user("staff", password="a-long-staff-password", is_staff=True)
    staff_client = Client(HTTP_HOST="localhost")
    signed_in_client(staff, client=staff_client)
    assert staff_client.get(f"/admin/resources/article/{article.pk}/preview/").status_code == 403


def test_the_restore_action_needs_the_change_permission(make_article) -> None:
    article = make_article(title="Before")
    first = Revision.objects.get(kind="article", object_id=article.pk)
    article.title = "After"
    do_save_article(article=article, actor=None)
    viewer = User.objects.create_user("viewer", password="a-long-viewer-password", is_staff=True)
    from django.contrib.auth.models import Permission

    viewer.user_permissions.add(Permission.objects.get(codename="view_revision"))
    client = Client(HTTP_HOST="localhost")
    signed_in_client(viewer, client=client)
    response = client.post("/admin/resources/revision/", {"action": "restore", "_selected_action": [first.pk]})
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.title == "After"


def test_loading_starter_content_again_keeps_editors_changes(starter: None) -> None:
    article = Article.objects.get(slug="you-are-not-alone", language="en")
    article.title = "Edited by a clinician"
    do_save_article(article=article, actor=None)
    report = do_load_starter_content()
    assert report.created == 0
    article.refresh_from_db()
    assert article.title == "Edited by a clinician"
