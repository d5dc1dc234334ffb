"""Forms for the countries pages. They validate and present; writes go through countries.services."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Q

from countries import selectors
from countries.choices import AssignmentKind
from countries.models import Country, Node, Port, PortFacility, PortfolioAssignment
from ips.forms import VersionedFormMixin, apply_service_error
from ips.models import User

LOCODE_RE = re.compile(r"^[A-Z]{2}[A-Z2-9]{3}$")
IMO_FACILITY_RE = re.compile(r"^[A-Z]{2}[A-Z0-9]{3}-\d{3,4}$")


class USWDSFormMixin:
    """Gives widgets their USWDS classes and ties each error message to its input."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.HiddenInput):
                continue
            if isinstance(widget, forms.CheckboxInput):
                css = "usa-checkbox__input"
            elif isinstance(widget, forms.Select):
                css = "usa-select"
            elif isinstance(widget, forms.Textarea):
                css = "usa-textarea"
                widget.attrs.setdefault("rows", 3)
            else:
                css = "usa-input"
            widget.attrs["class"] = css

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name == NON_FIELD_ERRORS or name not in self.fields:
                continue
            field = self.fields[name]
            bound = self[name]
            if not isinstance(field.widget, (forms.CheckboxInput, forms.HiddenInput)):
                field.widget.attrs["class"] = f"{field.widget.attrs.get('class', '')} usa-input--error".strip()
            described_by = [f"{bound.auto_id}_helptext"] if field.help_text else []
            described_by.append(f"{bound.auto_id}_error")
            field.widget.attrs["aria-describedby"] = " ".join(described_by)

    def add_service_error(self, error: ValidationError) -> None:
        """Show a service's validation error beside the field it names (or above the form); a save
        over someone else's change as a conflict (see ips.forms)."""
        apply_service_error(self, error)

    def hidden_field_errors(self) -> list[str]:
        return [str(e) for bound in self.hidden_fields() for e in bound.errors]


class CountryFilterForm(USWDSFormMixin, forms.Form):
    """The form behind the country list filters (see countries.filters)."""


def ipslo_label(user: User) -> str:
    name = f"{user.last_name}, {user.first_name}" if user.last_name else user.get_username()
    return f"{name} ({user.node})" if user.node_id else name


def country_label(country: Country) -> str:
    return f"{country.name} ({country.iso3}) — {country.node}"


def _display(value) -> str:
    if value is None or value == "":
        return "(empty)"
    if value is True:
        return "Yes"
    if value is False:
        return "No"
    return str(value)


# --- country ---------------------------------------------------------------------------------

COUNTRY_FIELDSETS = (
    ("Program scope", ("node", "in_scope", "scope_note", "solas_contracting_government")),
    (
        "Designated authority",
        (
            "designated_authority",
            "designated_authority_contact",
            "designated_authority_email",
            "designated_authority_phone",
            "designated_authority_address",
        ),
    ),
    (
        "U.S. embassy contact",
        ("embassy_post", "embassy_contact", "embassy_contact_title", "embassy_email", "embassy_phone"),
    ),
    (
        "Trade with the United States",
        ("annual_vessel_arrivals", "annual_cargo_tonnes", "last_five_port_calls", "trade_notes"),
    ),
)


