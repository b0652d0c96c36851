"""The NPS chart: months below the program's minimum are hollow points off the line, with their
interval and n; the month a run is in is "so far"; months without answers are gaps on a calendar
axis; every figure is also in a table; the SVG fills its card at any width."""

import re
from datetime import date

import pytest
from django.template import Context, Template
from django.utils import translation

from surveys import statistics
from surveys.models import PartnerScore, RankingRun

CHART = Template("{% load nps_charts %}{% nps_over_time scores title run minimum %}")
DECEMBER_RUN = RankingRun(run_date=date(2026, 12, 2), window_start=date(2026, 1, 1), window_end=date(2026, 12, 2))


def score(period, promoters, passives, detractors):
    n = promoters + passives + detractors
    low, high = statistics.adjusted_wald(promoters, detractors, n)
    return PartnerScore(period=period, n=n, promoters=promoters, passives=passives, detractors=detractors,
                        nps=statistics.nps(promoters, detractors, n), ci_low=low, ci_high=high)


def draw(scores, run=DECEMBER_RUN, minimum=30, title="Program NPS by month"):
    return CHART.render(Context({"scores": scores, "title": title, "run": run, "minimum": minimum}))


def point(html, period):
    match = re.search(rf'<g class="nps-chart__point" data-period="{period}" data-state="([^"]*)">(.*?)</g>', html, re.S)
    assert match, period
    return match.group(1), match.group(2)


def polylines(html):
    return [line.split() for line in re.findall(r'<polyline points="([^"]*)" class="chart__line"', html)]


def table_rows(html):
    body = html[html.index("<tbody>"):html.index("</tbody>")]
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


@pytest.fixture
def program_year():
    """Eleven full months of 40 answers (NPS 25), then December 2026, two days old, with one detractor."""
    return [score(f"2026-{m:02d}", 20, 10, 10) for m in range(1, 12)] + [score("2026-12", 0, 0, 1)]


def test_a_month_below_the_minimum_is_a_hollow_point_off_the_line_with_its_interval_and_n(program_year):
    html = draw(program_year)
    [line] = polylines(html)
    assert len(line) == 11  # January to November: December does not pull the line to −100
    state, december = point(html, "2026-12")
    assert state == "thin so-far"
    assert 'class="nps-chart__hollow" fill="#fff"' in december and "chart__dot" not in december
    title = re.search(r"<title>(.*?)</title>", december).group(1)
    low, high = statistics.adjusted_wald(0, 1, 1)
    assert title == (f"December 2026 (so far): NPS -100, 95% interval {round(low)} to {round(high)}, 1 answer: "
                     "fewer than the 30 needed for a full point")
    assert ">n = 1</text>" in december
    # Its interval is drawn as a line of its own at its x.
    x = re.search(r'cx="([\d.]+)%"', december).group(1)
    assert re.search(rf'<line x1="{x}%" x2="{x}%" y1="[\d.]+" y2="[\d.]+" class="nps-chart__interval"', html)
    state, november = point(html, "2026-11")
    assert state == "full" and 'class="chart__dot"' in november and ">25</text>" in november
    # The axis says December is so far, and so does the legend.
    assert re.search(r">Dec</tspan><tspan[^>]*>so far</tspan>", html)
    assert "A month with fewer than 30 answers is a hollow point off the line" in html
    assert "The last month is still running: its figures are so far." in html


def test_every_figure_is_in_a_table_with_its_marks(program_year):
    html = draw(program_year)
    assert "<summary>The chart's figures as a table</summary>" in html
    rows = table_rows(html)
    assert len(rows) == 12
    low, high = statistics.adjusted_wald(20, 10, 40)
    assert rows[0] == f"January 2026 25 {round(low)} to {round(high)} 40"
    low, high = statistics.adjusted_wald(0, 1, 1)
    assert rows[-1] == f"December 2026 -100 {round(low)} to {round(high)} 1 so far · below the minimum of 30 answers"


def test_months_without_answers_are_gaps_on_a_calendar_axis():
    """A partner with answers in March and June only: the months between are empty, not squeezed out."""
    html = draw([score("2026-03", 30, 5, 5), score("2026-06", 30, 5, 5)], minimum=30)
    xs = {period: float(re.search(r'cx="([\d.]+)%"', point(html, period)[1]).group(1)) for period in ("2026-03", "2026-06")}
    step = (92 - 9) / 11
    assert xs == {"2026-03": pytest.approx(9 + 2 * step, abs=0.01), "2026-06": pytest.approx(9 + 5 * step, abs=0.01)}
    assert polylines(html) == []  # two full months three months apart are not joined
    assert html.count('class="nps-chart__interval"') == 2  # each with its own interval
    rows = table_rows(html)
    assert len(rows) == 12 and rows[1] == "February 2026 — 0 no answers"
    assert rows[-1] == "December 2026 — 0 so far · no answers"


def test_a_full_month_so_far_is_reached_by_a_dashed_line():
    html = draw([score("2026-10", 30, 5, 5), score("2026-11", 30, 5, 5), score("2026-12", 30, 5, 5)])
    [line] = polylines(html)
    assert len(line) == 2  # October to November, solid
    assert re.search(r'<line x1="[\d.]+" y1="[\d.]+" x2="[\d.]+" y2="[\d.]+" class="chart__line nps-chart__so-far" '
                     r'stroke-dasharray="6 5"', html)
    assert point(html, "2026-12")[0] == "full so-far"


def test_a_run_on_the_last_day_of_its_month_has_no_month_so_far():
    run = RankingRun(run_date=date(2026, 11, 30), window_start=date(2025, 12, 1), window_end=date(2026, 11, 30))
    html = draw([score("2026-11", 30, 5, 5)], run=run)
    assert point(html, "2026-11")[0] == "full"
    assert "so far" not in html


def test_the_chart_fills_its_card_and_keeps_its_coordinates_in_german(program_year):
    with translation.override("de"):
        html = draw(program_year)
    svg = re.search(r"<svg [^>]*>", html).group(0)
    assert 'width="100%"' in svg and 'role="img"' in svg and 'aria-label="Program NPS by month"' in svg
    assert 'viewBox="0 0 1000 240" preserveAspectRatio="none"' in html
    assert "," not in "".join(re.findall(r'(?:cx|x1|x2|y1|y2|cy|y)="([^"]*)"', html))
    assert "Dezember 2026" in html and ">Dez</tspan>" in html


def test_no_answers_at_all_says_so():
    assert "No answers in this period yet." in draw([])
