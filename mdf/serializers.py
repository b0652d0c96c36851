from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from prm.api.filters import MAX_ID, ChoiceFilter, IdFilter

from .claims import PROOF_MAX_FILES
from .models import AccountKind, Claim, ClaimProof, ClaimStatus, EntryKind, FundRequest, LedgerEntry, Payment, PaymentMethod, RequestStatus

MONEY = {"max_digits": 14, "decimal_places": 2}


class BalanceFields(serializers.Serializer):
    """An account's cached balance (every figure the sum of its ledger entries)."""

    currency = serializers.CharField(source="account.currency")
    funded = serializers.DecimalField(source="account.funded", **MONEY)
    allocated = serializers.DecimalField(source="account.allocated", **MONEY)
    encumbered = serializers.DecimalField(source="account.encumbered", **MONEY)
    claimed = serializers.DecimalField(source="account.claimed", **MONEY)
    paid = serializers.DecimalField(source="account.paid", **MONEY)
    expired = serializers.DecimalField(source="account.expired", **MONEY)
    available = serializers.DecimalField(source="account.available", **MONEY)


class BudgetSerializer(BalanceFields):
    id = serializers.IntegerField()
    name = serializers.CharField()
    fiscal_year = serializers.IntegerField()
    parent = serializers.IntegerField(source="parent_id", allow_null=True)
    created_at = serializers.DateTimeField()


class BudgetCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    fiscal_year = serializers.IntegerField(min_value=2000, max_value=2100, required=False,
                                           help_text=_("Required for a top-level budget; a sub-budget takes its parent's."))
    parent = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, allow_null=True,
                                      help_text=_("The budget this one is a part of (a region, a product line)."))
    amount = serializers.DecimalField(**MONEY, required=False, allow_null=True, min_value=0,
                                      help_text=_("Funds to put in; a sub-budget's come out of its parent's available."))


class MdfAmountSerializer(serializers.Serializer):
    amount = serializers.DecimalField(**MONEY, min_value=0)


class BudgetListFilters(serializers.Serializer):
    fiscal_year = serializers.IntegerField(min_value=2000, max_value=2100, required=False)
    parent = IdFilter(help_text=_("Only the sub-budgets of this budget."))


class AllocationSerializer(BalanceFields):
    id = serializers.IntegerField()
    budget = serializers.IntegerField(source="budget_id")
    budget_name = serializers.CharField(source="budget.name")
    fiscal_year = serializers.IntegerField(source="budget.fiscal_year")
    partner = serializers.IntegerField(source="partner_id")
    partner_name = serializers.CharField(source="partner.name")


class AllocationCreateSerializer(serializers.Serializer):
    budget = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    partner = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    amount = serializers.DecimalField(**MONEY, required=False, allow_null=True, min_value=0)


class AllocationListFilters(serializers.Serializer):
    budget = IdFilter()
    partner = IdFilter()


class FundRequestSerializer(serializers.ModelSerializer):
    partner_name = serializers.CharField(source="partner.name", read_only=True)
    activity_type_name = serializers.CharField(source="activity_type.name", read_only=True)
    partner_share = serializers.DecimalField(**MONEY, read_only=True)

    class Meta:
        model = FundRequest
        fields = ["id", "partner", "partner_name", "activity_type", "activity_type_name", "title", "description",
                  "starts_on", "ends_on", "expected_leads", "expected_attendees", "total_cost", "requested_amount",
                  "partner_share", "currency", "status", "submitted_at", "approved_amount", "allocation", "decided_at",
                  "reason", "question", "answer", "created_at", "updated_at"]
        read_only_fields = fields


class FundRequestCreateSerializer(serializers.Serializer):
    activity_type = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    expected_leads = serializers.IntegerField(min_value=0, max_value=1_000_000, default=0)
    expected_attendees = serializers.IntegerField(min_value=0, max_value=1_000_000, default=0)
    total_cost = serializers.DecimalField(**MONEY, min_value=0)
    requested_amount = serializers.DecimalField(**MONEY, min_value=0)
    submit = serializers.BooleanField(default=True, help_text=_("False keeps the request as a draft."))


class FundApproveSerializer(serializers.Serializer):
    amount = serializers.DecimalField(**MONEY, min_value=0, required=False, allow_null=True,
                                      help_text=_("Default: the amount requested."))
    allocation = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, allow_null=True,
                                          help_text=_("Default: the partner's allocation of the activity's fiscal year "
                                                      "with the most available."))


class FundTextSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=2000, allow_blank=True)


class FundCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class FundRequestListFilters(serializers.Serializer):
    status = ChoiceFilter(RequestStatus.choices)
    partner = IdFilter()


