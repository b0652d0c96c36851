"""MDF rows of the matrix's world, made on first use in a test (the world has none): a funded budget
per tenant, a funded allocation and a submitted fund request per partner, and a ledger entry of it."""

import uuid
from dataclasses import dataclass
from decimal import Decimal

from mdf import services
from mdf.models import Allocation, Budget, FundRequest, LedgerEntry
from prm.tenancy.context import tenant_context
from tests.mdf.helpers import activity, request_fields, this_year


def _budget(tenant) -> Budget:
    with tenant_context(tenant):
        return Budget.objects.filter(name="Matrix MDF").first() or services.budget_create(
            tenant=tenant, actor=None, key="matrix-budget", name="Matrix MDF", fiscal_year=this_year(tenant),
            amount=Decimal("10000"))


def _allocation(partner) -> Allocation:
    budget = _budget(partner.tenant)
    with tenant_context(partner.tenant):
        return Allocation.objects.filter(budget=budget, partner=partner).first() or services.allocation_create(
            budget=budget, partner=partner, actor=None, key=f"matrix-allocation-{partner.pk}", amount=Decimal("2000"))


@dataclass(frozen=True)
class BudgetOf:
    attr: str  # the tenant's attribute

    def __call__(self, w):
        return _budget(getattr(w, self.attr))


@dataclass(frozen=True)
class AllocationOf:
    attr: str  # the partner's attribute

    def __call__(self, w):
        return _allocation(getattr(w, self.attr))


@dataclass(frozen=True)
class FundRequestOf:
    """A submitted request of the partner for 1,000 of its 2,000 allocated."""

    attr: str

    def __call__(self, w):
        partner = getattr(w, self.attr)
        _allocation(partner)
        with tenant_context(partner.tenant):
            return FundRequest.objects.filter(partner=partner, title="Matrix event").first() or services.fund_request_create(
                partner=partner, actor=None, key=f"matrix-request-{partner.pk}",
                **request_fields(partner.tenant, title="Matrix event"))


@dataclass(frozen=True)
class EntryOf:
    """The partner's allocation's funding entry."""

    attr: str

    def __call__(self, w):
        allocation = _allocation(getattr(w, self.attr))
        with tenant_context(allocation.tenant):
            return LedgerEntry.objects.filter(account__allocation=allocation).order_by("pk").first()


def request_body(w):
    """What a partner user posts to /api/v1/fund-requests/."""
    with tenant_context(w.acme):
        fields = request_fields(w.acme, title="Matrix API event")
        fields["activity_type"] = activity(w.acme).pk
    return {**fields, "starts_on": str(fields["starts_on"]), "ends_on": str(fields["ends_on"]),
            "total_cost": str(fields["total_cost"]), "requested_amount": str(fields["requested_amount"])}


@dataclass(frozen=True)
class ActivityTypeOf:
    attr: str  # the tenant's attribute

    def __call__(self, w):
        tenant = getattr(w, self.attr)
        with tenant_context(tenant):
            return activity(tenant, "Matrix activity")


def keyed(**fields):
    """Form data of an MDF page: the fields and a fresh idempotency key (one per request)."""
    return lambda w, obj: {"idempotency_key": uuid.uuid4().hex, **fields}


def request_form_data(w, obj=None):
    return {"idempotency_key": uuid.uuid4().hex, **request_body(w), "description": "", "expected_leads": "5",
            "expected_attendees": "20"}


def asked(w, fund_request):
    """The request waiting for the partner's answer."""
    with tenant_context(fund_request.tenant):
        services.fund_request_more_info(request=FundRequest.objects.get(pk=fund_request.pk), actor=None,
                                        key=uuid.uuid4().hex, question="Which city?")
