"""NPS statistics on aggregated counts: every expected value is worked out by hand below."""

import math

import pandas as pd
import pytest

from surveys.statistics import Z95, adjusted_wald, benchmarks_by, nps, ordinal, score_tables

from .statistics_reference import benchmarks, nps_difference_z, score_table, shrunk_nps, trend_table


def counts(*rows):
    """rows: (partner_id, promoters, passives, detractors); n is their sum."""
    return pd.DataFrame(
        [{"partner_id": pid, "n": p + pa + d, "promoters": p, "passives": pa, "detractors": d} for pid, p, pa, d in rows]
    )


# --- nps and the adjusted-Wald interval -------------------------------------------------------


def test_no_answers_has_no_score_but_a_wide_interval_around_zero():
    assert nps(0, 0, 0) is None
    low, high = adjusted_wald(0, 0, 0)
    # n' = 0 + 3 = 3, p' = d' = 0.75 / 3 = 0.25, centre = 100 * (0.25 - 0.25) = 0
    # var = (0.25 + 0.25 - 0^2) / 3 = 0.5 / 3; half = 1.959964 * 100 * sqrt(0.5/3) = 80.015195
    half = Z95 * 100 * math.sqrt(0.5 / 3)
    assert half == pytest.approx(80.015195, abs=1e-6)
    assert low == pytest.approx(-half, abs=1e-9)
    assert high == pytest.approx(half, abs=1e-9)


def test_one_promoter():
    assert nps(1, 0, 1) == 100.0  # 100 * (1 - 0) / 1
    low, high = adjusted_wald(1, 0, 1)
    # n' = 4, p' = 1.75/4 = 0.4375, d' = 0.75/4 = 0.1875, centre = 100 * 0.25 = 25
    # var = (0.625 - 0.25^2) / 4 = 0.5625 / 4 = 0.140625, sqrt = 0.375
    # half = 1.959963984540054 * 37.5 = 73.498649420252
    assert low == pytest.approx(25 - 73.498649420252, abs=1e-6)  # -48.498649
    assert high == pytest.approx(25 + 73.498649420252, abs=1e-6)  # 98.498649


def test_one_detractor_mirrors_one_promoter():
    assert nps(0, 1, 1) == -100.0  # 100 * (0 - 1) / 1
    low, high = adjusted_wald(0, 1, 1)
    # p' = 0.1875, d' = 0.4375: centre -25, same half-width 73.498649420252
    assert low == pytest.approx(-25 - 73.498649420252, abs=1e-6)
    assert high == pytest.approx(-25 + 73.498649420252, abs=1e-6)


def test_all_promoters_clips_high_at_100():
    assert nps(50, 0, 50) == 100.0
    low, high = adjusted_wald(50, 0, 50)
    # n' = 53, p' = 50.75/53 = 0.957547, d' = 0.75/53 = 0.014151, centre = 100 * 50/53 = 94.339623
    # var = (51.5/53 - (50/53)^2) / 53 = (0.971698 - 0.889996) / 53 = 0.00154154100
    # half = 1.959964 * 100 * sqrt(0.0015415410) = 7.695301; centre + half = 102.03 -> clipped to 100
    assert low == pytest.approx(94.339622641509 - 7.695301349475, abs=1e-6)  # 86.644321
    assert high == 100.0


def test_all_detractors_clips_low_at_minus_100():
    assert nps(0, 50, 50) == -100.0
    low, high = adjusted_wald(0, 50, 50)
    # mirror image of the all-promoter case: centre -94.339623, half 7.695301
    assert low == -100.0
    assert high == pytest.approx(-94.339622641509 + 7.695301349475, abs=1e-6)  # -86.644321


def test_mixed_case():
    # P = 60, passives = 25, D = 15, n = 100
    assert nps(60, 15, 100) == 45.0  # 100 * (60 - 15) / 100
    low, high = adjusted_wald(60, 15, 100)
    # n' = 103, p' = 60.75/103 = 0.589805825, d' = 15.75/103 = 0.152912621
    # centre = 100 * 45/103 = 43.689320388
    # var = (76.5/103 - (45/103)^2) / 103 = (0.742718447 - 0.190875671) / 103 = 0.005357696845
    # half = 1.959964 * 100 * sqrt(0.005357696845) = 1.959964 * 7.319629 = 14.346209187
    assert low == pytest.approx(43.689320388350 - 14.346209186615, abs=1e-6)  # 29.343111
    assert high == pytest.approx(43.689320388350 + 14.346209186615, abs=1e-6)  # 58.035530


