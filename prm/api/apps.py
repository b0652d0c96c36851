from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "prm.api"
    label = "api"
