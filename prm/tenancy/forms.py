from babel.numbers import get_currency_name, list_currencies
from django import forms
from django.utils import translation

from .models import Tenant


def _currency_choices():
    locale = translation.to_locale(translation.get_language() or "en")
    return [(code, f"{code} — {get_currency_name(code, locale=locale)}") for code in sorted(list_currencies())]


class ProgramSettingsForm(forms.ModelForm):
    """What a tenant admin sets for the whole program: its name, language, time zone and currency."""

    currency = forms.ChoiceField(choices=_currency_choices)

    class Meta:
        model = Tenant
        fields = ["name", "default_language", "time_zone", "currency"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["currency"].label = Tenant._meta.get_field("currency").verbose_name.capitalize()
        self.fields["currency"].help_text = Tenant._meta.get_field("currency").help_text
