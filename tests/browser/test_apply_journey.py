"""In real Chromium: a company applies at acme.localhost/apply/ on a phone, confirms its email
address from the emailed link, the Acme channel manager approves it in the review queue, and the
applicant receives the invitation, joins, and sees their channel manager on the portal home."""

import re

import pytest
from playwright.sync_api import expect

from partners.models import Partner, PartnerStatus
from tests.factories import PASSWORD

from .helpers import invitation_link, sign_in, wait_for

pytestmark = pytest.mark.browser

APPLICANT = "fran@fabrikam.example"
# A German compound with no place to break: the pages must wrap it rather than scroll sideways.
COMPANY = "Fabrikam Netzwerksicherheitsdienstleistungsgesellschaft GmbH"
LINK = re.compile(r"https?://[^\s\"'<>]+/apply/a/[^\s\"'<>]+/")


def _no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def test_a_company_applies_confirms_is_approved_and_joins(world, site, new_page, mailoutbox, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

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
    expect(applicant).to_have_url(site.url(world.acme, "/portal/"))
    manager_user = world.acme_manager.user
    expect(applicant.locator(".channel-manager")).to_have_text(
        f"Your channel manager: {manager_user.get_full_name()}, {manager_user.email}")
