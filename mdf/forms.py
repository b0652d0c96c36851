"""Forms of the MDF pages. Every form that writes carries an idempotency key, made when the form is
rendered: submitting the same rendered form twice (a double click, a reload) writes once."""

import uuid
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _, pgettext_lazy

from partners.models import Partner, PartnerStatus
from prm.tenancy.models import Membership, Role

from .models import ActivityType, Allocation, Budget, ClaimStatus, MdfSettings, PaymentMethod
from .periods import fiscal_year_label

MONEY = {"max_digits": 14, "decimal_places": 2}


class KeyedForm(forms.Form):
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["idempotency_key"] = uuid.uuid4().hex

    @property
    def key(self) -> str:
        return self.cleaned_data["idempotency_key"]

    def values(self) -> dict:
        """The cleaned data without the key (what the service takes as fields)."""
        return {name: value for name, value in self.cleaned_data.items() if name != "idempotency_key"}


class BudgetForm(KeyedForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    fiscal_year = forms.IntegerField(label=_("Fiscal year"), min_value=2000, max_value=2100,
                                     help_text=_("A sub-budget takes its parent's year."))
    parent = forms.ModelChoiceField(label=_("Part of"), queryset=Budget.unscoped.none(), required=False,
                                    help_text=_("Leave empty for a top-level budget; a sub-budget's amount comes out of it."))
    amount = forms.DecimalField(label=_("Amount"), **MONEY, min_value=Decimal("0.01"), required=False)

    def __init__(self, *args, fiscal_year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = Budget.objects.order_by("-fiscal_year", "name")
        self.initial.setdefault("fiscal_year", fiscal_year)


class AmountForm(KeyedForm):
    amount = forms.DecimalField(label=_("Amount"), **MONEY, min_value=Decimal("0.01"))


class AllocateForm(KeyedForm):
    partner = forms.ModelChoiceField(label=_("Partner"), queryset=Partner.unscoped.none())
    amount = forms.DecimalField(label=_("Amount"), **MONEY, min_value=Decimal("0.01"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = Partner.objects.filter(status=PartnerStatus.ACTIVE).order_by("name")


class MdfSettingsForm(forms.ModelForm):
    class Meta:
        model = MdfSettings
        fields = ["fiscal_year_start_month", "notice_business_days", "vendor_share_percent", "claim_days", "unspent",
                  "unspent_offset_days"]
        widgets = {"unspent": forms.RadioSelect}


class ActivityTypeForm(forms.Form):
    name = forms.CharField(label=_("New activity type"), max_length=100)


class ApprovalLimitForm(forms.Form):
    membership = forms.ModelChoiceField(label=_("Channel manager"), queryset=Membership.unscoped.none())
    max_amount = forms.DecimalField(label=_("Approves up to"), **MONEY, min_value=Decimal("0"), required=False,
                                    help_text=_("Per request. Empty: no limit of their own."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membership"].queryset = (Membership.objects.filter(role=Role.CHANNEL_MANAGER, is_active=True)
                                              .select_related("user").order_by("user__email"))
        self.fields["membership"].label_from_instance = lambda m: str(m.user)


class ApproveForm(KeyedForm):
    amount = forms.DecimalField(label=_("Amount to approve"), **MONEY, min_value=Decimal("0.01"),
                                help_text=_("At most the amount requested; less is allowed."))
    allocation = forms.ModelChoiceField(label=_("From allocation"), queryset=Allocation.unscoped.none(), required=False,
                                        help_text=_("Empty: the partner's allocation of the activity's fiscal year with "
                                                    "the most available."))

    def __init__(self, *args, fund_request, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["allocation"].queryset = (Allocation.objects.filter(partner_id=fund_request.partner_id)
                                              .select_related("budget").order_by("-budget__fiscal_year", "budget__name"))
        self.fields["allocation"].label_from_instance = lambda a: str(a.budget)
        self.initial.setdefault("amount", fund_request.requested_amount)


class ReasonForm(KeyedForm):
    text = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("The partner reads it."))


class QuestionForm(KeyedForm):
    text = forms.CharField(label=_("Question"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class AnswerForm(KeyedForm):
    text = forms.CharField(label=_("Your answer"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class CancelForm(KeyedForm):
    pass


class FundRequestForm(KeyedForm):
    activity_type = forms.ModelChoiceField(label=_("Activity type"), queryset=ActivityType.unscoped.none())
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), max_length=5000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 4}),
                                  help_text=_("What you will do, for whom, and how you will follow up the leads."))
    starts_on = forms.DateField(label=_("Starts on"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Ends on"), widget=forms.DateInput(attrs={"type": "date"}))
    expected_leads = forms.IntegerField(label=_("Expected leads"), min_value=0, max_value=1_000_000, initial=0)
    expected_attendees = forms.IntegerField(label=_("Expected attendees"), min_value=0, max_value=1_000_000, initial=0)
    total_cost = forms.DecimalField(label=_("Total cost"), **MONEY, min_value=Decimal("0.01"))
    requested_amount = forms.DecimalField(label=_("Requested amount"), **MONEY, min_value=Decimal("0.01"))

    def __init__(self, *args, notice_help: str, share_help: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity_type"].queryset = ActivityType.objects.filter(is_active=True).order_by("name")
        self.fields["starts_on"].help_text = notice_help
        self.fields["requested_amount"].help_text = share_help


# Claims and payments ------------------------------------------------------------------------------

class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files of one <input type=file multiple>: the field's value is their list. What a file
    must be is checked by the service (mdf.claims.check_proofs), which names the file to fix."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        if not files and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return [super(MultipleFileField, self).clean(upload, initial) for upload in files]


class ClaimForm(KeyedForm):
    amount = forms.DecimalField(label=_("Amount to claim"), **MONEY, min_value=Decimal("0.01"))
    leads = forms.IntegerField(label=_("Leads"), min_value=0, max_value=1_000_000, initial=0)
    attendees = forms.IntegerField(label=_("Attendees"), min_value=0, max_value=1_000_000, initial=0)
    results = forms.CharField(label=_("Results achieved"), max_length=5000, required=False,
                              widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=_("What the activity brought: meetings booked, deals opened, what you learned."))
    is_final = forms.BooleanField(label=_("This is my last claim for this request"), required=False,
                                  help_text=_("Once it is approved the request closes and what is left goes back to "
                                              "your available funds."))
    proof = MultipleFileField(label=_("Proof of performance"), required=False,
                              help_text=_("Invoices, photos, attendee lists: PDF, PNG, JPEG, XLSX or CSV, up to 10 "
                                          "files of at most 10 MB each. Select several files at once."))

    def __init__(self, *args, left_help: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if left_help:
            self.fields["amount"].help_text = left_help

    def values(self) -> dict:
        values = super().values()
        values["proofs"] = values.pop("proof")
        return values


class ClaimApproveForm(KeyedForm):
    amount = forms.DecimalField(label=_("Amount to approve"), **MONEY, min_value=Decimal("0.01"), required=False,
                                help_text=_("Empty: all that was claimed. Less needs a reason."))
    reason = forms.CharField(label=_("Reason"), max_length=2000, required=False,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Why less than claimed is approved: the partner reads it."))

    def __init__(self, *args, claim, **kwargs):
        kwargs.setdefault("auto_id", "approve_%s")
        super().__init__(*args, **kwargs)
        self.initial.setdefault("amount", claim.amount)


class ClaimRejectForm(KeyedForm):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("The partner reads it and may claim again, with better proof, by the deadline."))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "reject_%s")
        super().__init__(*args, **kwargs)


class PaymentForm(KeyedForm):
    amount = forms.DecimalField(label=_("Amount paid"), **MONEY, min_value=Decimal("0.01"), required=False,
                                help_text=_("Empty: all that is unpaid."))
    paid_on = forms.DateField(label=_("Paid on"), widget=forms.DateInput(attrs={"type": "date"}))
    method = forms.ChoiceField(label=pgettext_lazy("payment", "Method"), choices=PaymentMethod.choices,
                               initial=PaymentMethod.BANK_TRANSFER)
    reference = forms.CharField(label=_("Reference"), max_length=100, required=False,
                                help_text=_("The transfer's or credit note's number, for finance."))

    def __init__(self, *args, claim, today, **kwargs):
        kwargs.setdefault("auto_id", "pay_%s")
        super().__init__(*args, **kwargs)
        self.initial.setdefault("amount", claim.unpaid)
        self.initial.setdefault("paid_on", today)


class ClaimFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Waiting for a decision")), *[
                                   (value, label) for value, label in ClaimStatus.choices if value != ClaimStatus.SUBMITTED]])


class PaymentFilterForm(forms.Form):
    paid_from = forms.DateField(label=_("Paid from"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    paid_to = forms.DateField(label=_("Paid until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    partner = forms.ModelChoiceField(label=_("Partner"), queryset=Partner.unscoped.none(), required=False,
                                     empty_label=_("All partners"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = Partner.objects.order_by("name")

    def clean(self):
        data = super().clean()
        if data.get("paid_from") and data.get("paid_to") and data["paid_from"] > data["paid_to"]:
            self.add_error("paid_to", _("The end of the period comes after its start."))
        return data


class UtilisationFilterForm(forms.Form):
    """Which grouping and which fiscal year the utilisation page shows (a year only by partner or activity)."""

    by = forms.ChoiceField(label=_("Group by"), required=False)
    year = forms.TypedChoiceField(label=_("Fiscal year"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, years: list[int], groupings: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["by"].choices = list(groupings.items())
        self.fields["year"].choices = [("", _("All years"))] + [(year, fiscal_year_label(year)) for year in years]


class RoiFilterForm(forms.Form):
    """The fiscal year of the activities the ROI page shows (by when they started)."""

    year = forms.TypedChoiceField(label=_("Fiscal year"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("All years"))] + [(year, fiscal_year_label(year)) for year in years]
