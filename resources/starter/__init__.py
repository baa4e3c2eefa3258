"""Loading the example starter content (resources/starter/: en.py, de.py, nl.py, fr.py, es.py, crisis.py).

Existing content is left alone unless `update=True`: an editor's changes to an example article
are never overwritten by running the loader again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction

from resources.models import Article, Category, CategoryTranslation, CrisisContact, LandingPage, Module, ModuleStep
from resources.revisions import Actor, do_record_module_revision, do_save_article
from resources.starter import crisis, de, en, es, fr, nl

# Every language with starter content besides English, whose module carries CATEGORY_NAMES, ARTICLES,
# MODULES and LANDING_PAGES.
TRANSLATED = {"de": de, "nl": nl, "fr": fr, "es": es}

PUBLISHED_ON = date(2025, 1, 1)
NOTE = "example starter content"


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    kept: int = 0

    def __str__(self) -> str:
        return f"{self.created} created, {self.updated} updated, {self.kept} left as they were"


def do_load_starter_content(*, actor: Actor = None, update: bool = False) -> LoadReport:
    report = LoadReport()
    with transaction.atomic():
        categories = _load_categories(report, update=update)
        contents = {"en": en, **TRANSLATED}
        for lang, content in contents.items():
            for article in content.ARTICLES:
                _load_article(article, lang, categories, report, actor=actor, update=update)
            for module in content.MODULES:
                _load_module(module, lang, report, actor=actor, update=update)
        for lang in crisis.LANGUAGES:
            _load_crisis_contacts(crisis.contacts_in(lang), lang, report, update=update)
        for lang, content in contents.items():
            for page in content.LANDING_PAGES:
                _load_landing_page(page, lang, report, update=update)
    return report


def _load_categories(report: LoadReport, *, update: bool) -> dict[str, Category]:
    categories: dict[str, Category] = {}
    for data in en.CATEGORIES:
        category, created = Category.objects.get_or_create(slug=str(data["slug"]), defaults=data)
        if not created and update:
            Category.objects.filter(pk=category.pk).update(**data)
        _tally(report, created, update)
        for lang, content in TRANSLATED.items():
            name, description = content.CATEGORY_NAMES[str(data["slug"])]
            translation, created = CategoryTranslation.objects.get_or_create(
                category=category, language=lang, defaults={"name": name, "description": description}
            )
            if not created and update:
                translation.name, translation.description = name, description
                translation.save()
        categories[category.slug] = category
    return categories


def _tally(report: LoadReport, created: bool, update: bool) -> None:
    if created:
        report.created += 1
    elif update:
        report.updated += 1
    else:
        report.kept += 1


def _load_article(
    data: dict, lang: str, categories: dict[str, Category], report: LoadReport, *, actor: Actor, update: bool
) -> None:
    article = Article.objects.filter(slug=data["slug"], language=lang).first()
    created = article is None
    if article is not None and not update:
        report.kept += 1
        return
    article = article or Article(slug=data["slug"], language=lang)
    article.category = categories[data["category"]]
    article.audience = data["audience"]
    article.title, article.summary, article.body = data["title"], data["summary"], data["body"]
    article.published_on = article.published_on or PUBLISHED_ON
    article.is_example = True
    do_save_article(article=article, actor=actor, note=NOTE)
    _tally(report, created, update)


def _load_module(data: dict, lang: str, report: LoadReport, *, actor: Actor, update: bool) -> None:
    module = Module.objects.filter(slug=data["slug"], language=lang).first()
    created = module is None
    if module is not None and not update:
        report.kept += 1
        return
    module = module or Module(slug=data["slug"], language=lang)
    module.title, module.summary, module.audience = data["title"], data["summary"], data["audience"]
    module.published_on = module.published_on or PUBLISHED_ON
    module.is_example = True
    module.save()
    module.steps.all().delete()
    ModuleStep.objects.bulk_create(
        ModuleStep(module=module, position=number, **step) for number, step in enumerate(data["steps"], start=1)
    )
    do_record_module_revision(module=module, actor=actor, note=NOTE)
    _tally(report, created, update)


def _load_crisis_contacts(contacts: list[dict], lang: str, report: LoadReport, *, update: bool) -> None:
    for position, data in enumerate(contacts):
        row = CrisisContact.objects.filter(country=data["country"], language=lang, name=data["name"]).first()
        if row is not None and not update:
            report.kept += 1
            continue
        values = {**data, "language": lang, "position": position, "is_example": True}
        if row is None:
            CrisisContact.objects.create(**values)
        else:
            CrisisContact.objects.filter(pk=row.pk).update(**values)
        _tally(report, row is None, update)


def _load_landing_page(data: dict, lang: str, report: LoadReport, *, update: bool) -> None:
    page = LandingPage.objects.filter(code=data["code"], language=lang).first()
    if page is not None and not update:
        report.kept += 1
        return
    values = {**data, "language": lang, "is_example": True, "active": True}
    if page is None:
        LandingPage.objects.create(**values)
    else:
        LandingPage.objects.filter(pk=page.pk).update(**values)
    _tally(report, page is None, update)
