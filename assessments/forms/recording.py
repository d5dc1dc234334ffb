"""Forms of the recording pages. They validate and present; writes go through assessments.services."""

from __future__ import annotations

from django import forms
from django.utils.text import capfirst

from assessments.choices import FindingMethod, FindingStatus, Rating, Severity
from assessments.constants import EVIDENCE_CONTENT_TYPES
from assessments.models import ChecklistItem, ChecklistTemplate, Finding, ReportVersion
from countries.forms import USWDSFormMixin
from ips.dates import DateKind, RecordDateField
from ips.forms import VersionedFormMixin
from ips.uploads import UploadField, UploadFormMixin

CHOOSE = [("", "- Select -")]


class ChecklistAnswerForm(VersionedFormMixin, USWDSFormMixin, forms.Form):
    """The rating and notes of one checklist question, for the government or one facility, with the
    version of the answer they were loaded with (0: not answered yet)."""

    rating = forms.ChoiceField(
        choices=Rating.choices, widget=forms.RadioSelect, error_messages={"required": "Choose a rating."}
    )
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rating"].widget.attrs["class"] = "usa-radio__input"


class ItemChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ChecklistItem) -> str:
        text = obj.text if len(obj.text) <= 90 else obj.text[:89] + "…"
        return f"{obj.section.code} / {obj.code}: {text}"


class FacilityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.port.name}: {obj.name} ({obj.imo_number})"


class FindingForm(VersionedFormMixin, USWDSFormMixin, forms.Form):
    """A finding as the team writes it; the facility and checklist item come from the case."""

    title = forms.CharField(max_length=200)
    facility = FacilityChoiceField(
        queryset=None, required=False, empty_label="Country-level (no single facility)",
        help_text="Leave as country-level for a finding about the government.",
    )
    checklist_item = ItemChoiceField(queryset=None, required=False, empty_label="None", label="Checklist question")
    reference = forms.CharField(
        max_length=200, required=False, label="ISPS Code or country-guidance reference",
        help_text="e.g. ISPS Code A/14.2.2. Leave empty to use the checklist question's reference.",
    )
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    method = forms.ChoiceField(choices=CHOOSE + FindingMethod.choices, label="How it was found")
    rationale = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Why it is a finding")
    severity = forms.ChoiceField(choices=CHOOSE + Severity.choices)
    recommendation = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    shared_with_host_on = RecordDateField(
        kind=DateKind.HAPPENED, required=False, label="Shared with host counterparts on",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Findings are shared with host counterparts daily.",
    )

    SERVICE_FIELDS = (
        "title", "facility", "checklist_item", "reference", "description", "method", "rationale", "severity",
        "recommendation", "shared_with_host_on",
    )

    def __init__(self, data=None, files=None, *, facilities, items, finding: Finding | None = None, **kwargs):
        if finding is not None and data is None:
            kwargs.setdefault("initial", {name: getattr(finding, name) for name in self.SERVICE_FIELDS})
        if finding is not None:
            kwargs.setdefault("version", finding.version)
        super().__init__(data, files, **kwargs)
        self.fields["facility"].queryset = facilities
        self.fields["checklist_item"].queryset = items

    def service_data(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.SERVICE_FIELDS}


class FindingStatusForm(VersionedFormMixin, USWDSFormMixin, forms.Form):
    status = forms.ChoiceField(choices=FindingStatus.choices, label="New status")
    comment = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text="Optional: why the status changes."
    )


class EvidenceForm(USWDSFormMixin, UploadFormMixin, forms.Form):
    file = UploadField(
        label="Photo or PDF", kinds="JPEG, PNG, GIF, WebP or PDF",
        error_messages={"required": "Choose a file to attach."},
        widget=forms.ClearableFileInput(attrs={"accept": ",".join([*EVIDENCE_CONTENT_TYPES, ".pdf", ".jpg", ".png"])}),
    )
    caption = forms.CharField(max_length=255, required=False)
    keep_metadata = forms.BooleanField(
        required=False, label="Keep the photo's location and camera data",
        help_text="Otherwise the GPS position, camera details and other hidden data are removed from photos "
                  "before they are stored.",
    )


class ReportForm(USWDSFormMixin, forms.Form):
    """The five sections of the report [NVIC 02-05 Encl. (1) 4]; each save makes a new version."""

    base_version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, data=None, *, version: ReportVersion | None = None, **kwargs):
        if version is not None and data is None:
            initial = {name: getattr(version, name) for name in ReportVersion.SECTIONS}
            kwargs.setdefault("initial", {**initial, "base_version": version.number})
        super().__init__(data, **kwargs)
        for name in ReportVersion.SECTIONS:
            model_field = ReportVersion._meta.get_field(name)
            self.fields[name] = forms.CharField(
                label=capfirst(model_field.verbose_name), required=False,
                widget=forms.Textarea(attrs={"rows": 8, "class": "usa-textarea ips-report-textarea"}),
            )

    def sections(self) -> dict:
        return {name: self.cleaned_data.get(name, "") for name in ReportVersion.SECTIONS}


# --- checklist editor --------------------------------------------------------------------------


def _question_choices(sections) -> list[tuple[str, str]]:
    return CHOOSE + [
        (f"{section.code}|{item.code}", f"{section.code} / {item.code}: {item.text[:90]}")
        for section in sections for item in section.items.all()
    ]


class ChecklistAddForm(USWDSFormMixin, forms.Form):
    section = forms.ChoiceField(label="Section")
    item_code = forms.CharField(max_length=20, label="Question code", help_text="e.g. 2.g or F.5")
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Question")
    reference = forms.CharField(max_length=200, required=False, help_text="ISPS Code or guidance reference.")
    note = forms.CharField(max_length=500, required=False, label="Why (shown in the version list)")

    def __init__(self, *args, sections, **kwargs):
        super().__init__(*args, **kwargs)
        self._sections = {s.code: s for s in sections}
        self.fields["section"].choices = CHOOSE + [(s.code, f"{s.code} {s.title}") for s in sections]

    def clean(self):
        data = super().clean()
        section = self._sections.get(data.get("section"))
        code = (data.get("item_code") or "").strip()
        if section is not None and code and any(item.code == code for item in section.items.all()):
            self.add_error(
                "item_code", f"Section {section.code} already has a question {code}; reword it instead."
            )
        return data


class ChecklistRewordForm(USWDSFormMixin, forms.Form):
    question = forms.ChoiceField()
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="New wording")
    reference = forms.CharField(max_length=200, required=False, help_text="ISPS Code or guidance reference.")
    note = forms.CharField(max_length=500, required=False, label="Why (shown in the version list)")

    def __init__(self, *args, template: ChecklistTemplate, sections, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["question"].choices = _question_choices(sections)

    def codes(self) -> tuple[str, str]:
        return tuple(self.cleaned_data["question"].split("|", 1))


class ChecklistRetireForm(USWDSFormMixin, forms.Form):
    question = forms.ChoiceField(label="Question to retire")
    note = forms.CharField(max_length=500, required=False, label="Why (shown in the version list)")

    def __init__(self, *args, template: ChecklistTemplate, sections, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["question"].choices = _question_choices(sections)

    def codes(self) -> tuple[str, str]:
        return tuple(self.cleaned_data["question"].split("|", 1))

