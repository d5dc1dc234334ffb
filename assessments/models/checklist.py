from django.conf import settings
from django.db import models
from django.db.models import Q

from assessments.choices import ChecklistScope, Rating
from ips.concurrency import Versioned


class ChecklistTemplate(models.Model):
    """One version of the visit checklist. Published versions never change; edits make a new one."""

    version = models.PositiveIntegerField(unique=True)
    name = models.CharField(max_length=200)
    note = models.CharField(max_length=500, blank=True, help_text="What changed in this version.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class ChecklistSection(models.Model):
    template = models.ForeignKey(ChecklistTemplate, on_delete=models.CASCADE, related_name="sections")
    code = models.CharField(max_length=20)
    title = models.CharField(max_length=200)
    scope = models.CharField(max_length=12, choices=ChecklistScope.choices)
    source = models.CharField(max_length=200, blank=True, help_text="e.g. ISPS Code Part A 14.2")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["template", "position"]
        constraints = [
            models.UniqueConstraint(fields=["template", "code"], name="section_code_once_per_template"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class ChecklistItem(models.Model):
    section = models.ForeignKey(ChecklistSection, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(max_length=20, help_text="e.g. 14.2.2 or 2.c")
    text = models.TextField()
    reference = models.CharField(max_length=200, blank=True, help_text="ISPS Code or guidance reference.")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["section__position", "position"]
        constraints = [
            models.UniqueConstraint(fields=["section", "code"], name="item_code_once_per_section"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:60]}"


class ChecklistResponse(Versioned):
    """The rating of one checklist item for the government, or for one visited facility."""

    assessment = models.ForeignKey("assessments.Assessment", on_delete=models.CASCADE, related_name="responses")
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="responses")
    visit_facility = models.ForeignKey(
        "assessments.VisitFacility", on_delete=models.CASCADE, null=True, blank=True, related_name="responses"
    )
    rating = models.CharField(max_length=20, choices=Rating.choices)
    notes = models.TextField(blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["item__section__position", "item__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "item"], condition=Q(visit_facility__isnull=True),
                name="government_response_once",
            ),
            models.UniqueConstraint(
                fields=["assessment", "item", "visit_facility"], condition=Q(visit_facility__isnull=False),
                name="facility_response_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item.code}: {self.get_rating_display()}"
