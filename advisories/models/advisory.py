"""The Port Security Advisory: its revisions, the countries listed, the facilities exempted, its releases."""

from django.conf import settings
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from advisories import constants
from advisories.choices import AdvisoryStatus, ReleaseKind, Section
from countries.querysets import RestrictedQuerySet
from ips.concurrency import Versioned
from ips.dates import CheckedDatesMixin, DateKind

fr_citation_validator = RegexValidator(constants.FR_CITATION_PATTERN, constants.FR_CITATION_MESSAGE)
imo_facility_validator = RegexValidator(constants.IMO_FACILITY_PATTERN, constants.IMO_FACILITY_MESSAGE)


def format_number(sequence: int | None, year: int | None) -> str:
    """``"1-24"`` for the first advisory of 2024; empty while a draft has no number."""
    if sequence is None or year is None:
        return ""
    return f"{sequence}-{year:02d}"


class PortSecurityAdvisory(CheckedDatesMixin, Versioned):
    """One revision of the Port Security Advisory. Exactly one is in force at a time.

    A draft gets its number in the series ("PSA 1-24") when it is published; publishing supersedes
    the revision in force. Sections A to E are the advisory's text; the countries listed (section B)
    and the facilities excepted are rows of :class:`AdvisoryListing` and :class:`AdvisoryExemption`.
    """

    record_dates = {"effective_date": DateKind.PLANNED}

    sequence = models.PositiveSmallIntegerField(null=True, blank=True, help_text="N in PSA N-YY.")
    year = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(99)], help_text="YY in PSA N-YY (two digits)."
    )
    title = models.CharField(max_length=200)
    effective_date = models.DateField(
        null=True, blank=True, help_text="Paragraphs C and D apply to vessels arriving on or after this date."
    )
    status = models.CharField(
        max_length=12, choices=AdvisoryStatus.choices, default=AdvisoryStatus.DRAFT, db_index=True
    )
    section_a = models.TextField("A. Background and effective date", blank=True)
    section_b = models.TextField(
        "B. Countries affected (introduction)", blank=True,
        help_text="The list of countries and their excepted facilities is added from the listings below.",
    )
    section_c = models.TextField("C. Actions required by vessels visiting the countries affected", blank=True)
    section_d = models.TextField("D. Actions on arrival in the United States", blank=True)
    section_e = models.TextField("E. Other information", blank=True)
    federal_register_citation = models.CharField(
        "Federal Register citation", max_length=40, blank=True, validators=[fr_citation_validator],
        help_text="For example 84 FR 11992.",
    )
    supersedes = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="revisions",
        help_text="The advisory in force when this revision was started; publishing supersedes it.",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    superseded_at = models.DateTimeField(null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = "Port Security Advisory"
        constraints = [
            models.UniqueConstraint(
                fields=["status"], condition=Q(status=AdvisoryStatus.IN_FORCE), name="one_advisory_in_force",
                violation_error_message="Another advisory is already in force.",
            ),
            models.UniqueConstraint(
                fields=["year", "sequence"], name="advisory_number_once",
                violation_error_message="This advisory number is already taken.",
            ),
            models.CheckConstraint(
                condition=Q(status=AdvisoryStatus.DRAFT)
                | Q(sequence__isnull=False, year__isnull=False, effective_date__isnull=False,
                    published_at__isnull=False),
                name="published_advisory_has_number_and_dates",
            ),
            models.CheckConstraint(condition=Q(year__isnull=True) | Q(year__lte=99), name="advisory_year_two_digits"),
        ]

    def __str__(self) -> str:
        return self.label

    def get_absolute_url(self) -> str:
        return reverse("advisories:detail", kwargs={"pk": self.pk})

    @property
    def number(self) -> str:
        return format_number(self.sequence, self.year)

    @property
    def label(self) -> str:
        return f"{constants.NUMBER_PREFIX} {self.number}" if self.number else f"Draft revision #{self.pk}"

    @property
    def is_draft(self) -> bool:
        return self.status == AdvisoryStatus.DRAFT

    @property
    def is_in_force(self) -> bool:
        return self.status == AdvisoryStatus.IN_FORCE

    def section_text(self, section: str) -> str:
        return getattr(self, f"section_{section.lower()}")



class AdvisoryListing(CheckedDatesMixin, Versioned):
    """A country listed in an advisory revision, with the conditions of entry for ships that called there."""

    record_dates = {"effective_date": DateKind.PLANNED}

    advisory = models.ForeignKey(PortSecurityAdvisory, on_delete=models.CASCADE, related_name="listings")
    country = models.ForeignKey("countries.Country", on_delete=models.PROTECT, related_name="advisory_listings")
    conditions_of_entry = models.BooleanField(
        default=True,
        help_text=f"Vessels that called in the country within their last {constants.LAST_PORT_CALLS} port calls "
        "must take the measures of section C and are checked on arrival (section D).",
    )
    effective_date = models.DateField(
        null=True, blank=True,
        help_text="Conditions of entry apply to vessels arriving on or after this date (the advisory's "
        "effective date when left empty).",
    )
    note = models.TextField(
        "Public note", blank=True, help_text="Printed under the country in section B, e.g. extra caution advised."
    )
    determination = models.ForeignKey(
        "assessments.Determination", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="The determination the listing rests on (never shown publicly).",
    )

    class Meta:
        ordering = ["country__name"]
        constraints = [
            models.UniqueConstraint(fields=["advisory", "country"], name="country_listed_once_per_advisory"),
        ]

    def __str__(self) -> str:
        return f"{self.country} in {self.advisory}"


class AdvisoryExemption(models.Model):
    """A port facility excepted from the conditions of entry of a listed country."""

    advisory = models.ForeignKey(PortSecurityAdvisory, on_delete=models.CASCADE, related_name="exemptions")
    country = models.ForeignKey("countries.Country", on_delete=models.PROTECT, related_name="+")
    facility = models.ForeignKey(
        "countries.PortFacility", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="Empty when the facility is not in the program's facility table.",
    )
    imo_number = models.CharField(
        "IMO port facility number", max_length=24, blank=True, validators=[imo_facility_validator],
        help_text="Empty when the advisory prints 'IMO number not listed'.",
    )
    name = models.CharField("Facility name", max_length=200)
    request = models.ForeignKey(
        "advisories.SeparateConsiderationRequest", on_delete=models.PROTECT, null=True, blank=True,
        related_name="exemptions", help_text="The accepted separate-consideration request (never shown publicly).",
    )

    class Meta:
        ordering = ["country__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["advisory", "imo_number"], condition=~Q(imo_number=""), name="facility_exempted_once",
                violation_error_message="This facility is already excepted in this revision.",
            ),
            models.UniqueConstraint(
                fields=["advisory", "request"], condition=Q(request__isnull=False), name="request_applied_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.imo_number or 'IMO number not listed'})"


class ReleaseRecord(CheckedDatesMixin, models.Model):
    """A release of an advisory: its first publication, then each re-release with a correction.

    A correction changes one section and keeps the advisory's number; the other sections are unchanged.
    """

    record_dates = {"effective_date": DateKind.PLANNED}

    advisory = models.ForeignKey(PortSecurityAdvisory, on_delete=models.CASCADE, related_name="releases")
    number = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=12, choices=ReleaseKind.choices)
    section = models.CharField(max_length=1, choices=Section.choices, blank=True)
    effective_date = models.DateField()
    note = models.TextField("Public note", blank=True, help_text="What was corrected; shown on the public notice.")
    previous_text = models.TextField(blank=True, help_text="The section's text before the correction.")
    released_at = models.DateTimeField()
    released_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["advisory", "number"]
        constraints = [
            models.UniqueConstraint(fields=["advisory", "number"], name="release_number_once_per_advisory"),
            models.CheckConstraint(
                condition=(Q(kind=ReleaseKind.ORIGINAL, number=1, section=""))
                | (Q(kind=ReleaseKind.CORRECTION, number__gt=1) & ~Q(section="")),
                name="release_kind_matches_number_and_section",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.advisory} release {self.number}"
