"""In real Chromium at 390 px: a deal's page, the vendor's and the partner's, never scrolls sideways,
even with a long contact address, a long website, a long unbroken note, and the more-information
question and answer in the timeline. The test names what sticks out when it fails."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dealreg import services
from prm.tenancy.context import tenant_context
from tests.factories import PASSWORD

from .helpers import sign_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
LONG_EMAIL = "alexandra.konstantinopoulou-vandenberghe@northwind-enterprise-solutions.example"
LONG_WEBSITE = "https://www.fabrikam-international-holdings-and-subsidiaries.example/partners/emea/registrations"
LONG_WORD = "PO" + "FABRIKAMEMEA2026" * 5  # no space or hyphen to break at

# The innermost element reaching furthest right beyond the viewport, if any (its tag, classes and text).
WIDEST = """() => {
  const vw = window.innerWidth;
  let widest = null, reach = vw + 0.5;
  for (const el of document.body.querySelectorAll('*')) {
    const rect = el.getBoundingClientRect();
    const right = Math.max(rect.right, rect.left + el.scrollWidth);  // text may spill out of its box
    if (right >= reach) { widest = el; reach = right; }
  }
  if (!widest) return null;
  const name = widest.tagName.toLowerCase() + (widest.className ? '.' + String(widest.className).split(' ').join('.') : '');
  return `${name} "${(widest.textContent || '').trim().slice(0, 60)}" reaches ${Math.round(reach)} px`;
}"""


def assert_no_sideways_scroll(page, what):
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{what} scrolls sideways at {width[1]} px ({width[0]} px wide): {page.evaluate(WIDEST)}"


@pytest.fixture
def long_deal(world):
    """A Northwind deal with long contact data, sent back with a question and answered."""
    with tenant_context(world.acme):
        deal = services.deal_create(
            partner=world.northwind, actor=world.northwind_rep.user,
            customer_name="Fabrikam International Holdings and Subsidiaries", customer_website=LONG_WEBSITE,
            customer_country="DE", contact_name="Alexandra Konstantinopoulou-Vandenberghe", contact_email=LONG_EMAIL,
            value=Decimal("1250000"), currency="EUR", expected_close_date=timezone.localdate() + timedelta(days=45),
            notes=f"Three sites in the first phase. {LONG_WORD}",
        )
        services.deal_submit(deal=deal, actor=world.northwind_rep.user)
        services.deal_request_info(deal=deal, actor=world.acme_manager.user,
                                   question=f"Which sites are in scope? Please quote {LONG_WORD} or see {LONG_WEBSITE}")
        deal.refresh_from_db()
        services.deal_update(deal=deal, actor=world.northwind_rep.user, submit=True,
                             answer=f"Hamburg, Munich and Vienna; contact {LONG_EMAIL}")
        deal.refresh_from_db()
    return deal


@pytest.fixture
def asked_deal(world):
    """A Northwind deal waiting for the answer to a long question."""
    with tenant_context(world.acme):
        deal = services.deal_create(
            partner=world.northwind, actor=world.northwind_rep.user, customer_name="Tailspin Toys",
            customer_website=LONG_WEBSITE.replace("fabrikam", "tailspin"), contact_name="Sam Taylor",
            contact_email=LONG_EMAIL.replace("northwind", "tailspin"), value=Decimal("30000"), currency="USD",
            expected_close_date=timezone.localdate() + timedelta(days=30),
        )
        services.deal_submit(deal=deal, actor=world.northwind_rep.user)
        return services.deal_request_info(deal=deal, actor=world.acme_manager.user,
                                          question=f"Please quote {LONG_WORD} and confirm {LONG_WEBSITE}")


def test_a_deals_pages_do_not_scroll_sideways_on_a_phone(world, site, new_page, long_deal, asked_deal):
    manager = new_page()
    manager.set_viewport_size(PHONE)
    sign_in(manager, site.url(world.acme, "/accounts/login/"), "manager@acme.example", PASSWORD)
    expect(manager).to_have_url(site.url(world.acme, "/manage/"))
    manager.goto(site.url(world.acme, f"/manage/deals/{long_deal.pk}/"))
    expect(manager.get_by_role("heading", level=1)).to_contain_text(long_deal.reference)
    expect(manager.locator("dl.props")).to_contain_text(LONG_EMAIL)
    expect(manager.locator("ol.timeline")).to_contain_text("Answer from Northwind Traders")
    assert_no_sideways_scroll(manager, "the dashboard's deal page")

    rep = new_page()
    rep.set_viewport_size(PHONE)
    sign_in(rep, site.url(world.acme, "/accounts/login/"), "rep@northwind.example", PASSWORD)
    expect(rep).to_have_url(site.url(world.acme, "/portal/"))
    rep.goto(site.url(world.acme, f"/portal/deals/{long_deal.pk}/"))
    expect(rep.locator("dl.props")).to_contain_text(LONG_EMAIL)
    assert_no_sideways_scroll(rep, "the portal's deal page")
    rep.goto(site.url(world.acme, f"/portal/deals/{asked_deal.pk}/"))
    expect(rep.locator(".message--warning")).to_contain_text(LONG_WORD)
    assert_no_sideways_scroll(rep, "the portal's page of a deal waiting for an answer")
    rep.get_by_role("link", name="Answer the question").click()
    expect(rep.get_by_label("Your answer")).to_be_visible()
    assert_no_sideways_scroll(rep, "the answer form")
