"""Nightly rankings: counts from SQL, statistics from surveys.statistics, stored per window and month.

The small case below is worked out by hand (run date 15 Mar 2025, a 3-month window Jan–Mar, at
least 3 answers to be ranked, 2 ghost answers):

Northwind  Jan [10, 9, 3]  Feb [8, 10]  Mar [6]   → n 6: 3 promoters, 1 passive, 2 detractors, NPS 16.7
           Dec [0, 0] is the previous window; Jun 2024 [0] and Apr 2025 [10] are outside both
Contoso    Feb [9, 9, 7 at 23:59:59 on the 28th]  Mar [7 at 00:00 on the 1st]
                                                   → n 4: 2 promoters, 2 passives, NPS 50
Program    n 10: 5 promoters, 3 passives, 2 detractors → NPS 100 · (5 − 2) / 10 = 30
"""

import os
import threading
from datetime import date

import pytest
from django.db import transaction

from prm.tenancy.context import tenant_context
from surveys import rankings, selectors, statistics, tasks
from surveys.models import PartnerScore, RankingRun
from tests.factories import PartnerFactory, TenantFactory

from .helpers import bulk_answers, make_survey, set_settings, utc
from .statistics_reference import nps_difference_z

RUN_DATE = date(2025, 3, 15)
VALUES = ["partner_id", "period", "n", "promoters", "passives", "detractors", "nps", "ci_low", "ci_high", "shrunk",
          "rank", "ranked_of", "trend_delta", "trend_significant"]


def score_values(run):
    rows = PartnerScore.unscoped.filter(run=run).values_list(*VALUES)
    return sorted(rows, key=lambda row: (row[1], row[0] or 0))


@pytest.fixture
def small_case(acme):
    set_settings(acme.acme, window_months=3, minimum_answers=3, ghost_answers=2)
    survey = make_survey(acme.acme, "NPS")
    northwind, contoso = acme.northwind, acme.contoso
    bulk_answers(survey, northwind, [0], utc(2024, 6, 1, 12))
    bulk_answers(survey, northwind, [0, 0], utc(2024, 12, 15, 12))
    bulk_answers(survey, northwind, [10, 9, 3], utc(2025, 1, 10, 12))
    bulk_answers(survey, northwind, [8, 10], utc(2025, 2, 10, 12))
    bulk_answers(survey, northwind, [6], utc(2025, 3, 5, 12))
    bulk_answers(survey, northwind, [10], utc(2025, 4, 2, 12))
    bulk_answers(survey, contoso, [9, 9], utc(2025, 2, 20, 12))
    # Boundaries in UTC: the last second of February is February, midnight on 1 March is March.
    bulk_answers(survey, contoso, [7], utc(2025, 2, 28, 23, 59, 59))
    bulk_answers(survey, contoso, [7], utc(2025, 3, 1, 0, 0, 0))
    return survey


