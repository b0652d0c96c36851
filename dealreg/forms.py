from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _, ngettext

from partners.tiers.models import Tier

from . import deal_fields
from .models import Deal, DealStatus, ProductLine, RulesOfEngagement
from .selectors import EXPIRY_WARNING_DAYS

CURRENCIES = ["USD", "EUR", "GBP", "CAD", "AUD", "JPY", "CHF", "SEK", "NOK", "DKK", "PLN", "BRL", "MXN", "INR", "SGD"]


class DealForm(forms.ModelForm):
    products = forms.ModelMultipleChoiceField(
        queryset=ProductLine.unscoped.none(), required=False, widget=forms.CheckboxSelectMultiple,
        label=_("Products or product lines"),
    )
    currency = forms.ChoiceField(label=_("Currency"))

    class Meta:
        model = Deal
        fields = [
            "customer_name", "customer_website", "customer_country", "contact_name", "contact_email",
            "products", "value", "currency", "expected_close_date", "notes",
        ]
        widgets = {
            "expected_close_date": forms.DateInput(attrs={"type": "date"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "value": forms.NumberInput(attrs={"min": "0", "step": "0.01", "inputmode": "decimal"}),
        }
        help_texts = {"customer_website": _("e.g. example.com — the surest way to recognise the customer.")}

    def __init__(self, *args, tenant, partner=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["products"].queryset = ProductLine.objects.filter(is_active=True)
        currencies = [tenant.currency] + [c for c in CURRENCIES if c != tenant.currency]
        self.fields["currency"].choices = [(c, c) for c in currencies]
        self.fields["currency"].initial = tenant.currency
        # Questions other apps add (deal_fields), for the registering partner or the edited deal's.
        deal = self.instance if self.instance.pk else None
        partner = partner or (deal.partner if deal else None)
        self.extra_names = []
        for name, field in (deal_fields.form_fields(partner, deal) if partner else {}).items():
            if name in self.fields:
                raise ValueError(f"A deal field named {name!r} is already on the form.")
            self.fields[name] = field
            self.extra_names.append(name)

    def clean_expected_close_date(self):
        value = self.cleaned_data["expected_close_date"]
        if value and value < timezone.localdate():
            raise forms.ValidationError(_("The expected close date is in the past; registrations are for open opportunities."))
        return value

    def service_fields(self):
        """(the deal's fields, its products, the added questions' answers {name: value})."""
        data = dict(self.cleaned_data)
        products = data.pop("products", [])
        extra = {name: data.pop(name) for name in self.extra_names if name in data}
        return data, products, extra


class AnswerForm(forms.Form):
    """The partner's answer to the vendor's question, beside the deal's own fields (not in its notes)."""

    info_answer = forms.CharField(
        label=_("Your answer"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The vendor reads it with the deal when you submit it again."),
    )


class ConflictCheckForm(forms.Form):
    customer_name = forms.CharField(max_length=200)
    customer_website = forms.CharField(max_length=253, required=False)
    contact_email = forms.CharField(max_length=254, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason the partner will see"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class QuestionForm(forms.Form):
    question = forms.CharField(label=_("What should the partner add?"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class DealFilterForm(forms.Form):
    q = forms.CharField(required=False, label=_("Search"),
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Customer, domain or contact")}))
    status = forms.ChoiceField(required=False, label=_("Status"))
    protection = forms.ChoiceField(required=False, label=_("Protection"))
    partner = forms.ModelChoiceField(queryset=None, required=False, empty_label=_("Any partner"), label=_("Partner"))

    partner_name = forms.CharField(required=False, label=_("Partner"),
                                   widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Partner name")}))

    def __init__(self, *args, partners=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Any status")), *DealStatus.choices]
        # The named filters of selectors.PROTECTION_FILTERS (the portal's tiles link to them).
        self.fields["protection"].choices = [
            ("", _("Protected or not")), ("protected", _("Protected now")),
            ("ending", ngettext("Protection ending within %(days)d day", "Protection ending within %(days)d days",
                                EXPIRY_WARNING_DAYS) % {"days": EXPIRY_WARNING_DAYS}),
        ]
        if partners is None:
            del self.fields["partner"], self.fields["partner_name"]
            return
        # A name search, not a drop-down of every partner (programs have thousands); ?partner=<id>
        # links from a partner's page still work through the hidden field.
        self.fields["partner"].queryset = partners
        self.fields["partner"].widget = forms.HiddenInput()


class RulesForm(forms.ModelForm):
    auto_approve_tiers = forms.ModelMultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple,
                                                        queryset=Tier.unscoped.none(), to_field_name="name",
                                                        label=_("Tiers eligible for automatic approval"))

    class Meta:
        model = RulesOfEngagement
        fields = ["protection_days", "max_extensions", "extension_days", "minimum_value", "approval_sla_hours",
                  "first_approved_wins", "auto_approve", "auto_approve_max_value", "auto_approve_tiers"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["auto_approve_tiers"].queryset = Tier.objects.all()

    def clean(self):
        data = super().clean()
        if data.get("auto_approve") and not data.get("auto_approve_tiers"):
            self.add_error("auto_approve_tiers", _("Choose at least one tier, or turn automatic approval off."))
        if data.get("protection_days") == 0:
            self.add_error("protection_days", _("Protection must last at least one day."))
        return data


class ProductLineForm(forms.ModelForm):
    class Meta:
        model = ProductLine
        fields = ["name"]
