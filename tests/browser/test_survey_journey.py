"""In real Chromium, with email through a real SMTP server on loopback: a won deal's customer is surveyed.

Acme surveys the customers of won deals on the day of the win. Northwind registers Fabrikam, the
Acme channel manager approves it, Northwind marks it won. The hourly and the every-minute tasks
run: the survey email reaches the SMTP server with one-click unsubscribe headers. The customer
clicks "3" in it: the page opens in Chromium with 3 selected (nothing recorded yet), and she sends
it. That opens a follow-up case, which the Northwind rep finds under Follow-ups. After the nightly
ranking, the Acme manager's leaderboard shows Northwind with its 95% interval.
"""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from aiosmtpd.controller import Controller
from django.template.defaultfilters import floatformat
from django.utils import timezone
from playwright.sync_api import expect

from dealreg import services as deals
from dealreg.models import DealStatus
from prm.tenancy.context import tenant_context
from surveys import tasks
from surveys.models import Answer, FollowUpCase, InvitationStatus, PartnerScore, Survey, SurveyInvitation, SurveySettings
from tests.factories import PASSWORD

from .helpers import sign_in, wait_for
from .test_smtp_journey import Inbox, free_port, use_smtp

pytestmark = pytest.mark.browser

CUSTOMER = "dana.whitfield@fabrikam.example"
SUBJECT = "Northwind Traders and Acme Networks: how did we do?"


