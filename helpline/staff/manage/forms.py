"""Forms of the staff administration. They parse and describe input; the services check and act."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from helpline.hours import Period
from helpline.staff.rules import ADMIN, COUNSELLOR, MANAGER, SUPERVISOR
from helpline.timetable import parse_day


def role_choices() -> list[tuple[str, Any]]:
    return [
        (COUNSELLOR, _("Counsellor")),
        (SUPERVISOR, _("Supervisor")),
        (MANAGER, _("Manager (statistics only)")),
        (ADMIN, _("Administrator")),
    ]


class ProfileFields(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=role_choices)
    pseudonym = forms.CharField(
        label=_("Pseudonym"), required=False, max_length=40,
        help_text=_("The name help-seekers see, for example Sam. Two active people cannot share one."),
    )
    languages = forms.CharField(
        label=_("Languages"), max_length=100, initial="en",
        help_text=_("Language codes this person chats in, separated by commas, for example en, de."),
    )
    pathways = forms.CharField(
        label=_("Pathways"), required=False, max_length=200,
        help_text=_("Pathway codes separated by commas (self, other, young, professional); empty means all."),
    )
    chat_limit = forms.IntegerField(
        label=_("Chats at once"), min_value=1, max_value=10,
        help_text=_("How many chats this person holds at the same time (1 to 10)."),
    )


class InviteForm(ProfileFields):
    username = forms.CharField(
        label=_("Username"), max_length=150,
        help_text=_("What they type to sign in. Letters, digits and @ . + - _ only."),
    )
    field_order = ["username", "role", "pseudonym", "languages", "pathways", "chat_limit"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["chat_limit"].initial = settings.DEFAULT_CHAT_LIMIT
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}
        )


class ChangeStaffForm(ProfileFields):
    pass


class EnrolByLinkForm(forms.Form):
    password = forms.CharField(
        label=_("Choose a password"), strip=False,
        help_text=_("At least 12 characters. A few unusual words are easier to remember than symbols."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label=_("The same password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    code = forms.CharField(
        label=_("Code from your authenticator app"),
        help_text=_("The 6-digit code the app shows after you scanned the QR code."),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}),
    )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].replace(" ", "")
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError(_("Please enter the 6 digits your authenticator app shows."))
        return code

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        password, again = data.get("password"), data.get("password_again")
        if password and again is not None and password != again:
            self.add_error("password_again", _("The two passwords differ. Please type the same password twice."))
        return data


def day_names() -> list[Any]:
    return [_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"), _("Saturday"), _("Sunday")]


class WeekForm(forms.Form):
    """One text field per weekday: "09:00-13:00, 14:00-18:00"; empty means closed."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for weekday, name in enumerate(day_names()):
            self.fields[f"day_{weekday}"] = forms.CharField(
                label=name, required=False, max_length=200,
                widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        week: dict[int, list[Period]] = {}
        for weekday in range(7):
            try:
                week[weekday] = parse_day(weekday, data.get(f"day_{weekday}", "") or "")
            except ValueError as exc:
                self.add_error(f"day_{weekday}", str(exc))
        data["week"] = week
        return data


class ClosureForm(forms.Form):
    date = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    seeker_note = forms.CharField(
        label=_("What help-seekers are told"), required=False, max_length=200,
        help_text=_("Shown on the chat page that day, for example “We are closed for the public holiday.”"),
    )
    reason = forms.CharField(
        label=_("Note for staff"), required=False, max_length=200, help_text=_("Never shown to help-seekers.")
    )


class PreviewForm(forms.Form):
    at = forms.DateTimeField(
        label=_("Moment to preview"), required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("In the service's time zone."),
    )
    full = forms.BooleanField(label=_("As if every place in the queue were taken"), required=False)


class CannedResponseForm(forms.Form):
    title = forms.CharField(
        label=_("Title"), max_length=100, help_text=_("Counsellors pick the response by this title.")
    )
    language = forms.ChoiceField(label=_("Language"), choices=lambda: list(settings.LANGUAGES))
    body = forms.CharField(
        label=_("Text"), max_length=4000, widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Plain text. Placeholders in braces are filled in before sending, for example {service}."),
    )
    position = forms.IntegerField(label=_("Position in the list"), min_value=0, max_value=1000, initial=0)
    active = forms.BooleanField(label=_("Offered to counsellors"), required=False, initial=True)


class ImportCertificatesForm(forms.Form):
    certificates = forms.FileField(
        label=_("Certificates file"), help_text=_("The file the ceremony wrote (certificates.json)."),
    )


class AuditFilterForm(forms.Form):
    actor = forms.ChoiceField(label=_("Who"), required=False)
    action = forms.ChoiceField(label=_("Action"), required=False)
    day = forms.DateField(label=_("Day (UTC)"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, actors: list[str], actions: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["actor"].choices = [("", _("Everyone")), *[(a, a) for a in actors]]  # type: ignore[attr-defined]
        self.fields["action"].choices = [("", _("All actions")), *[(a, a) for a in actions]]  # type: ignore[attr-defined]


def default_preview_moment(now: dt.datetime) -> str:
    return now.strftime("%Y-%m-%dT%H:%M")
