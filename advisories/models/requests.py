"""A port facility's request to be considered separately from its country's determination."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from advisories.choices import LIVE_REQUEST_STATES, CostBorneBy, Recommendation, RequestState
from countries.querysets import RestrictedQuerySet
from ips.dates import CheckedDatesMixin, DateKind

# Private storage: the stored name is the content's hash, never the uploaded name; the files are served
# only by the access-checked download view.


def plan_upload_path(instance, filename: str) -> str:
    return f"separate-consideration/{instance.plan_sha256[:2]}/{instance.plan_sha256}.pdf"


def report_upload_path(instance, filename: str) -> str:
    return f"separate-consideration/{instance.report_sha256[:2]}/{instance.report_sha256}.pdf"


class SeparateConsiderationRequest(CheckedDatesMixin, models.Model):
    """The facility's augmented security plan, its verification by a Recognized Security Organization,
    LANT-51's review and PSA-1's decision. An accepted request exempts the facility in the next revision."""

    record_dates = {"received_on": DateKind.HAPPENED}

    facility = models.ForeignKey(
        "countries.PortFacility", on_delete=models.PROTECT, related_name="separate_consideration_requests"
    )
    country = models.ForeignKey("countries.Country", on_delete=models.PROTECT, related_name="+")
    received_on = models.DateField()
    state = models.CharField(max_length=14, choices=RequestState.choices, default=RequestState.RECEIVED,
                             db_index=True)

    plan_file = models.FileField("Augmented security plan", upload_to=plan_upload_path, max_length=255)
    plan_name = models.CharField(max_length=255)
    plan_sha256 = models.CharField(max_length=64)
    plan_size = models.PositiveIntegerField()

    rso_name = models.CharField("Recognized Security Organization", max_length=200)
    rso_qualifications = models.TextField("Qualifications of the individuals who verified the plan")
    rso_independence = models.TextField("Independence statement")
    cost_borne_by = models.CharField(max_length=10, choices=CostBorneBy.choices)
    report_file = models.FileField("Verification report", upload_to=report_upload_path, max_length=255)
    report_name = models.CharField(max_length=255)
    report_sha256 = models.CharField(max_length=64)
    report_size = models.PositiveIntegerField()

    recommendation = models.CharField(max_length=8, choices=Recommendation.choices, blank=True)
    review_notes = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    decision_reasons = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    answer_letter = models.ForeignKey(
        "correspondence.Letter", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = "separate-consideration request"
        constraints = [
            models.UniqueConstraint(
                fields=["facility"], condition=Q(state__in=sorted(LIVE_REQUEST_STATES)),
                name="one_live_request_per_facility",
                violation_error_message="This facility already has a request awaiting a decision.",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=[RequestState.ACCEPTED, RequestState.REFUSED]) | ~Q(decision_reasons=""),
                name="decided_request_has_reasons",
            ),
        ]

    def __str__(self) -> str:
        return f"Separate consideration: {self.facility}"

    def get_absolute_url(self) -> str:
        return reverse("advisories:request", kwargs={"pk": self.pk})
