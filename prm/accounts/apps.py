from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "prm.accounts"
    label = "accounts"
