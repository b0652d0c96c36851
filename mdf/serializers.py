from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from prm.api.filters import MAX_ID, ChoiceFilter, IdFilter

from .models import AccountKind, EntryKind, FundRequest, LedgerEntry, RequestStatus

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
