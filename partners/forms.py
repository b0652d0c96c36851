from django import forms
from django.utils.translation import gettext_lazy as _

from prm.tenancy.models import STAFF_ROLES, Membership
from prm.uploads import check_file

from .models import Partner, PartnerStatus
from .profile_models import SENSITIVE_CHOICES
from .selectors import NAME_TAKEN, partner_name_taken
from .tiers.models import Tier

LOGO_MAX_BYTES = 1024 * 1024

# The company profile a partner admin keeps in the portal and a channel manager edits on the
# dashboard: one definition (labels, widgets, the logo's checks) for both forms.
COMPANY_PROFILE_FIELDS = ["street", "postcode", "city", "description", "specialisations", "regions"]


class CompanyProfileForm(forms.ModelForm):
    """The shared company-profile fields and the checked logo upload; the two forms below add theirs."""

    logo = forms.FileField(label=_("Logo"), required=False, help_text=_("A PNG or JPEG file of at most 1 MB."))

    class Meta:
        model = Partner
        fields = COMPANY_PROFILE_FIELDS
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if logo:
            try:
                check_file(logo, allowed_types=("png", "jpeg"), max_bytes=LOGO_MAX_BYTES, field="logo")
            except forms.ValidationError as exc:
                raise forms.ValidationError(exc.error_dict["logo"]) from None
        return logo or None

    def validate_unique(self):
        # The service checks the name per tenant (when it changes) and reports it on the field.
        pass


class PartnerForm(CompanyProfileForm):
    """What a channel manager edits on the dashboard: the program's fields and the company profile."""

    owner = forms.ModelChoiceField(label=_("Channel manager"), queryset=Membership.unscoped.none(), required=False,
                                   help_text=_("The program's manager who looks after this partner."))
    tier = forms.ModelChoiceField(label=_("Tier"), queryset=Tier.unscoped.none(), required=False,
                                  help_text=_("The tier it starts in; the nightly evaluation moves it from there."))

    class Meta(CompanyProfileForm.Meta):
        fields = ["name", "status", "business_type", "tier", "owner", "country", "website", *COMPANY_PROFILE_FIELDS,
                  "primary_contact_name", "primary_contact_email", "notes"]
        widgets = {**CompanyProfileForm.Meta.widgets, "notes": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"website": _("We derive the partner's domain from it, e.g. northwind.example.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Deactivation has its own confirmed action, so it is not a choice here.
        self.fields["status"].choices = [c for c in PartnerStatus.choices if c[0] != PartnerStatus.INACTIVE]
        if self.instance.pk and self.instance.status == PartnerStatus.INACTIVE:
            self.fields["status"].disabled = True
            self.fields["status"].choices = PartnerStatus.choices
        owner = self.fields["owner"]
        owner.queryset = Membership.objects.filter(role__in=STAFF_ROLES, is_active=True).select_related("user")
        owner.label_from_instance = lambda m: m.user.get_full_name() or m.user.email
        if self.instance.pk:
            del self.fields["tier"]  # moved by the evaluation, or overridden with a reason on its tier page
        else:
            self.fields["tier"].queryset = Tier.objects.all()

    def clean_name(self):
        # Checked here too so that every error shows at once, not one per submit.
        name = self.cleaned_data["name"].strip()
        if partner_name_taken(name, exclude_pk=self.instance.pk):
            raise forms.ValidationError(NAME_TAKEN)
        return name


class PartnerFilterForm(forms.Form):
    q = forms.CharField(required=False, label=_("Search"), widget=forms.TextInput(
        attrs={"type": "search", "placeholder": _("Name, domain, contact, tier or country code")}))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any status")), *PartnerStatus.choices])
    tier = forms.ModelChoiceField(label=_("Tier"), required=False, queryset=Tier.unscoped.none(),
                                  empty_label=_("Any tier"), to_field_name="name")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tier"].queryset = Tier.objects.all()


class DeactivateForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500, widget=forms.TextInput,
                             help_text=_("Recorded in the partner's timeline."))


class ProfileForm(CompanyProfileForm):
    """What a partner admin edits in the portal; the service decides which fields wait for approval."""

    class Meta(CompanyProfileForm.Meta):
        fields = ["name", "country", "website", *COMPANY_PROFILE_FIELDS]
        labels = {"name": _("Legal name")}

    def clean_name(self):
        return self.cleaned_data["name"].strip()


class SensitiveFieldsForm(forms.Form):
    sensitive_fields = forms.MultipleChoiceField(
        label=_("Changes that wait for approval"), required=False, choices=SENSITIVE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("“%(value)s” is not a field that can wait for approval: choose among "
                                            "the fields listed.")},
        help_text=_("When a partner admin changes one of these (in the portal or over the API), the change waits until "
                    "a channel manager approves it on the partner's page. Other profile fields change at once. Changes "
                    "already waiting stay until someone decides them."),
    )
