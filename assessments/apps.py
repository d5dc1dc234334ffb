from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = "Country assessments"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from assessments import models

        for model in (
            models.Assessment, models.TeamMember, models.VisitFacility, models.ItineraryItem, models.Transition,
            models.ChecklistTemplate, models.ChecklistSection, models.ChecklistItem, models.ChecklistResponse,
            models.Finding, models.FindingStatusChange, models.Evidence, models.ReportVersion,
            models.CredibleReport, models.Determination, models.Engagement,
        ):
            auditlog.register(model)
