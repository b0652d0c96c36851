"""Single-period forms of the NPS statistics, kept as test oracles: the app computes every period
and tenant at once (surveys.statistics.score_tables, trend_tables, benchmarks_by), and the tests
check those against these plain one-partner-table versions."""

import numpy as np
import pandas as pd

from surveys.statistics import (
    _COUNT_COLUMNS,
    _TREND_COLUMNS,
    NO_BENCHMARKS,
    Z95,
    _adjusted,
    _check_sums,
    _trend,
    benchmarks_by,
    score_tables,
)


def shrunk_nps(
    promoters: int,
    detractors: int,
    n: int,
    tenant_promoter_share: float,
    tenant_detractor_share: float,
    ghosts: int,
) -> float:
    """Shrunk NPS with m ghost answers in the tenant mix (p_t, d_t).

    100 * ((P + m * p_t) - (D + m * d_t)) / (n + m). With n == 0 this is the tenant NPS
    100 * (p_t - d_t) (also when m == 0, as the limit); with m == 0 it is the raw NPS.
    """
    m = ghosts
    if n + m == 0:
        return 100.0 * (tenant_promoter_share - tenant_detractor_share)
    return 100.0 * ((promoters + m * tenant_promoter_share) - (detractors + m * tenant_detractor_share)) / (n + m)


def nps_difference_z(
    promoters_now: int, detractors_now: int, n_now: int,
    promoters_before: int, detractors_before: int, n_before: int,
) -> float:
    """Two-sample z for a change in NPS, with the adjusted-Wald variance of each period.

    z = (NPS'_1 - NPS'_0) / (100 * sqrt(var_1 + var_0)), var = (p' + d' - (p' - d')^2) / n'.
    """
    c1, v1 = _adjusted(promoters_now, detractors_now, n_now)
    c0, v0 = _adjusted(promoters_before, detractors_before, n_before)
    return float((c1 - c0) / (100.0 * np.sqrt(v1 + v0)))


def _check_frame(frame: pd.DataFrame, columns: tuple[str, ...], what: str) -> None:
    """Require partner_id and integer, non-negative count columns; partner_id unique."""
    missing = [c for c in ("partner_id", *columns) if c not in frame.columns]
    if missing:
        raise ValueError(f"{what}: missing columns {missing}")
    for column in columns:
        if not pd.api.types.is_integer_dtype(frame[column]):
            raise ValueError(f"{what}: column {column!r} must hold integers, not {frame[column].dtype}")
        negative = frame[column].to_numpy() < 0
        if negative.any():
            partner = frame["partner_id"].to_numpy()[negative.argmax()]
            raise ValueError(f"{what}: partner {partner}: {column} is negative")
    duplicated = frame["partner_id"].duplicated()
    if duplicated.any():
        raise ValueError(f"{what}: partner {frame['partner_id'][duplicated].iloc[0]} appears more than once")


def score_table(counts: pd.DataFrame, *, ghosts: int, min_answers: int, z: float = Z95) -> pd.DataFrame:
    """Per-partner NPS, adjusted-Wald interval, shrunk score and rank.

    Input: one row per partner with partner_id, n, promoters, passives, detractors (integers,
    n = P + passives + D, else ValueError naming the partner). Adds:
    nps = 100 * (P - D) / n (NaN when n == 0); ci_low/ci_high = adjusted Wald (see
    `adjusted_wald`); shrunk = 100 * ((P + m * p_t) - (D + m * d_t)) / (n + m) with m = ghosts and
    the tenant mix p_t = sum P / sum n, d_t = sum D / sum n over every row (0 and 0 if the tenant
    has no answers); eligible = n >= min_answers and n >= 1; rank = 1 for the best shrunk score
    among eligible partners, ties share the lower rank (method "min"; scores are compared to 9
    decimals so float noise does not split real ties), <NA> for the others; ranked_of = number
    of eligible partners.
    """
    if ghosts < 0:
        raise ValueError("ghosts must be >= 0")
    if min_answers < 0:
        raise ValueError("min_answers must be >= 0")
    _check_frame(counts, _COUNT_COLUMNS, "score_table")
    _check_sums(counts, "score_table")
    # One period: the many-period computation with a constant period column.
    one = counts.assign(_period=0)
    return score_tables(one, by="_period", ghosts=ghosts, min_answers=min_answers, z=z).drop(columns="_period")


def benchmarks(table: pd.DataFrame) -> dict:
    """Benchmarks from a `score_table` result.

    median and top_quartile: the 50th and 75th percentile of raw NPS among ranked partners,
    with pandas' default linear interpolation (NPS 10, 20, 30, 40 gives 25 and 32.5); None if
    nobody is ranked. tenant_nps = 100 * (sum P - sum D) / sum n over all rows (None without
    answers). ranked = number of ranked partners.
    """
    return benchmarks_by(table.assign(_all=0), "_all").get(0, NO_BENCHMARKS)


def trend_table(current: pd.DataFrame, previous: pd.DataFrame, *, z: float = Z95) -> pd.DataFrame:
    """Change in NPS per partner between two periods, with a significance flag.

    delta = NPS_now - NPS_before (NaN if either period has n == 0 or the partner is missing from
    one frame). significant: |(NPS'_1 - NPS'_0) / (100 * sqrt(var_1 + var_0))| > z with the
    adjusted-Wald var = (p' + d' - (p' - d')^2) / n' of each period, and both n >= 1.
    Partners from either frame are returned, sorted by partner_id.
    """
    for frame, what in ((current, "trend_table current"), (previous, "trend_table previous")):
        _check_frame(frame, _TREND_COLUMNS, what)
        over = (frame["promoters"].to_numpy() + frame["detractors"].to_numpy()) > frame["n"].to_numpy()
        if over.any():
            raise ValueError(f"{what}: partner {frame['partner_id'].iloc[int(over.argmax())]}: promoters + detractors > n")

    cols = ["partner_id", *_TREND_COLUMNS]
    merged = current[cols].merge(previous[cols], on="partner_id", how="outer", suffixes=("_1", "_0"), sort=True)
    n1 = merged["n_1"].to_numpy(dtype=float, na_value=0.0)
    p1 = merged["promoters_1"].to_numpy(dtype=float, na_value=0.0)
    d1 = merged["detractors_1"].to_numpy(dtype=float, na_value=0.0)
    n0 = merged["n_0"].to_numpy(dtype=float, na_value=0.0)
    p0 = merged["promoters_0"].to_numpy(dtype=float, na_value=0.0)
    d0 = merged["detractors_0"].to_numpy(dtype=float, na_value=0.0)

    delta, significant = _trend(n1, p1, d1, n0, p0, d0, z)
    return pd.DataFrame({"partner_id": merged["partner_id"].to_numpy(), "delta": delta, "significant": significant})
