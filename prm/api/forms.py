from django import forms
from django.utils.translation import gettext_lazy as _


class ApiKeyForm(forms.Form):
    name = forms.CharField(max_length=100, label=_("Key name"),
                           help_text=_("Where the key is used, e.g. “Salesforce sync”."))
