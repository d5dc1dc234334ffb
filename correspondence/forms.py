from __future__ import annotations

from django import forms
from django.utils import timezone

from correspondence import constants
from correspondence.choices import HAND_WRITTEN_KINDS, IncomingKind, LetterKind
from correspondence.models import Letter
from ips import dates
from ips.dates import RecordDateField
from ips.forms import VersionedFormMixin
from ips.uploads import UploadField, UploadFormMixin

DATE_INPUT = forms.DateInput(attrs={"type": "date", "class": "usa-input"})


def _uswds(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.Textarea):
            widget.attrs.setdefault("class", "usa-textarea")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "usa-select")
        elif isinstance(widget, forms.ClearableFileInput | forms.FileInput):
            widget.attrs.setdefault("class", "usa-file-input")
        elif isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "usa-checkbox__input")
        else:
            widget.attrs.setdefault("class", "usa-input")


class LetterWordingForm(VersionedFormMixin, forms.ModelForm):
    """The parts of a draft that can be edited before approval, with the revision they were loaded with."""

    class Meta:
        model = Letter
        fields = ["subject", "letter_date", "addressee_name", "addressee_address", "via", "body", "signatory_name",
                  "signatory_title"]
        formfield_callback = dates.record_date_formfield
        widgets = {
            "letter_date": DATE_INPUT,
            "addressee_address": forms.Textarea(attrs={"rows": 4}),
            "via": forms.Textarea(attrs={"rows": 3}),
            "body": forms.Textarea(attrs={"rows": 14}),
        }
        labels = {"body": "Wording", "letter_date": "Date of the letter"}
        help_texts = {"body": "Plain paragraphs separated by a blank line. The findings, dates and mitigation "
                              "period are filled in from the case and the determination."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _uswds(self)


class DayForm(forms.Form):
    day = RecordDateField(kind=dates.DateKind.HAPPENED, widget=DATE_INPUT)  # the day a letter was sent or acknowledged

    def __init__(self, *args, label: str, **kwargs):
        kwargs.setdefault("initial", {"day": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["day"].label = label
        _uswds(self)


class NewLetterForm(forms.Form):
    kind = forms.ChoiceField(choices=[(k.value, k.label) for k in LetterKind if k in HAND_WRITTEN_KINDS])
    subject = forms.CharField(max_length=300, required=False, help_text="Leave empty for the standard subject.")
    body = forms.CharField(
        label="Wording", required=False, max_length=constants.LETTER_BODY_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Plain paragraphs separated by a blank line. Leave empty for the standard wording.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _uswds(self)


class IncomingForm(UploadFormMixin, forms.Form):
    kind = forms.ChoiceField(label="What was received", choices=IncomingKind.choices)
    received_on = RecordDateField(kind=dates.DateKind.HAPPENED, label="Received on", widget=DATE_INPUT)
    sender = forms.CharField(label="From", max_length=200)
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}))
    assessment = forms.ModelChoiceField(label="Case", queryset=None, required=False)
    answers = forms.ModelChoiceField(label="Answers our letter", queryset=None, required=False)
    file = UploadField(required=False, kinds="PDF, JPEG, PNG, Word (.docx) or Excel (.xlsx)")

    def __init__(self, *args, country, **kwargs):
        kwargs.setdefault("initial", {"received_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["assessment"].queryset = country.assessments.order_by("-created_at")
        self.fields["answers"].queryset = country.letters.order_by("-letter_date", "-id")
        _uswds(self)
