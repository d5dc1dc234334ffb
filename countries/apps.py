from django.apps import AppConfig


class CountriesConfig(AppConfig):
    name = "countries"
    verbose_name = "Countries, ports and portfolios"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from countries import models

        for model in (models.Node, models.Country, models.Port, models.PortFacility, models.PortfolioAssignment):
            auditlog.register(model)
