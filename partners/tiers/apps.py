from django.apps import AppConfig


class TiersConfig(AppConfig):
    name = "partners.tiers"
    label = "tiers"
    verbose_name = "Tiers"

    def ready(self):
        from partners.overview import register as register_section

        from .overview import tier_section

        register_section(tier_section)
