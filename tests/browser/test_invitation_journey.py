"""In real Chromium: a channel manager invites a partner user, who joins from the emailed link;
and another tenant's manager sees none of it and cannot sign in here."""

import re

import pytest
from playwright.sync_api import expect

from prm.invitations.models import Invitation
from prm.outbox.models import OutboundEmail
from prm.tenancy.models import Membership, Role
from tests.factories import PASSWORD

from .helpers import invitation_link, sign_in, sign_out, wait_for

pytestmark = pytest.mark.browser

NEW_EMAIL = "newrep@northwind.example"
NEW_PASSWORD = "Lantern-orbit-Kettle-42"


def test_channel_manager_invites_partner_user_who_joins_and_signs_in_again(world, site, new_page, mailoutbox, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    # The Acme channel manager signs in on Acme's host and lands on the dashboard.
    manager = new_page()
    sign_in(manager, site.url(world.acme, "/accounts/login/"), "manager@acme.example", PASSWORD)
    expect(manager).to_have_url(site.url(world.acme, "/manage/"))
    expect(manager.get_by_role("heading", level=1)).to_have_text("Overview")

    # Partners → Northwind Traders.
    manager.get_by_role("navigation", name="Main").get_by_role("link", name="Partners", exact=True).click()
    expect(manager).to_have_url(site.url(world.acme, "/manage/partners/"))
    manager.locator("#partner-results").get_by_role("link", name="Northwind Traders").click()
    expect(manager).to_have_url(site.url(world.acme, f"/manage/partners/{world.northwind.pk}/"))
    expect(manager.get_by_role("heading", level=1)).to_contain_text("Northwind Traders")

    # Invite newrep@ as a partner user.
    invite_form = manager.locator("form", has=manager.get_by_role("button", name="Send invitation"))
    invite_form.locator('input[name="email"]').fill(NEW_EMAIL)
    invite_form.locator('select[name="role"]').select_option("partner_user")
    invite_form.get_by_role("button", name="Send invitation").click()
    expect(manager.get_by_role("status")).to_contain_text(f"Invitation sent to {NEW_EMAIL}.")
    # Back on the partner page (the browser keeps the form's #invite fragment across the redirect).
    detail_url = site.url(world.acme, f"/manage/partners/{world.northwind.pk}/")
    expect(manager).to_have_url(re.compile(re.escape(detail_url) + "(#invite)?$"))
    expect(manager.locator("li", has_text=NEW_EMAIL)).to_contain_text("Partner user · Pending")

    # The email went out (through the outbox and its task) with a link to Acme's host on this server.
    message = wait_for(lambda: [m for m in mailoutbox if NEW_EMAIL in m.to], message="the invitation email")[-1]
    assert message.to == [NEW_EMAIL]
    inviter = world.acme_manager.user.get_full_name()
    assert message.subject == f"{inviter} invited you to the Acme Networks partner program"
    assert "Northwind Traders" in message.body
    link = invitation_link(message.body)
    assert link.startswith(site.url(world.acme, "/invitations/"))
    outbound = OutboundEmail.objects.get(kind="invitations/email/invite")
    assert outbound.to == [NEW_EMAIL]
    assert (outbound.status, outbound.attempts) == ("sent", 1)

    # The invited person opens the link in their own browser and accepts.
    newcomer = new_page()
    newcomer.goto(link)
    expect(newcomer.get_by_role("heading", level=1)).to_have_text("Join Acme Networks")
    expect(newcomer.locator("main")).to_contain_text(f"Partner user of Northwind Traders, as {NEW_EMAIL}")
    newcomer.fill('input[name="full_name"]', "Nora Newrep")
    newcomer.fill('input[name="password1"]', NEW_PASSWORD)
    newcomer.fill('input[name="password2"]', NEW_PASSWORD)
    newcomer.get_by_role("button", name="Accept invitation").click()

    # Signed in, on the portal of Northwind Traders.
    expect(newcomer).to_have_url(site.url(world.acme, "/portal/"))
    expect(newcomer.get_by_role("heading", level=1)).to_have_text("Welcome, Nora")
    expect(newcomer.locator("main .lead")).to_have_text("Northwind Traders in the Acme Networks partner program.")
    expect(newcomer.locator(".whoami")).to_contain_text("Partner user · Northwind Traders")
    membership = Membership.unscoped.get(user__email=NEW_EMAIL)
    assert (membership.tenant_id, membership.partner_id, membership.role) == (
        world.acme.pk, world.northwind.pk, Role.PARTNER_USER
    )

    # Sign out, then back in with the new password: the portal again.
    sign_out(newcomer)
    expect(newcomer).to_have_url(site.url(world.acme, "/accounts/login/"))
    expect(newcomer.get_by_role("heading", level=1)).to_have_text("Sign in to Acme Networks")
    newcomer.goto(site.url(world.acme, "/portal/"))
    expect(newcomer).to_have_url(site.url(world.acme, "/accounts/login/?next=/portal/"))
    sign_in(newcomer, site.url(world.acme, "/accounts/login/"), NEW_EMAIL, NEW_PASSWORD)
    expect(newcomer).to_have_url(site.url(world.acme, "/portal/"))
    expect(newcomer.locator("main .lead")).to_contain_text("Northwind Traders")

    # The link was single-use; the manager now sees the invitation accepted and Nora on the team.
    assert Invitation.unscoped.get(email=NEW_EMAIL).status == "accepted"
    manager.reload()
    expect(manager.locator("li", has_text=NEW_EMAIL)).to_contain_text("Partner user · Accepted")
    expect(manager.get_by_role("table")).to_contain_text("Nora Newrep")


def test_other_tenant_manager_sees_nothing_of_acme_and_cannot_sign_in_there(world, site, new_page):
    globex = new_page()
    sign_in(globex, site.url(world.globex, "/accounts/login/"), "manager@globex.example", PASSWORD)
    expect(globex).to_have_url(site.url(world.globex, "/manage/"))

    # Globex's partner list: its own partner, none of Acme's, not even by searching.
    globex.goto(site.url(world.globex, "/manage/partners/"))
    results = globex.locator("#partner-results")
    expect(results).to_contain_text("1 partner")
    expect(results).to_contain_text("Initech Solutions")
    expect(results).not_to_contain_text("Northwind")
    expect(results).not_to_contain_text("Contoso")
    globex.goto(site.url(world.globex, "/manage/partners/?q=Northwind"))
    expect(globex.locator("#partner-results")).to_contain_text("No partner matches")

    # Acme's partner, by id on Globex's host: the plain 404 page, same as an id that does not exist.
    response = globex.goto(site.url(world.globex, f"/manage/partners/{world.northwind.pk}/"))
    assert response.status == 404
    expect(globex.get_by_role("heading", level=1)).to_have_text("Not found")
    expect(globex.locator("main")).to_contain_text("There is nothing at this address")
    not_yours = globex.locator("main").inner_text()
    assert "Northwind" not in globex.content()
    response = globex.goto(site.url(world.globex, "/manage/partners/987654321/"))
    assert response.status == 404
    assert globex.locator("main").inner_text() == not_yours

    # Globex's manager cannot sign in on Acme's host: refused like a wrong password.
    intruder = new_page()
    login_url = site.url(world.acme, "/accounts/login/")
    sign_in(intruder, login_url, "manager@globex.example", PASSWORD)
    expect(intruder.get_by_role("alert")).to_contain_text("not correct")
    expect(intruder).to_have_url(login_url)
    expect(intruder.get_by_role("heading", level=1)).to_have_text("Sign in to Acme Networks")
    expect(intruder.locator(".whoami")).to_have_count(0)
    # ...and is not half signed in either.
    intruder.goto(site.url(world.acme, "/manage/"))
    expect(intruder).to_have_url(site.url(world.acme, "/accounts/login/?next=/manage/"))
