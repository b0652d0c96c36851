"""In real Chromium: Acme's admin sets up the onboarding checklist; Northwind, still onboarding, sees it on
its portal home on a phone, follows the profile step's link and completes its profile; its channel manager
ticks the manual step on the partner page; Northwind is active and its home no longer shows the checklist."""

import pytest
from playwright.sync_api import expect

from partners.models import Partner, PartnerStatus
from tests.factories import PASSWORD

from .helpers import sign_in

pytestmark = pytest.mark.browser


def test_a_partner_finishes_its_checklist_and_lands_in_an_active_portal(world, site, new_page):
    Partner.unscoped.filter(pk=world.northwind.pk).update(status=PartnerStatus.ONBOARDING)
    admin = new_page()
    sign_in(admin, site.url(world.acme, "/accounts/login/"), "admin@acme.example", PASSWORD)
    expect(admin).to_have_url(site.url(world.acme, "/manage/"))
    admin.goto(site.url(world.acme, "/manage/partners/"))
    admin.get_by_role("link", name="Onboarding checklist").click()
    admin.get_by_label("Kind").select_option(label="Complete your company profile")
    admin.get_by_role("button", name="Add step").click()
    expect(admin.get_by_role("status")).to_contain_text("Step added")
    admin.get_by_label("Kind").select_option(label="A step your channel manager ticks")
    admin.get_by_role("button", name="Add step").click()
    expect(admin.locator("#id_title_error")).to_be_visible()  # a manual step needs its name, said next to the field
    admin.get_by_label("Kind").select_option(label="A step your channel manager ticks")
    admin.get_by_label("Title").fill("Kick-off call")
    admin.get_by_role("button", name="Add step").click()
    expect(admin.locator("ol.checklist > li")).to_have_count(2)

    partner = new_page()
    partner.set_viewport_size({"width": 390, "height": 844})
    sign_in(partner, site.url(world.acme, "/accounts/login/"), "admin@northwind.example", PASSWORD)
    expect(partner).to_have_url(site.url(world.acme, "/portal/"))
    card = partner.locator("#checklist")
    expect(card).to_contain_text("0 of 2 steps done")
    assert partner.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    card.get_by_role("link", name="Complete your company profile").click()
    expect(partner).to_have_url(site.url(world.acme, "/portal/profile/"))
    for label, value in (("Street", "Hafenstraße 1"), ("Postcode", "20457"), ("City", "Hamburg"),
                         ("Description", "Networks for ports."), ("Specialisations", "firewalls, Wi-Fi")):
        partner.get_by_label(label, exact=True).fill(value)
    partner.get_by_role("button", name="Save changes").click()
    partner.goto(site.url(world.acme, "/portal/"))
    expect(partner.locator("#checklist")).to_contain_text("1 of 2 steps done")

    admin.goto(site.url(world.acme, f"/manage/partners/{world.northwind.pk}/"))
    admin.locator('[data-section="checklist"]').get_by_role("link", name="Tick steps and activate").click()
    admin.get_by_role("button", name="Tick as done").click()
    expect(admin.get_by_role("status")).to_contain_text("Northwind Traders is now active")

    partner.goto(site.url(world.acme, "/portal/"))
    expect(partner.locator("#checklist")).to_have_count(0)
    expect(partner.locator(".props")).to_contain_text("Active")
    assert Partner.unscoped.get(pk=world.northwind.pk).status == PartnerStatus.ACTIVE
