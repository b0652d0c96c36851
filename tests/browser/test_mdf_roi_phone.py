"""In real Chromium at 390 px: the MDF return-on-investment page never scrolls sideways; its wide tables
turn into one card per row (static/js/tables.js), each figure under its column's name, and the
partner's deal form offers the activity that produced the deal."""

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD
from tests.mdf.test_roi import funds, results  # noqa: F401 — fixtures, used below

from .helpers import sign_in
from .test_deal_phone import PHONE, assert_no_sideways_scroll

pytestmark = pytest.mark.browser


def test_the_roi_page_and_the_deal_forms_question_fit_a_phone(world, site, new_page, results):  # noqa: F811
    manager = new_page()
    manager.set_viewport_size(PHONE)
    sign_in(manager, site.url(world.acme, "/accounts/login/"), "manager@acme.example", PASSWORD)
    expect(manager).to_have_url(site.url(world.acme, "/manage/"))
    manager.goto(site.url(world.acme, "/manage/mdf/"))
    manager.get_by_role("link", name="Return on investment").click()
    expect(manager.get_by_role("heading", level=1)).to_have_text("MDF return on investment")
    activities_table = manager.locator('[data-table="roi-activities"]')
    expect(activities_table).to_contain_text("Spring roadshow")
    expect(manager.locator(".table-wrap--cards").first).to_be_visible()  # too wide for a phone: cards
    expect(activities_table.locator('tr[data-row] [data-cell="return"]').first).to_have_attribute("data-label", "Return")
    expect(manager.locator('[data-table="roi-types"]')).to_contain_text("4.57 per 1 USD spent")
    assert_no_sideways_scroll(manager, "the ROI page")

    rep = new_page()
    rep.set_viewport_size(PHONE)
    sign_in(rep, site.url(world.acme, "/accounts/login/"), "rep@northwind.example", PASSWORD)
    expect(rep).to_have_url(site.url(world.acme, "/portal/"))
    rep.goto(site.url(world.acme, "/portal/deals/new/"))
    question = rep.get_by_label("Marketing activity that produced this deal")
    expect(question).to_be_visible()
    expect(question.locator("option")).to_contain_text(["None of them", "Spring roadshow"])
    assert_no_sideways_scroll(rep, "the deal form with the activity question")
