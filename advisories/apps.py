from django.apps import AppConfig


class AdvisoriesConfig(AppConfig):
    name = "advisories"
    verbose_name = "Port Security Advisories"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from advisories import models

        for model in (
            models.PortSecurityAdvisory, models.AdvisoryListing, models.AdvisoryExemption, models.ReleaseRecord,
            models.ListingProposal, models.EscalationStep,
        ):
            auditlog.register(model)
        auditlog.register(models.SeparateConsiderationRequest, exclude_fields=["plan_file", "report_file"])
