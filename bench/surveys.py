#!/usr/bin/env python
"""Surveys at scale: the nightly ranking job over millions of answers, and survey sending
through a real Celery worker, each beside a baseline measured in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/surveys.py ranking [--answers 10000000] [--tenants 50] [--partners 5000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/surveys.py sending [--invitations 10000] [--workers 2]

ranking: loads answers (and their invitations) with COPY, ANALYZEs, then times
`surveys.tasks.compute_rankings` for every tenant (called directly) beside the bare SQL
aggregate over the same rows. Goal: job <= 1.5 x bare aggregate.

sending: queues invitations for one tenant, starts a real `celery worker` (prefork, Redis
broker on --redis-url, db 11 by default, flushed first), an SMTP sink on loopback (aiosmtpd),
dispatches through `surveys.tasks.dispatch_surveys.delay(tenant_id)` and times until the sink
has every message. Baseline: a plain smtplib loop over one SMTP connection to the same sink.
Goal: >= 0.5 x the baseline's rate, 0 lost, 0 duplicates.

Both create their own database (--db-name; ranking prm_bench_surveys, sending
prm_bench_surveys_sending) on DATABASE_URL's server,
migrate it and drop it at the end unless --keep (ranking: --reuse measures a kept database
again without reloading). --project PATH runs the app code (and the worker) from another
checkout, e.g. a scratch copy with a candidate fix; the bench itself is unchanged.
Figures are printed with PASS/MISS; nothing is asserted.
"""

import argparse
import io
import json
import os
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import rlsmode  # bench/, beside this script
from ladder import tier_ids  # bench/, beside this script
from pgserver import POSTGRES_SCHEMES, PostgresServer  # bench/, beside this script

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve()

RANKING_GOAL = 1.5          # job time <= 1.5 x bare aggregate
SENDING_GOAL = 0.5          # rate >= 0.5 x baseline rate
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"


def project_on_path(project):
    """`python bench/surveys.py` puts bench/ first on sys.path, where this file would shadow the
    `surveys` app: put the project root (or --project) there instead."""
    project = Path(project).resolve()
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() not in (ROOT / "bench", project)]
    sys.path.insert(0, str(project))
    return project


# --------------------------------------------------------------------------------------------
# Command line, database, Django
# --------------------------------------------------------------------------------------------

def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    sub = p.add_subparsers(dest="command", required=True)

    def common(q, db_name="prm_bench_surveys"):
        q.add_argument("--db-name", default=db_name, help=f"database created for the run (default {db_name})")
        q.add_argument("--keep", action="store_true", help="do not drop the database at the end")
        q.add_argument("--project", default=str(ROOT), help="checkout whose app code is measured (default: this one)")
        q.add_argument("--seed", type=int, default=20261122)

    r = sub.add_parser("ranking", help="nightly ranking job vs the bare SQL aggregate")
    common(r)
    r.add_argument("--answers", type=int, default=10_000_000)
    r.add_argument("--tenants", type=int, default=50)
    r.add_argument("--partners", type=int, default=5_000, help="across all tenants")
    r.add_argument("--repeat", type=int, default=3, help="timed runs of each, after one warm-up run (default 3)")
    r.add_argument("--reuse", action="store_true", help="measure a kept database (--keep) without reloading")
    r.add_argument("--explain", action="store_true", help="also print EXPLAIN (ANALYZE, BUFFERS) of both queries")
    rlsmode.add_option(r)

    s = sub.add_parser("sending", help="survey sending through a real Celery worker vs one SMTP connection")
    common(s, "prm_bench_surveys_sending")  # its own name: a kept ranking database survives a sending run
    s.add_argument("--invitations", type=int, default=10_000)
    s.add_argument("--workers", type=int, default=2, help="worker --concurrency (prefork)")
    s.add_argument("--partners", type=int, default=200)
    s.add_argument("--sends-per-minute", type=int, default=1_000_000)
    s.add_argument("--redis-url", default="redis://127.0.0.1:6379/11", help="broker and cache; FLUSHDB first")
    s.add_argument("--timeout", type=float, default=1800, help="give up waiting for the sink after this many seconds")
    s.add_argument("--profile-sample", type=int, default=500,
                   help="invitations dispatched and sent in-process afterwards to show where time goes (0: skip)")

    m = sub.add_parser("_ranking-measure")  # internal: timed runs in a fresh process (clean maxrss)
    m.add_argument("--db-url", required=True)
    m.add_argument("--project", default=str(ROOT))
    m.add_argument("--repeat", type=int, default=3)
    m.add_argument("--explain", action="store_true")
    m.add_argument("--rls", choices=["on", "off"], default="off")

    b = sub.add_parser("_smtp-baseline")  # internal: the smtplib client in its own process
    b.add_argument("--port", type=int, required=True)
    b.add_argument("--count", type=int, required=True)
    b.add_argument("--message-file", required=True)
    b.add_argument("--prefix", default="baseline")
    b.add_argument("--project", default=str(ROOT))
    args = p.parse_args(argv)
    return args


class BenchDatabase:
    """A fresh PostgreSQL database on DATABASE_URL's server (see bench/pgserver.py)."""

    def __init__(self, name):
        url = os.environ.get("DATABASE_URL") or DEFAULT_SERVER
        scheme = urlsplit(url).scheme
        if scheme not in POSTGRES_SCHEMES:
            sys.exit(f"bench/surveys.py measures PostgreSQL (COPY, real plans); DATABASE_URL is {scheme}://…")
        self.name = name
        self.server = PostgresServer(url)
        self.url = self.server.url_of(name)
        self.label = self.server.label_of(name)

    def exists(self):
        return self.server.exists(self.name)

    def server_settings(self):
        return self.server.settings_summary()

    def create(self):
        self.server.create(self.name)

    def drop(self):
        self.server.drop(self.name)


def setup_django(db_url, redis_url=None, rls="off"):
    import warnings

    warnings.filterwarnings("ignore", message="No directory at")
    rlsmode.environment(rls, db_url)
    if redis_url:
        os.environ["REDIS_URL"] = redis_url
    else:
        os.environ.pop("REDIS_URL", None)
    os.environ["DEBUG"] = "False"
    os.environ["PRM_DOMAIN"] = "localhost"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["DJANGO_SETTINGS_MODULE"] = "prm.settings"
    import django

    django.setup()
    rlsmode.after_setup(rls)


