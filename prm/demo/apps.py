from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "prm.demo"
    label = "demo"
