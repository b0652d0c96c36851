from django.apps import AppConfig


class DealregConfig(AppConfig):
    name = "dealreg"

    def ready(self):
        from partners.portal_tiles import register

        from .portal_tiles import deal_tiles

        register(deal_tiles)