def maxrss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def vmhwm_mb():
    """Peak RSS of this process image (/proc/self/status VmHWM), a cross-check of maxrss."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def loadavg():
    try:
        return "load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    except OSError:
        return "load average n/a"


def code_version(project):
    try:
        head = subprocess.run(["git", "-C", str(project), "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(project), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True).stdout.strip()
        return f"{project} @ {head}{' + uncommitted changes' if dirty else ''}"
    except Exception:  # noqa: BLE001 - not a git checkout (scratch copy)
        return f"{project} (not a git checkout)"


def median(values):
    return statistics.median(values) if values else float("nan")


# --------------------------------------------------------------------------------------------
# COPY helpers
# --------------------------------------------------------------------------------------------

class LazyText:
    """File-like object for copy_expert: text produced chunk by chunk by a generator, so the
    server parses one chunk while Python formats the next (they meet in the socket buffer)."""

    def __init__(self, chunks):
        self.chunks = iter(chunks)
        self.buffer = ""
        self.pos = 0
        self.chars = 0

    def read(self, size=-1):
        while self.pos >= len(self.buffer):
            try:
                self.buffer, self.pos = next(self.chunks), 0
            except StopIteration:
                return ""
            self.chars += len(self.buffer)
        if size is None or size < 0:
            size = len(self.buffer)
        out = self.buffer[self.pos:self.pos + size]
        self.pos += len(out)
        return out

    def readline(self):  # psycopg2 only uses read(); here for completeness
        return self.read()


def copy_rows(cursor, table, columns, chunks):
    reader = LazyText(chunks)
    cols = ", ".join(f'"{c}"' for c in columns)
    cursor.copy_expert(f'COPY "{table}" ({cols}) FROM STDIN', reader, size=1 << 20)
    return reader.chars


def secondary_indexes(cursor, table):
    """Indexes of `table` not backing a constraint: dropped for the load, rebuilt after."""
    cursor.execute("""
        SELECT i.relname, pg_get_indexdef(i.oid)
        FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
        WHERE t.relname = %s AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid)
    """, [table])
    return cursor.fetchall()


def check_columns(model, columns):
    """The COPY column lists must cover the model: a field added later fails loudly here."""
    have = {f.column for f in model._meta.concrete_fields}
    if set(columns) != have:
        sys.exit(f"bench/surveys.py: {model._meta.db_table} columns changed: missing {sorted(have - set(columns))}, "
                 f"unknown {sorted(set(columns) - have)}; update the loader")


# --------------------------------------------------------------------------------------------
# (a) Ranking
# --------------------------------------------------------------------------------------------

PARTNER_WORDS = """North South East West Blue Red Green Silver Golden Summit Apex Atlas Pioneer Granite River Lake
Harbor Pacific Atlantic Alpine Cedar Oak Maple Pine Eagle Falcon Hawk Lion Tiger Bear Wolf Fox Star Sun Moon Sky
Cloud Bright Clear Prime First United National Global Metro Urban Coastal Valley Ridge Peak Crown Royal""".split()
PARTNER_SUFFIXES = ["IT", "Integration", "Networks", "Consulting", "Solutions", "Systems", "Technologies",
                    "Partners", "Group", "Services", "Digital", "Cloud", "Data"]
COMMENTS = {
    2: ["Fast, knowledgeable and they followed up without being asked.", "Installation went exactly as planned.",
        "Best partner we have worked with.", "Great project manager, clear communication throughout."],
    1: ["Good work, but the quote took two weeks.", "Fine overall; documentation could be better.",
        "Solid delivery, a bit expensive."],
    0: ["Nobody answered our support calls for days.", "The project ran a month late and over budget.",
        "They sold us licences we did not need.", "Three engineers in three weeks, none knew the setup."],
}
INVITATION_COLUMNS = ["id", "tenant_id", "survey_id", "partner_id", "campaign_id", "deal_id", "email", "name", "company",
                      "status", "send_after", "sent_at", "reminders_sent", "next_reminder_at", "skip_reason",
                      "last_error", "answered_at", "created_at"]
ANSWER_COLUMNS = ["id", "tenant_id", "invitation_id", "survey_id", "partner_id", "score", "effort", "comment",
                  "answered_at"]


def ranking_world(args):
    """Tenants, their survey settings, two surveys each, partners: through the ORM (small)."""
    import random

    from partners.models import Partner
    from prm.tenancy.models import Tenant
    from surveys.models import Survey, SurveySettings

    rng = random.Random(args.seed)
    tenants = [Tenant.objects.create(slug=f"bench{i + 1:02d}", name=f"Bench Vendor {i + 1}", time_zone="UTC")
               for i in range(args.tenants)]
    surveys, partners = {}, {}
    for tenant in tenants:
        SurveySettings.unscoped.create(tenant=tenant)
        surveys[tenant.pk] = [
            Survey.unscoped.create(tenant=tenant, name="After a won deal", for_won_deals=True).pk,
            Survey.unscoped.create(tenant=tenant, name="Annual relationship survey").pk,
        ]
    per_tenant = [args.partners // args.tenants + (1 if i < args.partners % args.tenants else 0)
                  for i in range(args.tenants)]
    rows = []
    for tenant, n in zip(tenants, per_tenant):
        tiers = tier_ids(tenant)
        for k in range(n):
            name = f"{rng.choice(PARTNER_WORDS)} {rng.choice(PARTNER_SUFFIXES)} {k + 1:03d}"
            rows.append(Partner(tenant=tenant, name=name, tier_id=tiers[rng.choice(["Gold", "Silver", "Silver", "Bronze"])],
                                country=rng.choice(["US", "DE", "GB", "FR", "NL"])))
    Partner.unscoped.bulk_create(rows, batch_size=2000)
    for tenant in tenants:
        partners[tenant.pk] = list(Partner.unscoped.filter(tenant=tenant).order_by("pk").values_list("pk", flat=True))
    return tenants, surveys, partners


def answer_plan(args, tenants, surveys, partners, now):
    """Every answer as numpy columns, ordered by time (ids follow time, tenants interleaved, as a
    table filled by years of real traffic is).

    Volumes: tenants log-normal, partners within a tenant Zipf-like, more answers recently.
    Scores: per partner a latent quality with a drift over the 24 months; promoter/passive/
    detractor shares from a softmax around the tenant's own mix (NPS roughly -20..+70 by
    partner), then 9/10, 7/8 and a detractor tail skewed to 5-6.
    """
    import numpy as np

    rng = np.random.default_rng(args.seed)
    n_total = args.answers
    t_count = len(tenants)
    tenant_w = rng.lognormal(0.0, 0.5, t_count)
    per_tenant = rng.multinomial(n_total, tenant_w / tenant_w.sum())

    partner_ids, partner_tenant, per_partner = [], [], []
    for ti, tenant in enumerate(tenants):
        pids = partners[tenant.pk]
        weights = 1.0 / (np.arange(len(pids)) + 3.0) ** 1.1
        rng.shuffle(weights)
        per_partner.append(rng.multinomial(per_tenant[ti], weights / weights.sum()))
        partner_ids += pids
        partner_tenant += [ti] * len(pids)
    partner_ids = np.asarray(partner_ids, dtype=np.int64)
    partner_tenant = np.asarray(partner_tenant, dtype=np.int64)
    per_partner = np.concatenate(per_partner)
    p_row = np.repeat(np.arange(len(partner_ids)), per_partner)

    # Time: density rising linearly to twice its start over the 24 months.
    span = 730 * 86400
    u = rng.random(n_total)
    x = np.sqrt(1.0 + 3.0 * u) - 1.0
    start = int(now.timestamp()) - span
    when = start + (x * span).astype(np.int64)
    order = np.argsort(when, kind="stable")
    when, p_row, x = when[order], p_row[order], x[order]
    del order, u

    quality = rng.normal(0.0, 1.0, len(partner_ids))
    drift = rng.normal(0.0, 0.5, len(partner_ids))
    base_p = rng.normal(0.6, 0.3, t_count)
    base_d = rng.normal(-0.2, 0.3, t_count)
    q = quality[p_row] + drift[p_row] * (2.0 * x - 1.0)
    t_row = partner_tenant[p_row]
    e_p = np.exp(base_p[t_row] + 0.7 * q)
    e_d = np.exp(base_d[t_row] - 0.7 * q)
    denom = 1.0 + e_p + e_d
    v = rng.random(n_total)
    category = np.where(v < e_p / denom, 2, np.where(v < (e_p + e_d) / denom, 0, 1)).astype(np.int8)
    del e_p, e_d, denom, v, q, x

    top = rng.random(n_total) < 0.55
    detractor_scores = rng.choice(7, size=n_total, p=np.array([3, 2, 3, 5, 8, 12, 17]) / 50.0)
    score = np.where(category == 2, np.where(top, 10, 9), np.where(category == 1, np.where(top, 8, 7), detractor_scores))
    effort = np.clip(np.where(category == 2, 6, np.where(category == 1, 5, 3)) + rng.integers(-1, 2, n_total), 1, 7)
    effort = np.where(rng.random(n_total) < 0.3, 0, effort)  # 0 = no effort answer (NULL)
    comment_pick = np.where(rng.random(n_total) < 0.12, rng.integers(0, 3, n_total), -1)
    survey_pick = (rng.random(n_total) < 0.8).astype(np.int64)  # 80% after a won deal
    survey_of_tenant = np.asarray([surveys[t.pk] for t in tenants], dtype=np.int64)
    # Invitation timing: sent 0.2 h .. ~10 days before the answer; created 14 days before sending.
    answer_delay = np.minimum(rng.lognormal(10.5, 1.2, n_total).astype(np.int64), 12 * 86400) + 600
    reminders = np.minimum(answer_delay // (4 * 86400), 2)
    return {
        "when": when, "tenant_id": np.asarray([t.pk for t in tenants], dtype=np.int64)[t_row],
        "partner_id": partner_ids[p_row], "survey_id": survey_of_tenant[t_row, 1 - survey_pick],
        "score": score.astype(np.int64), "effort": effort.astype(np.int64), "category": category,
        "comment": comment_pick, "delay": answer_delay, "reminders": reminders,
        "answers_per_partner": per_partner, "answers_per_tenant": per_tenant,
    }


def _stamps(seconds):
    import numpy as np

    return np.datetime_as_string(seconds.astype("datetime64[s]"), unit="s").tolist()


def invitation_chunks(plan, chunk):
    n = len(plan["when"])
    for lo in range(0, n, chunk):
        hi = min(n, lo + chunk)
        when = plan["when"][lo:hi]
        sent = when - plan["delay"][lo:hi]
        ids = range(lo + 1, hi + 1)
        answered, sent_s, created = _stamps(when), _stamps(sent), _stamps(sent - 14 * 86400)
        tenant, survey, partner = (plan[k][lo:hi].tolist() for k in ("tenant_id", "survey_id", "partner_id"))
        reminders = plan["reminders"][lo:hi].tolist()
        yield "".join([
            f"{i}\t{t}\t{s}\t{p}\t\\N\t\\N\tcontact{i:09d}@customer{p}.example\tContact {i}\t\t"
            f"answered\t{st}+00\t{st}+00\t{r}\t\\N\t\t\t{a}+00\t{c}+00\n"
            for i, t, s, p, a, st, c, r in zip(ids, tenant, survey, partner, answered, sent_s, created, reminders)
        ])


def answer_chunks(plan, chunk):
    n = len(plan["when"])
    for lo in range(0, n, chunk):
        hi = min(n, lo + chunk)
        answered = _stamps(plan["when"][lo:hi])
        tenant, survey, partner, score, effort, category, comment = (
            plan[k][lo:hi].tolist() for k in ("tenant_id", "survey_id", "partner_id", "score", "effort", "category", "comment"))
        lines = []
        for i, t, s, p, sc, e, cat, cm, a in zip(range(lo + 1, hi + 1), tenant, survey, partner, score, effort,
                                                 category, comment, answered):
            text = COMMENTS[cat][cm % len(COMMENTS[cat])] if cm >= 0 else ""
            lines.append(f"{i}\t{t}\t{i}\t{s}\t{p}\t{sc}\t{e or chr(92) + 'N'}\t{text}\t{a}+00\n")
        yield "".join(lines)


def ranking_load(args):
    """Tenants and partners through the ORM; invitations and answers with COPY. Returns a summary."""
    import numpy as np
    from django.db import connection

    from surveys.models import Answer, SurveyInvitation

    check_columns(SurveyInvitation, INVITATION_COLUMNS)
    check_columns(Answer, ANSWER_COLUMNS)
    now = datetime.now(UTC).replace(microsecond=0)
    t0 = time.perf_counter()
    tenants, surveys, partners = ranking_world(args)
    plan = answer_plan(args, tenants, surveys, partners, now)
    t_plan = time.perf_counter()
    print(f"  planned {args.answers:,} answers for {len(tenants)} tenants, {sum(map(len, partners.values())):,} partners "
          f"in {t_plan - t0:.1f}s", flush=True)

    tables = ("surveys_surveyinvitation", "surveys_answer")
    with connection.cursor() as cursor:
        dropped = [idx for table in tables for idx in secondary_indexes(cursor, table)]
        for name, _ in dropped:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("SET synchronous_commit = off")
        try:  # rows are generated consistent: skip per-row FK triggers (superuser only)
            cursor.execute("SET session_replication_role = replica")
        except Exception:  # noqa: BLE001
            pass
        raw = cursor.cursor
        chars = copy_rows(raw, "surveys_surveyinvitation", INVITATION_COLUMNS, invitation_chunks(plan, 250_000))
        t_inv = time.perf_counter()
        print(f"  COPY surveys_surveyinvitation: {args.answers:,} rows, {chars / 1e6:,.0f} MB of text in "
              f"{t_inv - t_plan:.1f}s", flush=True)
        chars = copy_rows(raw, "surveys_answer", ANSWER_COLUMNS, answer_chunks(plan, 250_000))
        t_ans = time.perf_counter()
        print(f"  COPY surveys_answer: {args.answers:,} rows, {chars / 1e6:,.0f} MB of text in {t_ans - t_inv:.1f}s",
              flush=True)
        cursor.execute("SET session_replication_role = DEFAULT")
        cursor.execute("SET maintenance_work_mem = '1GB'")
        for _, ddl in dropped:
            cursor.execute(ddl)
        t_idx = time.perf_counter()
        print(f"  rebuilt {len(dropped)} secondary indexes in {t_idx - t_ans:.1f}s", flush=True)
        for table in tables:
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), %s)", [args.answers])
        # VACUUM as well as ANALYZE: the visibility map and hint bits of a table that has been
        # in use for months (autovacuum runs on insert-only tables too); cold-load artefacts out.
        for table in tables:
            cursor.execute(f'VACUUM (ANALYZE) "{table}"')
        cursor.execute("ANALYZE")
    t_end = time.perf_counter()
    print(f"  VACUUM (ANALYZE) in {t_end - t_idx:.1f}s; data loaded in {t_end - t0:.1f}s", flush=True)

    per_partner = plan["answers_per_partner"]
    cat = plan["category"]
    return {
        "seconds": t_end - t0,
        "partners_per_tenant": (min(map(len, partners.values())), max(map(len, partners.values()))),
        "answers_per_tenant": (int(plan["answers_per_tenant"].min()), int(plan["answers_per_tenant"].max())),
        "answers_per_partner": (int(per_partner.min()), int(np.median(per_partner)), int(per_partner.max())),
        "mix": (float((cat == 2).mean()), float((cat == 1).mean()), float((cat == 0).mean())),
    }


def bare_sql(start):
    return ("SELECT tenant_id, partner_id, date_trunc('month', answered_at), count(*), "
            "count(*) FILTER (WHERE score >= 9), count(*) FILTER (WHERE score <= 6) "
            "FROM surveys_answer WHERE answered_at >= %s GROUP BY 1, 2, 3", [start])


def ranking_measure(args):
    """Runs in a fresh process: warm-up, then alternating timed runs of the bare aggregate and
    the job; the job's peak RSS is this process's maxrss. Prints one JSON line.

    Started before the loader grows (Linux carries ru_maxrss over fork and exec), it waits for
    a line on stdin before it starts."""
    if not sys.stdin.readline().strip():
        return  # the parent gave up
    rss_start = maxrss_mb()
    setup_django(args.db_url, rls=args.rls)
    from django.db import connection
    from django.utils import timezone

    from surveys import rankings, tasks
    from surveys.models import Answer, PartnerScore

    rss_django = maxrss_mb()
    today = timezone.now().date()
    # The job's frame: answers from the first day of the month 2 x window - 1 months back.
    window_months = 12
    try:
        from surveys.models import SurveySettings
        with rlsmode.bench_setup():
            window_months = max(SurveySettings.unscoped.values_list("window_months", flat=True).distinct())
    except Exception:  # noqa: BLE001
        pass
    start = rankings._utc(rankings._month_start(today, 2 * window_months - 1))
    sql, params = bare_sql(start)

    def run_bare():
        # The same baseline with RLS on or off: the bare aggregate, which no policy filters.
        with rlsmode.bench_setup(), connection.cursor() as cursor:
            t = time.perf_counter()
            cursor.execute(sql, params)
            rows = cursor.fetchall()
            return time.perf_counter() - t, len(rows), sum(r[3] for r in rows)

    from surveys.models import RankingRun

    def fresh_day():
        """Untimed: each timed run is the night's first run (nothing of the day to replace), on
        vacuumed score tables, as the nightly job finds them."""
        with rlsmode.as_owner():  # VACUUM is the owner's
            RankingRun.unscoped.filter(run_date=today).delete()
            with connection.cursor() as cursor:
                cursor.execute("VACUUM (ANALYZE) surveys_partnerscore, surveys_rankingrun")
        connection.ensure_connection()  # a reconnection is not part of the timed run

    def run_job():
        fresh_day()
        t = time.perf_counter()
        result = tasks.compute_rankings()
        return time.perf_counter() - t, result

    out = {"rss_start_mb": rss_start, "rss_django_mb": rss_django, "window_start": start.isoformat(),
           "bare": [], "job": []}
    b_time, groups, counted = run_bare()
    out["bare_warmup"], out["groups"], out["rows_counted"] = b_time, groups, counted
    j_time, result = run_job()
    out["job_warmup"] = j_time
    out["tenants"] = len(result)
    for _ in range(args.repeat):
        out["bare"].append(run_bare()[0])
        out["job"].append(run_job()[0])
    out["rss_after_job_mb"] = maxrss_mb()
    out["vmhwm_mb"] = vmhwm_mb()
    with rlsmode.bench_setup():
        out["scores"] = PartnerScore.unscoped.count()
        out["answers"] = Answer.unscoped.count()

    # One more (untimed) job run with SQL timed by statement kind: where the job's time goes.
    kinds = Counter()
    counts = Counter()

    def timer(execute, sql_text, params, many, context):
        t = time.perf_counter()
        try:
            return execute(sql_text, params, many, context)
        finally:
            if sql_text.startswith("SELECT set_config("):  # the RLS wrapper's prefix (--rls on)
                sql_text = sql_text.split("; ", 1)[1]
            head = sql_text.lstrip().split(None, 1)[0].upper()
            key = "SELECT aggregate" if head == "SELECT" and "GROUP BY" in sql_text else head
            kinds[key] += time.perf_counter() - t
            counts[key] += 1

    aggregate_times = []
    original = rankings.monthly_counts

    def timed_monthly_counts(*a, **kw):
        t = time.perf_counter()
        try:
            return original(*a, **kw)
        finally:
            aggregate_times.append(time.perf_counter() - t)

    rankings.monthly_counts = timed_monthly_counts
    fresh_day()
    try:
        with connection.execute_wrapper(timer):
            t = time.perf_counter()
            tasks.compute_rankings()
            total = time.perf_counter() - t
    finally:
        rankings.monthly_counts = original
    out["breakdown"] = {"total": total, "sql": dict(kinds), "statements": dict(counts),
                        "monthly_counts": sum(aggregate_times), "monthly_counts_calls": len(aggregate_times),
                        "monthly_counts_max": max(aggregate_times) if aggregate_times else 0.0}

    if args.explain:
        from prm.tenancy.context import tenant_context
        from prm.tenancy.models import Tenant

        plans = {}
        tenant = Tenant.objects.order_by("pk").first()
        with rlsmode.bench_setup(), connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            plans["bare aggregate"] = [r[0] for r in cursor.fetchall()]
            with tenant_context(tenant):
                end = rankings._month_start(today, -1)
                qs = (Answer.objects.filter(answered_at__gte=start, answered_at__lt=rankings._utc(end))
                      .annotate(month=rankings.TruncMonth("answered_at", tzinfo=UTC))
                      .values("partner_id", "month")
                      .annotate(n=rankings.Count("id"), promoters=rankings.Count("id", filter=rankings.Q(score__gte=9)),
                                detractors=rankings.Count("id", filter=rankings.Q(score__lte=6))).order_by())
                job_sql, job_params = qs.query.sql_with_params()
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + job_sql, job_params)
                plans[f"job query, tenant {tenant.slug}"] = [r[0] for r in cursor.fetchall()]
        out["plans"] = plans
    print("RESULT " + json.dumps(out, default=str), flush=True)


def run_ranking(args):
    db = BenchDatabase(args.db_name)
    print(f"bench/surveys.py ranking: {args.answers:,} answers, {args.tenants} tenants, {args.partners:,} partners; "
          f"{db.label}")
    print(f"code: {code_version(args.project)}")
    print(f"server: {db.server_settings()}; {os.cpu_count()} CPUs; {loadavg()}", flush=True)
    if args.reuse and not db.exists():
        sys.exit(f"--reuse: database {args.db_name} does not exist (run once with --keep)")
    # The measuring process starts now, while this one is small, and waits for "go".
    cmd = [sys.executable, str(BENCH), "_ranking-measure", "--db-url", db.url, "--project", args.project,
           "--repeat", str(args.repeat), "--rls", args.rls] + (["--explain"] if args.explain else [])
    measurer = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                cwd=args.project)
    if not args.reuse:
        db.create()
    setup_django(db.url, rls=args.rls)
    from django.core.management import call_command
    from django.db import connection

    summary = None
    try:
        if not args.reuse:
            t = time.perf_counter()
            call_command("migrate", verbosity=0, interactive=False)
            print(f"migrated in {time.perf_counter() - t:.1f}s; loading…", flush=True)
            with rlsmode.as_owner():
                summary = ranking_load(args)
        rlsmode.grant_app_role()
        print(f"row-level security: {args.rls} (the job measured as {connection.settings_dict['USER']})")
        with rlsmode.bench_setup(), connection.cursor() as cursor:
            cursor.execute("SELECT pg_size_pretty(pg_relation_size('surveys_answer')), "
                           "pg_size_pretty(pg_total_relation_size('surveys_answer')), "
                           "pg_size_pretty(pg_total_relation_size('surveys_surveyinvitation')), "
                           "(SELECT count(*) FROM surveys_answer)")
            heap, total, inv_total, n = cursor.fetchone()
        print(f"surveys_answer: {n:,} rows, heap {heap}, {total} with indexes; surveys_surveyinvitation {inv_total}")
        if summary:
            print(f"  answers per tenant {summary['answers_per_tenant'][0]:,}..{summary['answers_per_tenant'][1]:,}; "
                  f"per partner min/median/max {summary['answers_per_partner'][0]:,}/{summary['answers_per_partner'][1]:,}/"
                  f"{summary['answers_per_partner'][2]:,}; promoters/passives/detractors "
                  f"{summary['mix'][0]:.0%}/{summary['mix'][1]:.0%}/{summary['mix'][2]:.0%}")
        connection.close()

        print(f"\nmeasuring in a fresh process: 1 warm-up + {args.repeat} timed runs each, alternating…", flush=True)
        stdout, stderr = measurer.communicate("go\n")
        lines = [line for line in stdout.splitlines() if line.startswith("RESULT ")]
        if measurer.returncode != 0 or not lines:
            print(stdout[-5000:])
            print(stderr[-5000:])
            sys.exit("the measuring process failed")
        ranking_report(json.loads(lines[-1][7:]), summary)
    finally:
        if measurer.poll() is None:
            measurer.kill()  # the process this run started
            measurer.wait()
        if args.keep:
            print(f"\nkept {db.label} (--reuse to measure it again; DROP DATABASE {args.db_name} when done)")
        else:
            connection.close()
            db.drop()
            print(f"\ndropped {db.label}")


def ranking_report(r, summary):
    bare, job = r["bare"], r["job"]
    print(f"  {r['rows_counted']:,} answers since {r['window_start'][:10]} (the job's 24-month frame) in "
          f"{r['groups']:,} (tenant, partner, month) groups; job ran for {r['tenants']} tenants, "
          f"{r['scores']:,} PartnerScore rows")
    print(f"  warm-up: bare aggregate {r['bare_warmup']:.2f}s, job {r['job_warmup']:.2f}s; {loadavg()}")
    print("  (before every job run, untimed: the day's runs deleted and the score tables vacuumed, so each run is "
          "the night's first)")
    bd = r["breakdown"]
    sql_total = sum(bd["sql"].values())
    print(f"  job breakdown (one more run, {bd['total']:.2f}s): monthly_counts {bd['monthly_counts']:.2f}s over "
          f"{bd['monthly_counts_calls']} batches of tenants (slowest {bd['monthly_counts_max'] * 1000:.0f} ms; "
          "fetched ahead on a second connection, overlapping the rest); SQL of the job's own connection "
          f"{sql_total:.2f}s = " + ", ".join(f"{k} {v:.2f}s ×{bd['statements'][k]}" for k, v in
                                             sorted(bd["sql"].items(), key=lambda kv: -kv[1])) +
          f"; the rest (pandas, COPY, commits, waiting for counts) {bd['total'] - sql_total:.2f}s")
    for label, lines in r.get("plans", {}).items():
        print(f"\n  -- EXPLAIN (ANALYZE, BUFFERS): {label}")
        for line in lines:
            print("    " + line)

    ratio_best = min(job) / min(bare)
    ratio_median = median(job) / median(bare)
    print("\n== Ranking (compute_rankings for all tenants, called directly) ==")
    print(f"{'':<34}{'best':>9}{'median':>9}   runs")
    print(f"{'bare SQL aggregate (baseline)':<34}{min(bare):>8.2f}s{median(bare):>8.2f}s   "
          + " ".join(f"{t:.2f}" for t in bare))
    print(f"{'compute_rankings (job)':<34}{min(job):>8.2f}s{median(job):>8.2f}s   " + " ".join(f"{t:.2f}" for t in job))
    print(f"{'job / bare':<34}{ratio_best:>8.2f}x{ratio_median:>8.2f}x")
    print(f"peak memory of the job's process: getrusage maxrss {r['rss_after_job_mb']:.0f} MB, VmHWM "
          f"{r['vmhwm_mb']:.0f} MB (after Django setup, before any run: {r['rss_django_mb']:.0f} MB; "
          f"bare interpreter {r['rss_start_mb']:.0f} MB)")
    if summary:
        print(f"data load: {summary['seconds']:.0f}s")
    print("\n== Goal ==")
    ok = ratio_median <= RANKING_GOAL
    print(f"{'PASS' if ok else 'MISS'}  job <= {RANKING_GOAL}x bare aggregate: median {ratio_median:.2f}x "
          f"(best {ratio_best:.2f}x; {median(job):.2f}s vs {median(bare):.2f}s)")


# --------------------------------------------------------------------------------------------
# (b) Sending
# --------------------------------------------------------------------------------------------

class Sink:
    """SMTP sink on loopback: counts messages by recipient, thread-safe, with arrival times."""

    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        with self.lock:
            self.by_rcpt = Counter()
            self.messages = 0
            self.bytes = 0
            self.peers = set()
            self.first = self.last = None
            self.first_wall = self.last_wall = None
            self.sample = None

    async def handle_DATA(self, server, session, envelope):
        now, wall = time.perf_counter(), time.time()
        with self.lock:
            for rcpt in envelope.rcpt_tos:
                self.by_rcpt[rcpt.lower()] += 1
            self.messages += 1
            self.bytes += len(envelope.content)
            self.peers.add(session.peer)
            if self.first is None:
                self.first, self.first_wall = now, wall
                self.sample = (envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.content))
            self.last, self.last_wall = now, wall
        return "250 OK"

    def snapshot(self):
        with self.lock:
            return {"distinct": len(self.by_rcpt), "messages": self.messages, "bytes": self.bytes,
                    "connections": len(self.peers), "first": self.first, "last": self.last,
                    "first_wall": self.first_wall, "last_wall": self.last_wall,
                    "duplicates": sum(c - 1 for c in self.by_rcpt.values() if c > 1)}

    def start(self):
        from aiosmtpd.controller import Controller

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        # server_hostname: without it aiosmtpd calls socket.getfqdn() for every connection, a
        # DNS lookup that is the sink's cost, not the application's.
        self.controller = Controller(self, hostname="127.0.0.1", port=port, server_hostname="sink.localhost",
                                     ready_timeout=10)
        self.controller.start()
        self.port = port
        return port

    def stop(self):
        self.controller.stop()


def smtp_baseline_client(args):
    """Internal: one smtplib connection, `count` messages, each to its own recipient."""
    import smtplib

    message = Path(args.message_file).read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    t = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", args.port, local_hostname="bench.localhost") as smtp:
        for i in range(args.count):
            smtp.sendmail("PRM <no-reply@prm.localhost>", [f"{args.prefix}-{i}@baseline.example"], message)
    print("RESULT " + json.dumps({"seconds": time.perf_counter() - t}), flush=True)


def run_baseline(sink, message, count, prefix):
    sink.reset()
    with tempfile.NamedTemporaryFile("wb", suffix=".eml", delete=False) as f:
        f.write(message)
    own, children, machine = cpu_self(), cpu_children(), cpu_machine()
    try:
        proc = subprocess.run([sys.executable, str(BENCH), "_smtp-baseline", "--port", str(sink.port), "--count",
                               str(count), "--message-file", f.name, "--prefix", prefix],
                              capture_output=True, text=True)
    finally:
        os.unlink(f.name)
    cpu = {"sink": cpu_self() - own, "client": cpu_children() - children, "machine": cpu_machine() - machine}
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    if proc.returncode != 0 or not lines:
        print(proc.stdout[-3000:], proc.stderr[-3000:])
        sys.exit("the smtplib baseline failed")
    seconds = json.loads(lines[-1][7:])["seconds"]
    time.sleep(0.2)
    snap = sink.snapshot()
    return {"seconds": seconds, "rate": count / seconds, "distinct": snap["distinct"], "messages": snap["messages"],
            "duplicates": snap["duplicates"], "size": snap["bytes"] / max(1, snap["messages"]), "cpu": cpu}


def sending_world(args):
    from django.utils import timezone

    from partners.models import Partner
    from prm.tenancy.models import Tenant
    from surveys.models import Survey, SurveyInvitation, SurveySettings

    tenant = Tenant.objects.create(slug="benchsend", name="Bench Sending Vendor", time_zone="UTC")
    SurveySettings.unscoped.create(tenant=tenant, sends_per_minute=args.sends_per_minute)
    survey = Survey.unscoped.create(tenant=tenant, name="Customer satisfaction after a won deal", for_won_deals=True)
    Partner.unscoped.bulk_create([
        Partner(tenant=tenant, name=f"{PARTNER_WORDS[k % len(PARTNER_WORDS)]} {PARTNER_SUFFIXES[k % 13]} {k + 1:03d}")
        for k in range(args.partners)])
    partner_ids = list(Partner.unscoped.filter(tenant=tenant).values_list("pk", flat=True))
    now = timezone.now()
    SurveyInvitation.unscoped.bulk_create([
        SurveyInvitation(tenant=tenant, survey=survey, partner_id=partner_ids[(i * 7919) % len(partner_ids)],
                         email=f"customer{i:06d}@c{i % 997}.example", name=f"Customer {i}", company=f"Company {i % 997}",
                         send_after=now - timedelta(minutes=5) + timedelta(microseconds=i))
        for i in range(args.invitations)], batch_size=2000)
    return tenant, survey


def render_one_message(tenant):
    """The bytes one survey email has on the wire, rendered by the app and rolled back."""
    import inspect

    from django.core.mail import EmailMultiAlternatives
    from django.db import transaction

    from prm.tenancy.context import tenant_context
    from surveys import emails
    from surveys.models import SurveyInvitation

    class Rollback(Exception):
        pass

    message = None
    with tenant_context(tenant):
        invitation = SurveyInvitation.objects.select_related("tenant", "partner", "survey").order_by("pk").first()
        try:
            with transaction.atomic():
                if hasattr(emails, "SurveyEmails"):
                    row = emails.SurveyEmails().email(invitation)
                else:  # older code
                    kwargs = {"send": False} if "send" in inspect.signature(emails.survey_email).parameters else {}
                    row = emails.survey_email(invitation, **kwargs)
                m = EmailMultiAlternatives(subject=row.subject, body=row.body_text, from_email=row.from_email, to=row.to,
                                           headers=row.headers)
                if row.body_html:
                    m.attach_alternative(row.body_html, "text/html")
                message = m.message().as_bytes(linesep="\r\n")  # as Django's SMTP backend sends it
                raise Rollback
        except Rollback:
            pass
    return message


def start_worker(args, db_url, sink_port, logdir):
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": db_url, "REDIS_URL": args.redis_url, "EMAIL_URL": f"smtp://127.0.0.1:{sink_port}",
        "DEBUG": "False", "PRM_DOMAIN": "localhost", "LOG_LEVEL": "WARNING", "DJANGO_SETTINGS_MODULE": "prm.settings",
        "PYTHONPATH": args.project,
    })
    log = open(Path(logdir) / "worker.log", "w")
    cmd = [sys.executable, "-m", "celery", "-A", "prm", "worker", "--concurrency", str(args.workers), "--pool", "prefork",
           "-Q", "celery", "--loglevel", "WARNING", "-n", f"bench-surveys-{os.getpid()}@%h"]
    proc = subprocess.Popen(cmd, cwd=args.project, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    return proc, log, cmd


def stop_worker(proc):
    """Warm shutdown of the worker this run started; returns its CPU seconds (the main process and
    the pool processes it reaped: wait4's rusage), or None if it was already gone."""
    if proc.returncode is not None:
        return None
    proc.send_signal(signal.SIGTERM)
    deadline = time.time() + 30
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            return usage.ru_utime + usage.ru_stime
        if time.time() > deadline:
            os.killpg(proc.pid, signal.SIGKILL)  # its own process group: only what we started
            deadline = time.time() + 10
        time.sleep(0.1)


def cpu_self():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def cpu_children():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cpu_group(pgid):
    """CPU seconds so far of every process in process group `pgid` (the worker and its pool),
    with the children they reaped, from /proc."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # exited meanwhile
        if int(fields[2]) == pgid:  # fields[0] is the state: pgrp is the 5th field of stat
            ticks += sum(int(x) for x in fields[11:15])  # utime, stime, cutime, cstime
    return ticks / os.sysconf("SC_CLK_TCK")


def cpu_machine():
    """Busy CPU seconds of the whole machine so far (/proc/stat), for the share of both cores."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    ticks = [int(x) for x in fields]
    idle = ticks[3] + ticks[4]
    return (sum(ticks[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def wait_for_worker(proc, timeout=60):
    from prm.celery import app

    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            return False
        try:
            if app.control.ping(timeout=0.5):
                return True
        except Exception:  # noqa: BLE001 - broker not answering yet
            time.sleep(0.5)
    return False


def pending_invitations(tenant):
    from surveys.models import SurveyInvitation

    return SurveyInvitation.unscoped.filter(tenant=tenant, status__in=("scheduled", "queued")).count()


def db_timeline(tenant, wall0):
    from django.db.models import Count, Max, Min

    from prm.outbox.models import OutboundEmail
    from surveys.models import SurveyInvitation

    rows = OutboundEmail.objects.filter(tenant=tenant)
    agg = rows.aggregate(n=Count("id"), c0=Min("created_at"), c1=Max("created_at"), k0=Min("claimed_at"),
                         k1=Max("claimed_at"), s0=Min("sent_at"), s1=Max("sent_at"))

    def rel(value):
        return None if value is None else value.timestamp() - wall0

    return {
        "outbox_rows": agg["n"],
        "created": (rel(agg["c0"]), rel(agg["c1"])), "claimed": (rel(agg["k0"]), rel(agg["k1"])),
        "sent": (rel(agg["s0"]), rel(agg["s1"])),
        "outbox_status": dict(rows.values_list("status").annotate(n=Count("id")).order_by()),
        "attempts": dict(rows.values_list("attempts").annotate(n=Count("id")).order_by()),
        "invitation_status": dict(SurveyInvitation.unscoped.filter(tenant=tenant).values_list("status")
                                  .annotate(n=Count("id")).order_by()),
    }


def profile_in_process(args, tenant, survey, sink):
    """Where the time goes, in this process (no Celery): the dispatch loop per invitation and the
    outbox send per message, with SQL counted and timed, and SMTP connections counted at the sink."""
    import cProfile
    import pstats

    from django.db import connection
    from django.utils import timezone

    from prm.outbox import services as outbox
    from prm.outbox.models import OutboundEmail
    from prm.tenancy.context import tenant_context
    from surveys import services
    from surveys.models import SurveyInvitation

    n = args.profile_sample
    now = timezone.now()
    partner_id = SurveyInvitation.unscoped.filter(tenant=tenant).values_list("partner_id", flat=True).first()
    SurveyInvitation.unscoped.bulk_create([
        SurveyInvitation(tenant=tenant, survey=survey, partner_id=partner_id, email=f"profile{i:05d}@profile.example",
                         send_after=now - timedelta(minutes=1)) for i in range(n)])
    ids = list(SurveyInvitation.unscoped.filter(tenant=tenant, status="scheduled").order_by("pk")
               .values_list("pk", flat=True))

    stats = {"sql_time": 0.0, "sql_count": 0}

    def timer(execute, sql_text, params, many, context):
        t = time.perf_counter()
        try:
            return execute(sql_text, params, many, context)
        finally:
            stats["sql_time"] += time.perf_counter() - t
            stats["sql_count"] += 1

    result = {"n": len(ids)}
    # 1. The dispatch loop body, invitation by invitation, as dispatch_due runs it (the enqueue
    # after the loop is left out: nothing here talks to the broker).
    # Timed on the first half; the second half runs under cProfile (its times are inflated) only
    # to show which calls the time goes to.
    profiler = cProfile.Profile()
    email_ids = []
    timed, profiled = ids[: len(ids) // 2], ids[len(ids) // 2:]
    with tenant_context(tenant), connection.execute_wrapper(timer):
        t = time.perf_counter()
        for invitation_id in timed:
            email_ids += services.invitations_send(tenant=tenant, invitation_ids=[invitation_id], now=now)[1]
        elapsed = time.perf_counter() - t
        sql_time, sql_count = stats["sql_time"], stats["sql_count"]
        profiler.enable()
        for invitation_id in profiled:
            email_ids += services.invitations_send(tenant=tenant, invitation_ids=[invitation_id], now=now)[1]
        profiler.disable()
    if not email_ids:  # older code: survey_email enqueued per message itself
        email_ids = list(OutboundEmail.objects.filter(tenant=tenant, status="pending").values_list("pk", flat=True))
    result["dispatch"] = {"seconds": elapsed, "sql_time": sql_time, "sql_count": sql_count, "n": len(timed)}
    buf = io.StringIO()
    pstats.Stats(profiler, stream=buf).sort_stats("cumulative").print_stats(18)
    result["dispatch_profile"] = buf.getvalue()

    # 2. Sending: half one message per connection (the single-message path), half in batches of 50.
    half = len(email_ids) // 2
    sink.reset()
    stats.update(sql_time=0.0, sql_count=0)
    with connection.execute_wrapper(timer):
        t = time.perf_counter()
        for email_id in email_ids[:half]:
            outbox.email_send(email_id=email_id)
        single = time.perf_counter() - t
    snap = sink.snapshot()
    result["single"] = {"seconds": single, "n": half, "sql_time": stats["sql_time"], "sql_count": stats["sql_count"],
                        "connections": snap["connections"], "messages": snap["messages"]}
    if hasattr(outbox, "emails_send"):
        sink.reset()
        stats.update(sql_time=0.0, sql_count=0)
        rest = email_ids[half:]
        with connection.execute_wrapper(timer):
            t = time.perf_counter()
            for lo in range(0, len(rest), 50):
                outbox.emails_send(email_ids=rest[lo:lo + 50])
            batch = time.perf_counter() - t
        snap = sink.snapshot()
        result["batch"] = {"seconds": batch, "n": len(rest), "sql_time": stats["sql_time"],
                           "sql_count": stats["sql_count"], "connections": snap["connections"],
                           "messages": snap["messages"]}
    return result


def run_sending(args):
    import redis

    db = BenchDatabase(args.db_name)
    print(f"bench/surveys.py sending: {args.invitations:,} invitations, worker --concurrency {args.workers} "
          f"--pool prefork; {db.label}; broker/cache {args.redis_url}")
    print(f"code: {code_version(args.project)}")
    print(f"server: {db.server_settings()}; {os.cpu_count()} CPUs; {loadavg()}", flush=True)
    r = redis.Redis.from_url(args.redis_url)
    r.flushdb()
    db.create()
    sink = Sink()
    port = sink.start()
    # This process sends too (the in-process profile): to the sink, like the worker.
    os.environ["EMAIL_URL"] = f"smtp://127.0.0.1:{port}"
    setup_django(db.url, args.redis_url)
    from django.core.management import call_command
    from django.db import connection

    worker = log = None
    logdir = tempfile.mkdtemp(prefix="prm-bench-surveys-")
    try:
        t = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        tenant, survey = sending_world(args)
        print(f"migrated and queued {args.invitations:,} invitations in {time.perf_counter() - t:.1f}s", flush=True)
        message = render_one_message(tenant)
        print(f"SMTP sink on 127.0.0.1:{port}; one survey email is {len(message):,} bytes", flush=True)

        base1 = run_baseline(sink, message, args.invitations, "before")
        print(f"baseline (before): {base1['rate']:,.0f} msg/s ({base1['seconds']:.2f}s for {args.invitations:,})",
              flush=True)

        worker, log, cmd = start_worker(args, db.url, port, logdir)
        if not wait_for_worker(worker):
            log.flush()
            print(Path(logdir, "worker.log").read_text()[-5000:])
            sys.exit("the Celery worker did not come up")
        print(f"worker up: {' '.join(cmd[1:])}", flush=True)

        from prm.outbox.models import OutboundEmail
        from prm.outbox.tasks import flush_outbox
        from surveys.tasks import dispatch_surveys

        sink.reset()
        connection.close()
        own0, machine0, worker0 = cpu_self(), cpu_machine(), cpu_group(worker.pid)
        wall0 = time.time()
        t0 = time.perf_counter()
        dispatch_surveys.delay(tenant.pk)
        dispatches, flushes = 1, 0
        last_pending, last_change, last_poll, last_print = None, t0, 0.0, t0
        last_at_sink, sink_change, last_flush = 0, t0, t0
        timed_out = False
        while True:
            time.sleep(0.05)
            snap = sink.snapshot()
            now = time.perf_counter()
            if snap["distinct"] >= args.invitations:
                break
            if now - t0 > args.timeout:
                timed_out = True
                break
            if worker.poll() is not None:
                print("the worker exited early")
                break
            if now - last_poll >= 1.0:
                last_poll = now
                pending = pending_invitations(tenant)
                if pending != last_pending:
                    last_pending, last_change = pending, now
                elif pending > 0 and now - last_change > 10:
                    # dispatch_due sends at most sends_per_minute per call: ask again.
                    dispatch_surveys.delay(tenant.pk)
                    dispatches += 1
                    last_change = now
                if snap["messages"] != last_at_sink:
                    last_at_sink, sink_change = snap["messages"], now
                elif pending == 0 and now - sink_change > 30 and now - last_flush > 60:
                    # Outbox rows nobody enqueued (a dispatch task that died before its enqueue):
                    # the beat's flush_outbox (every minute) is what delivers them.
                    if OutboundEmail.objects.filter(tenant=tenant, status="pending").exists():
                        flush_outbox.delay()
                        flushes += 1
                        last_flush = now
                if now - last_print >= 10:
                    last_print = now
                    print(f"  +{now - t0:5.1f}s: {pending:,} invitations pending, {snap['distinct']:,} at the sink",
                          flush=True)
        snap = sink.snapshot()
        elapsed = (snap["last"] - t0) if snap["last"] else float("nan")
        run_cpu = {"sink": cpu_self() - own0, "machine": cpu_machine() - machine0, "seconds": time.perf_counter() - t0,
                   "worker": cpu_group(worker.pid) - worker0}
        time.sleep(3)  # late duplicates would show now
        final = sink.snapshot()
        timeline = db_timeline(tenant, wall0)
        sample = sink.sample
        connection.close()
        stop_worker(worker)
        log.close()
        worker_log = Path(logdir, "worker.log").read_text()

        real_size = final["bytes"] / max(1, final["messages"])
        message2 = sample[2] if sample else message
        base2 = run_baseline(sink, message2, args.invitations, "after")
        print(f"baseline (after, with a message captured from the run): {base2['rate']:,.0f} msg/s", flush=True)

        profile = None
        if args.profile_sample:
            print(f"profiling {args.profile_sample} more invitations in-process (no Celery)…", flush=True)
            profile = profile_in_process(args, tenant, survey, sink)

        sending_report(args, base1, base2, final, elapsed, timeline, (dispatches, flushes), timed_out, real_size,
                       profile, worker_log, run_cpu)
    finally:
        if worker is not None:
            stop_worker(worker)
        try:
            sink.stop()
        except Exception:  # noqa: BLE001 - never started
            pass
        if args.keep:
            print(f"\nkept {db.label} (DROP DATABASE {args.db_name} when done); worker log in {logdir}")
        else:
            connection.close()
            db.drop()
            r.flushdb()
            print(f"\ndropped {db.label}; flushed {args.redis_url}")


def sending_report(args, base1, base2, snap, elapsed, tl, dispatches, timed_out, real_size, profile, worker_log,
                   run_cpu):
    n = args.invitations
    rate = snap["distinct"] / elapsed if elapsed == elapsed and elapsed > 0 else 0.0
    best = max(base1, base2, key=lambda b: b["rate"])
    lost = n - snap["distinct"]
    errors = [line for line in worker_log.splitlines() if "ERROR" in line or "Traceback" in line or "Error" in line]

    def span(pair):
        a, b = pair
        return "n/a" if a is None else f"+{a:.1f}s .. +{b:.1f}s"

    print("\n== Timeline of the run (seconds after the first dispatch; outbox timestamps from the worker) ==")
    print(f"  outbox rows created (dispatch loop) {span(tl['created'])}; claimed {span(tl['claimed'])}; "
          f"sent {span(tl['sent'])}")
    if tl["created"][0] is not None and tl["outbox_rows"]:
        c0, c1 = tl["created"]
        print(f"  dispatch loop: {tl['outbox_rows']:,} invitations in {c1 - c0:.1f}s = "
              f"{tl['outbox_rows'] / max(c1 - c0, 1e-9):,.0f}/s ({(c1 - c0) / tl['outbox_rows'] * 1000:.2f} ms each, "
              f"one task, one process)")
        if tl["sent"][0] is not None:
            s0, s1 = tl["sent"]
            print(f"  sending: first message +{s0:.1f}s, last +{s1:.1f}s: {tl['outbox_rows'] / max(s1 - s0, 1e-9):,.0f}/s "
                  f"while sending; first message {s0 - c0:.1f}s after the first outbox row")
    print(f"  dispatch_surveys.delay calls: {dispatches[0]}; flush_outbox.delay calls (as the beat would): {dispatches[1]}; "
          f"SMTP connections seen by the sink: {snap['connections']:,} "
          f"({snap['messages'] / max(1, snap['connections']):.1f} messages each)")
    print(f"  invitations: {tl['invitation_status']}; outbox: {tl['outbox_status']}; attempts: {tl['attempts']}")
    if errors:
        print(f"  worker log: {len(errors)} error lines, first: {errors[0][:300]}")

    n_run = max(1, snap["messages"])
    worker_cpu = run_cpu.get("worker")
    rest = max(0.0, run_cpu["machine"] - run_cpu["sink"] - (worker_cpu or 0.0))  # /proc/stat ticks are coarse
    print(f"  CPU per message (first dispatch to last message): Celery worker and pool {worker_cpu / n_run * 1000:.2f} ms, ",
          end="")
    print(f"SMTP sink {run_cpu['sink'] / n_run * 1000:.2f} ms, everything else on the machine (PostgreSQL, Redis, "
          f"other users) {rest / n_run * 1000:.2f} ms; both cores {run_cpu['machine'] / (2 * run_cpu['seconds']):.0%} busy")
    for label, b in (("before", base1), ("after", base2)):
        c = b["cpu"]
        print(f"  baseline ({label}) CPU per message: smtplib client {c['client'] / args.invitations * 1000:.2f} ms, "
              f"SMTP sink {c['sink'] / args.invitations * 1000:.2f} ms, rest of the machine "
              f"{max(0.0, c['machine'] - c['client'] - c['sink']) / args.invitations * 1000:.2f} ms; both cores "
              f"{c['machine'] / (2 * b['seconds']):.0%} busy")

    if profile:
        d = profile["dispatch"]
        print(f"\n== Where the time goes (in-process, {profile['n']} invitations, no Celery, same sink) ==")
        print(f"  invitations_send, one at a time: {d['seconds'] / d['n'] * 1000:.2f} ms each, of which SQL "
              f"{d['sql_time'] / d['n'] * 1000:.2f} ms in {d['sql_count'] / d['n']:.1f} queries; the rest "
              f"(templates, signing, ORM, COMMIT) {(d['seconds'] - d['sql_time']) / d['n'] * 1000:.2f} ms")
        for key, label in (("single", "email_send, one message per connection"),
                           ("batch", "emails_send, batches of 50 over one connection")):
            s = profile.get(key)
            if s and s["n"]:
                print(f"  {label}: {s['seconds'] / s['n'] * 1000:.2f} ms each = {s['n'] / s['seconds']:,.0f}/s; SQL "
                      f"{s['sql_time'] / s['n'] * 1000:.2f} ms in {s['sql_count'] / s['n']:.1f} queries; "
                      f"{s['connections']} SMTP connections for {s['messages']} messages")
        print("  top of the dispatch profile (cumulative; second half of the sample, under cProfile):")
        lines = profile["dispatch_profile"].splitlines()
        start = next((i for i, line in enumerate(lines) if "ncalls" in line), 0)
        for line in lines[start:start + 19]:
            if line.strip():
                print("    " + line[:150])

    print("\n== Sending (real Celery worker, Redis broker, SMTP sink on loopback) ==")
    print(f"{'':<46}{'msg/s':>9}{'seconds':>9}  distinct  total  dupes  bytes/msg")
    for label, b in (("baseline: smtplib, one connection (before)", base1),
                     ("baseline: smtplib, one connection (after)", base2)):
        print(f"{label:<46}{b['rate']:>9,.0f}{b['seconds']:>9.2f}  {b['distinct']:>8,} {b['messages']:>6,} "
              f"{b['duplicates']:>6}  {b['size']:>9,.0f}")
    print(f"{'dispatch_surveys -> worker -> SMTP':<46}{rate:>9,.0f}{elapsed:>9.2f}  {snap['distinct']:>8,} "
          f"{snap['messages']:>6,} {snap['duplicates']:>6}  {real_size:>9,.0f}")
    print(f"{'ratio to the better baseline':<46}{rate / best['rate']:>8.2f}x")
    print("\n== Goals ==")
    ok = rate >= SENDING_GOAL * best["rate"] and not timed_out
    print(f"{'PASS' if ok else 'MISS'}  rate >= {SENDING_GOAL}x baseline: {rate:,.0f} msg/s vs {best['rate']:,.0f} msg/s "
          f"= {rate / best['rate']:.2f}x{' (timed out)' if timed_out else ''}")
    print(f"{'PASS' if lost == 0 else 'MISS'}  0 lost: {lost:,} of {n:,} never reached the sink")
    print(f"{'PASS' if snap['duplicates'] == 0 else 'MISS'}  0 duplicates: {snap['duplicates']:,} extra copies "
          f"({snap['messages']:,} messages for {snap['distinct']:,} recipients)")


# --------------------------------------------------------------------------------------------

def main(argv=None):
    args = parse_args(argv)
    args.project = str(project_on_path(args.project))
    os.chdir(args.project)  # Celery's Django fixup puts the working directory first on sys.path
    if args.command == "ranking":
        run_ranking(args)
    elif args.command == "sending":
        run_sending(args)
    elif args.command == "_ranking-measure":
        ranking_measure(args)
    elif args.command == "_smtp-baseline":
        smtp_baseline_client(args)


if __name__ == "__main__":
    main()
