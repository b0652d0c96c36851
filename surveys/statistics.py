"""NPS statistics on aggregated counts: intervals, shrinkage, ranks, benchmarks, trends.

Pure pandas/numpy/math (no Django), so it is fast and testable without a database. Callers do
the counting in SQL (one row per partner: n, promoters, passives, detractors) and hand the
aggregated frame here; see DESIGN.md, "NPS done honestly" and "Numbers: aggregate in the
database, reason in pandas".

Conventions: P = promoters (9-10), D = detractors (0-6), n = all answers.
NPS = 100 * (P - D) / n, on the -100..100 scale.
Adjusted Wald: n' = n + 3, p' = (P + 3/4) / n', d' = (D + 3/4) / n',
var = (p' + d' - (p' - d')^2) / n' on the 0..1 scale.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

Z95 = 1.959963984540054
"""Two-sided 95% normal quantile, Phi^-1(0.975)."""

_COUNT_COLUMNS = ("n", "promoters", "passives", "detractors")
_TREND_COLUMNS = ("n", "promoters", "detractors")


# --- scalar helpers --------------------------------------------------------------------------


def nps(promoters: int, detractors: int, n: int) -> float | None:
    """NPS = 100 * (P - D) / n; None when n == 0 (no answers, no score)."""
    if n == 0:
        return None
    return 100.0 * (promoters - detractors) / n


def _adjusted(promoters, detractors, n):
    """Adjusted-Wald pieces (work on scalars or numpy arrays).

    n' = n + 3, p' = (P + 3/4)/n', d' = (D + 3/4)/n', var = (p' + d' - (p' - d')^2)/n'.
    Returns (centre on the -100..100 scale, var on the 0..1 scale).
    """
    n_adj = np.asarray(n, dtype=float) + 3.0
    p_adj = (np.asarray(promoters, dtype=float) + 0.75) / n_adj
    d_adj = (np.asarray(detractors, dtype=float) + 0.75) / n_adj
    var = (p_adj + d_adj - (p_adj - d_adj) ** 2) / n_adj
    return 100.0 * (p_adj - d_adj), var


def adjusted_wald(promoters: int, detractors: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Adjusted-Wald interval for NPS: NPS' +/- z * 100 * sqrt((p' + d' - (p' - d')^2) / n').

    n' = n + 3, p' = (P + 3/4)/n', d' = (D + 3/4)/n', NPS' = 100 * (p' - d'); the result is
    clipped to [-100, 100]. Defined for n == 0 (a wide interval around 0).
    """
    centre, var = _adjusted(promoters, detractors, n)
    half = z * 100.0 * math.sqrt(float(var))
    centre = float(centre)
    return max(-100.0, centre - half), min(100.0, centre + half)


def ordinal(n: int, language: str = "en") -> str:
    """A rank as `language` writes it: German 3., French 1er and 3e, Spanish 3.º, Dutch 3e; English
    (and any other language) 1st, 2nd, 3rd, 4th, 11th-13th, 21st, 101st, 111th, 112th."""
    language = language.split("-")[0]
    if language == "de":
        return f"{n}."
    if language == "fr":
        return f"{n}er" if n == 1 else f"{n}e"
    if language == "es":
        return f"{n}.º"
    if language == "nl":
        return f"{n}e"
    last_two = abs(n) % 100
    if 11 <= last_two <= 13:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(last_two % 10, "th")
    return f"{n}{suffix}"


# --- frames ---------------------------------------------------------------------------------


def _check_sums(frame: pd.DataFrame, what: str) -> None:
    """n must equal promoters + passives + detractors on every row; the error names the partner."""
    n, p, passives, d = (frame[c].to_numpy(dtype=float) for c in ("n", "promoters", "passives", "detractors"))
    mismatch = (p + passives + d) != n
    if mismatch.any():
        i = int(mismatch.argmax())
        raise ValueError(f"{what}: partner {frame['partner_id'].iloc[i]}: promoters + passives + detractors "
                         f"= {int(p[i] + passives[i] + d[i])} but n = {int(n[i])}")


