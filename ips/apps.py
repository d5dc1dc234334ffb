from django.apps import AppConfig


class IpsConfig(AppConfig):
    name = "ips"
    verbose_name = "IPS Case Manager"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from ips import models, sqlite

        auditlog.register(models.User, exclude_fields=["password", "last_login"])
        auditlog.register(models.CalendarToken, exclude_fields=["token"])
        sqlite.connect()
