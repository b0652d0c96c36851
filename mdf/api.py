"""Market development funds over the API: budgets, allocations, fund requests, claims with their proof,
payments and the ledger (read).

Every write needs an `Idempotency-Key` header (400 without). The first answer to a key is kept; a
replay with the key gets that answer again, byte for byte, and changes nothing."""

import json

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from partners.models import Partner
from prm.api.viewsets import TenantScopedViewSet

from . import claims, services
from .models import Allocation, Budget, Claim, ClaimProof, FundRequest, LedgerEntry, Payment
from .selectors import activity_types, first_response
from .serializers import (
    AllocationCreateSerializer,
    AllocationListFilters,
    AllocationSerializer,
    BudgetCreateSerializer,
    BudgetListFilters,
    BudgetSerializer,
    ClaimApproveSerializer,
    ClaimCreateSerializer,
    ClaimListFilters,
    ClaimProofListFilters,
    ClaimProofSerializer,
    ClaimSerializer,
    ClaimWithdrawSerializer,
    FundApproveSerializer,
    FundCancelSerializer,
    FundRequestCreateSerializer,
    FundRequestListFilters,
    FundRequestSerializer,
    FundTextSerializer,
    LedgerEntrySerializer,
    LedgerListFilters,
    MdfAmountSerializer,
    PaymentCreateSerializer,
    PaymentListFilters,
    PaymentSerializer,
    ReasonSerializer,
)
from .views.files import CONTENT_TYPES as PROOF_CONTENT_TYPES, proof_response

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key", OpenApiTypes.STR, OpenApiParameter.HEADER, required=True,
    description="A unique key per write (e.g. a UUID); a replay with the same key returns the first answer.")


def writes(request=None, responses=None):
    return extend_schema(request=request, responses=responses, parameters=[IDEMPOTENCY_KEY])


class IdempotentWrites:
    """Writes that need an Idempotency-Key and answer a replay with the first response."""

    def _body(self, serializer_class):
        body = serializer_class(data=self.request.data)
        body.is_valid(raise_exception=True)
        return body.validated_data

    def idempotent(self, name: str, subject, run, serializer_class, code: int = status.HTTP_200_OK) -> Response:
        """`run(key)` calls one service; its result is answered with `serializer_class`, and kept."""
        key = self.request.headers.get("Idempotency-Key", "").strip()
        if not key:
            raise exceptions.ValidationError({"detail": [_("Send an Idempotency-Key header with every write.")]})
        if len(key) > 200:
            raise exceptions.ValidationError({"detail": [_("The Idempotency-Key header is at most 200 characters.")]})
        first = first_response(key=key, name=name, subject=subject)
        if first is not None:
            return Response(json.loads(first.response["body"]), status=first.response["status"])
        result = run(key)
        rendered = JSONRenderer().render(serializer_class(type(result).objects.get(pk=result.pk)).data).decode()
        # Kept as the rendered text: PostgreSQL's jsonb would reorder the keys of a stored object.
        services.operation_respond(tenant=self.request._request.tenant, key=key, status=code, body=rendered)
        return Response(json.loads(rendered), status=code)


class BudgetViewSet(IdempotentWrites, mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantScopedViewSet):
    """Budgets per fiscal year and their sub-budgets, with balances. Staff and API keys only."""

    model = Budget
    serializer_class = BudgetSerializer
    filter_serializer_class = BudgetListFilters

    def narrow(self, queryset):
        queryset = queryset.select_related("account").order_by("-fiscal_year", "name", "pk")
        for name in ("fiscal_year", "parent"):
            if name in self.filters:
                queryset = queryset.filter(**{name: self.filters[name]})
        return queryset

    @writes(BudgetCreateSerializer, BudgetSerializer)
    def create(self, request):
        data = self._body(BudgetCreateSerializer)
        parent = None
        if data.get("parent"):
            parent = Budget.objects.filter(pk=data["parent"]).first()
            if parent is None:
                raise serializers.ValidationError({"parent": [_("No budget of this program has this id.")]})
        elif not data.get("fiscal_year"):
            raise serializers.ValidationError({"fiscal_year": [_("Name the fiscal year of a top-level budget.")]})
        return self.idempotent("budget.create", parent, lambda key: services.budget_create(
            tenant=request._request.tenant, actor=self.principal.actor, key=key, name=data["name"],
            fiscal_year=data.get("fiscal_year") or parent.fiscal_year, parent=parent, amount=data.get("amount")),
            BudgetSerializer, status.HTTP_201_CREATED)

    @writes(MdfAmountSerializer, BudgetSerializer)
    @action(detail=True, methods=["post"])
    def fund(self, request, pk=None):
        budget = self.get_object()
        amount = self._body(MdfAmountSerializer)["amount"]
        return self.idempotent("budget.fund", budget, lambda key: services.budget_fund(
            budget=budget, actor=self.principal.actor, key=key, amount=amount), BudgetSerializer)


