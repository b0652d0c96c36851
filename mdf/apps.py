from django.apps import AppConfig


class MdfConfig(AppConfig):
    name = "mdf"

    def ready(self):
        from dealreg.deal_fields import register

        from .attribution import DEAL_FIELD

        register(DEAL_FIELD)