def test_huge_sample_of_promoters_still_clips_at_100():
    low, high = adjusted_wald(1000, 0, 1000)
    # n' = 1003, centre = 100 * 1000/1003 = 99.700897
    # var = (1001.5/1003 - (1000/1003)^2) / 1003, half = 0.414114 -> 100.115 clipped to 100
    assert high == 100.0
    assert low == pytest.approx(99.700897308076 - 0.414114070678, abs=1e-6)  # 99.286783


# --- shrinkage ------------------------------------------------------------------------------


def test_three_perfect_answers_do_not_outrank_three_hundred_good_ones():
    # tenant mix 50% promoters / 20% detractors, m = 20 ghosts -> 10 ghost promoters, 4 ghost detractors
    small = shrunk_nps(3, 0, 3, 0.5, 0.2, 20)
    big = shrunk_nps(250, 20, 300, 0.5, 0.2, 20)
    # small: 100 * ((3 + 10) - (0 + 4)) / (3 + 20) = 900 / 23 = 39.130435
    assert small == pytest.approx(900 / 23, abs=1e-9)
    # big: 100 * ((250 + 10) - (20 + 4)) / (300 + 20) = 23600 / 320 = 73.75
    assert big == pytest.approx(73.75, abs=1e-9)
    assert big > small
    # raw scores point the other way: 100 vs 100 * 230 / 300 = 76.67
    assert nps(3, 0, 3) > nps(250, 20, 300)


def test_no_ghosts_is_the_raw_score():
    assert shrunk_nps(250, 20, 300, 0.5, 0.2, 0) == pytest.approx(nps(250, 20, 300))  # 76.666667
    assert shrunk_nps(3, 0, 3, 0.5, 0.2, 0) == 100.0


def test_no_answers_shrinks_to_the_tenant_score():
    # 100 * ((0 + 20 * 0.5) - (0 + 20 * 0.2)) / 20 = 100 * (0.5 - 0.2) = 30
    assert shrunk_nps(0, 0, 0, 0.5, 0.2, 20) == pytest.approx(30.0)
    assert shrunk_nps(0, 0, 0, 0.5, 0.2, 0) == pytest.approx(30.0)


# --- score_table ----------------------------------------------------------------------------


def tenant_of_1000():
    # totals: P = 3 + 250 + 247 = 500, passives = 0 + 30 + 270 = 300, D = 0 + 20 + 180 = 200,
    # n = 1000 -> tenant mix p_t = 0.5, d_t = 0.2
    return counts(("tiny", 3, 0, 0), ("big", 250, 30, 20), ("mid", 247, 270, 180))


def test_score_table_shrinks_towards_the_tenant_mix_and_ranks_by_it():
    table = score_table(tenant_of_1000(), ghosts=20, min_answers=1).set_index("partner_id")
    # tiny: 900/23 = 39.130435; big: 73.75; mid: 100 * ((247 + 10) - (180 + 4)) / 717 = 7300/717 = 10.181311
    assert table.loc["tiny", "shrunk"] == pytest.approx(900 / 23)
    assert table.loc["big", "shrunk"] == pytest.approx(73.75)
    assert table.loc["mid", "shrunk"] == pytest.approx(7300 / 717)
    assert table.loc["tiny", "nps"] == 100.0
    assert table.loc["big", "nps"] == pytest.approx(230 / 3)  # 100 * 230 / 300
    assert list(table["rank"]) == [2, 1, 3]
    assert (table["ranked_of"] == 3).all()
    # intervals match the scalar function
    assert table.loc["big", "ci_low"] == pytest.approx(adjusted_wald(250, 20, 300)[0])
    assert table.loc["tiny", "ci_high"] == pytest.approx(adjusted_wald(3, 0, 3)[1])


def test_score_table_without_ghosts_ranks_by_raw_score():
    table = score_table(tenant_of_1000(), ghosts=0, min_answers=1).set_index("partner_id")
    assert (table["shrunk"] == table["nps"]).all()
    assert list(table["rank"]) == [1, 2, 3]  # 100 > 76.67 > 100 * 67 / 697 = 9.61


def test_minimum_excludes_small_partners_but_they_still_count_for_the_tenant_mix():
    table = score_table(tenant_of_1000(), ghosts=20, min_answers=30).set_index("partner_id")
    assert pd.isna(table.loc["tiny", "rank"])
    assert not table.loc["tiny", "eligible"]
    assert table.loc["big", "rank"] == 1 and table.loc["mid", "rank"] == 2
    assert bool(table.loc["big", "eligible"]) is True
    assert (table["ranked_of"] == 2).all()
    assert str(table["rank"].dtype) == "Int64"
    # the mix still includes tiny's answers: mid stays 7300/717, not recomputed without tiny
    assert table.loc["mid", "shrunk"] == pytest.approx(7300 / 717)


