"""From determination to listing: proposals PSA-1 accepts into the next revision, and escalation steps."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from advisories.choices import EscalationKind, ProposalKind, ProposalState
from advisories.models.advisory import fr_citation_validator
from ips.dates import CheckedDatesMixin, DateKind


class ListingProposal(models.Model):
    """A proposal, raised by an approved determination, to list a country or to remove it."""

    country = models.ForeignKey("countries.Country", on_delete=models.PROTECT, related_name="listing_proposals")
    kind = models.CharField(max_length=8, choices=ProposalKind.choices)
    determination = models.OneToOneField(
        "assessments.Determination", on_delete=models.PROTECT, related_name="listing_proposal"
    )
    state = models.CharField(max_length=10, choices=ProposalState.choices, default=ProposalState.OPEN, db_index=True)
    raised_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="Empty when a later determination overtook the proposal.",
    )
    decision_note = models.TextField(blank=True)
    advisory = models.ForeignKey(
        "advisories.PortSecurityAdvisory", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="proposals", help_text="The revision that takes the accepted proposal up.",
    )

    class Meta:
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["country"], condition=Q(state=ProposalState.OPEN), name="one_open_proposal_per_country",
                violation_error_message="This country already has an open proposal.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.country} ({self.get_state_display()})"


class EscalationStep(CheckedDatesMixin, models.Model):
    """The second stage of escalation: a MARSEC Directive or a Commandant Order, published in the Federal Register."""

    record_dates = {"issued_on": DateKind.HAPPENED}

    country = models.ForeignKey("countries.Country", on_delete=models.PROTECT, related_name="escalation_steps")
    determination = models.ForeignKey(
        "assessments.Determination", on_delete=models.PROTECT, related_name="escalation_steps"
    )
    kind = models.CharField(max_length=20, choices=EscalationKind.choices)
    federal_register_citation = models.CharField(
        "Federal Register citation", max_length=40, validators=[fr_citation_validator]
    )
    issued_on = models.DateField("Issued on")
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issued_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.country} ({self.federal_register_citation})"
