"""In real Chromium: the figures on the partner's home page and the more-information loop.

Northwind has six deals. Each deal tile on the portal home opens the deal list filtered to what it
counts, and the list shows exactly as many rows as the tile says; a tile at 0 opens a list that says
no deal matches its filters (not "no deals yet") and offers to clear them.

Then the Acme channel manager asks for more information on one deal. The rep follows the tile
"deal needing your answer", reads the question above a field of its own for the answer, answers and
submits again. The manager is emailed "More information provided for D-…", and both deal pages show
the question and the answer under their own labels, in the facts and in the timeline.
"""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dealreg import services
from dealreg.models import Deal, DealStatus
from prm.tenancy.context import tenant_context
from tests.factories import PASSWORD

from .helpers import sign_in, wait_for

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


def test_the_partner_answers_the_vendors_question_in_a_field_of_its_own(world, site, new_page, mailoutbox, settings,
                                                                      six_deals):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    waiting = six_deals[1]  # Litware, submitted
    question = "Which sites are in scope, and how many seats each?"
    answer = "Hamburg (120 seats) and Vienna (80 seats)."

    # The manager sends it back with a question.
    manager = new_page()
    sign_in(manager, site.url(world.acme, "/accounts/login/"), "manager@acme.example", PASSWORD)
    expect(manager).to_have_url(site.url(world.acme, "/manage/"))
    manager.goto(site.url(world.acme, f"/manage/deals/{waiting.pk}/"))
    manager.get_by_label("What should the partner add?").fill(question)
    manager.get_by_role("button", name="Ask for more information").click()
    expect(manager.get_by_role("status")).to_have_text(f"{waiting.reference} went back to the partner with your question.")

    # The rep: two deals need an answer now; the tile leads to them.
    rep = new_page()
    sign_in(rep, site.url(world.acme, "/accounts/login/"), "rep@northwind.example", PASSWORD)
    expect(rep).to_have_url(site.url(world.acme, "/portal/"))
    number, tile = _deal_tiles(rep)["deals needing your answer"]
    assert number == 2
    tile.click()
    expect(rep.locator("main tbody tr")).to_have_count(2)
    rep.get_by_role("link", name=waiting.reference).click()
    expect(rep.locator(".message--warning")).to_contain_text(f"Acme Networks needs more information: {question}")
    rep.get_by_role("link", name="Answer the question").click()
    expect(rep).to_have_url(site.url(world.acme, f"/portal/deals/{waiting.pk}/edit/#id_info_answer"))

    # The question comes first, then the field for the answer, then the deal's own fields.
    heading = rep.get_by_role("heading", name="Question from Acme Networks")
    shown_question = rep.locator("section[aria-labelledby='question-heading'] .message")
    answer_field = rep.get_by_label("Your answer")
    notes = rep.get_by_label("Notes")
    expect(shown_question).to_have_text(question)
    tops = [locator.bounding_box()["y"] for locator in (heading, shown_question, answer_field, rep.get_by_label("Customer company"))]
    assert tops == sorted(tops), "the question is not above the answer field, above the deal's fields"
    expect(notes).to_have_value("")

    # Submitting without an answer is refused next to the answer field.
    rep.get_by_role("button", name="Send your answer and submit again").click()
    expect(rep.locator("#id_info_answer_error")).to_have_text(
        "Answer the question from Acme Networks before you submit the deal again.")
    rep.get_by_label("Your answer").fill(answer)
    registered = len([m for m in mailoutbox if m.subject.startswith(f"New deal registration {waiting.reference}")])
    assert registered <= 1
    rep.get_by_role("button", name="Send your answer and submit again").click()
    expect(rep).to_have_url(site.url(world.acme, f"/portal/deals/{waiting.pk}/"))
    expect(rep.get_by_role("heading", level=1).locator(".status")).to_have_text("Submitted")
    facts = rep.locator("dl.props")
    expect(facts.locator("dt:has-text('Question from Acme Networks') + dd")).to_have_text(question)
    expect(facts.locator("dt:has-text('Answer from Northwind Traders') + dd")).to_have_text(answer)
    expect(facts.locator("dt:has-text('Notes') + dd")).to_have_text("—")  # the answer did not go into the notes
    timeline = rep.locator("ol.timeline li")
    expect(timeline.filter(has_text="Answer from Northwind Traders").locator("blockquote")).to_have_text(answer)
    expect(timeline.filter(has_text="Question from Acme Networks").locator("blockquote")).to_have_text(question)

    # The managers hear that more information came, not of a new registration.
    def answer_emails():
        return [m for m in mailoutbox if m.subject.startswith(f"More information provided for {waiting.reference}")] or None

    [email] = wait_for(answer_emails, message="the email saying more information came")
    assert email.to == ["manager@acme.example"]
    assert email.subject == f"More information provided for {waiting.reference}: Litware from Northwind Traders"
    # (the one "New deal registration" email is from the first submission, before the question)
    assert len([m for m in mailoutbox if m.subject.startswith(f"New deal registration {waiting.reference}")]) == registered
    assert f"Question from Acme Networks:\n{question}" in email.body and f"Answer from Northwind Traders:\n{answer}" in email.body
    assert site.url(world.acme, f"/manage/deals/{waiting.pk}/") in email.body

    # The manager's page shows both, and the deal is back in the review queue.
    manager.goto(site.url(world.acme, f"/manage/deals/{waiting.pk}/"))
    facts = manager.locator("dl.props")
    expect(facts.locator("dt:has-text('Question from Acme Networks') + dd")).to_have_text(question)
    expect(facts.locator("dt:has-text('Answer from Northwind Traders') + dd")).to_have_text(answer)
    timeline = manager.locator("ol.timeline li")
    expect(timeline.nth(0)).to_contain_text("Submitted for approval")
    expect(timeline.nth(1).locator("strong")).to_have_text("Answer from Northwind Traders")
    expect(timeline.nth(1).locator("blockquote")).to_have_text(answer)
    expect(timeline.filter(has_text="Question from Acme Networks").locator("blockquote")).to_have_text(question)
    labels = timeline.locator("strong").all_inner_texts()
    assert labels.index("Answer from Northwind Traders") < labels.index("Question from Acme Networks")  # newest first
    expect(manager.get_by_role("button", name="Approve")).to_be_enabled()
    with tenant_context(world.acme):
        assert Deal.objects.get(pk=waiting.pk).status == DealStatus.SUBMITTED