class AllocationViewSet(IdempotentWrites, mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantScopedViewSet):
    """Partners' shares of budgets, with balances. Partner users read their own; staff allocate."""

    model = Allocation
    partner_field = "partner"
    serializer_class = AllocationSerializer
    filter_serializer_class = AllocationListFilters

    def narrow(self, queryset):
        queryset = queryset.select_related("account", "budget", "partner").order_by("-budget__fiscal_year", "budget__name", "pk")
        for name in ("budget", "partner"):
            if name in self.filters:
                queryset = queryset.filter(**{name: self.filters[name]})
        return queryset

    @writes(AllocationCreateSerializer, AllocationSerializer)
    def create(self, request):
        data = self._body(AllocationCreateSerializer)
        budget = Budget.objects.filter(pk=data["budget"]).first()
        partner = Partner.objects.filter(pk=data["partner"]).first()
        if budget is None:
            raise serializers.ValidationError({"budget": [_("No budget of this program has this id.")]})
        if partner is None:
            raise serializers.ValidationError({"partner": [_("No partner of this program has this id.")]})
        return self.idempotent("allocation.create", budget, lambda key: services.allocation_create(
            budget=budget, partner=partner, actor=self.principal.actor, key=key, amount=data.get("amount")),
            AllocationSerializer, status.HTTP_201_CREATED)

    @writes(MdfAmountSerializer, AllocationSerializer)
    @action(detail=True, methods=["post"])
    def allocate(self, request, pk=None):
        allocation = self.get_object()
        amount = self._body(MdfAmountSerializer)["amount"]
        return self.idempotent("allocation.allocate", allocation, lambda key: services.allocate(
            allocation=allocation, actor=self.principal.actor, key=key, amount=amount), AllocationSerializer)


