"""In real Chromium: Acme's tenant admin writes an agreement (a script in its Markdown), previews and
publishes it; a partner that joined afterwards is held at the agreement on a phone, its admin signs
by typing their name, the portal opens, and the signed copy downloads as a PDF."""

import pytest
from playwright.sync_api import expect

from partners.agreements.models import Signature
from prm.tenancy.models import Role
from tests.factories import PASSWORD, MembershipFactory, PartnerFactory, UserFactory

from .helpers import sign_in

pytestmark = pytest.mark.browser

BODY = ("# Acme partner terms\n\nAcme and {{ partner_name }} agree, on {{ date }}:\n\n1. Sell well.\n\n"
        "<script>document.title='pwned'</script>")
LONG_NAME = "Fabrikam Netzwerksicherheitsdienstleistungsgesellschaft GmbH"


def _no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def test_admin_publishes_partner_signs_and_downloads_the_pdf(world, site, new_page):
    admin = new_page()
    sign_in(admin, site.url(world.acme, "/accounts/login/"), "admin@acme.example", PASSWORD)
    expect(admin).to_have_url(site.url(world.acme, "/manage/"))
    admin.goto(site.url(world.acme, "/manage/agreements/new/"))
    admin.get_by_label("Title").fill("Acme partner terms")
    admin.get_by_label("Text (Markdown)").fill(BODY)
    admin.get_by_role("button", name="Create draft").click()
    expect(admin.get_by_role("status")).to_contain_text("Agreement created with a first draft")
    admin.get_by_role("link", name="Version 1").click()
    expect(admin.locator("article.agreement-text h1")).to_have_text("Acme partner terms")
    assert admin.title() != "pwned"
    admin.get_by_role("button", name="Publish this version").click()
    expect(admin.get_by_role("status")).to_contain_text("Version 1 is published")

    late = PartnerFactory(tenant=world.acme, name=LONG_NAME)
    MembershipFactory(tenant=world.acme, user=UserFactory(email="fran@fabrikam.example", full_name="Fran Kam"),
                      role=Role.PARTNER_ADMIN, partner=late)
    partner = new_page()
    partner.set_viewport_size({"width": 390, "height": 844})
    sign_in(partner, site.url(world.acme, "/accounts/login/"), "fran@fabrikam.example", PASSWORD)
    expect(partner).to_have_url(site.url(world.acme, "/portal/agreement/"))  # held at the agreement
    expect(partner.locator("#agreement-text")).to_contain_text(f"Acme and {LONG_NAME} agree")
    assert partner.title() != "pwned"
    _no_sideways_scroll(partner)
    partner.get_by_label("Your full name").fill("Fran Kam")
    partner.get_by_role("button", name="Sign the agreement").click()
    expect(partner.get_by_role("status")).to_contain_text("the agreement is signed")
    _no_sideways_scroll(partner)
    with partner.expect_download() as download:
        partner.get_by_role("link", name="Download the signed copy (PDF)").click()
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    partner.goto(site.url(world.acme, "/portal/"))
    expect(partner).to_have_url(site.url(world.acme, "/portal/"))
    signature = Signature.unscoped.get(partner=late)
    assert signature.typed_name == "Fran Kam" and signature.ip_address == "127.0.0.1"
    assert "Chrome" in signature.user_agent or "Chromium" in signature.user_agent
