from django.conf import settings
from django.db import models
from django.db.models import Q

from assessments.choices import Basis, DeterminationSource, DeterminationState, Outcome
from countries.querysets import RestrictedQuerySet
from ips.dates import CheckedDatesMixin, DateKind


class CredibleReport(CheckedDatesMixin, models.Model):
    """A report by another U.S. agency or an accepted source [NVIC 5.e(1)(c)]."""

    record_dates = {"report_date": DateKind.HAPPENED}

    country = models.ForeignKey("countries.Country", on_delete=models.PROTECT, related_name="credible_reports")
    source_agency = models.CharField(max_length=200)
    report_date = models.DateField()
    summary = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-report_date", "-id"]

    def __str__(self) -> str:
        return f"{self.source_agency}, {self.report_date:%d %b %Y}"


class Determination(CheckedDatesMixin, models.Model):
    """A country's security compliance determination: recommended by LANT-51, decided by PSA-1.

    An approved determination never changes; a later approved one supersedes it.
    """

    record_dates = {"effective_date": DateKind.PLANNED}

    country = models.ForeignKey("countries.Country", on_delete=models.PROTECT, related_name="determinations")
    source = models.CharField(max_length=20, choices=DeterminationSource.choices)
    assessment = models.ForeignKey(
        "assessments.Assessment", on_delete=models.PROTECT, null=True, blank=True, related_name="determinations"
    )
    credible_report = models.ForeignKey(
        CredibleReport, on_delete=models.PROTECT, null=True, blank=True, related_name="determinations"
    )
    outcome = models.CharField(max_length=40, choices=Outcome.choices)
    basis = models.CharField(
        max_length=1, choices=Basis.choices, blank=True, help_text="Required when not substantially implementing."
    )
    rationale = models.TextField()
    effective_date = models.DateField()
    state = models.CharField(
        max_length=12, choices=DeterminationState.choices, default=DeterminationState.RECOMMENDED, db_index=True
    )
    recommended_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recommended_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comment = models.TextField(blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-effective_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(outcome=Outcome.NOT_SUBSTANTIALLY) | ~Q(basis=""),
                name="not_substantially_needs_basis",
                violation_error_message="Give the basis (a-d) for a not substantially implementing outcome.",
            ),
            models.CheckConstraint(
                condition=Q(outcome=Outcome.NOT_SUBSTANTIALLY) | Q(basis=""),
                name="basis_only_when_not_substantially",
                violation_error_message="A basis applies only to a not substantially implementing outcome.",
            ),
            models.UniqueConstraint(
                fields=["assessment"],
                condition=~Q(state=DeterminationState.RETURNED),
                name="one_live_determination_per_assessment",
                violation_error_message="This case already has a determination.",
            ),
        ]
        indexes = [models.Index(fields=["country", "state", "effective_date"])]

    def __str__(self) -> str:
        return f"{self.country}: {self.get_outcome_display()} ({self.get_state_display()})"
