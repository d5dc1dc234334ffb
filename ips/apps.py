from django.apps import AppConfig


class IpsConfig(AppConfig):
    name = "ips"
    verbose_name = "IPS Case Manager"