def test_ties_share_the_lower_rank():
    # a and b identical: 100 * (5 - 1) / 10 = 40 with no ghosts; c: 100 * (2 - 2) / 10 = 0
    table = score_table(counts(("a", 5, 4, 1), ("b", 5, 4, 1), ("c", 2, 6, 2)), ghosts=0, min_answers=1)
    assert list(table["rank"]) == [1, 1, 3]


def test_partner_without_answers_gets_nan_score_and_no_rank():
    table = score_table(counts(("quiet", 0, 0, 0), ("loud", 6, 2, 2)), ghosts=10, min_answers=0).set_index("partner_id")
    assert math.isnan(table.loc["quiet", "nps"])
    assert pd.isna(table.loc["quiet", "rank"])
    # tenant mix p_t = 6/10, d_t = 2/10 -> quiet shrinks to 100 * (0.6 - 0.2) = 40
    assert table.loc["quiet", "shrunk"] == pytest.approx(40.0)
    assert table.loc["quiet", "ci_low"] == pytest.approx(-80.015195, abs=1e-6)


def test_tenant_without_answers_has_zero_shrunk_scores():
    table = score_table(counts(("a", 0, 0, 0), ("b", 0, 0, 0)), ghosts=10, min_answers=1)
    assert list(table["shrunk"]) == [0.0, 0.0]
    assert table["rank"].isna().all()
    assert (table["ranked_of"] == 0).all()


def test_counts_that_do_not_add_up_name_the_partner():
    frame = counts(("fine", 1, 1, 1), ("broken", 5, 2, 1))
    frame.loc[1, "n"] = 9  # 5 + 2 + 1 = 8, not 9
    with pytest.raises(ValueError, match="broken"):
        score_table(frame, ghosts=0, min_answers=1)


# --- benchmarks -----------------------------------------------------------------------------


def test_benchmarks_median_and_top_quartile():
    # NPS 10, 20, 30, 40 (10 answers each) plus a partner below the minimum with NPS 100
    frame = counts(("a", 2, 7, 1), ("b", 3, 6, 1), ("c", 4, 5, 1), ("d", 5, 4, 1), ("tiny", 1, 0, 0))
    table = score_table(frame, ghosts=0, min_answers=5)
    result = benchmarks(table)
    assert result["median"] == pytest.approx(25.0)  # (20 + 30) / 2
    # linear interpolation: position 0.75 * (4 - 1) = 2.25 -> 30 + 0.25 * (40 - 30) = 32.5
    assert result["top_quartile"] == pytest.approx(32.5)
    # tenant over all answers: P = 15, D = 4, n = 41 -> 100 * 11 / 41 = 26.829268
    assert result["tenant_nps"] == pytest.approx(1100 / 41)
    assert result["ranked"] == 4


def test_benchmarks_without_ranked_partners():
    table = score_table(counts(("tiny", 1, 0, 0)), ghosts=0, min_answers=5)
    assert benchmarks(table) == {"median": None, "top_quartile": None, "tenant_nps": 100.0, "ranked": 0}


def test_benchmarks_by_group_match_benchmarks_of_each_group_alone():
    one = counts(("a", 2, 7, 1), ("b", 3, 6, 1), ("c", 4, 5, 1), ("d", 5, 4, 1), ("tiny", 1, 0, 0))
    other = counts(("x", 1, 0, 0))
    table = pd.concat([score_table(one, ghosts=0, min_answers=5).assign(tenant=1),
                       score_table(other, ghosts=0, min_answers=5).assign(tenant=2)], ignore_index=True)
    result = benchmarks_by(table, "tenant")
    assert result[1] == benchmarks(score_table(one, ghosts=0, min_answers=5))
    assert result[1]["median"] == pytest.approx(25.0)
    assert result[2] == {"median": None, "top_quartile": None, "tenant_nps": 100.0, "ranked": 0}
    assert benchmarks(table.iloc[:0]) == {"median": None, "top_quartile": None, "tenant_nps": None, "ranked": 0}


# --- many groups at once --------------------------------------------------------------------


