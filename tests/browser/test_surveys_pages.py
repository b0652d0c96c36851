"""In real Chromium: the manager's follow-up list opens each case, and the survey page shows the
survey's figures, the email its customers get (in the survey's language, in a sandboxed frame) and
when won deals are surveyed; partner users read the leaders' notes, partner admins publish them."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from prm.tenancy.context import tenant_context
from prm.tenancy.models import Role
from surveys import services
from surveys.rankings import run_rankings
from surveys.texts import texts_for
from tests.factories import PASSWORD, MembershipFactory, UserFactory
from tests.surveys.helpers import bulk_answers, make_invitation, make_survey, set_settings

from .helpers import sign_in

pytestmark = pytest.mark.browser


def signed_in(new_page, site, world, email, home, width=1280):
    page = new_page()
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, site.url(world.acme, "/accounts/login/"), email, PASSWORD)
    expect(page).to_have_url(site.url(world.acme, home))
    return page


@pytest.mark.parametrize("width", [1280, 390])
def test_a_row_of_the_managers_follow_ups_opens_the_case(world, site, new_page, width):
    with tenant_context(world.acme):
        survey = make_survey(world.acme, "Customers")
        invitation = make_invitation(survey, world.northwind, "dana@fabrikam.example", name="Dana Whitfield",
                                     company="Fabrikam")
        answer = services.answer_record(invitation=invitation, score=2, comment="The installer never came.")
        case = answer.follow_up
    page = signed_in(new_page, site, world, "manager@acme.example", "/manage/", width)
    page.goto(site.url(world.acme, "/manage/nps/follow-ups/"))
    row = page.locator("tbody tr", has_text="Dana Whitfield")
    row.get_by_role("link", name="Dana Whitfield").click()
    expect(page).to_have_url(site.url(world.acme, f"/manage/nps/follow-ups/{case.pk}/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Follow-up: Fabrikam")
    expect(page.locator(".lead .status")).to_have_text("open")
    expect(page.get_by_text("The installer never came.")).to_be_visible()
    expect(page.get_by_role("link", name="dana@fabrikam.example")).to_be_visible()
    expect(page.get_by_role("link", name="Northwind Traders")).to_be_visible()
    expect(page.locator(".timeline")).to_contain_text("Follow-up opened")
    assert page.evaluate("document.documentElement.scrollWidth") <= page.evaluate("innerWidth")


@pytest.mark.parametrize("width", [1280, 390])
def test_the_survey_page_shows_its_figures_its_email_and_the_days_after_the_win(world, site, new_page, width):
    with tenant_context(world.acme):
        set_settings(world.acme, days_after_won=10)
        survey = make_survey(world.acme, "Après le projet", language="fr", for_won_deals=True)
        bulk_answers(survey, world.northwind, [10, 10, 9, 7], timezone.now() - timedelta(days=2))
        texts = texts_for(survey, "Contoso Integration", "Acme Networks")
    page = signed_in(new_page, site, world, "admin@acme.example", "/manage/", width)
    page.goto(site.url(world.acme, f"/manage/surveys/{survey.pk}/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Après le projet")
    stats = page.locator(".stats .stat")
    expect(stats.nth(0)).to_contain_text("invitations sent")
    expect(stats.nth(1)).to_contain_text("4")
    expect(stats.nth(2)).to_contain_text("100%")
    expect(stats.nth(3)).to_contain_text("75")
    expect(stats.nth(3)).to_contain_text("n = 4")
    expect(page.get_by_label("NPS question")).to_be_visible()

    # The email, in French, as the first partner's customers get it; its links lead nowhere.
    expect(page.get_by_text(f"Subject: {texts['subject']}")).to_be_visible()
    frame = page.frame_locator("iframe[title='Preview of the survey email']")
    expect(frame.get_by_text(texts["nps"])).to_be_visible()
    expect(frame.get_by_role("link", name="7", exact=True)).to_have_attribute("href", "#?score=7")
    colours = frame.locator("a[href^='#?score=']").evaluate_all(
        "links => [...new Set(links.map(a => getComputedStyle(a).backgroundColor))]")
    assert len(colours) == 1  # every score looks the same

    expect(page.get_by_text("The customers of won deals get this survey 10 days after the win.")).to_be_visible()
    change = page.get_by_role("link", name="Change it in the survey settings")
    change.scroll_into_view_if_needed()  # Chromium may lose a click that scrolls past the sandboxed frame
    change.click()
    expect(page).to_have_url(site.url(world.acme, "/manage/survey-settings/"))
    expect(page.get_by_label("Days after the win")).to_have_value("10")


def test_partner_admins_publish_the_leaders_note_and_partner_users_read_it(world, site, new_page):
    """Northwind is the only ranked partner, so it is in the top quartile."""
    with tenant_context(world.acme):
        set_settings(world.acme, minimum_answers=3)
        survey = make_survey(world.acme, "Customers")
        bulk_answers(survey, world.northwind, [10, 10, 9, 9], timezone.now() - timedelta(days=1))
        run_rankings(tenant=world.acme, run_date=timezone.now().date())
        assert world.northwind_rep.role == Role.PARTNER_USER
        MembershipFactory(tenant=world.acme, user=UserFactory(email="second@northwind.example"),
                          role=Role.PARTNER_USER, partner=world.northwind)

    admin = signed_in(new_page, site, world, "admin@northwind.example", "/portal/")
    admin.goto(site.url(world.acme, "/portal/nps/"))
    admin.get_by_label("What do you do well that others could learn from?").fill("We call back within the hour.")
    admin.get_by_role("button", name="Publish").click()
    expect(admin.get_by_text("Your practice note is published to all partners.")).to_be_visible()

    rep = signed_in(new_page, site, world, "rep@northwind.example", "/portal/")
    rep.goto(site.url(world.acme, "/portal/nps/"))
    notes = rep.locator("section.card", has=rep.get_by_role("heading", name="Leaders' practices"))
    expect(notes.locator("blockquote")).to_contain_text("We call back within the hour.")
    expect(notes.get_by_role("textbox")).to_have_count(0)
    expect(notes.get_by_role("button", name="Publish")).to_have_count(0)
    expect(notes).to_contain_text("your partner admins can share what you do well")
