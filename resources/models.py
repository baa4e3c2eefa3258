"""Self-help content: categories, articles, self-help modules, crisis contacts, landing pages.

Keeps: editorial content written by staff, and a revision (a JSON snapshot) of every saved
article and module so that an earlier version can be restored. Content is kept until an editor
deletes it; revisions are kept with it. Nothing here describes a reader: how often something is
read is an hourly aggregate counter (helpline.counters), never a row of its own.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

# Slugs that name pages under /help/ and so cannot be category slugs.
RESERVED_CATEGORY_SLUGS = frozenset({"a", "modules", "search", "self-assessment"})


class Audience(models.TextChoices):
    SELF = "self", _("People worried about their own thoughts")
    FAMILY = "family", _("Family and friends")
    YOUNG = "young", _("Young people")
    PROFESSIONAL = "professional", _("Professionals")


def _language_choices() -> list[tuple[str, str]]:
    return list(settings.LANGUAGES)


def _check_not_reserved(slug: str) -> None:
    if slug in RESERVED_CATEGORY_SLUGS:
        raise ValidationError(_("This address is used by another page; choose another slug."))


class Category(models.Model):
    slug = models.SlugField(max_length=60, unique=True, validators=[_check_not_reserved])
    name = models.CharField(max_length=120, help_text="In the default language.")
    description = models.TextField(blank=True, default="")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "slug"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class CategoryTranslation(models.Model):
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(max_length=8, choices=_language_choices)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["category", "language"], name="category_translation_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.language})"


class Article(models.Model):
    """One article in one language. Versions of the same article in other languages share the slug."""

    slug = models.SlugField(max_length=80)
    language = models.CharField(max_length=8, choices=_language_choices, default="en")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="articles")
    audience = models.CharField(max_length=16, choices=Audience.choices, default=Audience.SELF)
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=400)
    body = models.TextField(help_text="Markdown. Raw HTML and scripts are removed when the page is shown.")
    reading_minutes = models.PositiveSmallIntegerField(default=1, editable=False)
    published_on = models.DateField(null=True, blank=True, help_text="Empty: a draft that readers cannot see.")
    reviewed_on = models.DateField(null=True, blank=True)
    is_example = models.BooleanField(
        default=False, help_text="Example content that the service's clinicians have not yet reviewed."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["category__position", "title"]
        constraints = [models.UniqueConstraint(fields=["slug", "language"], name="article_slug_language_unique")]

    def __str__(self) -> str:
        return f"{self.title} ({self.language})"


class Module(models.Model):
    """A self-help module: ordered steps, each with an optional reflection exercise."""

    slug = models.SlugField(max_length=80)
    language = models.CharField(max_length=8, choices=_language_choices, default="en")
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=400)
    audience = models.CharField(max_length=16, choices=Audience.choices, default=Audience.SELF)
    published_on = models.DateField(null=True, blank=True, help_text="Empty: a draft that readers cannot see.")
    reviewed_on = models.DateField(null=True, blank=True)
    is_example = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        constraints = [models.UniqueConstraint(fields=["slug", "language"], name="module_slug_language_unique")]

    def __str__(self) -> str:
        return f"{self.title} ({self.language})"


class ModuleStep(models.Model):
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField(help_text="Markdown.")
    exercise = models.TextField(
        blank=True,
        default="",
        help_text="A reflection question. Answers are typed in the reader's browser and never sent to us.",
    )

    class Meta:
        ordering = ["module", "position"]
        constraints = [models.UniqueConstraint(fields=["module", "position"], name="module_step_position_unique")]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


class CrisisContact(models.Model):
    country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2 code, e.g. GB, IE, US, DE, NL.")
    language = models.CharField(max_length=8, choices=_language_choices, default="en")
    name = models.CharField(max_length=150)
    phone = models.CharField(max_length=40, blank=True, default="")
    hours = models.CharField(max_length=150, blank=True, default="")
    url = models.URLField(blank=True, default="")
    description = models.CharField(max_length=300, blank=True, default="")
    position = models.PositiveSmallIntegerField(default=0)
    is_example = models.BooleanField(default=False)
    last_checked = models.DateField(
        null=True,
        blank=True,
        help_text="The day someone last checked the number and hours against the service's own listing.",
    )

    class Meta:
        ordering = ["country", "language", "position", "name"]

    def __str__(self) -> str:
        return f"{self.country} {self.name} ({self.language})"

    def clean(self) -> None:
        self.country = self.country.upper()


class LandingPage(models.Model):
    """A page that online platforms link to (deterrence or referral), under /l/<code>/."""

    class Kind(models.TextChoices):
        DETERRENCE = "deterrence", "Deterrence (shown instead of something harmful)"
        REFERRAL = "referral", "Referral (a partner sends people here)"

    code = models.SlugField(max_length=32, help_text="The source code in /l/<code>/; lowercase letters, digits, '-'.")
    language = models.CharField(max_length=8, choices=_language_choices, default="en")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.REFERRAL)
    title = models.CharField(max_length=200)
    body = models.TextField(help_text="Markdown.")
    active = models.BooleanField(default=True)
    is_example = models.BooleanField(default=False)

    class Meta:
        ordering = ["code", "language"]
        constraints = [models.UniqueConstraint(fields=["code", "language"], name="landing_code_language_unique")]

    def __str__(self) -> str:
        return f"/l/{self.code}/ ({self.language})"


class Revision(models.Model):
    """A snapshot of an article or module as saved. Restoring one writes it back as a new save."""

    class Kind(models.TextChoices):
        ARTICLE = "article", "Article"
        MODULE = "module", "Module"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    object_id = models.BigIntegerField()
    label = models.CharField(max_length=250)
    snapshot = models.JSONField()
    saved_at = models.DateTimeField(auto_now_add=True)
    saved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    note = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        ordering = ["-saved_at", "-id"]
        indexes = [models.Index(fields=["kind", "object_id"], name="revision_object")]

    def __str__(self) -> str:
        return f"{self.label} at {self.saved_at:%Y-%m-%d %H:%M}"