def test_score_tables_scores_each_tenant_with_its_own_settings():
    # Two tenants with the same counts, ranked in one call with different ghosts and minimums:
    # each must equal score_table of that tenant alone with its own settings.
    base = tenant_of_1000()
    frame = pd.concat([base.assign(tenant=1, period="window"), base.assign(tenant=2, period="window")],
                      ignore_index=True)
    ghosts = frame["tenant"].map({1: 20, 2: 0}).to_numpy()
    minimums = frame["tenant"].map({1: 1, 2: 30}).to_numpy()
    together = score_tables(frame, by=["tenant", "period"], ghosts=ghosts, min_answers=minimums)
    for tenant, g, m in ((1, 20, 1), (2, 0, 30)):
        alone = score_table(base, ghosts=g, min_answers=m).reset_index(drop=True)
        mine = together[together["tenant"] == tenant].reset_index(drop=True)[alone.columns]
        pd.testing.assert_frame_equal(mine, alone)
    assert list(together.loc[together["tenant"] == 1, "rank"]) == [2, 1, 3]
    assert list(together.loc[together["tenant"] == 2, "rank"].astype("float").fillna(0)) == [0, 1, 2]


def test_score_tables_refuses_negative_settings_on_any_row():
    frame = tenant_of_1000().assign(period="window")
    with pytest.raises(ValueError, match="ghosts"):
        score_tables(frame, by="period", ghosts=[20, -1, 20], min_answers=1)


# --- trends ---------------------------------------------------------------------------------


def trend_frame(*rows):
    """rows: (partner_id, promoters, detractors, n)."""
    return pd.DataFrame([{"partner_id": pid, "n": n, "promoters": p, "detractors": d} for pid, p, d, n in rows])


def test_hand_computed_z_for_a_change():
    # now P = 60, D = 15, n = 100 (NPS 45); before P = 40, D = 20, n = 100 (NPS 20)
    # now:    n' = 103, p' = 60.75/103, d' = 15.75/103, var_1 = (76.5/103 - (45/103)^2)/103 = 0.005357697
    # before: n' = 103, p' = 40.75/103, d' = 20.75/103, var_0 = (61.5/103 - (20/103)^2)/103 = 0.005430908
    # z = (100 * 45/103 - 100 * 20/103) / (100 * sqrt(0.010788605)) = 0.242718447 / 0.103868209 = 2.336792
    assert nps_difference_z(60, 15, 100, 40, 20, 100) == pytest.approx(2.336792430522, abs=1e-6)
    result = trend_table(trend_frame(("p", 60, 15, 100)), trend_frame(("p", 40, 20, 100)))
    assert result.loc[0, "delta"] == pytest.approx(25.0)  # 45 - 20
    assert bool(result.loc[0, "significant"]) is True  # 2.34 > 1.96
    # with a stricter z the same change is not significant
    assert not trend_table(trend_frame(("p", 60, 15, 100)), trend_frame(("p", 40, 20, 100)), z=2.5).loc[0, "significant"]


def test_big_change_on_big_samples_is_significant_small_change_on_small_samples_is_not():
    now = trend_frame(("big", 600, 150, 1000), ("small", 3, 1, 5))
    before = trend_frame(("big", 400, 200, 1000), ("small", 2, 1, 5))
    result = trend_table(now, before).set_index("partner_id")
    # big: 45 - 20 = 25, z about 7.5; small: 100 * 2/5 - 100 * 1/5 = 40 - 20 = 20, z about 0.33
    assert result.loc["big", "delta"] == pytest.approx(25.0)
    assert bool(result.loc["big", "significant"]) is True
    assert result.loc["small", "delta"] == pytest.approx(20.0)
    assert bool(result.loc["small", "significant"]) is False


def test_partners_in_one_period_only_or_without_answers():
    now = trend_frame(("both", 5, 1, 10), ("new", 5, 0, 5), ("silent", 0, 0, 0))
    before = trend_frame(("both", 3, 3, 10), ("gone", 1, 0, 1), ("silent", 4, 0, 4))
    result = trend_table(now, before).set_index("partner_id")
    assert sorted(result.index) == ["both", "gone", "new", "silent"]
    assert result.loc["both", "delta"] == pytest.approx(40.0)  # 100 * 4/10 - 100 * 0/10
    for partner in ("new", "gone", "silent"):
        assert math.isnan(result.loc[partner, "delta"])
        assert bool(result.loc[partner, "significant"]) is False


# --- ordinals -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "expected"),
    [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (12, "12th"), (13, "13th"),
     (21, "21st"), (101, "101st"), (111, "111th"), (112, "112th")],
)
def test_ordinal(n, expected):
    assert ordinal(n) == expected
