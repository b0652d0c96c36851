from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from partners.content.models import ContentItem
from partners.models import Partner
from partners.tiers.models import Tier

from .certificates import check_certificate
from .models import CompletionStatus, Course
from .selectors import membership_of_email

DATE = forms.DateInput(attrs={"type": "date"})


class CourseForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, max_length=4000,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    validity_months = forms.IntegerField(label=_("Valid for (months)"), required=False, min_value=1, max_value=120,
                                         help_text=_("How long a certification stays valid; empty: it never expires."))
    required_for_tiers = forms.ModelMultipleChoiceField(
        label=_("Tiers that need it"), queryset=Tier.unscoped.none(), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("A partner of these tiers needs someone certified in this course."))
    content = forms.ModelMultipleChoiceField(
        label=_("Linked content"), queryset=ContentItem.unscoped.none(), required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Items of the content library that prepare for the course; a partner sees only those shown to it."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["required_for_tiers"].queryset = Tier.objects.order_by("rank")
        self.fields["content"].queryset = ContentItem.objects.order_by("title", "pk")


class CompletionFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any")), *CompletionStatus.choices])
    course = forms.ModelChoiceField(label=_("Course"), required=False, queryset=Course.unscoped.none(), empty_label=_("Any"))
    partner = forms.ModelChoiceField(label=_("Partner"), required=False, queryset=Partner.unscoped.none(), empty_label=_("Any"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = Course.objects.order_by("name")
        self.fields["partner"].queryset = Partner.objects.order_by("name")


class RecordForm(forms.Form):
    email = forms.EmailField(label=_("Person's email"), help_text=_("Someone with an account at one of your partners."))
    course = forms.ModelChoiceField(label=_("Course"), queryset=Course.unscoped.none())
    completed_on = forms.DateField(label=_("Completed on"), widget=DATE)
    expires_on = forms.DateField(label=_("Expires on"), required=False, widget=DATE,
                                 help_text=_("Empty: the course's validity sets it."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = Course.objects.filter(is_active=True).order_by("name")

    def clean_email(self):
        membership = membership_of_email(self.cleaned_data["email"])
        if membership is None:
            raise forms.ValidationError(_("No active person of a partner has this email."))
        self.cleaned_data["user"] = membership.user
        return self.cleaned_data["email"]


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("The partner reads it."))


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File"), help_text=_(
        "A CSV export of your learning system with the columns email, course, completed on and, optionally, expires on."))


class ClaimForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Person"), queryset=get_user_model().objects.none())
    course = forms.ModelChoiceField(label=_("Course"), queryset=Course.unscoped.none())
    completed_on = forms.DateField(label=_("Completed on"), widget=DATE)
    certificate = forms.FileField(label=_("Certificate"), help_text=_("A PDF, PNG or JPEG file of at most 5 MB."))

    def __init__(self, *args, people, **kwargs):
        """`people`: whom the claimant may claim for (a partner admin: the team; else themselves)."""
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = Course.objects.filter(is_active=True).order_by("name")
        self.fields["user"].queryset = people
        self.fields["user"].label_from_instance = lambda user: user.get_full_name() or user.email
        if people.count() == 1:
            self.fields["user"].initial = people.first().pk

    def clean_certificate(self):
        certificate = self.cleaned_data["certificate"]
        try:
            check_certificate(certificate)
        except forms.ValidationError as exc:
            raise forms.ValidationError(exc.error_dict["certificate"]) from None
        return certificate
