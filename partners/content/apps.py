from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContentConfig(AppConfig):
    name = "partners.content"
    label = "content"
    verbose_name = _("Content library")

    def ready(self):
        from partners.portal_tiles import register as register_tiles
        from partners.tiers.benefits import register as register_benefit

        from .portal_tiles import content_tiles
        from .tier_benefits import content_benefits

        register_tiles(content_tiles)
        register_benefit(content_benefits)
