"""Forms of determinations and credible reports. Writes go through assessments.services."""

from __future__ import annotations

from django import forms

from assessments.choices import Basis, Outcome
from assessments.forms.cases import CHOOSE, date_input
from countries.forms import USWDSFormMixin, country_label
from countries.models import Country
from ips.dates import DateKind, RecordDateField


class RecommendForm(USWDSFormMixin, forms.Form):
    """LANT-51's recommendation: the outcome, its basis where not substantially implementing, why, and when."""

    outcome = forms.ChoiceField(choices=CHOOSE + Outcome.choices)
    basis = forms.ChoiceField(
        choices=[("", "- No basis (not needed) -")] + Basis.choices, required=False,
        help_text="Required only for a not substantially implementing outcome [NVIC 02-05 5.e(1)].",
    )
    rationale = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), help_text="For official use only.")
    effective_date = RecordDateField(kind=DateKind.PLANNED, widget=date_input())

    def __init__(self, *args, access_denied: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.access_denied = access_denied
        if access_denied:
            self.fields["outcome"].help_text = "Denial of access leads to not substantially implementing, basis (d)."

    def clean(self):
        cleaned = super().clean()
        outcome, basis = cleaned.get("outcome"), cleaned.get("basis")
        if outcome == Outcome.NOT_SUBSTANTIALLY and not basis:
            self.add_error("basis", "Give the basis (a-d) for a not substantially implementing outcome.")
        elif outcome and outcome != Outcome.NOT_SUBSTANTIALLY and basis:
            self.add_error("basis", "A basis applies only to a not substantially implementing outcome.")
        if self.access_denied and outcome and (outcome != Outcome.NOT_SUBSTANTIALLY or basis != Basis.D):
            self.add_error("basis", "Denial of access leads to not substantially implementing, basis (d).")
        return cleaned

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("outcome", "basis", "rationale", "effective_date")}


class DecisionForm(USWDSFormMixin, forms.Form):
    """PSA-1's approval (comment optional) or return (comment required)."""

    comment = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, comment_required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comment"].required = comment_required
        if comment_required:
            self.fields["comment"].label = "Why it is returned"
            self.fields["comment"].error_messages["required"] = "Say why the recommendation is returned."
            self.fields["comment"].help_text = "LANT-51 sees this comment."
        else:
            self.fields["comment"].label = "Comment (optional)"

    def clean_comment(self) -> str:
        comment = self.cleaned_data["comment"].strip()
        if self.fields["comment"].required and not comment:
            raise forms.ValidationError(self.fields["comment"].error_messages["required"], code="required")
        return comment


class CredibleReportForm(USWDSFormMixin, forms.Form):
    country = forms.ModelChoiceField(
        queryset=Country.objects.order_by("name"), to_field_name="iso3", empty_label="- Select a country -"
    )
    source_agency = forms.CharField(max_length=200, help_text="The U.S. agency or accepted source of the report.")
    report_date = RecordDateField(kind=DateKind.HAPPENED, widget=date_input())
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].label_from_instance = country_label
        self.fields["country"].queryset = Country.objects.select_related("node").order_by("name")

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("source_agency", "report_date", "summary")}
