"""The demo's funds: Acme's budget of the year split into two regions, allocations to Northwind and
Contoso, an approved request and a submitted one; every balance the sum of its entries."""

from decimal import Decimal

import pytest

from mdf.models import Account, Budget, FundRequest
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
        assert allocations["Northwind Traders"].encumbered == Decimal("4000.00")
        assert sorted(FundRequest.objects.values_list("status", flat=True)) == ["approved", "submitted"]
        assert_balances_are_sums()
