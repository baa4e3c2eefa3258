"""Admin pages for the service content staff configure: triage, opening hours, canned responses.

Texts are edited in the base language in the model's own fields and in each other language of
settings.LANGUAGES in a field of its own ("Text (Deutsch)"), which the form stores in the model's
`translations` JSON. Translations in languages the site does not offer are kept as they are.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.conf import settings
from django.contrib import admin
from django.db import models

from helpline.models import CannedResponse, Closure, OpeningHours, TriageOption, TriageQuestion

EXAMPLE_CONTENT_NOTE = (
    "The questions, answers and texts shipped with the platform are example content. Your service's "
    "clinicians should review and adapt them before the service goes live. Every triage question is "
    "optional for help-seekers; only the answer codes are sent, and answers marked crisis show the "
    "crisis contacts to the help-seeker at once."
)


def base_language_name() -> str:
    return dict(settings.LANGUAGES).get(settings.LANGUAGE_CODE, settings.LANGUAGE_CODE)


def other_languages() -> list[tuple[str, str]]:
    return [(code, name) for code, name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


class TranslatedModelForm(forms.ModelForm):
    """A model form with one extra text field per other language for each of `translated`."""

    translated: ClassVar[dict[str, int]] = {}  # field name -> max length

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        stored = self.instance.translations if isinstance(self.instance.translations, dict) else {}
        for lang, _name in other_languages():
            found = stored.get(lang)
            entry: dict[str, Any] = found if isinstance(found, dict) else {}
            for name in self.translated:
                key = f"{name}_{lang}"
                if key in self.fields and not self.is_bound:
                    self.fields[key].initial = entry.get(name, "")

    def save(self, commit: bool = True) -> Any:
        stored = self.instance.translations if isinstance(self.instance.translations, dict) else {}
        translations = {lang: dict(entry) for lang, entry in stored.items() if isinstance(entry, dict)}
        for lang, _name in other_languages():
            entry = translations.get(lang, {})
            for name in self.translated:
                key = f"{name}_{lang}"
                if key not in self.cleaned_data:
                    continue
                value = self.cleaned_data[key].strip()
                if value:
                    entry[name] = value
                else:
                    entry.pop(name, None)
            if entry:
                translations[lang] = entry
            else:
                translations.pop(lang, None)
        self.instance.translations = translations
        return super().save(commit=commit)


def translated_form(
    model: type[models.Model], translated: dict[str, int], *, long_texts: bool = False
) -> type[TranslatedModelForm]:
    """A TranslatedModelForm for `model` with the per-language fields declared on the class.

    The admin only renders fields the form class declares, so they are made here, once per
    language of settings.LANGUAGES, rather than in __init__.
    """
    attrs: dict[str, Any] = {"translated": translated}
    # A question and its hint are sentences: a two-line box shows them whole while they are edited.
    widget = forms.Textarea(attrs={"rows": 2, "cols": 80}) if long_texts else None
    for lang, language_name in other_languages():
        for name, max_length in translated.items():
            field = model._meta.get_field(name)
            assert isinstance(field, models.Field)
            label = f"{str(field.verbose_name).capitalize()} ({language_name})"
            attrs[f"{name}_{lang}"] = forms.CharField(
                label=label, required=False, max_length=max_length, widget=widget
            )
    widgets = dict.fromkeys(translated, widget) if widget is not None else {}
    attrs["Meta"] = type("Meta", (), {"model": model, "exclude": ("translations",), "widgets": widgets})
    return type(f"{model.__name__}Form", (TranslatedModelForm,), attrs)


def translated_field_names(translated: dict[str, int]) -> tuple[str, ...]:
    return tuple(f"{name}_{lang}" for lang, _name in other_languages() for name in translated)


class TriageOptionInline(admin.TabularInline):
    model = TriageOption
    form = translated_form(TriageOption, {"text": 300})
    extra = 0
    ordering = ("position", "id")
    fields = (
        "position", "code", "text", *translated_field_names({"text": 300}),
        "priority", "crisis_reason", "pathway", "language", "active",
    )


@admin.register(TriageQuestion)
class TriageQuestionAdmin(admin.ModelAdmin):
    form = translated_form(TriageQuestion, {"text": 300, "help_text": 500}, long_texts=True)
    inlines = [TriageOptionInline]
    list_display = ("code", "text", "position", "active")
    list_editable = ("position", "active")
    list_display_links = ("code", "text")
    ordering = ("position", "id")

    fieldsets = [
        (None, {"fields": ["code", "position", "active"], "description": EXAMPLE_CONTENT_NOTE}),
        (base_language_name(), {"fields": ["text", "help_text"]}),
    ]
    fieldsets += [(name, {"fields": [f"text_{lang}", f"help_text_{lang}"]}) for lang, name in other_languages()]


@admin.register(OpeningHours)
class OpeningHoursAdmin(admin.ModelAdmin):
    list_display = ("__str__", "weekday", "opens", "closes")
    list_filter = ("weekday",)
    ordering = ("weekday", "opens")
    fieldsets = [
        (
            None,
            {
                "fields": ["weekday", "opens", "closes"],
                "description": (
                    f"Times are local to the service's time zone ({settings.SERVICE_TIME_ZONE}). A day may have "
                    "several periods; 00:00 as closing time means midnight at the end of the day. The platform "
                    "ships open every day, 00:00 to 24:00: set your service's real hours here. Outside them, "
                    "help-seekers see when the chat opens next and are offered self-help and crisis contacts."
                ),
            },
        )
    ]


@admin.register(Closure)
class ClosureAdmin(admin.ModelAdmin):
    list_display = ("date", "reason")
    ordering = ("-date",)
    date_hierarchy = "date"


@admin.register(CannedResponse)
class CannedResponseAdmin(admin.ModelAdmin):
    list_display = ("title", "language", "position", "active")
    list_editable = ("position", "active")
    list_filter = ("language", "active")
    search_fields = ("title", "body")
    ordering = ("language", "position", "id")
    fieldsets = [
        (
            None,
            {
                "fields": ["title", "language", "body", "position", "active"],
                "description": (
                    "Counsellors insert these into a chat and can edit them before sending. The responses shipped "
                    "with the platform are example content for your clinicians to review."
                ),
            },
        )
    ]
