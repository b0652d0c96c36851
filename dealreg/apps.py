from django.apps import AppConfig


class DealregConfig(AppConfig):
    name = "dealreg"
