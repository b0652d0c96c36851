"""In real Chromium: the figures on the partner's home page.

Northwind has six deals. Each deal tile on the portal home opens the deal list filtered to what it
counts, and the list shows exactly as many rows as the tile says; a tile at 0 opens a list that says
no deal matches its filters (not "no deals yet") and offers to clear them.
"""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dealreg import services
from dealreg.models import DealStatus
from prm.tenancy.context import tenant_context
from tests.factories import PASSWORD

from .helpers import sign_in

pytestmark = pytest.mark.browser

CUSTOMERS = ("Tailspin Toys", "Litware", "Woodgrove Bank", "Coho Winery", "Lucerne Publishing", "Trey Research")


def _register(world, customer, status):
    """A Northwind deal in `status`, made through the services."""
    rep, manager = world.northwind_rep.user, world.acme_manager.user
    slug = customer.lower().replace(" ", "")
    deal = services.deal_create(
        partner=world.northwind, actor=rep, customer_name=customer, customer_website=f"{slug}.example",
        contact_name="Jane Buyer", contact_email=f"jane@{slug}.example", value=Decimal("30000"), currency="USD",
        expected_close_date=timezone.localdate() + timedelta(days=60),
    )
    if status == DealStatus.DRAFT:
        return deal
    deal = services.deal_submit(deal=deal, actor=rep)
    if status == DealStatus.MORE_INFO:
        return services.deal_request_info(deal=deal, actor=manager, question="Which products?")
    if status == DealStatus.APPROVED:
        return services.deal_approve(deal=deal, actor=manager)
    return deal


@pytest.fixture
def six_deals(world):
    statuses = (DealStatus.DRAFT, DealStatus.SUBMITTED, DealStatus.SUBMITTED, DealStatus.MORE_INFO,
                DealStatus.APPROVED, DealStatus.APPROVED)
    with tenant_context(world.acme):
        return [_register(world, customer, status) for customer, status in zip(CUSTOMERS, statuses, strict=True)]


def _deal_tiles(page):
    """{label: (number, the tile's link)} of the tiles that open the deal list."""
    tiles = page.locator("a.stat[href^='/portal/deals/']")
    expect(tiles).to_have_count(4)
    return {tile.locator(".stat__label").inner_text(): (int(tile.locator(".stat__value").inner_text()), tile)
            for tile in tiles.all()}


def test_every_deal_tile_opens_a_list_with_as_many_rows_as_it_says(world, site, new_page, six_deals):
    rep = new_page()
    sign_in(rep, site.url(world.acme, "/accounts/login/"), "rep@northwind.example", PASSWORD)
    expect(rep).to_have_url(site.url(world.acme, "/portal/"))
    numbers = {label: number for label, (number, _) in _deal_tiles(rep).items()}
    assert numbers == {"deals waiting for review": 2, "deal needing your answer": 1, "protected deals": 2,
                       "protections ending within 14 days": 0}

    for label, number in numbers.items():
        rep.goto(site.url(world.acme, "/portal/"))
        _deal_tiles(rep)[label][1].click()
        expect(rep).to_have_url(re.compile(re.escape(site.url(world.acme, "/portal/deals/?"))))
        expect(rep.locator("main tbody tr")).to_have_count(number)
        expect(rep.locator("main p[aria-live]")).to_contain_text(f"{number} deal")
        if number:
            continue
        # Nothing matches: the page says so, and the way back to every deal is right there.
        expect(rep.locator("main")).to_contain_text("No deals match these filters.")
        expect(rep.locator("main")).not_to_contain_text("No deals yet")
        expect(rep.get_by_label("Protection")).to_have_value("ending")
        rep.get_by_role("link", name="Clear the filters").click()
        expect(rep).to_have_url(site.url(world.acme, "/portal/deals/"))
        expect(rep.locator("main tbody tr")).to_have_count(6)
