from django.apps import AppConfig


class CorrespondenceConfig(AppConfig):
    name = "correspondence"
    verbose_name = "Correspondence"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from correspondence import models

        auditlog.register(models.Letter, exclude_fields=["updated_at"])
        auditlog.register(models.IncomingCorrespondence)
