"""Forms of LANT-51's annual visit plan. They validate and present; writes go through assessments.services."""

from __future__ import annotations

import datetime as dt

from django import forms

from assessments.scheduling import fiscal_year
from assessments.selectors_planning import plan_fiscal_years
from countries.forms import USWDSFormMixin
from countries.models import Country


class PlanYearForm(USWDSFormMixin, forms.Form):
    fy = forms.TypedChoiceField(
        label="Fiscal year", coerce=int,
        help_text="The U.S. federal fiscal year runs from 1 October to 30 September (FY2027 starts 1 October 2026).",
        error_messages={"invalid_choice": "Choose a fiscal year from the list."},
    )

    def __init__(self, *args, on: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fy"].choices = [(year, f"FY{year}") for year in plan_fiscal_years(on=on)]
        self.current = fiscal_year(on)
        self.fields["fy"].initial = self.current

    @property
    def year(self) -> int:
        """The chosen fiscal year, or the current one when none (or no valid one) was chosen."""
        if self.is_bound and self.is_valid():
            return self.cleaned_data["fy"]
        return self.current


class PlanCaseForm(forms.Form):
    """The one-click "plan a case" button of a plan row."""

    country = forms.ModelChoiceField(
        queryset=Country.objects.filter(in_scope=True), to_field_name="iso3",
        error_messages={"invalid_choice": "That country is unknown or out of the program's scope.",
                        "required": "Choose a country to plan."},
    )
    fy = forms.IntegerField(required=False, min_value=2000, max_value=2200)
