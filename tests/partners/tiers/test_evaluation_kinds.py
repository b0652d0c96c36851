"""The requirement kinds deal registration and surveys register, against figures computed by hand."""

from datetime import timedelta
from decimal import Decimal

from dealreg.models import DealStatus
from partners.tiers.requirements import Measure, kind_of
from prm.tenancy.context import tenant_context
from surveys.models import SurveySettings

from .evaluation_fixtures import TODAY, nps, won


def test_the_kinds_are_registered():
    assert kind_of("won_value").unit == "money"
    assert kind_of("won_deals").unit == "count"
    assert kind_of("nps").unit == "score"


def test_won_value_sums_the_last_365_days_in_the_programs_currency(world):
    n, c = world.northwind, world.contoso
    won(n, "10000", 0)
    won(n, "20000", 364)  # inside: the window is (today − 365 days, today]
    won(n, "40000", 365)  # outside
    won(n, "80000", 30, currency="EUR")  # another currency: does not count
    won(n, "1000", 30, status=DealStatus.LOST)
    won(c, "5000", 100)
    with tenant_context(world.acme):
        figures = kind_of("won_value").measure([n.pk, c.pk, world.northwind.pk], TODAY, None)
    assert figures[n.pk] == Measure(Decimal("30000"), 2)
    assert figures[c.pk] == Measure(Decimal("5000"), 1)


def test_won_deals_counts_every_currency_in_the_window(world):
    n = world.northwind
    won(n, "10000", 5)
    won(n, "80000", 30, currency="EUR")
    won(n, "1", 400)
    with tenant_context(world.acme):
        assert kind_of("won_deals").measure([n.pk], TODAY, None)[n.pk].value == 2
        # as of 340 days ahead, the deal won 30 days ago has left the window (30 + 340 > 365 − 1)
        assert kind_of("won_deals").measure([n.pk], TODAY + timedelta(days=340), None)[n.pk].value == 1


def test_won_deals_lapse_on_the_day_they_leave_the_window(world):
    n = world.northwind
    won(n, "12500", 350, customer="Tailspin")
    won(n, "9000", 10)
    with tenant_context(world.acme):
        lapses = kind_of("won_value").lapses([n.pk], TODAY, TODAY + timedelta(days=60), None)
        counted = kind_of("won_deals").lapses([n.pk], TODAY, TODAY + timedelta(days=60), None)
        day = lapses[n.pk][0][0]
        assert kind_of("won_value").measure([n.pk], day - timedelta(days=1), None)[n.pk].value == Decimal("21500")
        assert kind_of("won_value").measure([n.pk], day, None)[n.pk].value == Decimal("9000")
    assert day == TODAY + timedelta(days=15)
    assert len(lapses[n.pk]) == 1 and "Tailspin" in lapses[n.pk][0][1]
    assert counted[n.pk][0][0] == day


def test_nps_is_the_shrunk_score_with_at_least_the_minimum_answers(world):
    n, c = world.northwind, world.contoso
    nps(world.acme, {n: (41.23, 45), c: (70.0, 12)})
    with tenant_context(world.acme):
        SurveySettings.objects.create(tenant=world.acme, minimum_answers=30)
        figures = kind_of("nps").measure([n.pk, c.pk], TODAY, None)
    assert figures[n.pk] == Measure(Decimal("41.2"), 45)
    assert figures[c.pk] == Measure(None, 12)  # below the minimum: no figure, the sample says why


def test_nps_without_a_ranking_has_no_figure(world):
    with tenant_context(world.acme):
        assert kind_of("nps").measure([world.northwind.pk], TODAY, None)[world.northwind.pk] == Measure(None, 0)


def test_nps_reads_the_latest_run(world):
    n = world.northwind
    nps(world.acme, {n: (10.0, 80)}, run_date=TODAY - timedelta(days=1))
    nps(world.acme, {n: (55.0, 90)})
    with tenant_context(world.acme):
        assert kind_of("nps").measure([n.pk], TODAY, None)[n.pk] == Measure(Decimal("55.0"), 90)


def test_many_partners_are_measured_over_the_program_and_kept_to_those_asked(world):
    n, c = world.northwind, world.contoso
    won(n, "10000", 5)
    won(c, "5000", 5)
    asked = [n.pk, *range(10**6, 10**6 + 300)]  # more than MANY: the GROUP BY runs over the whole program
    with tenant_context(world.acme):
        values = kind_of("won_value").measure(asked, TODAY, None)
        counts = kind_of("won_deals").measure(asked, TODAY, None)
    assert values == {n.pk: Measure(Decimal("10000"), 1)}
    assert counts == {n.pk: Measure(Decimal("1"), 1)}
