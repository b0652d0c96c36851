"""Nightly NPS rankings: one SQL GROUP BY (tenant, partner, month) for all tenants, statistics in pandas.

Periods are calendar months in UTC. The trailing window is the run's month so far plus the
`window_months - 1` full months before it; the previous window is the same length just before,
so one aggregate over 2 × window months gives the window, its predecessor and every month.
Running it twice for the same day replaces that day's rows: the result is the same.
"""

import math
from concurrent.futures import ThreadPoolExecutor
from contextvars import copy_context
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pandas as pd
from django.db import connection, connections, transaction
from django.db.models import Count, DateField, Q
from django.db.models.functions import TruncMonth

from prm.pgcopy import copy_frame
from prm.tenancy.context import rls_bypass

from . import statistics
from .models import Answer, PartnerScore, RankingRun, SurveySettings

COUNT_COLUMNS = ["n", "promoters", "passives", "detractors"]


def _month_start(day: date, back: int = 0) -> date:
    index = day.year * 12 + day.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


def _utc(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def monthly_counts(tenant_ids, start: date, end: date) -> pd.DataFrame:
    """Answers per tenant, partner and month in [start, end), counted by the database.

    One aggregate for many tenants (the nightly job reads across tenants on purpose, hence
    `unscoped` with the tenants named). Counts columns of the covering index answer_time (not
    the id), so the database answers from the index alone; months come back as dates."""
    rows = (
        Answer.unscoped.filter(tenant_id__in=list(tenant_ids), answered_at__gte=_utc(start), answered_at__lt=_utc(end))
        .annotate(month=TruncMonth("answered_at", tzinfo=UTC, output_field=DateField()))
        .values("tenant_id", "partner_id", "month")
        .annotate(n=Count("*"), promoters=Count("score", filter=Q(score__gte=9)),
                  detractors=Count("score", filter=Q(score__lte=6)))
        .order_by()
        .values_list("tenant_id", "partner_id", "month", "n", "promoters", "detractors")
    )
    # The ORM writes the SQL; the rows are fetched as they come (ints and dates need no converters).
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        records = cursor.fetchall()
    frame = pd.DataFrame.from_records(records, columns=["tenant_id", "partner_id", "month", "n", "promoters",
                                                        "detractors"])
    # Counts stay integers when there are no rows (an empty frame's columns would be `object`).
    frame = frame.astype({"n": "int64", "promoters": "int64", "detractors": "int64"})
    # A few distinct months: label each once rather than formatting every row.
    labels = {month: pd.Timestamp(month).strftime("%Y-%m") for month in frame["month"].unique()}
    frame["month"] = frame["month"].map(labels).astype(object)
    frame["passives"] = frame["n"] - frame["promoters"] - frame["detractors"]
    return frame


PERIOD_COLUMNS = ["tenant_id", "run_id", "partner_id", "period", "n", "promoters", "passives", "detractors", "nps",
                  "ci_low", "ci_high", "shrunk", "rank", "ranked_of", "trend_delta", "trend_significant"]
KEYS = ["tenant_id", "partner_id"]


def _periods(frame: pd.DataFrame, window: list[str], previous: list[str]):
    """Counts per (tenant, period, partner) for the window and each of its months, and for what
    each is compared with: the previous window, and each month's preceding month."""
    in_window = frame[frame["month"].isin(window)]
    window_sum = in_window.groupby(KEYS, as_index=False)[COUNT_COLUMNS].sum().assign(period="window")
    current = pd.concat([window_sum, in_window.rename(columns={"month": "period"})], ignore_index=True)
    before = {(window[i + 1] if i + 1 < len(window) else previous[0]): month for i, month in enumerate(window)}
    prev_sum = frame[frame["month"].isin(previous)].groupby(KEYS, as_index=False)[COUNT_COLUMNS].sum()
    prev_months = frame[frame["month"].isin(before)].assign(period=lambda f: f["month"].map(before)).drop(columns="month")
    prior = pd.concat([prev_sum.assign(period="window"), prev_months], ignore_index=True)
    return current, prior


def _program_rows(table: pd.DataFrame, tenant_ids, periods) -> pd.DataFrame:
    """One row per (tenant, period) for the whole program: counts, NPS and interval, no rank.
    Every tenant gets every period, with zero counts where it has no answers."""
    index = pd.MultiIndex.from_product([list(tenant_ids), periods], names=["tenant_id", "period"])
    totals = table.groupby(["tenant_id", "period"])[COUNT_COLUMNS].sum().reindex(index, fill_value=0)
    totals = totals.astype("int64").reset_index()
    totals["nps"], totals["ci_low"], totals["ci_high"] = statistics.nps_with_interval(
        totals["n"], totals["promoters"], totals["detractors"])
    return totals.assign(partner_id=None, shrunk=np.nan, rank=None, ranked_of=0, trend_delta=np.nan,
                         trend_significant=False)


def _store_scores(table, periods, run_ids: dict):
    """Insert the partner rows of `table` and one program row per (tenant, period): COPY on PostgreSQL."""
    rows = table.rename(columns={"delta": "trend_delta", "significant": "trend_significant"})
    rows = rows.assign(trend_significant=rows["trend_significant"] == True)  # noqa: E712 — NaN for no trend
    rows = pd.concat([rows, _program_rows(table, run_ids, periods)], ignore_index=True)
    rows = rows.assign(run_id=rows["tenant_id"].map(run_ids)).astype({"partner_id": "Int64", "rank": "Int64"})
    rows = rows[PERIOD_COLUMNS]
    if connection.vendor == "postgresql":
        copy_frame(PartnerScore, rows)
        return
    PartnerScore.unscoped.bulk_create(
        [PartnerScore(**{k: (None if pd.isna(v) else v) for k, v in row.items()}) for row in rows.to_dict("records")],
        batch_size=2000)


def run_rankings(*, tenant, run_date: date):
    """Compute and store the run of `run_date` for one tenant (on demand); see `rank_tenants`."""
    return rank_tenants([tenant], run_date=run_date)[tenant.pk]


def _settings_of(tenants):
    """Each tenant's survey settings, created with the defaults where a tenant has none yet."""
    found = {s.tenant_id: s for s in SurveySettings.unscoped.filter(tenant__in=tenants)}
    return {t.pk: found.get(t.pk) or SurveySettings.unscoped.get_or_create(tenant=t)[0] for t in tenants}


BATCHES = 10


def rank_tenants(tenants, *, run_date: date) -> dict:
    """The runs of `run_date` for many tenants: each tenant ranked with its own settings exactly
    as if it were ranked alone, replacing an earlier run of that day. Returns {tenant id: RankingRun}.

    Tenants go in about BATCHES batches of one window length: per batch one aggregate, one pandas
    pass, one COPY and one transaction (a crash leaves whole batches of tonight's runs, and a rerun
    replaces them). On PostgreSQL the next batch's aggregate runs on a second connection while this
    one's rows are written, so the database's two costs overlap; not inside a caller's transaction,
    whose uncommitted rows a second connection would not see."""
    # Across tenants on purpose: on PostgreSQL as the batch role, which row-level security lets through.
    with rls_bypass(reason="rankings aggregate and store many tenants in shared batches"):
        return _rank_in_batches(list(tenants), run_date)


def _rank_in_batches(tenants, run_date):
    settings = _settings_of(tenants)
    size = max(1, math.ceil(len(tenants) / BATCHES))
    batches = []
    for months_back in sorted({s.window_months for s in settings.values()}):
        cohort = [t.pk for t in tenants if settings[t.pk].window_months == months_back]
        batches += [(cohort[i:i + size], months_back) for i in range(0, len(cohort), size)]
    overlap = connection.vendor == "postgresql" and not connection.in_atomic_block and len(batches) > 1
    runs = {}
    for (tenant_ids, months_back), frame in zip(batches, _counts_of(batches, run_date, ahead=overlap)):
        with transaction.atomic():
            runs.update(_rank_batch(frame, tenant_ids, settings, months_back, run_date))
    return runs


def _frame_bounds(run_date, months_back):
    # Up to the end of the run's day: re-running an old date does not count later answers.
    return _month_start(run_date, 2 * months_back - 1), run_date + timedelta(days=1)


def _counts_of(batches, run_date, *, ahead):
    """The monthly counts of each batch in turn; with `ahead`, the next batch's are fetched on a
    worker thread (its own database connection) while the caller works on the current one."""
    if not ahead:
        for tenant_ids, months_back in batches:
            yield monthly_counts(tenant_ids, *_frame_bounds(run_date, months_back))
        return
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="ranking-counts") as fetcher:
        pending = []
        try:
            for index in range(len(batches)):
                while len(pending) < min(index + 2, len(batches)):  # this batch and the next
                    ids, months = batches[len(pending)]
                    # In a copy of this context, so the worker's statements carry the same bypass.
                    pending.append(fetcher.submit(copy_context().run, monthly_counts, ids,
                                                  *_frame_bounds(run_date, months)))
                yield pending[index].result()
        finally:
            for future in pending:
                future.cancel()
            fetcher.submit(connections.close_all).result()  # the worker thread's connection


