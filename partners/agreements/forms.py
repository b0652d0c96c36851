from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from partners.business_types import BusinessType

from .models import AgreementVersion


class TemplateForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    partner_types = forms.MultipleChoiceField(
        label=_("Partner types"), choices=BusinessType.choices, required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked for every type. A partner's type is the business type on its page (an approved "
                    "application sets it)."),
    )
    countries = forms.MultipleChoiceField(
        label=_("Countries"), choices=countries, required=False, widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Leave empty for every country."),
    )


class NewTemplateForm(TemplateForm):
    body = forms.CharField(label=_("Text (Markdown)"), max_length=AgreementVersion._meta.get_field("body").max_length,
                           widget=forms.Textarea(attrs={"rows": 18}))


class DraftForm(forms.Form):
    body = forms.CharField(label=_("Text (Markdown)"), max_length=AgreementVersion._meta.get_field("body").max_length,
                           widget=forms.Textarea(attrs={"rows": 24}))


class AgreementSettingsForm(forms.Form):
    resign_days = forms.IntegerField(label=_("Days to re-sign a new version"), min_value=1, max_value=365,
                                     help_text=_("Partners that signed an earlier version (or existed when the first was "
                                                 "published) have this many days to sign a newly published version."))
    unsigned_keep_access = forms.BooleanField(
        label=_("Unsigned partners keep portal access"), required=False,
        help_text=_("Off (the default): a partner that has not signed by its deadline sees only the agreement until a "
                    "partner admin signs it. New partners sign before they use the portal."),
    )


class SignForm(forms.Form):
    typed_name = forms.CharField(label=_("Your full name"), max_length=150,
                                 help_text=_("Typing your name signs the agreement above on behalf of your company."))
    shown_sha256 = forms.CharField(widget=forms.HiddenInput, max_length=64)


class CountersignForm(forms.Form):
    typed_name = forms.CharField(label=_("Your full name"), max_length=150,
                                 help_text=_("Typing your name counter-signs this agreement for your program."))
