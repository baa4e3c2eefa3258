"""Editing self-help content in the Django admin, with a preview and revisions on every save."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from resources.models import (
    Article,
    Category,
    CategoryTranslation,
    CrisisContact,
    LandingPage,
    Module,
    ModuleStep,
    Revision,
)
from resources.rendering import render_markdown
from resources.revisions import do_record_module_revision, do_restore_revision, do_save_article


def _preview_html(markdown_text: str) -> SafeString:
    # render_markdown returns sanitised HTML (nh3 allow-list), so it may be marked safe.
    return format_html('<div class="prose">{}</div>', mark_safe(render_markdown(markdown_text)))  # noqa: S308


def _revision_links(kind: str, object_id: int | None) -> SafeString:
    if object_id is None:
        return format_html("{}", "Saved revisions appear here.")
    revisions = Revision.objects.filter(kind=kind, object_id=object_id)[:20]
    url = reverse("admin:resources_revision_changelist")
    return format_html(
        "<ul>{}</ul><p><a href='{}?kind={}&object_id={}'>All revisions (select one and choose “Restore”)</a></p>",
        format_html_join(
            "",
            "<li><a href='{}'>{}</a> {} {}</li>",
            (
                (
                    reverse("admin:resources_revision_change", args=[r.pk]),
                    f"{r.saved_at:%Y-%m-%d %H:%M}",
                    r.saved_by or "",
                    r.note,
                )
                for r in revisions
            ),
        ),
        url,
        kind,
        object_id,
    )


class CategoryTranslationInline(admin.TabularInline):
    model = CategoryTranslation
    extra = 0


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "position")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [CategoryTranslationInline]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ("title", "language", "category", "audience", "published_on", "reviewed_on", "is_example")
    list_filter = ("language", "audience", "category", "is_example")
    search_fields = ("title", "slug", "summary")
    readonly_fields = ("reading_minutes", "preview", "revisions")
    fields = (
        "title", "slug", "language", "category", "audience", "summary", "body", "preview",
        "published_on", "reviewed_on", "is_example", "reading_minutes", "revisions",
    )

    @admin.display(description="Preview (as readers see the saved text)")
    def preview(self, obj: Article) -> SafeString:
        if obj.pk is None:
            return format_html("{}", "Save to see a preview.")
        full = reverse("admin:resources_article_preview", args=[obj.pk])
        return format_html("<p><a href='{}'>Open the full-page preview</a></p>{}", full, _preview_html(obj.body))

    @admin.display(description="Revisions")
    def revisions(self, obj: Article) -> SafeString:
        return _revision_links(Revision.Kind.ARTICLE, obj.pk)

    def save_model(self, request: HttpRequest, obj: Article, form: Any, change: bool) -> None:
        do_save_article(article=obj, actor=request.user, note="edited" if change else "created")

    def get_urls(self) -> list[Any]:
        return [
            path("<int:pk>/preview/", self.admin_site.admin_view(self.preview_view), name="resources_article_preview"),
            *super().get_urls(),
        ]

    def preview_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        article = get_object_or_404(Article.objects.select_related("category"), pk=pk)
        return render(
            request,
            "resources/article.html",
            {
                "article": article,
                "body_html": render_markdown(article.body),
                "category_name": article.category.name,
                "fallback": False,
                "related": [],
                "audience_label": article.get_audience_display(),
            },
        )


class ModuleStepInline(admin.StackedInline):
    model = ModuleStep
    extra = 0
    ordering = ("position",)


@admin.register(Module)
class ModuleAdmin(admin.ModelAdmin):
    list_display = ("title", "language", "audience", "published_on", "reviewed_on", "is_example")
    list_filter = ("language", "audience", "is_example")
    inlines = [ModuleStepInline]
    readonly_fields = ("preview", "revisions")

    @admin.display(description="Preview of the steps (as saved)")
    def preview(self, obj: Module) -> SafeString:
        if obj.pk is None:
            return format_html("{}", "Save to see a preview.")
        return format_html_join(
            "",
            "<h3>{}. {}</h3>{}",
            ((s.position, s.title, _preview_html(s.body)) for s in obj.steps.order_by("position")),
        )

    @admin.display(description="Revisions")
    def revisions(self, obj: Module) -> SafeString:
        return _revision_links(Revision.Kind.MODULE, obj.pk)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # The revision is taken after the steps are saved, so it holds the module as the editor left it.
        super().save_related(request, form, formsets, change)
        do_record_module_revision(module=form.instance, actor=request.user, note="edited" if change else "created")


@admin.register(CrisisContact)
class CrisisContactAdmin(admin.ModelAdmin):
    list_display = ("name", "country", "language", "phone", "hours", "position", "is_example")
    list_filter = ("country", "language", "is_example")


@admin.register(LandingPage)
class LandingPageAdmin(admin.ModelAdmin):
    list_display = ("code", "language", "kind", "title", "active", "is_example")
    list_filter = ("kind", "language", "active")
    readonly_fields = ("preview",)

    @admin.display(description="Preview (as saved)")
    def preview(self, obj: LandingPage) -> SafeString:
        return _preview_html(obj.body) if obj.pk else format_html("{}", "Save to see a preview.")


@admin.register(Revision)
class RevisionAdmin(admin.ModelAdmin):
    list_display = ("label", "kind", "object_id", "saved_at", "saved_by", "note")
    list_filter = ("kind",)
    search_fields = ("label",)
    readonly_fields = ("kind", "object_id", "label", "saved_at", "saved_by", "note", "snapshot_text")
    exclude = ("snapshot",)
    actions = ["restore"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Revision]:
        queryset = super().get_queryset(request)
        object_id = request.GET.get("object_id")
        # The article and module pages link here filtered to one object.
        return queryset.filter(object_id=object_id) if object_id and object_id.isdigit() else queryset

    @admin.display(description="Snapshot")
    def snapshot_text(self, obj: Revision) -> SafeString:
        import json

        return format_html("<pre>{}</pre>", json.dumps(obj.snapshot, indent=2, ensure_ascii=False))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Revision | None = None) -> bool:
        return False

    @admin.action(description="Restore the selected revision")
    def restore(self, request: HttpRequest, queryset: QuerySet[Revision]) -> None:
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one revision to restore.", messages.WARNING)
            return
        revision = queryset.get()
        model = Article if revision.kind == Revision.Kind.ARTICLE else Module
        if not request.user.has_perm(f"resources.change_{model._meta.model_name}"):
            raise PermissionDenied
        try:
            do_restore_revision(revision=revision, actor=request.user)
        except ValidationError as exc:
            self.message_user(request, f"Could not restore: {'; '.join(exc.messages)}", messages.ERROR)
            return
        self.message_user(request, f"Restored {revision.label} as it was at {revision.saved_at:%Y-%m-%d %H:%M}.")
