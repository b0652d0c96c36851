"""In real Chromium: deal registration from the partner's form to the vendor's decision.

Contoso holds an approved registration for Fabrikam, Inc. (fabrikam.example). A Northwind rep
starts registering Fabrikam, and the live check on the form says it is already registered, with
the date its protection ends, without naming Contoso. His opportunity is really Fabrikam Fiber,
a sister company with its own domain: the check then says "possible match", he submits, and the
Acme channel manager sees Contoso's deal beside it in the review queue, judges it a different
customer and approves it (first approved wins stays on: a possible match does not block). The
rep's page then shows the deal approved and protected, and only Northwind's people get the email.
When Northwind registers Fabrikam, Inc. itself anyway, the queue and the deal page say it cannot be
approved and why (Approve is disabled, with the reason), and the manager rejects it.
"""

import re
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone
from django.utils.formats import date_format
from playwright.sync_api import expect

from dealreg import services
from dealreg.models import Deal, DealStatus
from dealreg.rules import rules_for
from prm.i18n.formatting import when
from prm.outbox.models import OutboundEmail
from prm.tenancy.context import tenant_context
from tests.factories import PASSWORD

from .helpers import sign_in, wait_for

pytestmark = pytest.mark.browser

APPROVED_KIND = "dealreg/email/approved"
NORTHWIND_PEOPLE = ["admin@northwind.example", "rep@northwind.example"]
# The website field's help text gives "contoso.com" as an example domain: fixed text, not data.
WEBSITE_HELP_EXAMPLE = "e.g. contoso.com"


def day(moment):
    """A date as the pages print it: the language's date format, in the program's time zone."""
    return date_format(timezone.localtime(moment), "DATE_FORMAT")


def minute(moment):
    """A time as the pages print it: the language's format in the program's zone, with the zone's abbreviation."""
    return when(moment)


def contoso_holds_fabrikam(world):
    """Acme's product lines, and Contoso's approved registration of Fabrikam, made through the services."""
    with tenant_context(world.acme):
        products = {name: services.product_line_create(tenant=world.acme, actor=world.acme_manager.user, name=name)
                    for name in ("Firewalls", "SD-WAN", "Wi-Fi")}
        assert rules_for(world.acme).first_approved_wins  # the default, and what this journey relies on
        deal = services.deal_create(
            partner=world.contoso, actor=world.contoso_rep.user, products=[products["Firewalls"]],
            customer_name="Fabrikam, Inc.", customer_website="https://www.fabrikam.example", customer_country="US",
            contact_name="Jordan Lee", contact_email="jordan.lee@fabrikam.example",
            value=Decimal("120000"), currency="USD", expected_close_date=timezone.localdate() + timedelta(days=45),
        )
        services.deal_submit(deal=deal, actor=world.contoso_rep.user)
        deal = services.deal_approve(deal=deal, actor=world.acme_manager.user)
    assert deal.status == DealStatus.APPROVED
    return SimpleNamespace(deal=deal, products=products)


def northwind_registers(world, products, **fields):
    """A submitted Northwind deal, made through the services (for the short journeys)."""
    values = dict(customer_website="", contact_name="Dana Whitfield", contact_email="dana@fabrikam.example",
                  value=Decimal("48000"), currency="USD", expected_close_date=timezone.localdate() + timedelta(days=60))
    values.update(fields)
    with tenant_context(world.acme):
        deal = services.deal_create(partner=world.northwind, actor=world.northwind_rep.user, products=products,
                                    **values)
        return services.deal_submit(deal=deal, actor=world.northwind_rep.user)


def assert_holder_not_named(page):
    """Nothing on the partner's page says who holds the customer: not Contoso, not its people."""
    html = page.content().replace(WEBSITE_HELP_EXAMPLE, "").lower()
    assert "contoso" not in html, "the page names the partner that holds the customer"


