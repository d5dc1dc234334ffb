"""Forms of other engagements. Writes go through assessments.services."""

from __future__ import annotations

from django import forms

from assessments import selectors
from assessments.choices import EngagementKind
from assessments.forms.cases import CHOOSE, date_input, dates_in_order
from assessments.models import Engagement, Finding
from countries.forms import USWDSFormMixin
from ips import dates
from ips.forms import VersionedFormMixin


class FindingChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Finding) -> str:
        where = obj.facility.name if obj.facility_id else "country-level"
        return f"{obj.title} — finding {obj.number}, {where} ({obj.get_status_display()}, {obj.get_severity_display()})"


class EngagementFilterForm(USWDSFormMixin, forms.Form):
    country = forms.CharField(
        required=False, max_length=120, help_text="Country name or ISO alpha-3 code.",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    kind = forms.ChoiceField(choices=[("", "Any kind")] + EngagementKind.choices, required=False)


class EngagementForm(VersionedFormMixin, USWDSFormMixin, forms.ModelForm):
    findings = FindingChoices(
        queryset=Finding.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
        label="Findings it addresses", help_text="The country's open findings.",
    )

    class Meta:
        model = Engagement
        fields = ["kind", "title", "start_date", "end_date", "participants", "summary", "findings"]
        formfield_callback = dates.record_date_formfield
        widgets = {
            "start_date": date_input(),
            "end_date": date_input(),
            "participants": forms.Textarea(attrs={"rows": 3}),
            "summary": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, country, **kwargs):
        super().__init__(*args, **kwargs)
        self.country = country
        self.fields["kind"].choices = CHOOSE + EngagementKind.choices
        self.fields["findings"].queryset = selectors.engagement_finding_choices(
            country=country, engagement=self.instance
        )
        self.fields["findings"].widget.attrs = {"class": "usa-checkbox__input"}

    def clean(self):
        cleaned = super().clean()
        dates_in_order(self, "start_date", "end_date", both=False)
        return cleaned

    def _post_clean(self):
        pass  # the service validates the model

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name != "findings"}
