"""Saving and restoring articles and modules, with a revision on every save.

Keeps: one Revision row (a JSON snapshot of the fields an editor can change, and a module's steps)
per save, with the staff account that saved it. Kept as long as the content exists; deleting an
article or module keeps its revisions so that it can be restored.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.core.exceptions import ValidationError
from django.db import transaction

from helpline.audit import do_audit
from resources.models import Article, Category, Module, ModuleStep, Revision
from resources.rendering import reading_minutes

Actor = AbstractBaseUser | AnonymousUser | None

ARTICLE_FIELDS = ("slug", "language", "audience", "title", "summary", "body", "is_example")
MODULE_FIELDS = ("slug", "language", "audience", "title", "summary", "is_example")
STEP_FIELDS = ("position", "title", "body", "exercise")


def _date(value: date | None) -> str | None:
    return value.isoformat() if value else None


def article_snapshot(article: Article) -> dict[str, Any]:
    data: dict[str, Any] = {name: getattr(article, name) for name in ARTICLE_FIELDS}
    data["category"] = article.category.slug
    data["published_on"] = _date(article.published_on)
    data["reviewed_on"] = _date(article.reviewed_on)
    return data


def module_snapshot(module: Module) -> dict[str, Any]:
    data: dict[str, Any] = {name: getattr(module, name) for name in MODULE_FIELDS}
    data["published_on"] = _date(module.published_on)
    data["reviewed_on"] = _date(module.reviewed_on)
    data["steps"] = [{name: getattr(step, name) for name in STEP_FIELDS} for step in module.steps.order_by("position")]
    return data


def _record(*, kind: str, obj: Article | Module, snapshot: dict[str, Any], actor: Actor, note: str) -> Revision:
    user = actor if isinstance(actor, User) else None
    return Revision.objects.create(
        kind=kind, object_id=obj.pk, label=str(obj)[:250], snapshot=snapshot, saved_by=user, note=note[:200]
    )


def do_save_article(*, article: Article, actor: Actor, note: str = "") -> Revision:
    """Save an article (as an editor left it) and keep a revision of it."""
    with transaction.atomic():
        article.reading_minutes = reading_minutes(article.title, article.summary, article.body)
        article.save()
        revision = _record(kind=Revision.Kind.ARTICLE, obj=article, snapshot=article_snapshot(article), actor=actor,
                           note=note)
        do_audit(actor=actor, action="resources.article_saved", target=f"article:{article.pk}",
                 detail={"revision": revision.pk})
    return revision


def do_record_module_revision(*, module: Module, actor: Actor, note: str = "") -> Revision:
    """Keep a revision of a module as saved, steps included (call after its steps are saved)."""
    with transaction.atomic():
        revision = _record(kind=Revision.Kind.MODULE, obj=module, snapshot=module_snapshot(module), actor=actor,
                           note=note)
        do_audit(actor=actor, action="resources.module_saved", target=f"module:{module.pk}",
                 detail={"revision": revision.pk})
    return revision


def _parse_date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def check_restorable(revision: Revision) -> None:
    if revision.kind == Revision.Kind.ARTICLE:
        slug = revision.snapshot.get("category")
        if not Category.objects.filter(slug=slug).exists():
            raise ValidationError(f"The category {slug!r} of this revision no longer exists.")
    elif revision.kind != Revision.Kind.MODULE:
        raise ValidationError("Unknown revision kind.")


def do_restore_revision(*, revision: Revision, actor: Actor) -> Revision:
    """Write a revision back (re-creating the article or module if it was deleted); returns the new revision."""
    check_restorable(revision)
    data = revision.snapshot
    note = f"restored from revision {revision.pk}"
    with transaction.atomic():
        if revision.kind == Revision.Kind.ARTICLE:
            article = Article.objects.filter(pk=revision.object_id).first() or Article(pk=revision.object_id)
            for name in ARTICLE_FIELDS:
                setattr(article, name, data[name])
            article.category = Category.objects.get(slug=data["category"])
            article.published_on = _parse_date(data.get("published_on"))
            article.reviewed_on = _parse_date(data.get("reviewed_on"))
            article.full_clean(validate_unique=True)
            new = do_save_article(article=article, actor=actor, note=note)
        else:
            module = Module.objects.filter(pk=revision.object_id).first() or Module(pk=revision.object_id)
            for name in MODULE_FIELDS:
                setattr(module, name, data[name])
            module.published_on = _parse_date(data.get("published_on"))
            module.reviewed_on = _parse_date(data.get("reviewed_on"))
            module.full_clean(validate_unique=True)
            module.save()
            module.steps.all().delete()
            ModuleStep.objects.bulk_create(
                ModuleStep(module=module, **{name: step[name] for name in STEP_FIELDS}) for step in data["steps"]
            )
            new = do_record_module_revision(module=module, actor=actor, note=note)
        do_audit(actor=actor, action="resources.revision_restored", target=f"{revision.kind}:{revision.object_id}",
                 detail={"from_revision": revision.pk})
    return new
