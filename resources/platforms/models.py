"""Partners that embed the warning component, and the message variants they show.

Keeps: service content written by administrators (a partner's name, source code, allowed
embedding origins and state; the variants' texts and weights), until an administrator deletes
it. Nothing here describes a visitor: impressions and clicks are hourly aggregate counters
(helpline.counters), never rows of their own.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models

from resources.platforms import rules


def _language_choices() -> list[tuple[str, str]]:
    return list(settings.LANGUAGES)


def _check_code(value: str) -> None:
    if rules.partner_code_shape(value) != value:
        raise ValidationError(
            "Use 2 to 24 lower-case letters, digits and '-', starting and ending with a letter or digit."
        )


def _check_origins(value: str) -> None:
    try:
        rules.parse_origins(value)
    except ValueError as error:
        raise ValidationError(str(error)) from None


class Partner(models.Model):
    """A platform that embeds the component under /embed/<code>/."""

    name = models.CharField(max_length=120)
    code = models.CharField(
        max_length=rules.MAX_PARTNER_CODE,
        unique=True,
        validators=[_check_code],
        help_text="The source code in /embed/<code>/: lower-case letters, digits and '-'.",
    )
    allowed_origins = models.TextField(
        blank=True,
        default="",
        validators=[_check_origins],
        help_text="One origin a line, such as https://www.example.com or https://*.example.com. "
        "Only pages on these origins can show the component.",
    )
    enabled = models.BooleanField(default=True, help_text="Paused: the component shows the generic help message.")
    notes = models.TextField(blank=True, default="", help_text="For staff: contacts, agreements. Never shown.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def origins(self) -> list[str]:
        return rules.parse_origins(self.allowed_origins)


class MessageVariant(models.Model):
    """One deterrence and help message in one language; a partner shows one per impression."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="variants")
    label = models.CharField(max_length=60, help_text="For staff: what this variant tries, e.g. 'A: the law first'.")
    language = models.CharField(max_length=8, choices=_language_choices, default="en")
    heading = models.CharField(max_length=120)
    body = models.TextField(max_length=600, help_text="Plain text, a few calm sentences: the law, the harm, help.")
    action = models.CharField(max_length=80, help_text="The main link's words, e.g. 'Talk to someone anonymously'.")
    weight = models.PositiveSmallIntegerField(
        default=1,
        validators=[MaxValueValidator(rules.MAX_WEIGHT)],
        help_text="Share of impressions among this partner's active variants in the same language (0 to 1000).",
    )
    active = models.BooleanField(default=True)
    is_example = models.BooleanField(
        default=False, help_text="Example content that the service's clinicians have not yet reviewed."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["partner", "language", "label"]

    def __str__(self) -> str:
        return f"{self.label} ({self.language})"
