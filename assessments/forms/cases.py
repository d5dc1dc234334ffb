"""Forms of the case workspace's planning side. They validate and present; writes go through
assessments.services."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError

from assessments import selectors
from assessments.choices import AssessmentState, ItineraryKind, VisitFacilityStatus
from assessments.models import Assessment, ItineraryItem, VisitFacility
from countries.forms import USWDSFormMixin, country_label, ipslo_label
from countries.models import Country, Node
from ips import dates
from ips.dates import DateKind, RecordDateField
from ips.forms import VersionedFormMixin

CHOOSE = [("", "- Select -")]


def date_input() -> forms.DateInput:
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class FacilityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.port.name}: {obj.name} ({obj.imo_number})"


def dates_in_order(form: forms.Form, start: str, end: str, *, both: bool = True) -> None:
    """Errors beside the last-day field: given without the first day, or before it."""
    first, last = form.cleaned_data.get(start), form.cleaned_data.get(end)
    if both and bool(first) != bool(last) and start not in form.errors and end not in form.errors:
        missing = end if first else start
        form.add_error(missing, "Enter both the first and the last day, or neither.")
    elif first and last and last < first:
        form.add_error(end, "The last day is before the first day.")


# --- the case list and opening a case --------------------------------------------------------


class CaseFilterForm(USWDSFormMixin, forms.Form):
    state = forms.ChoiceField(choices=[("", "Any state")] + AssessmentState.choices, required=False)
    node = forms.ChoiceField(choices=(), required=False)
    country = forms.CharField(
        required=False, max_length=120, help_text="Country name or ISO alpha-3 code.",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    mine = forms.BooleanField(
        label="Only my cases", required=False, help_text="Cases I am the IPSLO of or a team member on."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["node"].choices = [("", "All nodes")] + [
            (code, f"{code} — {name}") for code, name in Node.objects.order_by("code").values_list("code", "name")
        ]

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {name: self.cleaned_data[name] for name in ("state", "node", "country", "mine")}


class CaseCreateForm(USWDSFormMixin, forms.Form):
    """Open a planned case for a country the user may open cases for."""

    country = forms.ModelChoiceField(
        queryset=Country.objects.none(), to_field_name="iso3", empty_label="- Select a country -",
        help_text="Only countries for which you may open a case are listed.",
    )
    proposed_start = RecordDateField(kind=DateKind.PLANNED, label="Proposed first day", required=False,
                                     widget=date_input())
    proposed_end = RecordDateField(kind=DateKind.PLANNED, label="Proposed last day", required=False,
                                   widget=date_input())
    objective = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The objective stated in the visit request letter.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = selectors.countries_user_may_open(user=user)
        self.fields["country"].label_from_instance = country_label

    def clean_country(self) -> Country:
        country = self.cleaned_data["country"]
        current = selectors.open_case_of(country=country)
        if current is not None:
            raise ValidationError(
                f"{country.name} already has an open assessment ({current.get_state_display()}). "
                "Close or cancel it before opening another.",
                code="open_case_exists",
            )
        return country

    def clean(self):
        cleaned = super().clean()
        dates_in_order(self, "proposed_start", "proposed_end", both=False)
        return cleaned


# --- the plan --------------------------------------------------------------------------------

PLAN_FIELDSETS = (
    ("Objective", ("objective",)),
    ("Visit dates", ("proposed_start", "proposed_end", "visit_start", "visit_end")),
    ("Notice and letters", ("informal_notice_on", "visit_request_sent_on", "host_confirmed_on")),
    ("Information exchange", ("questionnaire_received_on", "no_facility_reason")),
)
PLAN_FIELD_NAMES = tuple(name for _, names in PLAN_FIELDSETS for name in names)


class PlanForm(USWDSFormMixin, forms.ModelForm):
    """The planning fields of a case. ``version`` carries the ``updated_at`` the form was loaded with,
    so a save over someone else's newer change is refused rather than silently overwriting it."""

    version = forms.CharField(widget=forms.HiddenInput)

    class Meta:
        model = Assessment
        fields = list(PLAN_FIELD_NAMES)
        formfield_callback = dates.record_date_formfield
        widgets = {
            **{name: date_input() for name in PLAN_FIELD_NAMES if name.endswith(("_on", "_start", "_end"))},
            "objective": forms.Textarea(attrs={"rows": 3}),
            "no_facility_reason": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "visit_request_sent_on": "Sent 60 to 90 days before the first day of the visit.",
            "questionnaire_received_on": "Due 45 days before the visit.",
            "no_facility_reason": "Only if no port facility is (or was) visited.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.updated_at.isoformat()
        self.conflicts: dict[str, str] = {}

    def fieldsets(self) -> list[tuple[str, list[tuple]]]:
        return [
            (legend, [(self[name], self.conflicts.get(name)) for name in names]) for legend, names in PLAN_FIELDSETS
        ]

    def clean_version(self) -> dt.datetime:
        try:
            return dt.datetime.fromisoformat(self.cleaned_data["version"])
        except ValueError:
            raise ValidationError(
                "This form is out of date. Reload the page and enter your changes again.", code="bad_version"
            ) from None

    def clean(self):
        cleaned = super().clean()
        dates_in_order(self, "proposed_start", "proposed_end")
        dates_in_order(self, "visit_start", "visit_end")
        return cleaned

    def _post_clean(self):
        # The model's constraints are checked by the service; keep the form's errors field-keyed.
        pass

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in PLAN_FIELD_NAMES}

    def after_conflict(self, current: Assessment) -> PlanForm:
        """A new form keeping what was typed, based on ``current``, naming each field saved meanwhile
        with another value; submitting it again replaces those values deliberately."""
        conflicts = {}
        for name in PLAN_FIELD_NAMES:
            saved = getattr(current, name)
            if saved != self.cleaned_data.get(name):
                conflicts[name] = "(empty)" if saved in (None, "") else str(saved)
        data = self.data.copy()
        data[self.add_prefix("version")] = current.updated_at.isoformat()
        form = PlanForm(data, instance=current, prefix=self.prefix)
        form.is_valid()
        form.conflicts = conflicts
        form.add_error(
            None,
            "Someone else saved this case after you opened it, so nothing was saved. Your entries are kept "
            "below; the values saved meanwhile are shown under the fields that differ. Submit again to "
            "replace them with yours.",
        )
        return form


