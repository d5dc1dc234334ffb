from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from countries.choices import AssignmentKind, ComplianceStatus, FacilityType, HarborSize, NodeCode, TradeImportance
from countries.querysets import CountryQuerySet
from ips.concurrency import Versioned
from ips.dates import CheckedDatesMixin, DateKind


class Node(models.Model):
    """An operational node of IPSLOs and the regions it covers."""

    code = models.CharField(max_length=12, unique=True, choices=NodeCode.choices)
    name = models.CharField(max_length=120)
    location = models.CharField(max_length=120)
    regions = models.TextField(help_text="The regions the node covers.")

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class Country(CheckedDatesMixin, models.Model):
    """A country (ISO 3166-1) and what the program keeps about it."""

    record_dates = {"visit_requested_on": DateKind.HAPPENED}

    iso2 = models.CharField(
        "ISO alpha-2", max_length=2, unique=True, validators=[RegexValidator(r"^[A-Z]{2}$")]
    )
    iso3 = models.CharField(
        "ISO alpha-3", max_length=3, unique=True, validators=[RegexValidator(r"^[A-Z]{3}$")]
    )
    numeric = models.CharField("ISO numeric", max_length=3, blank=True)
    name = models.CharField(max_length=120)
    official_name = models.CharField(max_length=200, blank=True)
    node = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="countries")

    in_scope = models.BooleanField(
        default=True, help_text="Within the program's scope (landlocked states with no seaport are not)."
    )
    landlocked = models.BooleanField(default=False)
    scope_note = models.CharField(max_length=255, blank=True, help_text="Why the country is in or out of scope.")
    solas_contracting_government = models.BooleanField(
        "SOLAS contracting government", default=True
    )

    designated_authority = models.CharField(
        max_length=200, blank=True, help_text="Government agency responsible for the ISPS Code."
    )
    designated_authority_contact = models.CharField("Contact name", max_length=120, blank=True)
    designated_authority_email = models.EmailField("Contact email", blank=True)
    designated_authority_phone = models.CharField("Contact phone", max_length=40, blank=True)
    designated_authority_address = models.TextField("Postal address", blank=True)

    embassy_post = models.CharField("U.S. embassy", max_length=120, blank=True)
    embassy_contact = models.CharField("Embassy contact name", max_length=120, blank=True)
    embassy_contact_title = models.CharField(
        "Embassy contact title", max_length=120, blank=True, help_text="Usually the Economic Officer."
    )
    embassy_email = models.EmailField("Embassy contact email", blank=True)
    embassy_phone = models.CharField("Embassy contact phone", max_length=40, blank=True)

    annual_vessel_arrivals = models.PositiveIntegerField(
        "Vessel arrivals in the U.S. per year", null=True, blank=True
    )
    annual_cargo_tonnes = models.PositiveBigIntegerField(
        "Cargo to and from the U.S. (metric tonnes per year)", null=True, blank=True
    )
    last_five_port_calls = models.PositiveIntegerField(
        "U.S. arrivals with a call there in their last five ports", null=True, blank=True
    )
    trade_notes = models.TextField(blank=True)

    # Prioritization factors [NVIC 5.b; IPS brochure]: LANT-51 keeps them current.
    internal_conditions_rating = models.PositiveSmallIntegerField(
        "Internal conditions concern (1 low to 5 high)", null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    instruments_history_rating = models.PositiveSmallIntegerField(
        "Concern from history with international instruments (1 low to 5 high)", null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    visit_requested_on = models.DateField(
        "Country asked for a visit on", null=True, blank=True, help_text="A country may request a visit itself."
    )

    # Derived from the latest approved determination and completed assessment; kept here so lists,
    # filters and the status API read one row. Written only by assessments.services.country_status_refresh.
    compliance_status = models.CharField(
        max_length=40, choices=ComplianceStatus.choices, default=ComplianceStatus.UNDETERMINED, db_index=True
    )
    determination_date = models.DateField(null=True, blank=True)
    last_assessment_date = models.DateField(null=True, blank=True)
    next_assessment_due = models.DateField(null=True, blank=True, db_index=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    objects = CountryQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "countries"
        constraints = [
            models.CheckConstraint(condition=Q(iso2__regex=r"^[A-Z]{2}$"), name="country_iso2_upper"),
            models.CheckConstraint(condition=Q(iso3__regex=r"^[A-Z]{3}$"), name="country_iso3_upper"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("countries:detail", kwargs={"iso3": self.iso3})


class Port(Versioned):
    """A port or location with a UN/LOCODE."""

    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="ports")
    locode = models.CharField(
        "UN/LOCODE", max_length=5, unique=True, validators=[RegexValidator(r"^[A-Z]{2}[A-Z2-9]{3}$")]
    )
    name = models.CharField(max_length=120)
    name_ascii = models.CharField("Name without diacritics", max_length=120, blank=True)
    subdivision = models.CharField(max_length=3, blank=True)
    function = models.CharField("UN/LOCODE function", max_length=8, blank=True)
    status = models.CharField("UN/LOCODE status", max_length=2, blank=True)
    iata = models.CharField("IATA code", max_length=3, blank=True)
    latitude = models.DecimalField(
        max_digits=8, decimal_places=5, null=True, blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        max_digits=8, decimal_places=5, null=True, blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    is_csi_port = models.BooleanField("Container Security Initiative port", default=False)
    harbor_size = models.CharField(max_length=1, choices=HarborSize.choices, blank=True)
    wpi_number = models.PositiveIntegerField("World Port Index number", null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["country__name", "name"]
        indexes = [models.Index(fields=["country", "name"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.locode})"


class PortFacility(Versioned):
    """A port facility under the ISPS Code, known by its IMO port facility number."""

    port = models.ForeignKey(Port, on_delete=models.PROTECT, related_name="facilities")
    imo_number = models.CharField(
        "IMO port facility number",
        max_length=20,
        unique=True,
        validators=[RegexValidator(r"^[A-Z]{2}[A-Z0-9]{3}-\d{3,4}$", "Use the form NLRTM-0001.")],
    )
    name = models.CharField(max_length=200)
    facility_type = models.CharField(max_length=20, choices=FacilityType.choices)
    handles_lpg = models.BooleanField("Handles LPG", default=False)
    handles_lng = models.BooleanField("Handles LNG", default=False)
    handles_explosives = models.BooleanField(default=False)
    greater_risk = models.BooleanField("Designated at greater risk", default=False)
    us_trade_importance = models.CharField(
        "Importance to U.S. trade", max_length=10, choices=TradeImportance.choices, default=TradeImportance.MEDIUM
    )
    notes = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["port__name", "imo_number"]
        verbose_name_plural = "port facilities"

    def __str__(self) -> str:
        return f"{self.name} ({self.imo_number})"


class PortfolioAssignment(CheckedDatesMixin, models.Model):
    """An IPSLO covering a country for a period; the open row (no end date) is the current one."""

    record_dates = {"start_date": DateKind.PLANNED, "end_date": DateKind.PLANNED}

    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="assignments")
    ipslo = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="portfolio_assignments"
    )
    kind = models.CharField(max_length=10, choices=AssignmentKind.choices, default=AssignmentKind.PRIMARY)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    note = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["country__name", "-start_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["country"],
                condition=Q(end_date__isnull=True, kind=AssignmentKind.PRIMARY),
                name="one_current_primary_ipslo_per_country",
            ),
            models.UniqueConstraint(
                fields=["country", "ipslo"],
                condition=Q(end_date__isnull=True),
                name="one_current_assignment_per_country_and_ipslo",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="assignment_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["ipslo", "end_date"])]

    def __str__(self) -> str:
        return f"{self.ipslo} — {self.country} ({self.get_kind_display()})"

    @property
    def is_current(self) -> bool:
        return self.end_date is None