def _trend(n1, p1, d1, n0, p0, d0, z):
    """NPS change and its significance (two-sample z on the adjusted-Wald estimates)."""
    both = (n1 >= 1) & (n0 >= 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        delta = 100.0 * (p1 - d1) / n1 - 100.0 * (p0 - d0) / n0
        c1, v1 = _adjusted(p1, d1, n1)
        c0, v0 = _adjusted(p0, d0, n0)
        z_score = (c1 - c0) / (100.0 * np.sqrt(v1 + v0))
    return np.where(both, delta, np.nan), both & (np.abs(z_score) > z)


NO_BENCHMARKS = {"median": None, "top_quartile": None, "tenant_nps": None, "ranked": 0}


def benchmarks_by(table: pd.DataFrame, by: str) -> dict:
    """Benchmarks from a `score_tables` result, for each value of the column `by` that has rows.

    median and top_quartile: the 50th and 75th percentile of raw NPS among ranked partners,
    with pandas' default linear interpolation (NPS 10, 20, 30, 40 gives 25 and 32.5); None if
    nobody is ranked. tenant_nps = 100 * (sum P - sum D) / sum n over all rows (None without
    answers). ranked = number of ranked partners."""
    totals = table.groupby(by, sort=False)[["n", "promoters", "detractors"]].sum()
    ranked = table.loc[table["rank"].notna()].groupby(by, sort=False)["nps"]
    medians, top_quartiles, counts = ranked.median(), ranked.quantile(0.75), ranked.size()
    result = {}
    for key, n, promoters, detractors in totals.itertuples():
        ranked_count = int(counts.get(key, 0))
        result[key] = {
            "median": float(medians[key]) if ranked_count else None,
            "top_quartile": float(top_quartiles[key]) if ranked_count else None,
            "tenant_nps": nps(int(promoters), int(detractors), int(n)),
            "ranked": ranked_count,
        }
    return result


# --- many periods at once ---------------------------------------------------------------------


def _columns(by: str | list[str]) -> list[str]:
    return [by] if isinstance(by, str) else list(by)


def score_tables(counts: pd.DataFrame, *, by: str | list[str], ghosts, min_answers, z: float = Z95) -> pd.DataFrame:
    """Per-partner NPS, adjusted-Wald interval, shrunk score and rank, for many periods in one pass:
    one row per (`by`, partner_id), where `by` is a column or a list of columns (tenant and period,
    say). Each group is scored on its own: the tenant mix, eligibility, ranks and ranked_of are
    computed within the group. `ghosts` and `min_answers` are numbers, or arrays with one value
    per row (each tenant its own settings).

    Input columns n, promoters, passives, detractors (integers, n = P + passives + D, else
    ValueError naming the partner). Adds: nps = 100 * (P - D) / n (NaN when n == 0); ci_low/ci_high
    = adjusted Wald (see `adjusted_wald`); shrunk = 100 * ((P + m * p_t) - (D + m * d_t)) / (n + m)
    with m = ghosts and the group's mix p_t = sum P / sum n, d_t = sum D / sum n (0 and 0 without
    answers); eligible = n >= min_answers and n >= 1; rank = 1 for the best shrunk score among
    eligible partners, ties share the lower rank (method "min"; scores are compared to 9 decimals
    so float noise does not split real ties), <NA> for the others; ranked_of = number of eligible
    partners. tests/surveys/statistics_reference.py has the plain one-period form the tests
    compare against."""
    ghosts = np.asarray(ghosts, dtype=float)
    min_answers = np.asarray(min_answers, dtype=float)
    if (ghosts < 0).any():
        raise ValueError("ghosts must be >= 0")
    if (min_answers < 0).any():
        raise ValueError("min_answers must be >= 0")
    for column in _COUNT_COLUMNS:
        if column not in counts.columns or not pd.api.types.is_integer_dtype(counts[column]):
            raise ValueError(f"score_tables: column {column!r} missing or not integer")
        if (counts[column].to_numpy() < 0).any():
            raise ValueError(f"score_tables: {column} is negative")
    keys = _columns(by)
    if counts.duplicated([*keys, "partner_id"]).any():
        raise ValueError("score_tables: a partner appears more than once in a period")
    _check_sums(counts, "score_tables")
    out = counts.copy()
    n = out["n"].to_numpy(dtype=float)
    p = out["promoters"].to_numpy(dtype=float)
    d = out["detractors"].to_numpy(dtype=float)
    group = out.groupby(keys, sort=False).ngroup().to_numpy()

    out["nps"], out["ci_low"], out["ci_high"] = nps_with_interval(n, p, d, z)

    sums = pd.DataFrame({"g": group, "n": n, "p": p, "d": d}).groupby("g", sort=False)[["n", "p", "d"]].transform("sum")
    total, total_p, total_d = (sums[c].to_numpy() for c in ("n", "p", "d"))
    safe_total = np.where(total > 0, total, 1.0)
    p_t = np.where(total > 0, total_p / safe_total, 0.0)
    d_t = np.where(total > 0, total_d / safe_total, 0.0)
    m = ghosts
    denominator = n + m
    safe = np.where(denominator > 0, denominator, 1.0)
    out["shrunk"] = np.where(denominator > 0, 100.0 * ((p + m * p_t) - (d + m * d_t)) / safe, 100.0 * (p_t - d_t))

    eligible = (n >= min_answers) & (n > 0)
    key = out["shrunk"].round(9).where(eligible)
    out["rank"] = key.groupby(group, sort=False).rank(method="min", ascending=False).astype("Int64")
    out["ranked_of"] = pd.Series(eligible, index=out.index).groupby(group, sort=False).transform("sum").astype("int64")
    out["eligible"] = eligible
    return out


def nps_with_interval(n, promoters, detractors, z: float = Z95):
    """Arrays of NPS (NaN where n == 0) and its adjusted-Wald interval, clipped to [-100, 100]."""
    n, p, d = (np.asarray(a, dtype=float) for a in (n, promoters, detractors))
    has_answers = n > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        score = np.where(has_answers, 100.0 * (p - d) / np.where(has_answers, n, 1.0), np.nan)
    centre, var = _adjusted(p, d, n)
    half = z * 100.0 * np.sqrt(var)
    return score, np.clip(centre - half, -100.0, 100.0), np.clip(centre + half, -100.0, 100.0)


def trend_tables(current: pd.DataFrame, previous: pd.DataFrame, *, by: str | list[str], z: float = Z95) -> pd.DataFrame:
    """Change in NPS per partner between two periods, for many periods at once: one row per
    (`by`, partner_id) of `current` (a partner missing from `previous` has no delta); `by` is a
    column or a list of columns.

    delta = NPS_now - NPS_before (NaN if either period has n == 0). significant:
    |(NPS'_1 - NPS'_0) / (100 * sqrt(var_1 + var_0))| > z with the adjusted-Wald
    var = (p' + d' - (p' - d')^2) / n' of each period, and both n >= 1."""
    keys = [*_columns(by), "partner_id"]
    cols = [*keys, *_TREND_COLUMNS]
    for frame, what in ((current, "current"), (previous, "previous")):
        over = (frame["promoters"].to_numpy() + frame["detractors"].to_numpy()) > frame["n"].to_numpy()
        if over.any():
            raise ValueError(f"trend_tables {what}: partner {frame['partner_id'].iloc[int(over.argmax())]}: "
                             "promoters + detractors > n")
    merged = current[cols].merge(previous[cols], on=keys, how="left", suffixes=("_1", "_0"))
    n1, p1, d1 = (merged[f"{c}_1"].to_numpy(dtype=float, na_value=0.0) for c in _TREND_COLUMNS)
    n0, p0, d0 = (merged[f"{c}_0"].to_numpy(dtype=float, na_value=0.0) for c in _TREND_COLUMNS)
    delta, significant = _trend(n1, p1, d1, n0, p0, d0, z)
    return pd.DataFrame({**{k: merged[k].to_numpy() for k in keys}, "delta": delta, "significant": significant})