def test_rep_sees_the_conflict_warning_registers_a_deal_and_the_manager_approves_it(world, site, new_page, mailoutbox,
                                                                                      settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    held = contoso_holds_fabrikam(world)
    contoso_deal = held.deal
    close_date = timezone.localdate() + timedelta(days=60)

    # The Northwind rep signs in on Acme's host: Deals → Register a deal.
    rep = new_page()
    sign_in(rep, site.url(world.acme, "/accounts/login/"), "rep@northwind.example", PASSWORD)
    expect(rep).to_have_url(site.url(world.acme, "/portal/"))
    rep.get_by_role("navigation", name="Main").get_by_role("link", name="Deals", exact=True).click()
    expect(rep).to_have_url(site.url(world.acme, "/portal/deals/"))
    rep.get_by_role("link", name="Register a deal").click()
    expect(rep).to_have_url(site.url(world.acme, "/portal/deals/new/"))
    expect(rep.get_by_role("heading", level=1)).to_have_text("Register a deal")
    verdict = rep.locator("#conflict-verdict")
    expect(verdict).to_contain_text("Enter the customer's name and website")

    # He types Fabrikam: the live check says it is taken, and until when; it does not say by whom.
    customer = rep.get_by_label("Customer company")
    website = rep.get_by_label("Customer website or domain")
    customer.press_sequentially("Fabrikam, Inc.")
    website.fill("https://www.fabrikam.example")
    website.press("Tab")
    expect(verdict).to_contain_text(f"Already registered: protected until {day(contoso_deal.protected_until)}.")
    expect(verdict.locator(".verdict")).to_have_class(re.compile(r"\bverdict--protected\b"))
    assert_holder_not_named(rep)

    # His opportunity is Fabrikam Fiber, the sister company: only a possible match, for the vendor to review.
    customer.fill("Fabrikam Fiber")
    website.fill("https://www.fabrikamfiber.example")
    website.press("Tab")
    expect(verdict).to_have_text("Possible match with an existing registration: the vendor will review it.")
    assert_holder_not_named(rep)

    rep.get_by_label("Customer country").select_option(label="Germany")
    rep.get_by_label("Customer contact name").fill("Dana Whitfield")
    rep.get_by_label("Customer contact email").fill("dana.whitfield@fabrikamfiber.example")
    rep.get_by_label("Firewalls").check()
    rep.get_by_label("SD-WAN").check()
    rep.get_by_label("Estimated value").fill("48000")
    rep.get_by_label("Currency").select_option("EUR")
    rep.get_by_label("Expected close date").fill(close_date.isoformat())
    rep.get_by_label("Notes").fill("Fibre backbone for three plants; not Fabrikam, Inc.'s account.")
    expect(verdict).to_have_text("Possible match with an existing registration: the vendor will review it.")
    assert_holder_not_named(rep)
    rep.get_by_role("button", name="Submit for approval").click()

    # The deal page: submitted, with the date the vendor must decide by.
    expect(rep).to_have_url(re.compile(re.escape(site.url(world.acme, "/portal/deals/")) + r"\d+/$"))
    deal_url = rep.url
    with tenant_context(world.acme):
        deal = Deal.objects.get(pk=int(deal_url.rstrip("/").rsplit("/", 1)[1]))
        assert (deal.partner, deal.status, deal.registered_by) == (
            world.northwind, DealStatus.SUBMITTED, world.northwind_rep.user)
        assert (deal.customer_name, deal.customer_domain, deal.customer_country.code, deal.contact_email) == (
            "Fabrikam Fiber", "fabrikamfiber.example", "DE", "dana.whitfield@fabrikamfiber.example")
        assert (deal.value, deal.currency, deal.expected_close_date) == (Decimal("48000"), "EUR", close_date)
        assert sorted(p.name for p in deal.products.all()) == ["Firewalls", "SD-WAN"]
    ref = deal.reference
    expect(rep.get_by_role("status")).to_have_text(
        f"{ref} is submitted. Acme Networks will decide by {minute(deal.sla_due_at)}.")
    assert minute(deal.sla_due_at).endswith(" UTC")  # the program's zone, named
    heading = rep.get_by_role("heading", level=1)
    expect(heading).to_contain_text(f"{ref} · Fabrikam Fiber")
    expect(heading.locator(".status")).to_have_text("Submitted")
    facts = rep.locator("dl.props")
    expect(facts.locator("dt")).to_contain_text(["Customer", "Decision due"])
    expect(facts.locator("dt:has-text('Decision due') + dd")).to_contain_text(minute(deal.sla_due_at))
    expect(facts.locator("dt:has-text('Protected until')")).to_have_count(0)
    assert_holder_not_named(rep)

    # The Acme channel manager, in their own browser: Deals opens the review queue.
    manager = new_page()
    sign_in(manager, site.url(world.acme, "/accounts/login/"), "manager@acme.example", PASSWORD)
    expect(manager).to_have_url(site.url(world.acme, "/manage/"))
    manager.get_by_role("navigation", name="Main").get_by_role("link", name="Deals", exact=True).click()
    expect(manager).to_have_url(site.url(world.acme, "/manage/deals/queue/"))
    expect(manager.get_by_role("heading", level=1)).to_have_text("Review queue (1 waiting)")
    row = manager.locator("table.queue tbody tr", has_text=ref)
    expect(row).to_contain_text("Northwind Traders · €48,000 · fabrikamfiber.example")
    # Beside it, Contoso's deal and why it may be the same customer: a possible match, not a strong one.
    conflict = row.locator("li.conflict")
    expect(conflict).to_have_count(1)
    expect(conflict).to_contain_text(f"{contoso_deal.reference} · Fabrikam, Inc. · Contoso Integration")
    expect(conflict).to_contain_text(f"Approved until {day(contoso_deal.protected_until)}")
    expect(conflict).not_to_have_class(re.compile(r"conflict--strong"))
    expect(conflict.locator(".reasons li")).to_have_text(["similar name (score 0.64)", "products: Firewalls"])
    expect(row.get_by_role("checkbox")).to_have_count(0)  # a deal with conflicts is not bulk-approved

    # The deal: the same conflict, then Approve.
    row.get_by_role("link", name=f"{ref} · Fabrikam Fiber").click()
    expect(manager).to_have_url(site.url(world.acme, f"/manage/deals/{deal.pk}/"))
    conflicts_card = manager.locator("section.card", has=manager.get_by_role("heading", name="Conflicts"))
    expect(conflicts_card.locator("li.conflict")).to_have_count(1)
    expect(conflicts_card.locator("li.conflict")).to_contain_text(
        f"{contoso_deal.reference} · Fabrikam, Inc. · Contoso Integration")
    expect(conflicts_card.locator(".reasons li")).to_have_text(["similar name (score 0.64)", "products: Firewalls"])
    manager.get_by_role("button", name="Approve").click()
    expect(manager.get_by_role("status")).to_have_text(f"{ref} is approved and protected.")
    expect(manager.get_by_role("heading", level=1).locator(".status")).to_have_text("Approved")
    expect(manager.get_by_role("button", name="Approve")).to_have_count(0)
    deal.refresh_from_db()
    assert deal.status == DealStatus.APPROVED
    assert deal.decided_by == world.acme_manager.user
    expect(manager.locator("dt:has-text('Protected until') + dd")).to_have_text(day(deal.protected_until))

    # Back at the rep's deal page: approved and protected, with nothing left to wait for.
    rep.reload()
    expect(rep.get_by_role("heading", level=1).locator(".status")).to_have_text("Approved")
    expect(facts.locator("dt:has-text('Protected until') + dd")).to_have_text(day(deal.protected_until))
    expect(facts.locator("dt:has-text('Decision due')")).to_have_count(0)
    expect(rep.get_by_role("button", name="Extend protection by 30 days")).to_be_visible()
    expect(rep.get_by_role("button", name="Withdraw")).to_have_count(0)
    assert_holder_not_named(rep)
    # ...and his Deals list says so too.
    rep.get_by_role("navigation", name="Main").get_by_role("link", name="Deals", exact=True).click()
    expect(rep).to_have_url(site.url(world.acme, "/portal/deals/"))
    listed = rep.locator("tbody tr", has=rep.get_by_role("link", name=ref))
    expect(listed).to_have_count(1)
    expect(listed.locator(".status")).to_have_text("Approved")
    expect(listed).to_contain_text(re.compile(r"protected \d+ more days"))
    expect(rep.locator("tbody tr")).to_have_count(1)  # Contoso's deal is not in Northwind's list
    assert_holder_not_named(rep)

    # The "approved" email went to Northwind's two people, one message each, linking to the rep's page.
    def approval_emails():
        found = [m for m in mailoutbox if m.subject.startswith(f"Approved: {ref} ")]
        return found if len(found) >= len(NORTHWIND_PEOPLE) else None

    approved = wait_for(approval_emails, message="the approval emails")
    assert sorted(address for m in approved for address in m.to) == NORTHWIND_PEOPLE
    for message in approved:
        assert len(message.to) == 1
        assert message.subject == f"Approved: {ref} Fabrikam Fiber is protected until {day(deal.protected_until)}"
        assert deal_url in message.body
    outbound = OutboundEmail.objects.filter(kind=APPROVED_KIND, subject__startswith=f"Approved: {ref} ")
    assert sorted(address for email in outbound for address in email.to) == NORTHWIND_PEOPLE
    assert {email.status for email in outbound} == {"sent"}
    # Every approval email so far: Contoso's rep for Contoso's deal (the setup), Northwind's people for this one.
    every_approval = OutboundEmail.objects.filter(kind=APPROVED_KIND)
    assert sorted(address for email in every_approval for address in email.to) == sorted(
        [*NORTHWIND_PEOPLE, "rep@contoso.example"])


def test_first_approved_wins_refuses_a_second_registration_of_the_same_customer(world, site, new_page):
    held = contoso_holds_fabrikam(world)
    contoso_deal = held.deal
    # Northwind registered Fabrikam itself anyway, despite the warning.
    deal = northwind_registers(world, [held.products["Firewalls"]], customer_name="Fabrikam Inc",
                               customer_website="fabrikam.example")

    manager = new_page()
    sign_in(manager, site.url(world.acme, "/accounts/login/"), "manager@acme.example", PASSWORD)
    expect(manager).to_have_url(site.url(world.acme, "/manage/"))
    manager.goto(site.url(world.acme, "/manage/deals/queue/"))
    row = manager.locator("table.queue tbody tr", has_text=deal.reference)
    conflict = row.locator("li.conflict")
    expect(conflict).to_have_count(1)
    expect(conflict).to_have_class(re.compile(r"\bconflict--strong\b"))
    expect(conflict).to_contain_text(f"{contoso_deal.reference} · Fabrikam, Inc. · Contoso Integration")
    expect(conflict.locator(".reasons li")).to_have_text(
        ["same domain fabrikam.example", "similar name (score 1.00)", "products: Firewalls"])

    # The queue says why it cannot be approved, and offers no box to approve it in bulk.
    refusal = (f"Contoso Integration already holds this customer ({contoso_deal.reference}, protected until "
               f"{day(contoso_deal.protected_until)}). First approved wins: reject this deal or wait until that "
               "protection ends.")
    expect(row.locator(".verdict--protected")).to_have_text(f"Cannot be approved: {refusal}")
    expect(row.get_by_role("checkbox")).to_have_count(0)

    # The deal page: Approve is there but disabled, with the same reason beside it; Reject is the way on.
    row.get_by_role("link", name=re.compile(re.escape(deal.reference))).click()
    expect(manager).to_have_url(site.url(world.acme, f"/manage/deals/{deal.pk}/"))
    approve = manager.get_by_role("button", name="Approve")
    expect(approve).to_be_disabled()
    expect(approve).to_have_accessible_description(refusal)
    expect(manager.locator("#approval-refusal")).to_be_visible()
    expect(manager.get_by_role("heading", level=1).locator(".status")).to_have_text("Submitted")
    manager.get_by_label("Reason the partner will see").fill("Another partner already registered this customer.")
    manager.get_by_role("button", name="Reject").click()
    expect(manager.get_by_role("status")).to_have_text(f"{deal.reference} is rejected; the partner sees your reason.")
    expect(manager.get_by_role("heading", level=1).locator(".status")).to_have_text("Rejected")
    deal.refresh_from_db()
    assert (deal.status, deal.protected_until) == (DealStatus.REJECTED, None)


def test_other_partners_and_other_tenants_do_not_see_the_deal(world, site, new_page):
    held = contoso_holds_fabrikam(world)
    deal = northwind_registers(world, [held.products["SD-WAN"]], customer_name="Fabrikam Fiber",
                               customer_website="fabrikamfiber.example", contact_email="dana@fabrikamfiber.example")

    # Contoso's rep: Northwind's deal by id is the plain 404 page, the same as an id that does not exist.
    contoso = new_page()
    sign_in(contoso, site.url(world.acme, "/accounts/login/"), "rep@contoso.example", PASSWORD)
    expect(contoso).to_have_url(site.url(world.acme, "/portal/"))
    response = contoso.goto(site.url(world.acme, f"/portal/deals/{deal.pk}/"))
    assert response.status == 404
    expect(contoso.get_by_role("heading", level=1)).to_have_text("Not found")
    not_yours = contoso.locator("main").inner_text()
    assert "Fabrikam Fiber" not in contoso.content()
    response = contoso.goto(site.url(world.acme, "/portal/deals/987654321/"))
    assert response.status == 404
    assert contoso.locator("main").inner_text() == not_yours
    assert contoso.goto(site.url(world.acme, f"/portal/deals/{deal.pk}/edit/")).status == 404
    # Its own list has its own deal only.
    contoso.goto(site.url(world.acme, "/portal/deals/"))
    expect(contoso.locator("tbody tr")).to_have_count(1)
    expect(contoso.locator("tbody")).to_contain_text(held.deal.reference)
    expect(contoso.locator("main")).not_to_contain_text("Fabrikam Fiber")

    # Globex's manager: an empty queue, an empty deal list, and the deal's id is a 404 on Globex's host.
    globex = new_page()
    sign_in(globex, site.url(world.globex, "/accounts/login/"), "manager@globex.example", PASSWORD)
    expect(globex).to_have_url(site.url(world.globex, "/manage/"))
    globex.get_by_role("navigation", name="Main").get_by_role("link", name="Deals", exact=True).click()
    expect(globex).to_have_url(site.url(world.globex, "/manage/deals/queue/"))
    expect(globex.get_by_role("heading", level=1)).to_have_text("Review queue (0 waiting)")
    expect(globex.locator("main")).to_contain_text("Nothing is waiting for a decision.")
    expect(globex.locator("main")).not_to_contain_text("Fabrikam")
    globex.goto(site.url(world.globex, "/manage/deals/"))
    expect(globex.locator("main")).to_contain_text("0 deals")
    response = globex.goto(site.url(world.globex, f"/manage/deals/{deal.pk}/"))
    assert response.status == 404
    assert "Fabrikam" not in globex.content()
