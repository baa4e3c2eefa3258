"""Triage: the optional questions a help-seeker answers before joining the queue, and their scoring.

Keeps nothing. The questions and options are service content in the database (helpline.models);
a seeker's answers travel only as option codes, live in the chat's Redis state while the chat
lasts (chat.store) and are never written here.

`score_triage` is pure: it turns answer codes and a `Catalogue` into a `TriageResult` with no I/O,
so the live path can call it anywhere. `load_catalogue` is the one function here that reads the
database; it keeps the active catalogue in process memory for CATALOGUE_CACHE_SECONDS. A save or
delete of a question or option clears this process's copy at once (signals connected in
HelplineConfig.ready); other worker processes pick the change up within the cache lifetime.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from helpline.process_cache import ProcessCache

Priority = Literal["crisis", "raised", "normal"]

# Highest first. A chat takes the highest priority any of its answers asks for.
PRIORITIES: Final[tuple[Priority, ...]] = ("crisis", "raised", "normal")
DEFAULT_PATHWAY: Final = "self"
CATALOGUE_CACHE_SECONDS: Final = 60.0

_RANK: Final[dict[str, int]] = {priority: rank for rank, priority in enumerate(PRIORITIES)}


@dataclass(frozen=True)
class Option:
    code: str
    text: str
    priority: str = ""  # "", "raised" or "crisis"
    pathway: str = ""
    language: str = ""
    crisis_reason: str = ""
    # {"de": "..."}: the answer's text in languages other than the base language.
    translations: Mapping[str, str] = field(default_factory=dict)

    def text_in(self, lang: str) -> str:
        return _pick(self.translations, lang) or self.text


@dataclass(frozen=True)
class Question:
    code: str
    text: str
    options: tuple[Option, ...]
    help_text: str = ""
    # {"de": {"text": "...", "help_text": "..."}}
    translations: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def option(self, code: str) -> Option | None:
        for option in self.options:
            if option.code == code:
                return option
        return None

    def text_in(self, lang: str) -> str:
        return _pick({k: v.get("text", "") for k, v in self.translations.items()}, lang) or self.text

    def help_text_in(self, lang: str) -> str:
        # A translated question with no translated hint shows no hint rather than an English one.
        entry = _entry(self.translations, lang)
        if entry is not None and entry.get("text"):
            return entry.get("help_text", "")
        return self.help_text


@dataclass(frozen=True)
class Catalogue:
    questions: tuple[Question, ...]

    def question(self, code: str) -> Question | None:
        for question in self.questions:
            if question.code == code:
                return question
        return None

    def localised(self, lang: str) -> list[dict[str, Any]]:
        """The questions for the seeker page in `lang`, falling back to the base text per item."""
        return [
            {
                "code": question.code,
                "text": question.text_in(lang),
                "help_text": question.help_text_in(lang),
                "options": [{"code": option.code, "text": option.text_in(lang)} for option in question.options],
            }
            for question in self.questions
        ]


@dataclass(frozen=True)
class TriageResult:
    priority: Priority
    pathway: str
    language: str
    crisis_reasons: tuple[str, ...] = ()

    @property
    def shows_crisis_contacts(self) -> bool:
        """Crisis answers show the crisis contacts to the seeker at once, while they wait."""
        return self.priority == "crisis"


def _entry(translations: Mapping[str, Any], lang: str) -> Any:
    lang = lang.lower()
    if lang in translations:
        return translations[lang]
    base = lang.split("-", 1)[0]
    return translations.get(base)


def _pick(translations: Mapping[str, str], lang: str) -> str:
    value = _entry(translations, lang)
    return value if isinstance(value, str) else ""


def score_triage(answers: Mapping[str, str], catalogue: Catalogue, *, default_language: str) -> TriageResult:
    """Priority, pathway and language from a seeker's answer codes. Pure; never raises on bad input.

    Every question is optional, so unknown question codes, unknown option codes and values that
    are not strings are ignored. The highest priority any answer asks for wins. Pathway and
    language come from the first answered question (in catalogue order) that sets them.
    """
    priority: Priority = "normal"
    pathway = ""
    language = ""
    reasons: list[str] = []
    for question in catalogue.questions:
        code = answers.get(question.code)
        if not isinstance(code, str):
            continue
        option = question.option(code)
        if option is None:
            continue
        if option.priority in _RANK and _RANK[option.priority] < _RANK[priority]:
            priority = option.priority  # type: ignore[assignment]
        if option.pathway and not pathway:
            pathway = option.pathway
        if option.language and not language:
            language = option.language
        if option.priority == "crisis" and option.crisis_reason and option.crisis_reason not in reasons:
            reasons.append(option.crisis_reason)
    return TriageResult(
        priority=priority,
        pathway=pathway or DEFAULT_PATHWAY,
        language=language or default_language,
        crisis_reasons=tuple(reasons),
    )


# --- The catalogue from the database (I/O) -----------------------------------------------------

_cache: ProcessCache[Catalogue] = ProcessCache(CATALOGUE_CACHE_SECONDS)


def load_catalogue() -> Catalogue:
    """The active questions and options, from this process's cache when it is fresh.

    Cheap enough for the live path to call on every seeker connection through `sync_to_async`:
    two queries at most once a minute per process, a look-up under a lock otherwise.
    """
    return _cache.get(_read_catalogue, now=time.monotonic())


def clear_catalogue_cache(**_: object) -> None:
    _cache.clear()


def _read_catalogue() -> Catalogue:
    from django.db.models import Prefetch

    from helpline.models import TriageOption, TriageQuestion

    active_options = TriageOption.objects.filter(active=True).order_by("position", "id")
    rows = (
        TriageQuestion.objects.filter(active=True)
        .order_by("position", "id")
        .prefetch_related(Prefetch("options", queryset=active_options))
    )
    questions = []
    for row in rows:
        options = tuple(
            Option(
                code=option.code,
                text=option.text,
                priority=option.priority,
                pathway=option.pathway,
                language=option.language,
                crisis_reason=option.crisis_reason,
                translations={
                    lang: entry["text"]
                    for lang, entry in (option.translations or {}).items()
                    if isinstance(entry, dict) and isinstance(entry.get("text"), str) and entry["text"]
                },
            )
            for option in row.options.all()
        )
        if not options:
            # A question with no active answer cannot be answered: the seeker never sees it.
            continue
        questions.append(
            Question(
                code=row.code,
                text=row.text,
                help_text=row.help_text,
                options=options,
                translations={
                    lang: {key: value for key, value in entry.items() if isinstance(value, str)}
                    for lang, entry in (row.translations or {}).items()
                    if isinstance(entry, dict)
                },
            )
        )
    return Catalogue(questions=tuple(questions))


def connect_signals() -> None:
    from django.db.models.signals import post_delete, post_save

    from helpline.models import TriageOption, TriageQuestion

    for model in (TriageQuestion, TriageOption):
        for signal in (post_save, post_delete):
            signal.connect(_cache.clear_now_and_on_commit, sender=model, dispatch_uid=f"triage-cache-{model.__name__}")
