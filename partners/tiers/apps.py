from django.apps import AppConfig


class TiersConfig(AppConfig):
    name = "partners.tiers"
    label = "tiers"
    verbose_name = "Tiers"
