from django.apps import AppConfig


class DealregConfig(AppConfig):
    name = "dealreg"

    def ready(self):
        from partners.portal_tiles import register

        from .portal_tiles import deal_tiles

        register(deal_tiles)

        from partners.checklist.kinds import register as register_kind

        from .checklist import FIRST_DEAL

        register_kind(FIRST_DEAL)

        from partners.overview import register as register_section

        from .overview import deal_section

        register_section(deal_section)

        from . import tiers

        tiers.register_all()
