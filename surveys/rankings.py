"""Nightly NPS rankings: one SQL GROUP BY (partner, month) per tenant, statistics in pandas.

Periods are calendar months in UTC. The trailing window is the run's month so far plus the
`window_months - 1` full months before it; the previous window is the same length just before,
so one aggregate over 2 × window months gives the window, its predecessor and every month.
Running it twice for the same day replaces that day's rows: the result is the same.
"""

from datetime import date, datetime, timedelta, timezone as dt_timezone

import pandas as pd
from django.db import transaction
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth

from . import statistics
from .models import Answer, PartnerScore, RankingRun
from .services import settings_for

COUNT_COLUMNS = ["n", "promoters", "passives", "detractors"]


def _month_start(day: date, back: int = 0) -> date:
    index = day.year * 12 + day.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


def _utc(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=dt_timezone.utc)


def monthly_counts(start: date, end: date) -> pd.DataFrame:
    """Answers per partner and month in [start, end), counted by the database."""
    rows = (
        Answer.objects.filter(answered_at__gte=_utc(start), answered_at__lt=_utc(end))
        .annotate(month=TruncMonth("answered_at", tzinfo=dt_timezone.utc))
        .values("partner_id", "month")
        .annotate(n=Count("id"), promoters=Count("id", filter=Q(score__gte=9)), detractors=Count("id", filter=Q(score__lte=6)))
        .order_by()
    )
    frame = pd.DataFrame.from_records(list(rows), columns=["partner_id", "month", "n", "promoters", "detractors"])
    # Counts stay integers when there are no rows (an empty frame's columns would be `object`).
    frame = frame.astype({"n": "int64", "promoters": "int64", "detractors": "int64"})
    frame["month"] = pd.to_datetime(frame["month"], utc=True).dt.strftime("%Y-%m")
    frame["passives"] = frame["n"] - frame["promoters"] - frame["detractors"]
    return frame


def _sum_by_partner(frame: pd.DataFrame, months: list[str]) -> pd.DataFrame:
    part = frame[frame["month"].isin(months)]
    return part.groupby("partner_id", as_index=False)[COUNT_COLUMNS].sum()


def _score_rows(table, *, run, tenant, period, trend=None):
    if trend is not None and not table.empty:
        table = table.merge(trend, on="partner_id", how="left")
    rows = []
    for row in table.itertuples(index=False):
        delta = getattr(row, "delta", float("nan"))
        rows.append(PartnerScore(
            tenant=tenant, run=run, partner_id=row.partner_id, period=period,
            n=int(row.n), promoters=int(row.promoters), passives=int(row.passives), detractors=int(row.detractors),
            nps=None if pd.isna(row.nps) else float(row.nps), ci_low=float(row.ci_low), ci_high=float(row.ci_high),
            shrunk=float(row.shrunk), rank=None if pd.isna(row.rank) else int(row.rank), ranked_of=int(row.ranked_of),
            trend_delta=None if pd.isna(delta) else float(delta),
            trend_significant=bool(getattr(row, "significant", False) == True),  # noqa: E712 — numpy bool
        ))
    return rows


def _tenant_row(counts, *, run, tenant, period):
    """The whole program as one row (partner empty)."""
    total = counts[COUNT_COLUMNS].sum() if not counts.empty else pd.Series(0, index=COUNT_COLUMNS)
    n, p, d = int(total["n"]), int(total["promoters"]), int(total["detractors"])
    low, high = statistics.adjusted_wald(p, d, n)
    return PartnerScore(tenant=tenant, run=run, partner=None, period=period, n=n, promoters=p,
                        passives=int(total["passives"]), detractors=d, nps=statistics.nps(p, d, n),
                        ci_low=low, ci_high=high, shrunk=None, rank=None, ranked_of=0)


@transaction.atomic
def run_rankings(*, tenant, run_date: date):
    """Compute and store the run of `run_date` for the tenant in force; replaces an earlier run of that day."""
    settings = settings_for(tenant)
    months_back = settings.window_months
    window = [_month_start(run_date, back).strftime("%Y-%m") for back in range(months_back)]
    previous = [_month_start(run_date, back).strftime("%Y-%m") for back in range(months_back, 2 * months_back)]
    # Up to the end of the run's day: re-running an old date does not count later answers.
    frame = monthly_counts(_month_start(run_date, 2 * months_back - 1), run_date + timedelta(days=1))

    current = _sum_by_partner(frame, window)
    table = statistics.score_table(current, ghosts=settings.ghost_answers, min_answers=settings.minimum_answers)
    trend = statistics.trend_table(current, _sum_by_partner(frame, previous))
    marks = statistics.benchmarks(table)

    run, _ = RankingRun.objects.update_or_create(
        tenant=tenant, run_date=run_date,
        defaults={
            "window_start": _month_start(run_date, months_back - 1), "window_end": run_date,
            "tenant_n": int(current["n"].sum()) if not current.empty else 0,
            "tenant_nps": marks["tenant_nps"], "median_nps": marks["median"],
            "top_quartile_nps": marks["top_quartile"], "ranked_count": marks["ranked"],
        },
    )
    PartnerScore.objects.filter(run=run).delete()
    scores = _score_rows(table, run=run, tenant=tenant, period="window", trend=trend)
    scores.append(_tenant_row(current, run=run, tenant=tenant, period="window"))
    for index, month in enumerate(window):
        month_counts = _sum_by_partner(frame, [month])
        before = _sum_by_partner(frame, [window[index + 1] if index + 1 < len(window) else previous[0]])
        month_table = statistics.score_table(month_counts, ghosts=settings.ghost_answers, min_answers=settings.minimum_answers)
        scores += _score_rows(month_table, run=run, tenant=tenant, period=month,
                              trend=statistics.trend_table(month_counts, before))
        scores.append(_tenant_row(month_counts, run=run, tenant=tenant, period=month))
    PartnerScore.objects.bulk_create(scores, batch_size=2000)
    return run
