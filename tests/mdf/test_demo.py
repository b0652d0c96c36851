"""The demo's funds: Acme's budget of the year split into two regions, allocations to Northwind and
Contoso, approved requests and a submitted one, claims in every state the pages show (paid, waiting,
approved for less) and an overdue request; every balance the sum of its entries."""

from decimal import Decimal

import pytest
from django.utils import timezone

from mdf.models import Account, Budget, Claim, FundRequest, Payment
from mdf.selectors import mdf_settings_for, overdue_requests
from prm.tenancy.context import tenant_context
from prm.tenancy.models import Tenant
from tests.demo.conftest import demo  # noqa: F401 — the module's loaded demo

from .helpers import assert_balances_are_sums

pytestmark = pytest.mark.django_db


def test_acme_has_a_budget_with_two_regions_allocations_and_requests(demo):  # noqa: F811
    with tenant_context(Tenant.objects.get(slug="acme")):
        top = Budget.objects.get(parent__isnull=True)
        assert sorted(top.children.values_list("name", flat=True)) == ["Americas", "EMEA"]
        assert top.account.funded == Decimal("100000.00") and top.account.available == Decimal("25000.00")
        allocations = {a.allocation.partner.name: a for a in Account.objects.filter(kind="allocation")}
        assert set(allocations) == {"Northwind Traders", "Contoso Integration"}
        # The roadshow's 4,000, the summit's 3,000 less its approved claim of 1,800, the trade fair's 1,000.
        assert allocations["Northwind Traders"].encumbered == Decimal("6200.00")
        assert allocations["Northwind Traders"].paid == Decimal("1800.00")
        assert allocations["Contoso Integration"].claimed == Decimal("1400.00")
        assert sorted(FundRequest.objects.values_list("status", flat=True)) == ["approved"] * 4 + ["submitted"]
        assert sorted(Claim.objects.values_list("status", flat=True)) == ["approved", "paid", "submitted"]
        assert Payment.objects.get().reference == "ACME-PAY-1001"
        assert all(claim.proofs.count() == 2 for claim in Claim.objects.all())
        tenant = Tenant.objects.get(slug="acme")
        overdue = overdue_requests(mdf_settings_for(tenant), timezone.localdate())
        assert [r.title for r in overdue] == ["Northwind trade fair booth"]
        assert_balances_are_sums()