class FundRequestViewSet(IdempotentWrites, mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantScopedViewSet):
    """Fund requests. Partner users create, answer and cancel their own; staff approve (maybe a lower
    amount), reject, ask for more information, cancel, and close an approved one (what is left goes
    back to the allocation). Illegal moves answer 400 with the reason."""

    model = FundRequest
    partner_field = "partner"
    partner_write_actions = frozenset({"create", "answer", "cancel"})
    serializer_class = FundRequestSerializer
    filter_serializer_class = FundRequestListFilters

    def narrow(self, queryset):
        queryset = queryset.select_related("partner", "activity_type").order_by("-created_at", "-pk")
        for name in ("status", "partner"):
            if name in self.filters:
                queryset = queryset.filter(**{name: self.filters[name]})
        return queryset

    def _staff_only(self):
        if self.principal.is_partner:
            raise exceptions.PermissionDenied(_("Only the vendor decides on fund requests."))

    def _partner_only(self):
        if not self.principal.is_partner:
            raise exceptions.PermissionDenied(_("Partner users request funds for their partner."))

    @writes(FundRequestCreateSerializer, FundRequestSerializer)
    def create(self, request):
        self._partner_only()
        data = dict(self._body(FundRequestCreateSerializer))
        partner = Partner.objects.get(pk=self.principal.partner_id)
        kind = activity_types().filter(pk=data.pop("activity_type")).first()
        if kind is None:
            raise serializers.ValidationError({"activity_type": [_("No activity type of this program has this id.")]})
        submit = data.pop("submit")
        return self.idempotent("fund_request.create", partner, lambda key: services.fund_request_create(
            partner=partner, actor=self.principal.actor, key=key, submit=submit, activity_type=kind, **data),
            FundRequestSerializer, status.HTTP_201_CREATED)

    @writes(FundApproveSerializer, FundRequestSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        fund_request = self.get_object()  # a foreign id is the 404 of a missing one, whoever asks
        self._staff_only()
        data = self._body(FundApproveSerializer)
        allocation = None
        if data.get("allocation"):
            allocation = Allocation.objects.filter(pk=data["allocation"]).first()
            if allocation is None:
                raise serializers.ValidationError({"allocation": [_("No allocation of this program has this id.")]})
        return self.idempotent("fund_request.approve", fund_request, lambda key: services.fund_request_approve(
            request=fund_request, actor=self.principal.actor, key=key, amount=data.get("amount"), allocation=allocation),
            FundRequestSerializer)

    @writes(FundTextSerializer, FundRequestSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        fund_request = self.get_object()  # a foreign id is the 404 of a missing one, whoever asks
        self._staff_only()
        text = self._body(FundTextSerializer)["text"]
        return self.idempotent("fund_request.reject", fund_request, lambda key: services.fund_request_reject(
            request=fund_request, actor=self.principal.actor, key=key, reason=text), FundRequestSerializer)

    @writes(FundTextSerializer, FundRequestSerializer)
    @action(detail=True, methods=["post"], url_path="more-info")
    def more_info(self, request, pk=None):
        fund_request = self.get_object()  # a foreign id is the 404 of a missing one, whoever asks
        self._staff_only()
        text = self._body(FundTextSerializer)["text"]
        return self.idempotent("fund_request.more_info", fund_request, lambda key: services.fund_request_more_info(
            request=fund_request, actor=self.principal.actor, key=key, question=text), FundRequestSerializer)

    @writes(FundTextSerializer, FundRequestSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        fund_request = self.get_object()  # a foreign id is the 404 of a missing one, whoever asks
        self._partner_only()
        text = self._body(FundTextSerializer)["text"]
        return self.idempotent("fund_request.answer", fund_request, lambda key: services.fund_request_answer(
            request=fund_request, actor=self.principal.actor, key=key, answer=text), FundRequestSerializer)

    @writes(FundCancelSerializer, FundRequestSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        fund_request = self.get_object()
        reason = self._body(FundCancelSerializer)["reason"]
        return self.idempotent("fund_request.cancel", fund_request, lambda key: services.fund_request_cancel(
            request=fund_request, actor=self.principal.actor, key=key, reason=reason), FundRequestSerializer)

    @writes(ReasonSerializer, FundRequestSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """No more claims against an approved request: what is left goes back to the allocation (staff only;
        refused while a claim waits for a decision)."""
        fund_request = self.get_object()
        reason = self._body(ReasonSerializer)["reason"]
        return self.idempotent("fund_request.close", fund_request, lambda key: claims.fund_request_close(
            request=fund_request, actor=self.principal.actor, key=key, reason=reason), FundRequestSerializer)


class ClaimViewSet(IdempotentWrites, mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantScopedViewSet):
    """Fund claims against approved requests, with their proof of performance. Partner users claim (multipart,
    one `proof` part per file) and withdraw their own; staff approve (maybe less, with a reason) and reject.
    Illegal moves and ceilings answer 400 with the reason."""

    model = Claim
    partner_field = "partner"
    partner_write_actions = frozenset({"create", "withdraw"})
    serializer_class = ClaimSerializer
    filter_serializer_class = ClaimListFilters

    def narrow(self, queryset):
        queryset = (queryset.select_related("partner", "fund_request").prefetch_related("proofs", "payments")
                    .order_by("-created_at", "-pk"))
        for name in ("status", "fund_request", "partner"):
            if name in self.filters:
                queryset = queryset.filter(**{name: self.filters[name]})
        return queryset

    def _partner_only(self):
        if not self.principal.is_partner:
            raise exceptions.PermissionDenied(_("Partner users claim funds for their partner."))

    @writes({"multipart/form-data": ClaimCreateSerializer}, ClaimSerializer)
    def create(self, request):
        self._partner_only()
        data = dict(self._body(ClaimCreateSerializer))
        fund_request = FundRequest.objects.filter(pk=data.pop("fund_request"), partner_id=self.principal.partner_id).first()
        if fund_request is None:
            raise serializers.ValidationError({"fund_request": [_("No fund request of your partner has this id.")]})
        amount, proofs = data.pop("amount"), data.pop("proof")
        return self.idempotent("claim.submit", fund_request, lambda key: claims.claim_submit(
            request=fund_request, actor=self.principal.actor, key=key, amount=amount, proofs=proofs, **data),
            ClaimSerializer, status.HTTP_201_CREATED)

    @writes(ClaimApproveSerializer, ClaimSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        claim = self.get_object()  # partner users were refused before (not one of their actions)
        data = self._body(ClaimApproveSerializer)
        return self.idempotent("claim.approve", claim, lambda key: claims.claim_approve(
            claim=claim, actor=self.principal.actor, key=key, amount=data.get("amount"), reason=data["reason"]),
            ClaimSerializer)

    @writes(ReasonSerializer, ClaimSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        claim = self.get_object()
        reason = self._body(ReasonSerializer)["reason"]
        return self.idempotent("claim.reject", claim, lambda key: claims.claim_reject(
            claim=claim, actor=self.principal.actor, key=key, reason=reason), ClaimSerializer)

    @writes(ClaimWithdrawSerializer, ClaimSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        claim = self.get_object()  # a foreign id is the 404 of a missing one, whoever asks
        self._partner_only()
        reason = self._body(ClaimWithdrawSerializer)["reason"]
        return self.idempotent("claim.withdraw", claim, lambda key: claims.claim_withdraw(
            claim=claim, actor=self.principal.actor, key=key, reason=reason), ClaimSerializer)


class ClaimProofViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantScopedViewSet):
    """The files of claims' proof of performance (metadata), and each file's download: served only to
    those who may see its claim (a partner user: their partner's claims); a hidden one is the 404 of a missing one."""

    model = ClaimProof
    partner_field = "claim__partner"
    partner_write_actions = frozenset({"download"})  # reads a file
    serializer_class = ClaimProofSerializer
    filter_serializer_class = ClaimProofListFilters

    def narrow(self, queryset):
        queryset = queryset.select_related("claim").order_by("pk")
        if "claim" in self.filters:
            queryset = queryset.filter(claim=self.filters["claim"])
        return queryset

    @extend_schema(request=None, responses={(200, content_type): OpenApiTypes.BINARY
                                            for content_type in PROOF_CONTENT_TYPES.values()})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        """The file, as an attachment (the same response as the portal's and the dashboard's downloads)."""
        return proof_response(self.get_object())


class PaymentViewSet(IdempotentWrites, mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantScopedViewSet):
    """Payments of approved claims. Partner users read their own; staff record a payment (default: all of the
    claim that is not paid yet; never more)."""

    model = Payment
    partner_field = "partner"
    serializer_class = PaymentSerializer
    filter_serializer_class = PaymentListFilters

    def narrow(self, queryset):
        queryset = queryset.select_related("partner", "claim").order_by("-paid_on", "-pk")
        for name in ("claim", "partner", "method"):
            if name in self.filters:
                queryset = queryset.filter(**{name: self.filters[name]})
        return queryset

    @writes(PaymentCreateSerializer, PaymentSerializer)
    def create(self, request):
        data = dict(self._body(PaymentCreateSerializer))
        claim = Claim.objects.filter(pk=data.pop("claim")).first()
        if claim is None:
            raise serializers.ValidationError({"claim": [_("No claim of this program has this id.")]})
        amount = data.pop("amount", None)
        return self.idempotent("claim.pay", claim, lambda key: claims.payment_record(
            claim=claim, actor=self.principal.actor, key=key, amount=amount, **data),
            PaymentSerializer, status.HTTP_201_CREATED)


class LedgerViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantScopedViewSet):
    """The ledger's entries, newest first (read only): funding, allocations, approvals, releases, approved
    claims and payments. Partner users see the entries of their own allocations and requests; budgets'
    entries are the vendor's."""

    model = LedgerEntry
    partner_field = "partner"
    serializer_class = LedgerEntrySerializer
    filter_serializer_class = LedgerListFilters

    def narrow(self, queryset):
        queryset = queryset.select_related("account", "operation").order_by("-pk")
        lookups = {"account_kind": "account__kind", "kind": "kind", "budget": "account__budget",
                   "allocation": "account__allocation", "fund_request": "account__fund_request", "partner": "partner"}
        for name, lookup in lookups.items():
            if name in self.filters:
                queryset = queryset.filter(**{lookup: self.filters[name]})
        if "claim" in self.filters:  # a claim's approval and payments name it as their source
            queryset = queryset.filter(source=f"{Claim._meta.label_lower}:{self.filters['claim']}")
        return queryset
