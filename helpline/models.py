"""Database models of the helpline domain.

What is kept (docs/PRIVACY.md, "What is kept"): aggregate counters, the staff audit log, staff profiles, and
service content (triage questions, opening hours, canned responses), kept until staff change it.
No row here describes an individual contact: a contact only adds to hourly counters, and each counter row
carries at most one dimension, so rows cannot be joined back into a record of one conversation.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models


class Counter(models.Model):
    """One hourly aggregate: how often `metric` happened in `hour`, split by one `dimension`.

    `dimension` is "" for the total or "name=value" (for example "priority=crisis"), never two
    dimensions at once. Histograms use the dimension for the bin ("bin=60-120").
    """

    hour = models.DateTimeField(db_index=True)
    metric = models.CharField(max_length=64)
    dimension = models.CharField(max_length=96, blank=True, default="")
    value = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["hour", "metric", "dimension"], name="counter_unique_bucket"),
        ]
        indexes = [models.Index(fields=["metric", "hour"], name="counter_metric_hour")]

    def __str__(self) -> str:
        return f"{self.hour:%Y-%m-%d %H}:00 {self.metric} {self.dimension} = {self.value}"


class AuditEvent(models.Model):
    """A state-changing staff action. Never holds help-seeker content or identifiers.

    Retention: rows older than settings.AUDIT_RETENTION_DAYS are deleted by `manage.py cleanup`.
    """

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    actor_name = models.CharField(max_length=150, blank=True, default="")
    action = models.CharField(max_length=64, db_index=True)
    target = models.CharField(max_length=150, blank=True, default="")
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.target}"


# --- Configurable helpline content: triage, opening hours, canned responses ---------------------
#
# These rows are service content that staff edit in the admin (docs/PRIVACY.md: content).
# None of them describes a contact. The defaults shipped in the data migrations are example content
# for the service's clinicians to review before going live.

CODE_VALIDATOR = RegexValidator(
    r"^[a-z0-9_]{1,32}$", "Use 1 to 32 lower-case letters, digits or underscores."
)
LANGUAGE_CODE_VALIDATOR = RegexValidator(
    r"^[a-z]{2,3}(-[a-z0-9]{2,8})?$", "Use a language code such as en, de or pt-br."
)

# Translations are kept as {"de": {"text": "...", "help_text": "..."}}: one entry per language
# other than settings.LANGUAGE_CODE, whose text lives in the plain fields.
TRANSLATION_KEYS = frozenset({"text", "help_text"})


def validate_translations(value: object) -> None:
    if not isinstance(value, dict):
        raise ValidationError("Translations must be an object keyed by language code.")
    for lang, entry in value.items():
        try:
            LANGUAGE_CODE_VALIDATOR(lang)
        except ValidationError:
            raise ValidationError(f"{lang!r} is not a language code.") from None
        if not isinstance(entry, dict) or not set(entry) <= TRANSLATION_KEYS:
            raise ValidationError(f"The {lang} translation must be an object with text and help_text only.")
        if not all(isinstance(text, str) and len(text) <= 1000 for text in entry.values()):
            raise ValidationError(f"The {lang} translation must hold short texts.")


class TriageQuestion(models.Model):
    """One optional triage question shown to help-seekers before they join the queue."""

    code = models.CharField(max_length=32, unique=True, validators=[CODE_VALIDATOR])
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)
    # Every triage question is optional for the help-seeker: the field exists so that the rule is
    # visible in the data and the admin, and it cannot be switched on.
    required = models.BooleanField(default=False, editable=False)
    text = models.CharField(max_length=300, help_text="The question in English.")
    help_text = models.CharField(max_length=500, blank=True, default="", help_text="Optional hint in English.")
    translations = models.JSONField(default=dict, blank=True, validators=[validate_translations])

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(required=False), name="triage_question_always_optional"),
        ]

    def __str__(self) -> str:
        return self.code


class TriageOption(models.Model):
    """One answer to a triage question and what it changes: priority, pathway, language."""

    PRIORITY_CHOICES = [("", "no change"), ("raised", "raised"), ("crisis", "crisis")]

    question = models.ForeignKey(TriageQuestion, on_delete=models.CASCADE, related_name="options")
    code = models.CharField(max_length=32, validators=[CODE_VALIDATOR])
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)
    text = models.CharField(max_length=300, help_text="The answer in English.")
    translations = models.JSONField(default=dict, blank=True, validators=[validate_translations])
    priority = models.CharField(max_length=8, blank=True, default="", choices=PRIORITY_CHOICES)
    pathway = models.CharField(
        max_length=32, blank=True, default="", validators=[CODE_VALIDATOR],
        help_text="Routing pathway this answer selects (for example self, other, young, professional).",
    )
    language = models.CharField(
        max_length=16, blank=True, default="", validators=[LANGUAGE_CODE_VALIDATOR],
        help_text="Chat language this answer selects (for the language question).",
    )
    crisis_reason = models.CharField(
        max_length=32, blank=True, default="", validators=[CODE_VALIDATOR],
        help_text="Why this answer is a crisis (for example self_harm, child_at_risk); crisis answers only.",
    )

    class Meta:
        ordering = ["question__position", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["question", "code"], name="triage_option_unique_code"),
            models.CheckConstraint(
                condition=models.Q(priority__in=["", "raised", "crisis"]), name="triage_option_priority_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question.code}={self.code}" if self.question_id else self.code

    def clean(self) -> None:
        super().clean()
        if self.crisis_reason and self.priority != "crisis":
            raise ValidationError({"crisis_reason": "Only an answer that makes the chat a crisis has a crisis reason."})


class OpeningHours(models.Model):
    """One opening period on a weekday, in settings.SERVICE_TIME_ZONE local time.

    A day may have several periods. `closes` 00:00 means midnight at the end of the day; periods
    do not cross midnight (a night service enters 22:00-00:00 and 00:00-02:00 on the next day).
    """

    WEEKDAYS = [
        (0, "Monday"), (1, "Tuesday"), (2, "Wednesday"), (3, "Thursday"),
        (4, "Friday"), (5, "Saturday"), (6, "Sunday"),
    ]

    weekday = models.PositiveSmallIntegerField(
        choices=WEEKDAYS, validators=[MinValueValidator(0), MaxValueValidator(6)]
    )
    opens = models.TimeField()
    closes = models.TimeField(help_text="00:00 means midnight at the end of the day.")

    class Meta:
        ordering = ["weekday", "opens"]
        verbose_name_plural = "opening hours"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(weekday__gte=0, weekday__lte=6), name="opening_hours_weekday_range"
            ),
        ]

    def __str__(self) -> str:
        closes = "24:00" if self.closes == datetime.time(0) else f"{self.closes:%H:%M}"
        return f"{self.get_weekday_display()} {self.opens:%H:%M}-{closes}"

    def clean(self) -> None:
        super().clean()
        if self.opens is not None and self.closes is not None:
            if self.closes != datetime.time(0) and self.closes <= self.opens:
                raise ValidationError(
                    {"closes": "A period must close after it opens, on the same day (00:00 means midnight)."}
                )


class Closure(models.Model):
    """A whole local day on which the service is closed (a public holiday, a training day).

    `reason` is for staff; `seeker_note` (optional) is shown to help-seekers on the closed page.
    """

    date = models.DateField(unique=True)
    reason = models.CharField(max_length=200, blank=True, default="", help_text="For staff only; never shown.")
    seeker_note = models.CharField(
        max_length=200, blank=True, default="",
        help_text="Shown to help-seekers on the closed page, for example “Closed for the public holiday.”",
    )

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d}"


class CannedResponse(models.Model):
    """A prepared message counsellors insert into a chat and may edit before sending."""

    title = models.CharField(max_length=100)
    body = models.TextField(max_length=4000, help_text="Plain text.")
    language = models.CharField(max_length=16, default="en", validators=[LANGUAGE_CODE_VALIDATOR])
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["language", "position", "id"]

    def __str__(self) -> str:
        return f"[{self.language}] {self.title}"

    def clean(self) -> None:
        super().clean()
        from helpline.placeholders import check_template

        try:
            check_template(self.body or "")
        except ValueError as exc:
            raise ValidationError({"body": str(exc)}) from None


def default_chat_limit() -> int:
    return int(settings.DEFAULT_CHAT_LIMIT)


class StaffProfile(models.Model):
    """What the service needs to know about a staff member beyond their Django account.

    Keeps: the pseudonym help-seekers see, the languages and pathways the person serves, and how
    many chats they hold at once. Nothing about help-seekers. Kept while the account exists and
    deleted with it. The role itself is the account's group (helpline.staff.rules.ROLES); the
    custom permissions below are what those groups grant.
    """

    # Reached as `user.staffprofile` (chat.access reads it by that name).
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    pseudonym = models.CharField(
        max_length=40, blank=True, default="", help_text="The name help-seekers see, for example “Sam”."
    )
    languages = models.CharField(
        max_length=100, default="en", help_text="Comma-separated language codes this person chats in."
    )
    pathways = models.CharField(
        max_length=200, blank=True, default="", help_text="Comma-separated pathway codes; empty means all pathways."
    )
    chat_limit = models.PositiveSmallIntegerField(
        default=default_chat_limit,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text="How many chats this person holds at once.",
    )

    class Meta:
        permissions = [
            ("counsel", "Can take and hold chats"),
            ("supervise_floor", "Can see the live floor's metadata and reassign chats"),
            ("view_statistics", "Can see anonymised statistics"),
        ]

    def __str__(self) -> str:
        return f"{self.user.get_username()} ({self.display_pseudonym})"

    @property
    def display_pseudonym(self) -> str:
        return self.pseudonym or "Counsellor"

    @property
    def language_codes(self) -> list[str]:
        return [code.strip() for code in self.languages.split(",") if code.strip()]

    @property
    def pathway_codes(self) -> list[str]:
        """The pathways served; an empty list means every pathway."""
        return [code.strip() for code in self.pathways.split(",") if code.strip()]


class StaffInvitation(models.Model):
    """A one-time enrolment link for a new account (or one whose second factor was reset).

    Keeps: the account, a SHA-256 hash of the link's token (the token itself is shown once to the
    administrator and never stored), who made it and until when it works (48 hours). Deleted when
    it is used, replaced by a new invitation, or by `manage.py cleanup` once expired.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitation")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"invitation for {self.user.get_username()} until {self.expires_at:%Y-%m-%d %H:%M}"