def test_the_run_stores_window_and_monthly_rows_that_match_the_hand_computation(acme, small_case):
    run = rankings.run_rankings(tenant=acme.acme, run_date=RUN_DATE)
    northwind, contoso = acme.northwind.pk, acme.contoso.pk

    assert (run.run_date, run.window_start, run.window_end) == (RUN_DATE, date(2025, 1, 1), RUN_DATE)
    scores = {(s.partner_id, s.period): s for s in PartnerScore.objects.filter(run=run)}
    assert set(scores) == {
        (northwind, "window"), (contoso, "window"), (None, "window"),
        (northwind, "2025-01"), (None, "2025-01"),
        (northwind, "2025-02"), (contoso, "2025-02"), (None, "2025-02"),
        (northwind, "2025-03"), (contoso, "2025-03"), (None, "2025-03"),
    }

    nw = scores[(northwind, "window")]
    assert (nw.n, nw.promoters, nw.passives, nw.detractors) == (6, 3, 1, 2)
    assert nw.nps == pytest.approx(100 * (3 - 2) / 6)
    assert (nw.ci_low, nw.ci_high) == pytest.approx(statistics.adjusted_wald(3, 2, 6))
    # Adjusted Wald by hand: n' = 9, p' = 3.75/9, d' = 2.75/9, centre 100 · 1/9 = 11.11.
    p, d = 3.75 / 9, 2.75 / 9
    half = statistics.Z95 * 100 * ((p + d - (p - d) ** 2) / 9) ** 0.5
    assert (nw.ci_low, nw.ci_high) == pytest.approx((100 / 9 - half, 100 / 9 + half))

    co = scores[(contoso, "window")]
    assert (co.n, co.promoters, co.passives, co.detractors) == (4, 2, 2, 0)
    assert co.nps == pytest.approx(50.0)

    program = scores[(None, "window")]
    assert (program.n, program.promoters, program.passives, program.detractors) == (10, 5, 3, 2)
    assert program.nps == pytest.approx(30.0)
    assert (program.ci_low, program.ci_high) == pytest.approx(statistics.adjusted_wald(5, 2, 10))
    assert (program.shrunk, program.rank) == (None, None)

    # Shrinkage towards the program's mix (p_t = 5/10, d_t = 2/10) with 2 ghost answers.
    assert nw.shrunk == pytest.approx(100 * ((3 + 2 * 0.5) - (2 + 2 * 0.2)) / (6 + 2))
    assert co.shrunk == pytest.approx(100 * ((2 + 2 * 0.5) - (0 + 2 * 0.2)) / (4 + 2))
    # Contoso's 4 answers reach the minimum of 3: both ranked, by the shrunk score.
    assert (co.rank, nw.rank, co.ranked_of, nw.ranked_of) == (1, 2, 2, 2)

    # Trend: Northwind's previous window (Oct–Dec) holds the two 0s: NPS −100 → 16.7.
    assert nw.trend_delta == pytest.approx(100 / 6 + 100)
    assert nw.trend_significant == (abs(nps_difference_z(3, 2, 6, 0, 2, 2)) > statistics.Z95)
    assert co.trend_delta is None and co.trend_significant is False

    months = {period: (s.n, s.promoters, s.passives, s.detractors) for (pid, period), s in scores.items() if pid == northwind}
    assert months == {"window": (6, 3, 1, 2), "2025-01": (3, 2, 0, 1), "2025-02": (2, 1, 1, 0), "2025-03": (1, 0, 0, 1)}
    assert (scores[(contoso, "2025-02")].n, scores[(contoso, "2025-03")].n) == (3, 1)
    assert [scores[(None, m)].n for m in ("2025-01", "2025-02", "2025-03")] == [3, 5, 2]
    jan = scores[(northwind, "2025-01")]
    assert jan.nps == pytest.approx(100 / 3)
    assert (jan.ci_low, jan.ci_high) == pytest.approx(statistics.adjusted_wald(2, 1, 3))
    assert jan.trend_delta == pytest.approx(100 / 3 + 100)  # against December's two 0s

    run.refresh_from_db()
    assert (run.tenant_n, run.ranked_count) == (10, 2)
    assert run.tenant_nps == pytest.approx(30.0)
    assert run.median_nps == pytest.approx((100 / 6 + 50) / 2)
    assert run.top_quartile_nps == pytest.approx(100 / 6 + 0.75 * (50 - 100 / 6))


def test_ranks_only_partners_with_the_minimum_number_of_answers(acme, small_case):
    set_settings(acme.acme, minimum_answers=5)
    run = rankings.run_rankings(tenant=acme.acme, run_date=RUN_DATE)
    nw = PartnerScore.objects.get(run=run, partner=acme.northwind, period="window")
    co = PartnerScore.objects.get(run=run, partner=acme.contoso, period="window")
    assert (nw.rank, nw.ranked_of) == (1, 1)
    assert (co.rank, co.ranked_of) == (None, 1)
    assert co.nps == pytest.approx(50.0)  # shown, with its interval, just not ranked
    run.refresh_from_db()
    assert run.ranked_count == 1
    assert run.median_nps == pytest.approx(100 / 6)
    assert [s.partner for s in selectors.leaderboard(run)] == [acme.northwind, acme.contoso]


