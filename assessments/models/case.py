from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from assessments import constants
from assessments.choices import OPEN_STATES, AssessmentState, ItineraryKind, VisitFacilityStatus
from countries.querysets import RestrictedQuerySet
from ips.concurrency import Versioned
from ips.dates import CheckedDatesMixin, DateKind, shift


class AssessmentQuerySet(RestrictedQuerySet):
    def open(self):
        return self.filter(state__in=OPEN_STATES)


class Assessment(CheckedDatesMixin, models.Model):
    """A country assessment: the visit case from planning to the determination."""

    record_dates = {
        "proposed_start": DateKind.PLANNED,
        "proposed_end": DateKind.PLANNED,
        "visit_start": DateKind.PLANNED,
        "visit_end": DateKind.PLANNED,
        "informal_notice_on": DateKind.HAPPENED,
        "visit_request_sent_on": DateKind.HAPPENED,
        "host_confirmed_on": DateKind.HAPPENED,
        "questionnaire_received_on": DateKind.HAPPENED,
    }

    country = models.ForeignKey("countries.Country", on_delete=models.PROTECT, related_name="assessments")
    ipslo = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="assessments",
        help_text="The IPSLO responsible for the case (the country's portfolio IPSLO).",
    )
    state = models.CharField(
        max_length=30, choices=AssessmentState.choices, default=AssessmentState.PLANNED, db_index=True
    )
    state_changed_at = models.DateTimeField(null=True, blank=True)
    previous = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        help_text="The country's previous case, whose open findings this one re-verifies.",
    )
    checklist_template = models.ForeignKey(
        "assessments.ChecklistTemplate", on_delete=models.PROTECT, related_name="assessments"
    )
    objective = models.TextField(blank=True, help_text="The objective stated in the visit request letter.")

    proposed_start = models.DateField("Proposed first day", null=True, blank=True)
    proposed_end = models.DateField("Proposed last day", null=True, blank=True)
    visit_start = models.DateField("Confirmed first day", null=True, blank=True)
    visit_end = models.DateField("Confirmed last day", null=True, blank=True)

    informal_notice_on = models.DateField("Informal notice given", null=True, blank=True)
    visit_request_sent_on = models.DateField("Visit request letter sent", null=True, blank=True)
    host_confirmed_on = models.DateField("Host agreement received", null=True, blank=True)
    questionnaire_received_on = models.DateField("Government questionnaire received", null=True, blank=True)
    no_facility_reason = models.TextField(
        blank=True, help_text="Why no port facility was visited, if none was."
    )

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [("record_assessment", "Can record checklist answers and findings of the visit")]
        constraints = [
            models.UniqueConstraint(
                fields=["country"],
                condition=Q(state__in=sorted(OPEN_STATES)),
                name="one_open_assessment_per_country",
                violation_error_message="The country already has an open assessment.",
            ),
            models.CheckConstraint(
                condition=Q(proposed_end__isnull=True) | Q(proposed_end__gte=models.F("proposed_start")),
                name="assessment_proposed_dates_in_order",
                violation_error_message="The proposed last day is before the first day.",
            ),
            models.CheckConstraint(
                condition=Q(visit_end__isnull=True) | Q(visit_end__gte=models.F("visit_start")),
                name="assessment_visit_dates_in_order",
                violation_error_message="The confirmed last day is before the first day.",
            ),
        ]
        indexes = [models.Index(fields=["country", "state"])]

    def __str__(self) -> str:
        day = self.visit_first_day
        return f"{self.country} assessment {day:%Y-%m}" if day else f"{self.country} assessment #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("assessments:detail", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def visit_first_day(self):
        return self.visit_start or self.proposed_start

    # The deadlines are None without visit dates, or when a stored date lies so close to the calendar's
    # first day that the deadline would fall before it.

    @property
    def questionnaire_due(self):
        return shift(self.visit_first_day, -constants.QUESTIONNAIRE_LEAD)

    @property
    def facility_self_assessment_due(self):
        return shift(self.visit_first_day, -constants.FACILITY_SELF_ASSESSMENT_LEAD)

    @property
    def visit_request_window(self):
        day = self.visit_first_day
        opens, closes = shift(day, -constants.VISIT_REQUEST_EARLIEST), shift(day, -constants.VISIT_REQUEST_LATEST)
        if opens is None or closes is None:
            return None
        return opens, closes

    @property
    def visit_request_outside_window(self) -> bool:
        window = self.visit_request_window
        if not window or not self.visit_request_sent_on:
            return False
        return not (window[0] <= self.visit_request_sent_on <= window[1])


class TeamMember(models.Model):
    """A member of the visit team; interagency staff may have no account."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="team")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="team_memberships"
    )
    name = models.CharField(max_length=120)
    agency = models.CharField(max_length=80, default="USCG", help_text="e.g. USCG, CBP, Department of State")
    position = models.CharField(max_length=120, blank=True)
    is_leader = models.BooleanField("Team leader", default=False)

    class Meta:
        ordering = ["-is_leader", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment"], condition=Q(is_leader=True), name="one_team_leader_per_assessment",
                violation_error_message="The team already has a leader.",
            ),
            models.UniqueConstraint(
                fields=["assessment", "user"], name="team_member_once_per_assessment",
                violation_error_message="This person is already on the team.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency})"


class VisitFacility(CheckedDatesMixin, Versioned):
    """A port facility on the case's list: proposed, approved with the host, then visited."""

    record_dates = {"visited_on": DateKind.HAPPENED, "self_assessment_received_on": DateKind.HAPPENED}

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="visit_facilities")
    facility = models.ForeignKey("countries.PortFacility", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=12, choices=VisitFacilityStatus.choices, default=VisitFacilityStatus.PROPOSED
    )
    visited_on = models.DateField(null=True, blank=True)
    self_assessment_received_on = models.DateField("Facility self-assessment received", null=True, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["facility__port__name", "facility__imo_number"]
        verbose_name_plural = "visit facilities"
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "facility"], name="facility_once_per_assessment",
                violation_error_message="This facility is already on the list.",
            ),
        ]

    def __str__(self) -> str:
        return str(self.facility)


class ItineraryItem(CheckedDatesMixin, Versioned):
    record_dates = {"day": DateKind.PLANNED}

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="itinerary")
    kind = models.CharField(max_length=20, choices=ItineraryKind.choices)
    day = models.DateField()
    start_time = models.TimeField(null=True, blank=True)
    location = models.CharField(max_length=200, blank=True)
    facility = models.ForeignKey(
        "countries.PortFacility", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    notes = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["day", "start_time", "id"]

    def __str__(self) -> str:
        return f"{self.day} {self.get_kind_display()}"


class Transition(models.Model):
    """One workflow step of a case: who moved it, when, from where to where, and why."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="transitions")
    name = models.CharField(max_length=40)
    from_state = models.CharField(max_length=30, choices=AssessmentState.choices)
    to_state = models.CharField(max_length=30, choices=AssessmentState.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.name}: {self.from_state} → {self.to_state}"
