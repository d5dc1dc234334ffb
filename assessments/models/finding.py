from django.conf import settings
from django.db import models

from assessments.choices import FindingMethod, FindingStatus, Severity
from ips.concurrency import Versioned
from ips.dates import CheckedDatesMixin, DateKind


class Finding(CheckedDatesMixin, Versioned):
    """A finding of a visit: country-level, or at one port facility."""

    record_dates = {"shared_with_host_on": DateKind.HAPPENED}

    assessment = models.ForeignKey("assessments.Assessment", on_delete=models.CASCADE, related_name="findings")
    number = models.PositiveIntegerField(help_text="Sequence within the case.")
    facility = models.ForeignKey(
        "countries.PortFacility", on_delete=models.PROTECT, null=True, blank=True, related_name="findings",
        help_text="Empty for a country-level finding.",
    )
    checklist_item = models.ForeignKey(
        "assessments.ChecklistItem", on_delete=models.PROTECT, null=True, blank=True, related_name="findings"
    )
    reference = models.CharField(
        max_length=200, blank=True, help_text="ISPS Code or country-guidance reference, e.g. ISPS Code A/14.2.2."
    )
    title = models.CharField(max_length=200)
    description = models.TextField()
    method = models.CharField("How it was found", max_length=20, choices=FindingMethod.choices)
    rationale = models.TextField("Why it is a finding", blank=True)
    severity = models.CharField(max_length=30, choices=Severity.choices)
    recommendation = models.TextField(blank=True)
    shared_with_host_on = models.DateField("Shared with host counterparts", null=True, blank=True)
    status = models.CharField(max_length=30, choices=FindingStatus.choices, default=FindingStatus.OPEN)
    carried_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="carried_to",
        help_text="The open finding of the previous case that this one re-verifies.",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["assessment", "number"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "number"], name="finding_number_once_per_assessment"),
        ]

    def __str__(self) -> str:
        return f"Finding {self.number}: {self.title}"

    @property
    def isps_reference(self) -> str:
        if self.reference:
            return self.reference
        return self.checklist_item.reference if self.checklist_item_id else ""


class FindingStatusChange(models.Model):
    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=30, choices=FindingStatus.choices, blank=True)
    to_status = models.CharField(max_length=30, choices=FindingStatus.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or 'new'} → {self.to_status}"


def evidence_path(instance, filename: str) -> str:
    # The stored name never reuses the uploaded name; files are served only by an access-checked view.
    return f"evidence/{instance.finding.assessment_id}/{instance.sha256[:2]}/{instance.sha256}{instance.extension}"


class Evidence(models.Model):
    """An image or PDF attached to a finding, checked by content and stored privately."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=evidence_path, max_length=255)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=40)
    extension = models.CharField(max_length=8)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)  # of the stored file
    original_sha256 = models.CharField(
        "original SHA-256", max_length=64, blank=True,
        help_text="SHA-256 of the file as uploaded; a photograph is stored re-encoded, so its hash differs.",
    )
    caption = models.CharField(max_length=255, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name_plural = "evidence"

    def __str__(self) -> str:
        return self.original_name
