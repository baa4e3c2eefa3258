"""Staff forms for partners and message variants (validated by the models' validators)."""

from __future__ import annotations

from typing import Any

from django import forms

from resources.platforms import rules
from resources.platforms.models import MessageVariant, Partner


class PartnerForm(forms.ModelForm):
    with_examples = forms.BooleanField(
        required=False,
        initial=True,
        label="Start with the example variants",
        help_text="Two example messages in each language, marked for the service's clinicians to review.",
    )

    class Meta:
        model = Partner
        fields = ["name", "code", "allowed_origins", "enabled", "notes"]
        widgets = {"allowed_origins": forms.Textarea(attrs={"rows": 4}), "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            del self.fields["with_examples"]
            # A partner's pages carry its code; changing it would silently turn them generic.
            self.fields["code"].disabled = True
            self.fields["code"].help_text = "The code is in the partner's snippet and cannot be changed."

    def clean_allowed_origins(self) -> str:
        try:
            return "\n".join(rules.parse_origins(self.cleaned_data.get("allowed_origins", "")))
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None


class VariantForm(forms.ModelForm):
    class Meta:
        model = MessageVariant
        fields = ["label", "language", "heading", "body", "action", "weight", "active", "is_example"]
        widgets = {"body": forms.Textarea(attrs={"rows": 5, "maxlength": 600})}
