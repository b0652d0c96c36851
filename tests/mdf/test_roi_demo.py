"""The demo's ROI figures: Northwind's summit and Contoso's cloud day were named on some demo deals."""

from decimal import ROUND_HALF_UP, Decimal

import pytest

from mdf.models import ActivityDeal
from mdf.roi import activity_roi
from prm.tenancy.context import tenant_context
from prm.tenancy.models import Tenant
from tests.demo.conftest import demo  # noqa: F401 — the module's loaded demo

pytestmark = pytest.mark.django_db


def test_the_demo_links_deals_to_two_activities_and_the_page_has_figures(demo):  # noqa: F811
    acme = Tenant.objects.get(slug="acme")
    with tenant_context(acme):
        links = {(link.fund_request.title, link.deal.status) for link in ActivityDeal.objects.select_related("fund_request", "deal")}
        assert links == {("Northwind partner summit", "won"), ("Northwind partner summit", "approved"),
                         ("Contoso cloud day", "approved"), ("Contoso cloud day", "lost")}
        rows = {row.request.title: row for row in activity_roi(acme).activities}
    summit = rows["Northwind partner summit"]
    assert (summit.registered, summit.won, summit.spent) == (2, 1, Decimal("1800.00"))
    assert summit.won_value > 0 and summit.won_per_unit == (summit.won_value / summit.spent).quantize(Decimal("0.01"), ROUND_HALF_UP)
    assert (rows["Contoso cloud day"].registered, rows["Contoso cloud day"].won) == (2, 0)
