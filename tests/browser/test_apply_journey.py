"""In real Chromium: a company applies at acme.localhost/apply/ on a phone, confirms its email
address from the emailed link, the Acme channel manager approves it in the review queue, and the
applicant receives the invitation, joins, is held at the partner agreement until they sign it,
completes the company profile the checklist asks for, lands in an active portal that names their
channel manager, and downloads the signed PDF."""

import re

import pytest
from playwright.sync_api import expect

from partners.agreements.services import template_create, version_publish
from partners.checklist.services import step_create
from partners.models import Partner, PartnerStatus
from prm.tenancy.context import tenant_context
from tests.factories import PASSWORD

from .helpers import invitation_link, sign_in, wait_for

pytestmark = pytest.mark.browser

APPLICANT = "fran@fabrikam.example"
# A German compound with no place to break: the pages must wrap it rather than scroll sideways.
COMPANY = "Fabrikam Netzwerksicherheitsdienstleistungsgesellschaft GmbH"
LINK = re.compile(r"https?://[^\s\"'<>]+/apply/a/[^\s\"'<>]+/")


def _no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def _acme_asks_for_an_agreement_and_a_profile(world):
    admin = world.acme_admin.user
    with tenant_context(world.acme):
        template = template_create(tenant=world.acme, actor=admin, title="Acme partner terms", partner_types=[],
                                   countries=[], body="# Acme partner terms\n\nAcme and {{ partner_name }} agree.")
        version_publish(version=template.versions.get(), actor=admin)
        for kind in ("agreement", "profile"):
            step_create(tenant=world.acme, actor=admin, kind=kind)


def test_a_company_applies_confirms_is_approved_joins_signs_and_onboards(world, site, new_page, mailoutbox, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    _acme_asks_for_an_agreement_and_a_profile(world)

    applicant = new_page()
    applicant.set_viewport_size({"width": 390, "height": 844})
    applicant.goto(site.url(world.acme, "/apply/"))
    expect(applicant.get_by_role("heading", level=1)).to_have_text("Apply to the Acme Networks partner program")
    _no_sideways_scroll(applicant)
    applicant.get_by_label("Company name").fill(COMPANY)
    applicant.get_by_label("Website").fill("fabrikam.example")
    applicant.get_by_label("Country").select_option("DE")
    applicant.get_by_label("Business type").select_option("integrator")
    applicant.get_by_label("Your name").fill("Fran Kam")
    applicant.get_by_label("Your work email").fill(APPLICANT)
    applicant.get_by_role("button", name="Send application").click()
    expect(applicant.get_by_role("heading", level=1)).to_have_text("Thank you for applying")

    # The confirmation link arrives; it opens on Acme's host and confirms the address.
    message = wait_for(lambda: [m for m in mailoutbox if APPLICANT in m.to], message="the confirmation email")[-1]
    link = LINK.search(message.body).group(0)
    assert link.startswith(site.url(world.acme, "/apply/a/"))
    applicant.goto(link)
    applicant.get_by_role("button", name="Confirm my email address").click()
    expect(applicant.locator("main")).to_contain_text("Your email address is confirmed.")
    _no_sideways_scroll(applicant)

    # The Acme manager finds it in the queue and approves it.
    manager = new_page()
    manager.set_viewport_size({"width": 390, "height": 844})
    sign_in(manager, site.url(world.acme, "/accounts/login/"), "manager@acme.example", PASSWORD)
    expect(manager).to_have_url(site.url(world.acme, "/manage/"))
    manager.goto(site.url(world.acme, "/manage/applications/"))
    _no_sideways_scroll(manager)
    manager.get_by_role("link", name=COMPANY).click()
    expect(manager.get_by_role("heading", level=1)).to_contain_text(COMPANY)
    _no_sideways_scroll(manager)
    manager.get_by_role("button", name="Approve and invite").click()
    expect(manager.get_by_role("status")).to_contain_text(f"{COMPANY} is approved")
    partner = Partner.unscoped.get(tenant=world.acme, name=COMPANY)
    assert partner.status == PartnerStatus.ONBOARDING and partner.owner_id == world.acme_manager.pk

    # The applicant receives the invitation, joins as the partner admin, and sees their manager.
    invite = wait_for(lambda: [m for m in mailoutbox if APPLICANT in m.to and "/invitations/" in m.body],
                      message="the invitation email")[-1]
    applicant.goto(invitation_link(invite.body))
    expect(applicant.locator("main")).to_contain_text(f"Partner admin of {COMPANY}")
    applicant.fill('input[name="full_name"]', "Fran Kam")
    applicant.fill('input[name="password1"]', "Lantern-orbit-Kettle-42")
    applicant.fill('input[name="password2"]', "Lantern-orbit-Kettle-42")
    applicant.get_by_role("button", name="Accept invitation").click()

    # A new partner sees only the agreement until its admin signs it.
    expect(applicant).to_have_url(site.url(world.acme, "/portal/agreement/"))
    expect(applicant.locator("#agreement-text")).to_contain_text(f"Acme and {COMPANY} agree.")
    applicant.get_by_label("Your full name").fill("Fran Kam")
    applicant.get_by_role("button", name="Sign the agreement").click()
    expect(applicant.get_by_role("status")).to_contain_text("the agreement is signed")
    with applicant.expect_download() as download:
        applicant.get_by_role("link", name="Download the signed copy (PDF)").click()
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    # The checklist shows what is left: the company profile.
    applicant.goto(site.url(world.acme, "/portal/checklist/"))
    expect(applicant.locator("main progress")).to_have_attribute("value", "1")
    _no_sideways_scroll(applicant)
    applicant.goto(site.url(world.acme, "/portal/profile/"))
    applicant.get_by_label("Street").fill("Hauptstraße 5")
    applicant.get_by_label("Postcode").fill("10115")
    applicant.get_by_label("City").fill("Berlin")
    applicant.get_by_label("Description").fill("Network security for Berlin's Mittelstand.")
    applicant.get_by_label("Specialisations").fill("Firewalls, SD-WAN")
    applicant.get_by_role("button", name="Save changes").click()
    expect(applicant.get_by_role("status").first).to_be_visible()

    # The finished checklist made the partner active; the portal home no longer shows it.
    applicant.goto(site.url(world.acme, "/portal/"))
    expect(applicant).to_have_url(site.url(world.acme, "/portal/"))
    expect(applicant.locator("main progress")).to_have_count(0)
    assert Partner.unscoped.get(pk=partner.pk).status == PartnerStatus.ACTIVE
    manager_user = world.acme_manager.user
    expect(applicant.locator(".channel-manager")).to_have_text(
        f"Your channel manager: {manager_user.get_full_name()}, {manager_user.email}")
