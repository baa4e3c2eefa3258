"""The one query form shared by the dashboard and both exports."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms

from helpline.stats.aggregate import FILTERS, check_query

GROUPINGS = [("hour", "Hour"), ("day", "Day"), ("week", "Week"), ("month", "Month")]
CODE = r"^[a-z0-9_-]{1,40}$"


class StatsQueryForm(forms.Form):
    start = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="To (inclusive)", widget=forms.DateInput(attrs={"type": "date"}))
    by = forms.ChoiceField(label="Group by", choices=GROUPINGS)
    priority = forms.RegexField(label="Priority", regex=CODE, required=False)
    pathway = forms.RegexField(label="Pathway", regex=CODE, required=False)
    language = forms.RegexField(label="Language", regex=CODE, required=False)

    def __init__(self, query: Any, *, today: date) -> None:
        data = {"start": (today - timedelta(days=27)).isoformat(), "end": today.isoformat(), "by": "day"}
        data.update({key: query.get(key) for key in self.base_fields if query.get(key) not in (None, "")})
        super().__init__(data)
        self.set_filter_options({})

    def set_filter_options(self, options: dict[str, list[str]]) -> None:
        """Offer the values seen in the range (and the one chosen) in each filter's list."""
        for name in FILTERS:
            chosen = self.data.get(name)
            values = sorted(set(options.get(name, [])) | ({chosen} if chosen else set()))
            self.fields[name].widget = forms.Select(choices=[("", "All"), *((v, v) for v in values)])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end, by = cleaned.get("start"), cleaned.get("end"), cleaned.get("by")
        if start and end and by:
            problem = check_query(start=start, end=end, by=by)
            if problem:
                raise forms.ValidationError(problem)
        chosen = [name for name in FILTERS if cleaned.get(name)]
        if len(chosen) > 1:
            raise forms.ValidationError(
                "Choose one filter at a time: each counter keeps one dimension, so filters cannot be combined."
            )
        cleaned["filter"] = (chosen[0], cleaned[chosen[0]]) if chosen else None
        return cleaned
