from django.apps import AppConfig


class I18nConfig(AppConfig):
    """Languages: who sees which, formatting for the active language, and the message catalogues."""

    name = "prm.i18n"
    label = "prm_i18n"