@pytest.fixture
def smtp_inbox(settings):
    """A real SMTP server on 127.0.0.1, and Django's SMTP backend pointed at it."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    use_smtp(settings, controller.port)
    yield inbox
    controller.stop()


def messages_to(inbox, address):
    return [m for m in inbox.messages if address in m.rcpt_tos]


def northwind_wins_fabrikam(world):
    """Through dealreg.services: registered and submitted by the rep, approved by the manager, won."""
    rep, manager = world.northwind_rep.user, world.acme_manager.user
    deal = deals.deal_create(
        partner=world.northwind, actor=rep, customer_name="Fabrikam Fiber", customer_website="https://fabrikamfiber.example",
        contact_name="Dana Whitfield", contact_email=CUSTOMER, value=Decimal("48000"), currency="USD",
        expected_close_date=timezone.localdate() + timedelta(days=30),
    )
    deal = deals.deal_submit(deal=deal, actor=rep)
    assert deal.status == DealStatus.SUBMITTED
    deal = deals.deal_approve(deal=deal, actor=manager)
    deal = deals.deal_mark_won(deal=deal, actor=rep)
    assert deal.status == DealStatus.WON
    return deal


def test_a_won_deals_customer_answers_from_the_email_and_the_partner_follows_up(world, site, smtp_inbox, new_page):
    with tenant_context(world.acme):
        SurveySettings.objects.create(tenant=world.acme, days_after_won=0)
        Survey.objects.create(tenant=world.acme, name="Won deals", for_won_deals=True)
        deal = northwind_wins_fabrikam(world)

    # The hourly task invites the customer; the every-minute task sends it (after its commit, over SMTP).
    tasks.schedule_won_deal_surveys.delay()
    tasks.dispatch_surveys.delay()
    with tenant_context(world.acme):
        invitation = SurveyInvitation.objects.get(deal=deal)
        assert (invitation.partner, invitation.email, invitation.status) == (world.northwind, CUSTOMER, InvitationStatus.SENT)

    [received] = wait_for(lambda: messages_to(smtp_inbox, CUSTOMER), message="the survey email at the SMTP server")
    message = received.message
    assert received.rcpt_tos == [CUSTOMER]
    assert message["To"] == CUSTOMER
    assert message["Subject"] == SUBJECT
    assert "Northwind" in message["Subject"]
    unsubscribe = re.fullmatch(r"<(http://acme\.localhost:\d+/u/[^/>\s]+/)>", str(message["List-Unsubscribe"]).strip())
    assert unsubscribe, message["List-Unsubscribe"]
    assert unsubscribe.group(1).startswith(site.url(world.acme, "/u/"))
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    links = dict(re.findall(r"^(\d+): (http[^\s]+)", text, re.M))
    assert sorted(int(score) for score in links) == list(range(11))
    link = links["3"]
    assert link.startswith(site.url(world.acme, "/s/")) and link.endswith("?score=3")
    assert link in html

    # The customer clicks 3: the page opens with 3 selected, and nothing is recorded by opening it.
    customer = new_page()
    response = customer.goto(link)
    assert response.status == 200
    expect(customer.get_by_role("heading", level=1)).to_have_text(
        "How likely are you to recommend Northwind Traders to a friend or colleague?")
    question = customer.get_by_role("group", name="How likely are you to recommend Northwind Traders")
    expect(question.get_by_role("radio", name="3", exact=True)).to_be_checked()
    expect(customer.locator("input:checked")).to_have_count(1)  # the score only: effort is left to her
    assert not Answer.unscoped.exists()
    customer.get_by_label("What is the main reason for your score?").fill("The installer came a week late.")
    customer.get_by_role("button", name="Send my answer").click()
    expect(customer).to_have_url(site.url(world.acme, "/s/thanks/"))
    expect(customer.get_by_role("heading", level=1)).to_have_text("Thank you!")

    answer = Answer.unscoped.get()
    assert (answer.invitation_id, answer.partner_id, answer.score, answer.comment) == (
        invitation.pk, world.northwind.pk, 3, "The installer came a week late.")
    case = FollowUpCase.unscoped.get(answer=answer)
    # The link again, in the same browser: already answered, nothing changes.
    assert customer.goto(link).status == 409
    expect(customer.get_by_role("heading", level=1)).to_have_text("You already answered")
    assert Answer.unscoped.count() == 1

    # Northwind's people are told, through the same SMTP server.
    def follow_up_emails(address):
        return [m for m in messages_to(smtp_inbox, address) if m.message["Subject"].startswith("Follow up with")]

    opened = wait_for(lambda: follow_up_emails("rep@northwind.example"), message="the follow-up email to the Northwind rep")
    assert opened[0].message["Subject"] == "Follow up with Dana Whitfield (Fabrikam Fiber): score 3"
    assert len(follow_up_emails("admin@northwind.example")) == 1
    assert not follow_up_emails("rep@contoso.example") and not follow_up_emails("manager@acme.example")

    # The Northwind rep signs in and finds the case under Follow-ups.
    rep = new_page()
    sign_in(rep, site.url(world.acme, "/accounts/login/"), "rep@northwind.example", PASSWORD)
    expect(rep).to_have_url(site.url(world.acme, "/portal/"))
    rep.get_by_role("navigation", name="Main").get_by_role("link", name="Follow-ups", exact=True).click()
    expect(rep).to_have_url(site.url(world.acme, "/portal/follow-ups/"))
    row = rep.locator("tbody tr", has_text="Dana Whitfield")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Fabrikam Fiber")
    expect(row.locator("td").nth(2)).to_have_text("3")
    expect(row.locator(".status")).to_have_text("open")
    row.get_by_role("link").click()
    expect(rep).to_have_url(site.url(world.acme, f"/portal/follow-ups/{case.pk}/"))
    expect(rep.get_by_role("heading", level=1)).to_have_text("Follow-up: Fabrikam Fiber")
    expect(rep.locator("dl.props")).to_contain_text("The installer came a week late.")
    expect(rep.get_by_label("I contacted the customer")).to_be_visible()

    # The nightly ranking; the Acme manager's leaderboard shows Northwind with its interval.
    tasks.compute_rankings.delay()
    with tenant_context(world.acme):
        score = PartnerScore.objects.get(partner=world.northwind, period="window")
    assert (score.n, score.detractors, score.nps) == (1, 1, -100.0)
    manager = new_page()
    sign_in(manager, site.url(world.acme, "/accounts/login/"), "manager@acme.example", PASSWORD)
    expect(manager).to_have_url(site.url(world.acme, "/manage/"))
    manager.get_by_role("navigation", name="Main").get_by_role("link", name="NPS", exact=True).click()
    expect(manager).to_have_url(site.url(world.acme, "/manage/nps/"))
    expect(manager.get_by_role("heading", level=1)).to_have_text("NPS leaderboard")
    northwind = manager.locator("tbody tr", has=manager.get_by_role("link", name="Northwind Traders"))
    expect(northwind).to_have_count(1)
    interval = f"{floatformat(score.ci_low, 0)} to {floatformat(score.ci_high, 0)}"
    expect(northwind).to_contain_text(interval)
    expect(northwind).to_contain_text("not enough answers")  # 1 answer, the program ranks from 30
    bar = northwind.get_by_role("img", name=f"NPS -100 with 95% interval {score.ci_low:.0f} to {score.ci_high:.0f}")
    expect(bar).to_be_visible()
