"""In real Chromium, at 1280 and 390 px: the NPS charts and the leaderboard tell the truth.

Acme's program has eleven full months of answers and a month that has just begun with a single
detractor. The channel manager's chart draws that month as a hollow point marked "so far", with its
interval and its n, off the line (the line does not plunge to −100), and the same figures are in a
table under the chart. The leaderboard shows the ranking score beside the raw NPS and says why a
partner with many answers at NPS 50 ranks above one with ten answers at NPS 60; a significant
change carries its ●. At 390 px nothing scrolls sideways: the chart fills its card, and the
leaderboard's Answers and Trend columns are reached by scrolling the table inside its frame.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from prm.tenancy.context import tenant_context
from surveys.models import PartnerScore
from surveys.rankings import run_rankings
from tests.factories import PASSWORD, PartnerFactory
from tests.surveys.helpers import bulk_answers, make_survey, set_settings

from .helpers import sign_in

pytestmark = pytest.mark.browser


def _month_start(moment, back):
    index = moment.year * 12 + moment.month - 1 - back
    return moment.replace(year=index // 12, month=index % 12 + 1, day=1, hour=0, minute=0, second=0, microsecond=0)


@pytest.fixture
def program(world):
    """Contoso: 40 answers (NPS 25) in each of the eleven past months, then one detractor this month.
    Steady (NPS 50, 100 answers) outranks Lucky (NPS 60, 10 answers); Northwind went from all detractors
    in the previous window to all promoters in this one. The program ranks and draws full points from
    10 answers, with 20 ghost answers."""
    now = timezone.now()
    with tenant_context(world.acme):
        set_settings(world.acme, minimum_answers=10, ghost_answers=20)
        survey = make_survey(world.acme, "Customers")
        steady = PartnerFactory(tenant=world.acme, name="Steady Partner")
        lucky = PartnerFactory(tenant=world.acme, name="Lucky Partner")
        for back in range(1, 12):
            bulk_answers(survey, world.contoso, [10] * 20 + [8] * 10 + [3] * 10, _month_start(now, back) + timedelta(days=14))
        bulk_answers(survey, steady, [10] * 60 + [8] * 30 + [3] * 10, _month_start(now, 3) + timedelta(days=2))
        bulk_answers(survey, lucky, [10] * 7 + [8] * 2 + [3], _month_start(now, 2) + timedelta(days=3))
        bulk_answers(survey, world.northwind, [2] * 30, now - timedelta(days=540))
        bulk_answers(survey, world.northwind, [10] * 30, _month_start(now, 4) + timedelta(days=5))
        bulk_answers(survey, world.contoso, [3], max(_month_start(now, 0), now - timedelta(minutes=1)))
        run = run_rankings(tenant=world.acme, run_date=now.date())
        scores = {s.partner.name: s for s in PartnerScore.objects.filter(run=run, period="window", partner__isnull=False)
                  .select_related("partner")}
    return {"run": run, "scores": scores, "this_month": now.strftime("%Y-%m"),
            "first_month": _month_start(now, 11).strftime("%Y-%m")}


def open_leaderboard(site, world, page):
    sign_in(page, site.url(world.acme, "/accounts/login/"), "manager@acme.example", PASSWORD)
    expect(page).to_have_url(site.url(world.acme, "/manage/"))
    page.goto(site.url(world.acme, "/manage/nps/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("NPS leaderboard")


def no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= page.evaluate("innerWidth")


@pytest.mark.parametrize("width", [1280, 390])
def test_the_program_chart_draws_the_month_so_far_with_one_answer_as_a_hollow_point_off_the_line(
        world, site, new_page, program, width):
    page = new_page()
    page.set_viewport_size({"width": width, "height": 900})
    open_leaderboard(site, world, page)
    card = page.locator("section.card", has=page.get_by_role("heading", name="Program NPS by month"))
    chart = card.get_by_role("img", name="Program NPS by month with 95% intervals")
    expect(chart).to_be_visible()

    # The chart fills its card (minus the card's padding), at either width.
    chart_box, card_box = chart.bounding_box(), card.bounding_box()
    assert chart_box["width"] >= card_box["width"] - 2 * 21
    no_sideways_scroll(page)

    month = chart.locator(f'g.nps-chart__point[data-period="{program["this_month"]}"]')
    expect(month).to_have_attribute("data-state", "thin so-far")
    expect(month.locator("circle.nps-chart__hollow")).to_be_visible()
    expect(month.locator("circle.chart__dot")).to_have_count(0)
    expect(month.locator("title")).to_contain_text("(so far): NPS -100, 95% interval")
    expect(month.locator("title")).to_contain_text("1 answer: fewer than the 10 needed for a full point")
    expect(month.locator("text")).to_have_text("n = 1")
    # The line joins the full months only: eleven points, none of them at −100.
    points = chart.locator("polyline.chart__line").get_attribute("points").split()
    assert len(points) == 11
    expect(chart.locator(f'g[data-period="{program["first_month"]}"]')).to_have_attribute("data-state", "full")
    expect(chart.locator("tspan", has_text="so far")).to_be_visible()
    # Every label stays inside the chart, also on a phone.
    svg_box = chart.bounding_box()
    for label in chart.locator("text").all():
        box = label.bounding_box()
        assert svg_box["x"] - 1 <= box["x"] and box["x"] + box["width"] <= svg_box["x"] + svg_box["width"] + 1, \
            label.text_content()
    expect(card).to_contain_text("A month with fewer than 10 answers is a hollow point off the line")

    # The same figures as a table, with the marks.
    table = card.locator("details table")
    expect(table).to_be_hidden()
    card.get_by_text("The chart's figures as a table").click()
    expect(table).to_be_visible()
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(12)
    last = rows.last
    expect(last.locator("th")).to_contain_text(str(timezone.now().year))
    expect(last).to_contain_text("-100")
    expect(last).to_contain_text("so far · below the minimum of 10 answers")
    expect(rows.first).to_contain_text("25")
    expect(rows.first).not_to_contain_text("below the minimum")
    no_sideways_scroll(page)


@pytest.mark.parametrize("width", [1280, 390])
def test_the_leaderboard_shows_the_score_that_ranks_and_marks_a_significant_change(world, site, new_page, program, width):
    page = new_page()
    page.set_viewport_size({"width": width, "height": 900})
    open_leaderboard(site, world, page)
    scores = program["scores"]
    steady, lucky = scores["Steady Partner"], scores["Lucky Partner"]
    assert (round(steady.nps), round(lucky.nps)) == (50, 60) and steady.rank < lucky.rank

    table = page.locator("table.leaderboard")
    headers = table.locator("thead th")
    expect(headers).to_have_text(["Rank", "Partner", "NPS", "Ranking score", "95% interval", "Answers", "Trend"])
    expect(page.get_by_text("Ranked by NPS adjusted for the number of answers: the ranking score adds 20 answers")).to_be_visible()
    for name, score in (("Steady Partner", steady), ("Lucky Partner", lucky)):
        row = table.locator("tbody tr", has=page.get_by_role("link", name=name))
        cells = row.locator("td")
        expect(cells.nth(0)).to_have_text(str(score.rank))
        expect(cells.nth(2)).to_have_text(str(round(score.nps)))
        expect(cells.nth(3)).to_have_text(f"{score.shrunk:.1f}")
    assert steady.shrunk > lucky.shrunk

    northwind = table.locator("tbody tr", has=page.get_by_role("link", name="Northwind Traders"))
    assert scores["Northwind Traders"].trend_significant
    expect(northwind.get_by_role("img", name="significant change")).to_have_text("●")
    for name in ("Steady Partner", "Lucky Partner"):
        row = table.locator("tbody tr", has=page.get_by_role("link", name=name))
        expect(row.get_by_role("img", name="significant change")).to_have_count(0)
    expect(page.get_by_text("● marks a change from the previous window that is statistically significant")).to_be_visible()

    # At any width, the page itself does not scroll sideways; the table scrolls inside its frame,
    # so Answers and Trend can be reached and read.
    no_sideways_scroll(page)
    answers, trend = northwind.locator("td").nth(5), northwind.locator("td").nth(6)
    trend.scroll_into_view_if_needed()
    expect(trend).to_be_in_viewport()
    expect(answers).to_have_text(str(scores["Northwind Traders"].n))
    box, viewport = trend.bounding_box(), page.viewport_size
    assert 0 <= box["x"] and box["x"] + box["width"] <= viewport["width"]
    no_sideways_scroll(page)


def test_the_partners_chart_in_the_portal_says_when_it_was_computed(world, site, new_page, program):
    page = new_page()
    page.set_viewport_size({"width": 390, "height": 900})
    sign_in(page, site.url(world.acme, "/accounts/login/"), "rep@contoso.example", PASSWORD)
    expect(page).to_have_url(site.url(world.acme, "/portal/"))
    page.goto(site.url(world.acme, "/portal/nps/"))
    expect(page.get_by_text("These figures were computed")).to_contain_text(
        "Answers that arrive after that count from the next ranking, which runs every night.")
    chart = page.get_by_role("img", name="Your NPS by month")
    expect(chart).to_be_visible()
    # Contoso's eleven months are full points on the line; this month's one answer is hollow, so far.
    states = chart.locator("g.nps-chart__point").evaluate_all("gs => gs.map(g => g.dataset.state)")
    assert states == ["full"] * 11 + ["thin so-far"]
    assert len(chart.locator("polyline.chart__line").get_attribute("points").split()) == 11
    no_sideways_scroll(page)
