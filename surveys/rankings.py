"""Nightly NPS rankings: one SQL GROUP BY (partner, month) per tenant, statistics in pandas.

Periods are calendar months in UTC. The trailing window is the run's month so far plus the
`window_months - 1` full months before it; the previous window is the same length just before,
so one aggregate over 2 × window months gives the window, its predecessor and every month.
Running it twice for the same day replaces that day's rows: the result is the same.
"""

import io
from datetime import date, datetime, timedelta, timezone as dt_timezone

import numpy as np
import pandas as pd
from django.db import connection, transaction
from django.db.models import Count, DateField, Q
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
    """Answers per partner and month in [start, end), counted by the database.

    Counts columns of the covering index answer_time (not the id), so the database answers from
    the index alone; months come back as dates (no per-row time zone conversion in Python)."""
    rows = (
        Answer.objects.filter(answered_at__gte=_utc(start), answered_at__lt=_utc(end))
        .annotate(month=TruncMonth("answered_at", tzinfo=dt_timezone.utc, output_field=DateField()))
        .values("partner_id", "month")
        .annotate(n=Count("*"), promoters=Count("score", filter=Q(score__gte=9)),
                  detractors=Count("score", filter=Q(score__lte=6)))
        .order_by()
        .values_list("partner_id", "month", "n", "promoters", "detractors")
    )
    # The ORM writes the SQL; the rows are fetched as they come (ints and dates need no converters).
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        records = cursor.fetchall()
    frame = pd.DataFrame.from_records(records, columns=["partner_id", "month", "n", "promoters", "detractors"])
    # Counts stay integers when there are no rows (an empty frame's columns would be `object`).
    frame = frame.astype({"n": "int64", "promoters": "int64", "detractors": "int64"})
    frame["month"] = pd.to_datetime(frame["month"]).dt.strftime("%Y-%m")
    frame["passives"] = frame["n"] - frame["promoters"] - frame["detractors"]
    return frame


PERIOD_COLUMNS = ["tenant_id", "run_id", "partner_id", "period", "n", "promoters", "passives", "detractors", "nps",
                  "ci_low", "ci_high", "shrunk", "rank", "ranked_of", "trend_delta", "trend_significant"]


def _periods(frame: pd.DataFrame, window: list[str], previous: list[str]):
    """Counts per (period, partner) for the window and each of its months, and for what each is
    compared with: the previous window, and each month's preceding month."""
    in_window = frame[frame["month"].isin(window)]
    window_sum = in_window.groupby("partner_id", as_index=False)[COUNT_COLUMNS].sum().assign(period="window")
    current = pd.concat([window_sum, in_window.rename(columns={"month": "period"})], ignore_index=True)
    before = {(window[i + 1] if i + 1 < len(window) else previous[0]): month for i, month in enumerate(window)}
    prev_sum = frame[frame["month"].isin(previous)].groupby("partner_id", as_index=False)[COUNT_COLUMNS].sum()
    prev_months = frame[frame["month"].isin(before)].assign(period=lambda f: f["month"].map(before)).drop(columns="month")
    prior = pd.concat([prev_sum.assign(period="window"), prev_months], ignore_index=True)
    return current, prior


def _store_scores(run, tenant, table, periods):
    """Insert the partner rows of `table` and one program row per period: COPY on PostgreSQL."""
    totals = table.groupby("period")[COUNT_COLUMNS].sum()
    program = []
    for period in periods:
        n, p, passives, d = ((int(totals.at[period, c]) for c in COUNT_COLUMNS) if period in totals.index
                             else (0, 0, 0, 0))
        low, high = statistics.adjusted_wald(p, d, n)
        program.append({"partner_id": None, "period": period, "n": n, "promoters": p, "passives": passives,
                        "detractors": d, "nps": statistics.nps(p, d, n), "ci_low": low, "ci_high": high,
                        "shrunk": None, "rank": None, "ranked_of": 0, "trend_delta": None, "trend_significant": False})
    rows = table.rename(columns={"delta": "trend_delta", "significant": "trend_significant"})
    rows = rows.assign(trend_significant=rows["trend_significant"] == True)  # noqa: E712 — NaN for no trend
    rows = pd.concat([rows, pd.DataFrame(program)], ignore_index=True)
    rows = rows.assign(tenant_id=tenant.pk, run_id=run.pk).astype({"partner_id": "Int64", "rank": "Int64"})
    rows = rows[PERIOD_COLUMNS]
    if connection.vendor != "postgresql":
        PartnerScore.objects.bulk_create(
            [PartnerScore(**{k: (None if pd.isna(v) else v) for k, v in row.items()}) for row in rows.to_dict("records")],
            batch_size=2000)
        return
    # COPY text built column by column with numpy; floats as their shortest round-trip repr.
    columns = []
    for name in PERIOD_COLUMNS:
        series = rows[name]
        if name in ("nps", "ci_low", "ci_high", "shrunk", "trend_delta"):
            values = series.to_numpy(dtype=float, na_value=np.nan)
            text = values.astype(str).astype(object)
            text[np.isnan(values)] = "\\N"
        elif name == "trend_significant":
            text = np.where(series.to_numpy(dtype=bool), "t", "f")
        elif name == "period":
            text = series.to_numpy(dtype=object)
        else:
            missing = series.isna().to_numpy()
            text = series.to_numpy(dtype="int64", na_value=0).astype(str).astype(object)
            text[missing] = "\\N"
        columns.append(text)
    buffer = io.StringIO("".join(["\t".join(row) + "\n" for row in zip(*columns)]))
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(f"COPY {PartnerScore._meta.db_table} ({', '.join(PERIOD_COLUMNS)}) FROM STDIN", buffer)


@transaction.atomic
def run_rankings(*, tenant, run_date: date):
    """Compute and store the run of `run_date` for the tenant in force; replaces an earlier run of that day."""
    settings = settings_for(tenant)
    months_back = settings.window_months
    window = [_month_start(run_date, back).strftime("%Y-%m") for back in range(months_back)]
    previous = [_month_start(run_date, back).strftime("%Y-%m") for back in range(months_back, 2 * months_back)]
    # Up to the end of the run's day: re-running an old date does not count later answers.
    frame = monthly_counts(_month_start(run_date, 2 * months_back - 1), run_date + timedelta(days=1))

    current, prior = _periods(frame, window, previous)
    table = statistics.score_tables(current, by="period", ghosts=settings.ghost_answers,
                                    min_answers=settings.minimum_answers)
    table = table.merge(statistics.trend_tables(current, prior, by="period"), on=["period", "partner_id"], how="left")
    window_table = table[table["period"] == "window"]
    marks = statistics.benchmarks(window_table)

    run, _ = RankingRun.objects.update_or_create(
        tenant=tenant, run_date=run_date,
        defaults={
            "window_start": _month_start(run_date, months_back - 1), "window_end": run_date,
            "tenant_n": int(window_table["n"].sum()),
            "tenant_nps": marks["tenant_nps"], "median_nps": marks["median"],
            "top_quartile_nps": marks["top_quartile"], "ranked_count": marks["ranked"],
        },
    )
    PartnerScore.objects.filter(run=run).delete()
    _store_scores(run, tenant, table, ["window", *window])
    return run