def test_a_small_partner_does_not_top_a_big_one(acme):
    """Shrinkage: 3 perfect answers (NPS 100) do not beat 300 answers with NPS 80."""
    set_settings(acme.acme, window_months=1, minimum_answers=3, ghost_answers=20)
    survey = make_survey(acme.acme)
    litware = PartnerFactory(tenant=acme.acme, name="Litware")
    bulk_answers(survey, acme.contoso, [10, 10, 10], utc(2025, 3, 2))
    bulk_answers(survey, acme.northwind, [10] * 250 + [8] * 40 + [3] * 10, utc(2025, 3, 2))
    bulk_answers(survey, litware, [10] * 30 + [8] * 20 + [3] * 50, utc(2025, 3, 2))
    run = rankings.run_rankings(tenant=acme.acme, run_date=RUN_DATE)
    ranked = [(s.partner, round(s.nps), s.rank) for s in selectors.leaderboard(run)]
    assert ranked == [(acme.northwind, 80, 1), (acme.contoso, 100, 2), (litware, -20, 3)]
    contoso = PartnerScore.objects.get(run=run, partner=acme.contoso, period="window")
    # Program mix p_t = 283/403, d_t = 60/403; Contoso: 100 · ((3 + 20 p_t) − 20 d_t) / 23.
    assert contoso.shrunk == pytest.approx(100 * ((3 + 20 * 283 / 403) - 20 * 60 / 403) / 23)
    assert contoso.ci_low < 0 < 100 == contoso.ci_high  # and its interval says how little 3 answers tell


def test_running_the_same_day_twice_gives_identical_rows(acme, small_case):
    first = rankings.run_rankings(tenant=acme.acme, run_date=RUN_DATE)
    before = score_values(first)
    second = rankings.run_rankings(tenant=acme.acme, run_date=RUN_DATE)
    assert second.pk == first.pk
    assert RankingRun.objects.count() == 1
    assert score_values(second) == before
    assert PartnerScore.objects.count() == len(before) == 11


def test_another_day_is_another_run_and_the_latest_is_shown(acme, small_case):
    rankings.run_rankings(tenant=acme.acme, run_date=RUN_DATE)
    later = rankings.run_rankings(tenant=acme.acme, run_date=date(2025, 4, 3))
    assert RankingRun.objects.count() == 2
    assert selectors.latest_run() == later
    # April's window (Feb–Apr) has the April 10 and loses January.
    nw = PartnerScore.objects.get(run=later, partner=acme.northwind, period="window")
    assert (nw.n, nw.promoters, nw.detractors) == (4, 2, 1)