class LedgerEntrySerializer(serializers.ModelSerializer):
    account_kind = serializers.CharField(source="account.kind")
    budget = serializers.IntegerField(source="account.budget_id", allow_null=True)
    allocation = serializers.IntegerField(source="account.allocation_id", allow_null=True)
    fund_request = serializers.IntegerField(source="account.fund_request_id", allow_null=True)
    idempotency_key = serializers.CharField(source="operation.key")

    class Meta:
        model = LedgerEntry
        fields = ["id", "account", "account_kind", "budget", "allocation", "fund_request", "partner", "kind", "bucket",
                  "amount", "currency", "source", "memo", "idempotency_key", "created_at"]
        read_only_fields = fields


class LedgerListFilters(serializers.Serializer):
    account_kind = ChoiceFilter(AccountKind.choices)
    kind = ChoiceFilter(EntryKind.choices)
    budget = IdFilter()
    allocation = IdFilter()
    fund_request = IdFilter()
    partner = IdFilter()
    claim = IdFilter(help_text=_("Only the entries a claim's approval or payments posted."))


# Claims, their proof and payments ---------------------------------------------------------------------

class ClaimProofSerializer(serializers.ModelSerializer):
    partner = serializers.IntegerField(source="claim.partner_id", read_only=True)
    download = serializers.SerializerMethodField(help_text=_("Where the file is served to those who may see the claim."))

    class Meta:
        model = ClaimProof
        fields = ["id", "claim", "partner", "name", "kind", "size", "uploaded_at", "download"]
        read_only_fields = fields

    def get_download(self, proof) -> str:
        return reverse("fund-claim-proof-download", args=[proof.pk])


class ClaimSerializer(serializers.ModelSerializer):
    fund_request_title = serializers.CharField(source="fund_request.title", read_only=True)
    partner_name = serializers.CharField(source="partner.name", read_only=True)
    unpaid = serializers.DecimalField(**MONEY, read_only=True)
    proofs = ClaimProofSerializer(many=True, read_only=True)
    payments = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Claim
        fields = ["id", "fund_request", "fund_request_title", "partner", "partner_name", "amount", "currency", "leads",
                  "attendees", "results", "is_final", "status", "approved_amount", "paid_amount", "unpaid", "reason",
                  "decided_at", "created_at", "updated_at", "proofs", "payments"]
        read_only_fields = fields


class ClaimCreateSerializer(serializers.Serializer):
    fund_request = serializers.IntegerField(min_value=1, max_value=MAX_ID,
                                            help_text=_("The partner's approved fund request this claim is against."))
    amount = serializers.DecimalField(**MONEY, min_value=0)
    proof = serializers.ListField(child=serializers.FileField(max_length=200, allow_empty_file=False),
                                  allow_empty=False, max_length=PROOF_MAX_FILES,
                                  help_text=_("The proof of performance: one or more files (PDF, PNG, JPEG, XLSX or "
                                              "CSV), each under its own `proof` part."))
    leads = serializers.IntegerField(min_value=0, max_value=1_000_000, default=0)
    attendees = serializers.IntegerField(min_value=0, max_value=1_000_000, default=0)
    results = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    is_final = serializers.BooleanField(default=False, help_text=_("No other claim follows: its approval closes the "
                                                                   "request and releases the rest."))


class ClaimApproveSerializer(serializers.Serializer):
    amount = serializers.DecimalField(**MONEY, min_value=0, required=False, allow_null=True,
                                      help_text=_("Default: the amount claimed; less needs a reason."))
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, allow_blank=True, help_text=_("Why: the partner reads it."))


class ClaimWithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ClaimListFilters(serializers.Serializer):
    status = ChoiceFilter(ClaimStatus.choices)
    fund_request = IdFilter()
    partner = IdFilter()


class ClaimProofListFilters(serializers.Serializer):
    claim = IdFilter()


class PaymentSerializer(serializers.ModelSerializer):
    fund_request = serializers.IntegerField(source="claim.fund_request_id", read_only=True)
    partner_name = serializers.CharField(source="partner.name", read_only=True)

    class Meta:
        model = Payment
        fields = ["id", "claim", "fund_request", "partner", "partner_name", "amount", "currency", "paid_on", "method",
                  "reference", "created_at"]
        read_only_fields = fields


class PaymentCreateSerializer(serializers.Serializer):
    claim = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text=_("The approved claim paid."))
    amount = serializers.DecimalField(**MONEY, min_value=0, required=False, allow_null=True,
                                      help_text=_("Default: all of the approved claim that is not paid yet."))
    paid_on = serializers.DateField(required=False, allow_null=True, help_text=_("Default: today; never in the future."))
    method = serializers.ChoiceField(PaymentMethod.choices, default=PaymentMethod.BANK_TRANSFER)
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class PaymentListFilters(serializers.Serializer):
    claim = IdFilter()
    partner = IdFilter()
    method = ChoiceFilter(PaymentMethod.choices)