# --- team and itinerary ----------------------------------------------------------------------


class TeamMemberForm(USWDSFormMixin, forms.Form):
    """A visit team member: a user account, or interagency staff by name, agency and position."""

    user = forms.ModelChoiceField(
        label="Staff account", queryset=None, required=False, empty_label="- Not a staff account -",
        help_text="An IPSLO or LANT-51 member. Leave empty for interagency staff and give the name below.",
    )
    name = forms.CharField(max_length=120, required=False, help_text="For interagency staff without an account.")
    agency = forms.CharField(max_length=80, initial="USCG", help_text="e.g. USCG, CBP, Department of State.")
    position = forms.CharField(max_length=120, required=False)
    is_leader = forms.BooleanField(label="Team leader", required=False)
    replace_leader = forms.BooleanField(
        label="Replace the current team leader", required=False,
        help_text="Tick to make this person the leader in place of the current one.",
    )

    def __init__(self, *args, case: Assessment, team: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        self.team = team
        self.fields["user"].queryset = selectors.team_candidates()
        self.fields["user"].label_from_instance = ipslo_label
        self.leader = next((m for m in team if m.is_leader), None)
        if self.leader is None:
            del self.fields["replace_leader"]

    def clean(self):
        cleaned = super().clean()
        user, name = cleaned.get("user"), (cleaned.get("name") or "").strip()
        if user is None and not name and "user" not in self.errors:
            self.add_error("name", "Choose a staff account, or give the name of an interagency team member.")
        if user is not None and any(m.user_id == user.pk for m in self.team):
            self.add_error("user", f"{user} is already on the team.")
        if cleaned.get("is_leader") and self.leader is not None and not cleaned.get("replace_leader"):
            self.add_error(
                "is_leader",
                f"{self.leader.name} is already the team leader. Tick “Replace the current team leader” to make "
                "this person the leader instead.",
            )
        return cleaned

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {
            "user": data["user"], "name": data["name"].strip(), "agency": data["agency"].strip(),
            "position": data["position"].strip(), "is_leader": data["is_leader"],
        }


class ItineraryForm(VersionedFormMixin, USWDSFormMixin, forms.ModelForm):
    class Meta:
        model = ItineraryItem
        fields = ["kind", "day", "start_time", "location", "facility", "notes"]
        formfield_callback = dates.record_date_formfield
        widgets = {
            "day": date_input(),
            "start_time": forms.TimeInput(format="%H:%M", attrs={"type": "time"}),
        }
        labels = {"kind": "What", "start_time": "Time"}
        field_classes = {"facility": FacilityChoiceField}

    def __init__(self, *args, case: Assessment, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        self.fields["kind"].choices = CHOOSE + ItineraryKind.choices
        self.fields["facility"].queryset = selectors.country_facilities(country=case.country)
        self.fields["facility"].empty_label = "- None -"
        self.fields["facility"].help_text = "For a port facility visit."

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == ItineraryKind.FACILITY_VISIT and not cleaned.get("facility"):
            self.add_error("facility", "Choose the port facility to be visited.")
        return cleaned

    def _post_clean(self):
        pass  # the service validates the model

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


# --- facilities ------------------------------------------------------------------------------


class VisitFacilityAddForm(USWDSFormMixin, forms.Form):
    facility = FacilityChoiceField(
        queryset=None, label="Port facility", empty_label="- Select a port facility -",
        error_messages={"invalid_choice": "Choose one of the country's port facilities that is not yet on the list."},
    )

    def __init__(self, *args, case: Assessment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = selectors.facilities_not_listed(case=case)


class VisitFacilityForm(VersionedFormMixin, USWDSFormMixin, forms.ModelForm):
    class Meta:
        model = VisitFacility
        fields = ["status", "visited_on", "self_assessment_received_on", "notes"]
        formfield_callback = dates.record_date_formfield
        widgets = {
            "visited_on": date_input(),
            "self_assessment_received_on": date_input(),
            "notes": forms.Textarea(attrs={"rows": 1}),
        }
        labels = {"visited_on": "Visited on", "self_assessment_received_on": "Self-assessment received"}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("visited_on") and cleaned.get("status") != VisitFacilityStatus.VISITED:
            self.add_error("visited_on", "Only a visited facility has a visit date; set the status to Visited.")
        return cleaned

    def _post_clean(self):
        pass  # the service validates the model

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


# --- transitions -----------------------------------------------------------------------------


class TransitionForm(forms.Form):
    comment = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    next = forms.CharField(required=False)
