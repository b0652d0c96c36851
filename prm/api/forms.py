from django import forms


class ApiKeyForm(forms.Form):
    name = forms.CharField(max_length=100, label="Key name", help_text="Where the key is used, e.g. “Salesforce sync”.")