def _run_row(tenant_id, run_date, months_back, tenant_n, marks):
    return RankingRun(tenant_id=tenant_id, run_date=run_date, window_start=_month_start(run_date, months_back - 1),
                      window_end=run_date, tenant_n=tenant_n, tenant_nps=marks["tenant_nps"], median_nps=marks["median"],
                      top_quartile_nps=marks["top_quartile"], ranked_count=marks["ranked"])


def _rank_batch(frame, tenant_ids, settings, months_back, run_date):
    window = [_month_start(run_date, back).strftime("%Y-%m") for back in range(months_back)]
    previous = [_month_start(run_date, back).strftime("%Y-%m") for back in range(months_back, 2 * months_back)]
    current, prior = _periods(frame, window, previous)
    tenant_of_row = current["tenant_id"]
    table = statistics.score_tables(
        current, by=["tenant_id", "period"],
        ghosts=tenant_of_row.map({pk: settings[pk].ghost_answers for pk in tenant_ids}).to_numpy(),
        min_answers=tenant_of_row.map({pk: settings[pk].minimum_answers for pk in tenant_ids}).to_numpy())
    trends = statistics.trend_tables(current, prior, by=["tenant_id", "period"])
    table = table.merge(trends, on=["tenant_id", "period", "partner_id"], how="left")
    window_table = table[table["period"] == "window"]
    marks = statistics.benchmarks_by(window_table, "tenant_id")
    tenant_n = window_table.groupby("tenant_id")["n"].sum()

    runs = RankingRun.unscoped.bulk_create(
        [_run_row(pk, run_date, months_back, int(tenant_n.get(pk, 0)), marks.get(pk, statistics.NO_BENCHMARKS))
         for pk in tenant_ids],
        update_conflicts=True, unique_fields=["tenant", "run_date"],
        update_fields=["window_start", "window_end", "computed_at", "tenant_n", "tenant_nps", "median_nps",
                       "top_quartile_nps", "ranked_count"])
    # The upsert hands back each row's id, new or replaced; a replaced run loses its old scores.
    run_ids = {run.tenant_id: run.pk for run in runs}
    PartnerScore.unscoped.filter(run_id__in=list(run_ids.values())).delete()
    _store_scores(table, ["window", *window], run_ids)
    return {run.tenant_id: run for run in runs}
