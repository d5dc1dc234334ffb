from django.conf import settings
from django.db import models
from django.db.models import Q

from assessments.choices import EngagementKind
from ips.concurrency import Versioned
from ips.dates import CheckedDatesMixin, DateKind


class Engagement(CheckedDatesMixin, Versioned):
    """An engagement other than a full country assessment [PSA-WI-01 G]."""

    record_dates = {"start_date": DateKind.PLANNED, "end_date": DateKind.PLANNED}

    country = models.ForeignKey("countries.Country", on_delete=models.PROTECT, related_name="engagements")
    kind = models.CharField(max_length=30, choices=EngagementKind.choices)
    title = models.CharField(max_length=200)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    participants = models.TextField(blank=True, help_text="Who took part, one per line.")
    summary = models.TextField()
    findings = models.ManyToManyField(
        "assessments.Finding", blank=True, related_name="engagements",
        help_text="The findings or deficiencies this engagement addresses.",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="engagement_dates_in_order",
                violation_error_message="The end date is before the start date.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"