class CountryForm(USWDSFormMixin, forms.ModelForm):
    """Edit a country's contacts, trade profile, SOLAS flag and scope (and node, for LANT-51).

    ``version`` carries the ``updated_at`` the form was loaded with, so that a save over someone
    else's newer change is refused instead of silently overwriting it.
    """

    version = forms.CharField(widget=forms.HiddenInput)

    class Meta:
        model = Country
        fields = [name for _, names in COUNTRY_FIELDSETS for name in names]
        labels = {"designated_authority": "Agency"}

    def __init__(self, *args, allow_node: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if allow_node:
            self.fields["node"].queryset = Node.objects.order_by("code")
            self.fields["node"].label_from_instance = lambda node: f"{node.code} — {node.name}"
            self.fields[
                "node"
            ].help_text = "Changing the node ends current assignments of IPSLOs who belong to another node."
        else:
            del self.fields["node"]
        self.allow_node = allow_node
        self.fields["version"].initial = self.instance.updated_at.isoformat()
        self.conflicts: dict[str, str] = {}

    @property
    def model_fields(self) -> list[str]:
        return [name for name in self.fields if name != "version"]

    def fieldsets(self) -> list[tuple[str, list[tuple]]]:
        """(legend, [(bound field, value saved meanwhile or None), ...]) for each group of fields."""
        return [
            (legend, [(self[name], self.conflicts.get(name)) for name in names if name in self.fields])
            for legend, names in COUNTRY_FIELDSETS
        ]

    def clean_version(self) -> dt.datetime:
        try:
            value = dt.datetime.fromisoformat(self.cleaned_data["version"])
        except ValueError:
            raise ValidationError(
                "This form is out of date. Reload the page and enter your changes again.", code="bad_version"
            ) from None
        return value

    def after_conflict(self, current: Country, error: ValidationError) -> CountryForm:
        """A new form keeping everything typed, now based on ``current``, listing each field whose
        saved value differs from what was typed; submitting it again overwrites them deliberately."""
        conflicts = {
            name: _display(getattr(current, name))
            for name in self.model_fields
            if getattr(current, name) != self.cleaned_data[name]
        }
        data = self.data.copy()
        data[self.add_prefix("version")] = current.updated_at.isoformat()
        form = CountryForm(data, instance=current, allow_node=self.allow_node, prefix=self.prefix)
        form.is_valid()
        form.conflicts = conflicts
        form.add_error(
            None,
            f"{error.message} The values saved in the meantime are shown under the fields that differ; "
            "submit again to replace them with yours.",
        )
        return form


# --- ports and port facilities ---------------------------------------------------------------


class PortForm(VersionedFormMixin, USWDSFormMixin, forms.ModelForm):
    class Meta:
        model = Port
        fields = [
            "locode",
            "name",
            "name_ascii",
            "subdivision",
            "function",
            "harbor_size",
            "latitude",
            "longitude",
            "is_csi_port",
        ]
        help_texts = {
            "locode": "Five characters: the country's two-letter code and three letters or digits 2-9, e.g. NLRTM.",
            "function": "The UN/LOCODE function classifier, e.g. 1-------; a 1 in first place marks a seaport.",
            "subdivision": "ISO 3166-2 subdivision code, without the country prefix.",
            "latitude": "Decimal degrees, north positive.",
            "longitude": "Decimal degrees, east positive.",
        }

    def __init__(self, *args, country: Country, **kwargs):
        super().__init__(*args, **kwargs)
        self.country = country
        if self.instance.pk is None:
            self.instance.country = country

    def clean_locode(self) -> str:
        value = self.cleaned_data["locode"].strip().upper().replace(" ", "")
        if not LOCODE_RE.match(value):
            raise ValidationError(
                "Enter a UN/LOCODE of five characters: two letters, then three letters or digits 2-9 (e.g. NLRTM).",
                code="invalid",
            )
        if not value.startswith(self.country.iso2):
            raise ValidationError(
                f"A UN/LOCODE in {self.country} begins with its ISO code {self.country.iso2}.", code="wrong_country"
            )
        return value

    @property
    def data_for_service(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class PortFacilityForm(VersionedFormMixin, USWDSFormMixin, forms.ModelForm):
    class Meta:
        model = PortFacility
        fields = [
            "port",
            "imo_number",
            "name",
            "facility_type",
            "us_trade_importance",
            "handles_lpg",
            "handles_lng",
            "handles_explosives",
            "greater_risk",
            "notes",
        ]
        help_texts = {
            "imo_number": "As listed in IMO GISIS, e.g. NLRTM-0001 or CM394-0001.",
        }

    def __init__(self, *args, country: Country, **kwargs):
        super().__init__(*args, **kwargs)
        self.country = country
        self.fields["port"].queryset = Port.objects.filter(country=country).order_by("name", "locode")
        self.fields["port"].empty_label = "- Select a port -"

    def clean_imo_number(self) -> str:
        value = self.cleaned_data["imo_number"].strip().upper().replace(" ", "")
        if not IMO_FACILITY_RE.match(value):
            raise ValidationError(
                "Enter an IMO port facility number: five letters or digits, a hyphen and three or four digits "
                "(e.g. NLRTM-0001 or CM394-0001).",
                code="invalid",
            )
        return value

    @property
    def data_for_service(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name != "port"}


# --- portfolios ------------------------------------------------------------------------------


class AssignForm(USWDSFormMixin, forms.Form):
    """Make an IPSLO the primary IPSLO of a country (reassigning closes the current assignment)."""

    country = forms.ModelChoiceField(
        queryset=selectors.assignable_countries(), to_field_name="iso3", empty_label="- Select a country -"
    )
    ipslo = forms.ModelChoiceField(
        label="IPSLO",
        queryset=selectors.ipslo_users(),
        empty_label="- Select an IPSLO -",
        help_text="Only an IPSLO of the country's node can cover it.",
    )
    note = forms.CharField(label="Note (optional)", max_length=255, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].label_from_instance = country_label
        self.fields["ipslo"].label_from_instance = ipslo_label

    def clean(self):
        cleaned = super().clean()
        country, ipslo = cleaned.get("country"), cleaned.get("ipslo")
        if country is None or ipslo is None:
            return cleaned
        if ipslo.node_id != country.node_id:
            self.add_error(
                "ipslo",
                f"{ipslo} belongs to {ipslo.node or 'no node'}, but {country} is covered by {country.node}. "
                f"Choose an IPSLO of {country.node}.",
            )
        elif PortfolioAssignment.objects.filter(
            country=country, ipslo=ipslo, kind=AssignmentKind.PRIMARY, end_date__isnull=True
        ).exists():
            self.add_error("ipslo", f"{ipslo} is already the primary IPSLO of {country}.")
        return cleaned


class EndAssignmentForm(forms.Form):
    assignment = forms.ModelChoiceField(
        queryset=selectors.current_assignments(),
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": "That assignment has already ended or does not exist."},
    )


class HandoverForm(USWDSFormMixin, forms.Form):
    """Hand a departing IPSLO's whole current portfolio to a successor."""

    from_ipslo = forms.ModelChoiceField(
        label="Departing IPSLO", queryset=User.objects.none(), empty_label="- Select the departing IPSLO -"
    )
    to_ipslo = forms.ModelChoiceField(
        label="Successor",
        queryset=selectors.ipslo_users(),
        empty_label="- Select the successor -",
        help_text="Must belong to the node of every country in the departing IPSLO's portfolio.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Anyone holding a current assignment can be handed over from, even if no longer an active IPSLO.
        self.fields["from_ipslo"].queryset = (
            User.objects.filter(
                Q(pk__in=selectors.ipslo_users().values("pk"))
                | Q(pk__in=PortfolioAssignment.objects.filter(end_date__isnull=True).values("ipslo_id"))
            )
            .select_related("node")
            .order_by("node__code", "last_name", "first_name", "username")
        )
        self.fields["from_ipslo"].label_from_instance = ipslo_label
        self.fields["to_ipslo"].label_from_instance = ipslo_label

    def clean(self):
        cleaned = super().clean()
        departing, successor = cleaned.get("from_ipslo"), cleaned.get("to_ipslo")
        if departing is not None and successor is not None and departing.pk == successor.pk:
            self.add_error("to_ipslo", "The successor must be a different person from the departing IPSLO.")
        return cleaned