def test_an_interrupted_run_leaves_the_previous_result_intact(acme, small_case, monkeypatch):
    run = rankings.run_rankings(tenant=acme.acme, run_date=RUN_DATE)
    before = score_values(run)
    run_before = RankingRun.objects.values().get(pk=run.pk)

    bulk_answers(small_case, acme.contoso, [0, 0, 0, 0], utc(2025, 3, 10))  # a rerun would change the numbers
    real_store = rankings._store_scores
    calls = []

    def crash_half_way(table, periods, run_ids):
        calls.append(len(table))
        real_store(table.iloc[: len(table) // 2], periods[:1], run_ids)  # some rows are written…
        raise RuntimeError("worker killed")  # …then the worker dies

    monkeypatch.setattr(rankings, "_store_scores", crash_half_way)
    with pytest.raises(RuntimeError, match="worker killed"):
        rankings.run_rankings(tenant=acme.acme, run_date=RUN_DATE)
    assert calls and calls[0] > 2  # the crash really happened inside the run, after the old rows were deleted

    assert score_values(run) == before
    assert RankingRun.objects.values().get(pk=run.pk) == run_before
    assert RankingRun.objects.count() == 1

    monkeypatch.undo()
    rerun = rankings.run_rankings(tenant=acme.acme, run_date=RUN_DATE)
    co = PartnerScore.objects.get(run=rerun, partner=acme.contoso, period="window")
    assert (co.n, co.detractors) == (8, 4)


def test_a_big_real_change_is_flagged_and_noise_is_not(acme):
    set_settings(acme.acme, window_months=1, minimum_answers=1, ghost_answers=0)
    survey = make_survey(acme.acme)
    # Northwind: 30 detractors in February, 30 promoters in March.
    bulk_answers(survey, acme.northwind, [2] * 30, utc(2025, 2, 10))
    bulk_answers(survey, acme.northwind, [10] * 30, utc(2025, 3, 10))
    # Contoso: NPS 0 → 20 on 10 answers each: within the noise.
    bulk_answers(survey, acme.contoso, [10] * 5 + [0] * 5, utc(2025, 2, 10))
    bulk_answers(survey, acme.contoso, [10] * 6 + [0] * 4, utc(2025, 3, 10))

    run = rankings.run_rankings(tenant=acme.acme, run_date=RUN_DATE)
    nw = PartnerScore.objects.get(run=run, partner=acme.northwind, period="window")
    co = PartnerScore.objects.get(run=run, partner=acme.contoso, period="window")
    assert (nw.trend_delta, nw.trend_significant) == (pytest.approx(200.0), True)
    assert (co.trend_delta, co.trend_significant) == (pytest.approx(20.0), False)
    march = PartnerScore.objects.get(run=run, partner=acme.northwind, period="2025-03")
    assert march.trend_significant is True


def test_a_tenant_without_answers_gets_an_empty_run(acme):
    run = rankings.run_rankings(tenant=acme.acme, run_date=RUN_DATE)
    assert (run.tenant_n, run.tenant_nps, run.median_nps, run.ranked_count) == (0, None, None, 0)
    assert not PartnerScore.objects.filter(run=run, partner__isnull=False).exists()
    program = PartnerScore.objects.get(run=run, partner=None, period="window")
    assert (program.n, program.nps) == (0, None)


def test_the_task_ranks_every_tenant_with_its_own_partners_only(world, in_tenant):
    quiet = TenantFactory(slug="quiet", name="Quiet Corp")  # no answers at all: must not stop the others
    PartnerFactory(tenant=quiet, name="Idle Partner")
    with in_tenant(world.acme):
        set_settings(world.acme, minimum_answers=1)
        survey = make_survey(world.acme)
        bulk_answers(survey, world.northwind, [10, 9], utc(2025, 3, 1))
        bulk_answers(survey, world.contoso, [5], utc(2025, 3, 1))
    with in_tenant(world.globex):
        set_settings(world.globex, minimum_answers=1)
        bulk_answers(make_survey(world.globex), world.initech, [7, 7, 0], utc(2025, 2, 1))

    tasks.compute_rankings.delay(run_date=RUN_DATE.isoformat())

    assert set(RankingRun.unscoped.values_list("tenant__slug", "run_date")) == {
        ("acme", RUN_DATE), ("globex", RUN_DATE), ("quiet", RUN_DATE)}
    with tenant_context(world.acme):
        run = selectors.latest_run()
        assert [(s.partner.name, s.rank) for s in selectors.leaderboard(run)] == [
            ("Northwind Traders", 1), ("Contoso Integration", 2)]
        assert run.tenant_n == 3
    with tenant_context(world.globex):
        run = selectors.latest_run()
        assert [(s.partner.name, s.n) for s in selectors.leaderboard(run)] == [("Initech Solutions", 3)]
        assert PartnerScore.objects.filter(partner__in=[world.northwind, world.contoso]).count() == 0
    with tenant_context(quiet):
        assert selectors.latest_run().tenant_n == 0
    for score in PartnerScore.unscoped.filter(partner__isnull=False).select_related("partner"):
        assert score.partner.tenant_id == score.tenant_id == score.run.tenant_id


def test_the_task_can_rank_one_tenant(world, in_tenant):
    tasks.compute_rankings.delay(tenant_id=world.globex.pk, run_date=RUN_DATE.isoformat())
    assert list(RankingRun.unscoped.values_list("tenant__slug", flat=True)) == ["globex"]


def _tenant_with_answers(slug, partners, settings, seed):
    """A tenant whose partners have a spread of answers over the last two years."""
    import random

    tenant = TenantFactory(slug=slug, name=slug.title())
    set_settings(tenant, **settings)
    survey = make_survey(tenant)
    rng = random.Random(seed)
    for k in range(partners):
        partner = PartnerFactory(tenant=tenant, name=f"{slug} partner {k}")
        for month in range(24):
            year, month_index = divmod(2025 * 12 + 2 - month, 12)
            scores = [rng.choice([0, 3, 6, 7, 8, 9, 10, 10]) for _ in range(rng.randint(0, 6))]
            bulk_answers(survey, partner, scores, utc(year, month_index + 1, rng.randint(1, 28), 12))
    return tenant


def test_ranking_tenants_together_gives_each_exactly_what_ranking_it_alone_gives(db, monkeypatch):
    # Different windows, ghosts and minimums: each tenant must be ranked with its own settings.
    monkeypatch.setattr(rankings, "BATCHES", 1)  # one batch per window length: north with south, east with west
    tenants = [
        _tenant_with_answers("north", 6, {"window_months": 3, "minimum_answers": 5, "ghost_answers": 10}, 1),
        _tenant_with_answers("south", 5, {"window_months": 3, "minimum_answers": 2, "ghost_answers": 0}, 2),
        _tenant_with_answers("east", 4, {"window_months": 12, "minimum_answers": 20, "ghost_answers": 30}, 3),
        TenantFactory(slug="west", name="West"),  # no answers, no settings row yet
    ]

    together = rankings.rank_tenants(tenants, run_date=RUN_DATE)
    together_scores = {t.pk: score_values(together[t.pk]) for t in tenants}
    together_runs = {t.pk: RankingRun.unscoped.values("tenant_n", "tenant_nps", "median_nps", "top_quartile_nps",
                                                       "ranked_count", "window_start").get(pk=together[t.pk].pk)
                     for t in tenants}
    RankingRun.unscoped.all().delete()

    for tenant in tenants:
        with tenant_context(tenant):
            alone = rankings.run_rankings(tenant=tenant, run_date=RUN_DATE)
        assert score_values(alone) == together_scores[tenant.pk], tenant.slug
        assert RankingRun.unscoped.values(*together_runs[tenant.pk]).get(pk=alone.pk) == together_runs[tenant.pk]

    # The comparison has something to compare: ranked partners with trends, in each cohort.
    north = together_scores[tenants[0].pk]
    assert any(row[10] is not None for row in north) and any(row[12] is not None for row in north)
    assert together_runs[tenants[2].pk]["window_start"] == date(2024, 4, 1)
    assert together_runs[tenants[3].pk]["tenant_n"] == 0


@pytest.mark.postgres
@pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="needs PostgreSQL (DATABASE_URL)")
@pytest.mark.django_db(transaction=True)
def test_batches_fetched_ahead_on_a_second_connection_give_the_same_runs(monkeypatch):
    tenants = [
        _tenant_with_answers("north", 3, {"window_months": 3, "minimum_answers": 2, "ghost_answers": 5}, 4),
        _tenant_with_answers("south", 3, {"window_months": 3, "minimum_answers": 2, "ghost_answers": 0}, 5),
        _tenant_with_answers("east", 2, {"window_months": 6, "minimum_answers": 1, "ghost_answers": 8}, 6),
    ]
    monkeypatch.setattr(rankings, "BATCHES", 3)  # one tenant per batch: two fetched ahead
    threads = []
    real_counts = rankings.monthly_counts

    def counting(*args):
        threads.append(threading.current_thread().name)
        return real_counts(*args)

    monkeypatch.setattr(rankings, "monthly_counts", counting)
    ahead = rankings.rank_tenants(tenants, run_date=RUN_DATE)
    ahead_scores = {pk: score_values(run) for pk, run in ahead.items()}
    assert len(threads) == 3 and all(name.startswith("ranking-counts") for name in threads)

    threads.clear()
    with transaction.atomic():  # inside a transaction: one connection, batch after batch
        in_turn = rankings.rank_tenants(tenants, run_date=RUN_DATE)
    assert threads == [threading.main_thread().name] * 3
    assert {pk: score_values(run) for pk, run in in_turn.items()} == ahead_scores
    assert all(len(rows) > 3 for rows in ahead_scores.values())
