from django.conf import settings
from django.db import models


class ReportVersion(models.Model):
    """A saved draft of the visit report [NVIC Encl.1 4]. FOR OFFICIAL USE ONLY.

    Each save makes a new version; the highest number is the current draft. The facilities and the
    findings are filled in from the case when the report is shown.
    """

    assessment = models.ForeignKey("assessments.Assessment", on_delete=models.CASCADE, related_name="reports")
    number = models.PositiveIntegerField()
    introduction = models.TextField(blank=True)
    implementation_procedures = models.TextField(
        "The contracting government's ISPS implementation procedures", blank=True
    )
    facilities_description = models.TextField("Surveyed facilities", blank=True)
    future_plans = models.TextField("Future plans and recommendations", blank=True)
    conclusions = models.TextField(blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    SECTIONS = ("introduction", "implementation_procedures", "facilities_description", "future_plans", "conclusions")

    class Meta:
        ordering = ["assessment", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "number"], name="report_version_once"),
        ]

    def __str__(self) -> str:
        return f"Report v{self.number} of {self.assessment}"

    @property
    def missing_sections(self) -> list[str]:
        return [
            str(self._meta.get_field(name).verbose_name) for name in self.SECTIONS if not getattr(self, name).strip()
        ]
