"""Forms of the advisories pages. They validate and present; writes go through advisories.services."""

from __future__ import annotations

from django import forms

from advisories import constants
from advisories.choices import CostBorneBy, EscalationKind, Recommendation, Section
from advisories.models import AdvisoryListing, PortSecurityAdvisory
from countries.forms import USWDSFormMixin
from countries.models import Country, PortFacility
from ips import dates
from ips.dates import RecordDateField
from ips.forms import VersionedFormMixin
from ips.uploads import UploadField, UploadFormMixin

DATE = forms.DateInput(attrs={"type": "date"})


class DraftForm(VersionedFormMixin, USWDSFormMixin, forms.ModelForm):
    class Meta:
        model = PortSecurityAdvisory
        fields = ["title", "effective_date", "federal_register_citation", "section_a", "section_b", "section_c",
                  "section_d", "section_e"]
        widgets = {"effective_date": DATE}
        formfield_callback = dates.record_date_formfield

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("section_a", "section_b", "section_c", "section_d", "section_e"):
            self.fields[name].widget.attrs["rows"] = 8


class ListingForm(VersionedFormMixin, USWDSFormMixin, forms.ModelForm):
    class Meta:
        model = AdvisoryListing
        fields = ["conditions_of_entry", "effective_date", "note"]
        widgets = {"effective_date": DATE}
        formfield_callback = dates.record_date_formfield

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", f"listing-{kwargs['instance'].pk}")
        super().__init__(*args, **kwargs)
        self.fields["conditions_of_entry"].label = "Conditions of entry apply"


class ListingAddForm(USWDSFormMixin, forms.Form):
    country = forms.ModelChoiceField(queryset=Country.objects.none())
    note = forms.CharField(label="Public note", required=False, widget=forms.Textarea,
                           help_text="Printed under the country in section B.")

    def __init__(self, *args, advisory: PortSecurityAdvisory, **kwargs):
        kwargs.setdefault("prefix", "add")
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = Country.objects.exclude(advisory_listings__advisory=advisory).order_by("name")


class ExemptionForm(USWDSFormMixin, forms.Form):
    country = forms.ModelChoiceField(queryset=Country.objects.none(), help_text="A country listed in this revision.")
    imo_number = forms.RegexField(
        label="IMO port facility number", regex=constants.IMO_FACILITY_PATTERN, required=False, max_length=24,
        help_text="For example CM394-0001. Leave empty when the facility has no published number.",
        error_messages={"invalid": constants.IMO_FACILITY_MESSAGE},
    )
    name = forms.CharField(label="Facility name", max_length=200, required=False,
                           help_text="Taken from the facility table when the number is known there.")

    def __init__(self, *args, advisory: PortSecurityAdvisory, **kwargs):
        kwargs.setdefault("prefix", "exemption")
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = Country.objects.filter(advisory_listings__advisory=advisory).order_by("name")

    def clean_imo_number(self):
        return self.cleaned_data["imo_number"].strip().upper()

    def clean(self):
        data = super().clean()
        if not data.get("imo_number") and not (data.get("name") or "").strip() and "imo_number" not in self.errors:
            self.add_error("name", "Give the facility's name when it has no IMO number.")
        return data


class DecisionNoteForm(USWDSFormMixin, forms.Form):
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea,
                           help_text="Required when dismissing a proposal.")


class CorrectionForm(VersionedFormMixin, USWDSFormMixin, forms.Form):
    """A correction of one section of the advisory in force, based on the version of it that was read."""

    section = forms.ChoiceField(choices=[("", "- Choose the section -"), *Section.choices])
    text = forms.CharField(label="Corrected text of the section", widget=forms.Textarea(attrs={"rows": 10}))
    effective_date = RecordDateField(kind=dates.DateKind.PLANNED, label="Effective from", widget=DATE)
    note = forms.CharField(label="What the correction changes", max_length=500,
                           help_text="Shown with the release on the public notice.")

    def saved_meanwhile(self, current) -> dict[str, str]:
        """The section's text as it is now in force, when it differs from the corrected text typed."""
        section = self.cleaned_data.get("section")
        saved = current.section_text(section) if section else ""
        if section and saved.strip() != self.cleaned_data.get("text", "").strip():
            return {"text": saved or "(empty)"}
        return {}

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("section", "text", "effective_date", "note")}


class EscalationForm(USWDSFormMixin, forms.Form):
    kind = forms.ChoiceField(choices=[("", "- Choose -"), *EscalationKind.choices])
    federal_register_citation = forms.RegexField(
        label="Federal Register citation", regex=constants.FR_CITATION_PATTERN, max_length=40,
        help_text="For example 84 FR 11992.", error_messages={"invalid": constants.FR_CITATION_MESSAGE},
    )
    issued_on = RecordDateField(kind=dates.DateKind.HAPPENED, label="Issued on", widget=DATE)
    note = forms.CharField(required=False, widget=forms.Textarea)


class RequestForm(USWDSFormMixin, UploadFormMixin, forms.Form):
    facility = forms.ModelChoiceField(queryset=PortFacility.objects.none(), label="Port facility")
    received_on = RecordDateField(kind=dates.DateKind.HAPPENED, label="Received on", widget=DATE)
    plan = UploadField(label="Augmented security plan (PDF)", kinds="PDF")
    rso_name = forms.CharField(label="Recognized Security Organization", max_length=200)
    rso_qualifications = forms.CharField(label="Qualifications of the individuals who verified the plan",
                                         widget=forms.Textarea)
    rso_independence = forms.CharField(label="Independence statement", widget=forms.Textarea)
    cost_borne_by = forms.ChoiceField(label="Cost borne by", choices=[("", "- Choose -"), *CostBorneBy.choices])
    report = UploadField(label="Verification report (PDF)", kinds="PDF")

    def __init__(self, *args, facilities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = facilities
        self.fields["facility"].label_from_instance = lambda f: f"{f.port.country.name}: {f.name} ({f.imo_number})"
        for name in ("plan", "report"):
            self.fields[name].widget.attrs.update({"class": "usa-file-input", "accept": "application/pdf,.pdf"})

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["plan"] = self.files.get(self.add_prefix("plan"))
        data["report"] = self.files.get(self.add_prefix("report"))
        return data


class ReviewForm(USWDSFormMixin, forms.Form):
    recommendation = forms.ChoiceField(choices=[("", "- Choose -"), *Recommendation.choices])
    notes = forms.CharField(label="Review findings", widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "review")
        super().__init__(*args, **kwargs)


class RequestDecisionForm(USWDSFormMixin, forms.Form):
    decision = forms.ChoiceField(choices=[("", "- Choose -"), ("accept", "Accept: except the facility in the next "
                                                                         "revision"), ("refuse", "Refuse")])
    reasons = forms.CharField(label="Reasons", widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "decide")
        super().__init__(*args, **kwargs)
