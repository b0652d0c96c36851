from django import forms
from django.utils.translation import gettext_lazy as _

from prm.uploads import check_file

from .models import Partner, PartnerStatus
from .selectors import NAME_TAKEN, partner_name_taken


class PartnerForm(forms.ModelForm):
    class Meta:
        model = Partner
        fields = ["name", "status", "tier", "country", "website", "primary_contact_name", "primary_contact_email", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"website": _("We derive the partner's domain from it, e.g. northwind.example.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Deactivation has its own confirmed action, so it is not a choice here.
        self.fields["status"].choices = [c for c in PartnerStatus.choices if c[0] != PartnerStatus.INACTIVE]
        if self.instance.pk and self.instance.status == PartnerStatus.INACTIVE:
            self.fields["status"].disabled = True
            self.fields["status"].choices = PartnerStatus.choices

    def clean_name(self):
        # Checked here too so that every error shows at once, not one per submit.
        name = self.cleaned_data["name"].strip()
        if partner_name_taken(name, exclude_pk=self.instance.pk):
            raise forms.ValidationError(NAME_TAKEN)
        return name

    def validate_unique(self):
        # The service checks the name per tenant, case-insensitively, and reports it on the field.
        pass


class PartnerFilterForm(forms.Form):
    q = forms.CharField(required=False, label=_("Search"), widget=forms.TextInput(
        attrs={"type": "search", "placeholder": _("Name, domain, contact, tier or country code")}))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any status")), *PartnerStatus.choices])
    tier = forms.ChoiceField(label=_("Tier"), required=False, choices=[("", _("Any tier"))])

    def __init__(self, *args, tiers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tier"].choices = [("", _("Any tier")), *[(t, t) for t in tiers]]


class DeactivateForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500, widget=forms.TextInput,
                             help_text=_("Recorded in the partner's timeline."))


LOGO_MAX_BYTES = 1024 * 1024


class ProfileForm(forms.ModelForm):
    """What a partner admin edits in the portal; the service decides which fields wait for approval."""

    logo = forms.FileField(label=_("Logo"), required=False, help_text=_("A PNG or JPEG file of at most 1 MB."))

    class Meta:
        model = Partner
        fields = ["name", "country", "website", "street", "postcode", "city", "description", "specialisations", "regions"]
        labels = {"name": _("Legal name")}
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if logo:
            try:
                check_file(logo, allowed_types=("png", "jpeg"), max_bytes=LOGO_MAX_BYTES, field="logo")
            except forms.ValidationError as exc:
                raise forms.ValidationError(exc.error_dict["logo"]) from None
        return logo or None

    def clean_name(self):
        return self.cleaned_data["name"].strip()

    def validate_unique(self):
        # The service checks the name per tenant (when it changes) and reports it on the field.
        pass
