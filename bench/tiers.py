#!/usr/bin/env python
"""The nightly tier evaluation at scale, beside the bare SQL aggregates of the same inputs.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/tiers.py \\
        [--tenants 50] [--partners 5000] [--deals 1000000] [--completions 200000] [--answers 10000000] \\
        [--nights 3] [--rls on|off] [--keep]
    DATABASE_URL=… .venv/bin/python bench/tiers.py --small     # 5 × 500 partners, a smoke run

It creates its own database on DATABASE_URL's server (prm_bench_tiers), migrates, and loads with
COPY: --tenants programs of --partners partners each (tiers Registered, Silver, Gold given at
random, 60/30/10), their won and other deals over two years (--deals, partners Zipf-like), five
courses per program (two of them needed for Gold) with --completions completions of partner people
(some expired, some pending claims), and --answers survey answers (bench/surveys.py's loader); then
the nightly ranking once, as every night before the tiers. Each program's ladder: Registered (no
requirement); Silver: won value ≥ 25,000 and 1 active certification; Gold: won value ≥ 100,000,
5 won deals, the certifications Gold needs and NPS ≥ 30.

Measured, as the app role under row-level security (--rls on, the default):
- the nightly task's body (`partners.tiers.tasks.evaluate_all`: every program evaluated, then the
  warnings) on --nights consecutive days: the first night stores every partner's snapshot and
  starts the changes the random tiers call for; the later nights, a day apart, store what changed;
- the bare SQL of the same inputs per program, alternating with it: won value and count per
  partner in the trailing 12 months, active certifications per partner and per partner and course,
  the latest ranking's scores, the partners' current tiers.
Goal: a night ≤ 1.5 × the bare SQL. Figures are printed with PASS/MISS; nothing is asserted.
"""

import argparse
import cProfile
import pstats
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import rlsmode  # bench/, beside this script
from ladder import tier_ids  # bench/, beside this script
from pgserver import POSTGRES_SCHEMES  # noqa: F401 — bench/, beside this script (BenchDatabase uses it)

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

import bench.surveys as survey_bench  # noqa: E402
from bench.dealreg import BenchDatabase, Writer, print_load, reset_sequence, setup_django  # noqa: E402

GOAL = 1.5
BIG_TABLES = ("dealreg_deal", "training_completion", "surveys_surveyinvitation", "surveys_answer")
COURSES = [("Networking Associate", 24, False), ("Security Professional", 24, True), ("Cloud Architect", 24, True),
           ("Sales Essentials", 12, False), ("Product Basics", None, False)]


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    p.add_argument("--tenants", type=int, default=None, help="programs (default 50; --small 5)")
    p.add_argument("--partners", type=int, default=None, help="partners per program (default 5,000; --small 500)")
    p.add_argument("--deals", type=int, default=None, help="deals in all (default 1,000,000; --small 20,000)")
    p.add_argument("--completions", type=int, default=None, help="course completions (default 200,000; --small 4,000)")
    p.add_argument("--answers", type=int, default=None, help="survey answers (default 10,000,000; --small 200,000)")
    p.add_argument("--nights", type=int, default=3, help="nights evaluated, a day apart (default 3)")
    p.add_argument("--small", action="store_true")
    p.add_argument("--profile", action="store_true", help="also print where the last night's job spends its time")
    p.add_argument("--db-name", default="prm_bench_tiers")
    p.add_argument("--keep", action="store_true", help="keep the database at the end")
    p.add_argument("--reuse", action="store_true",
                   help="measure a database kept by --keep again, without loading (its nights continue after the last)")
    p.add_argument("--seed", type=int, default=20261202)
    rlsmode.add_option(p)
    args = p.parse_args(argv)
    small = {"tenants": 5, "partners": 500, "deals": 20_000, "completions": 4_000, "answers": 200_000}
    full = {"tenants": 50, "partners": 5_000, "deals": 1_000_000, "completions": 200_000, "answers": 10_000_000}
    for name, value in (small if args.small else full).items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    return args


# --- data ------------------------------------------------------------------------------------

def load_programs(args):
    """Programs with survey settings, surveys, the tier ladder with its requirements, and courses."""
    from partners.tiers.models import TierRequirement
    from partners.training.models import Course
    from prm.tenancy.models import Tenant
    from surveys.models import Survey, SurveySettings

    programs = []
    for i in range(args.tenants):
        tenant = Tenant.objects.create(slug=f"benchtier{i + 1:02d}", name=f"Bench Vendor {i + 1}", currency="USD",
                                       time_zone="UTC")
        SurveySettings.unscoped.create(tenant=tenant)
        surveys = [Survey.unscoped.create(tenant=tenant, name="After a won deal", for_won_deals=True).pk,
                   Survey.unscoped.create(tenant=tenant, name="Annual relationship survey").pk]
        tiers = tier_ids(tenant, ("Registered", "Silver", "Gold"))
        for tier, kind, threshold in [("Silver", "won_value", 25_000), ("Silver", "certifications", 1),
                                      ("Gold", "won_value", 100_000), ("Gold", "won_deals", 5),
                                      ("Gold", "required_courses", None), ("Gold", "nps", 30)]:
            TierRequirement.unscoped.create(tenant=tenant, tier_id=tiers[tier], kind=kind,
                                            threshold=None if threshold is None else Decimal(threshold))
        courses = []
        for name, months, for_gold in COURSES:
            course = Course.unscoped.create(tenant=tenant, name=name, validity_months=months)
            if for_gold:
                course.required_for_tiers.add(tiers["Gold"])
            courses.append((course.pk, months))
        programs.append(SimpleNamespace(tenant=tenant, surveys=surveys, tiers=tiers, courses=courses, partners=[]))
    return programs


def load_partners(args, rng, now, programs):
    from partners.models import Partner

    writer = Writer(Partner)
    pid = 0
    for program in programs:
        for k in range(args.partners):
            pid += 1
            tier = rng.choices(["Registered", "Silver", "Gold"], [60, 30, 10])[0]
            writer.add({"id": pid, "tenant_id": program.tenant.pk, "name": f"Partner {k + 1:05d}", "status": "active",
                        "tier_id": program.tiers[tier], "country": "US", "created_at": now - timedelta(days=900),
                        "updated_at": now})
            program.partners.append(pid)
    writer.flush()
    reset_sequence(Partner)


def _zipf_picker(rng, ids):
    order = ids[:]
    rng.shuffle(order)
    cum, acc = [], 0.0
    for rank in range(len(order)):
        acc += 1.0 / (rank + 3) ** 1.1
        cum.append(acc)
    return lambda: rng.choices(order, cum_weights=cum)[0]


def load_deals(args, rng, now, programs):
    from dealreg.models import Deal

    writer = Writer(Deal)
    per_program = args.deals // len(programs)
    deal_id = 0
    for program in programs:
        pick = _zipf_picker(rng, program.partners)
        for _ in range(per_program):
            deal_id += 1
            created = now - timedelta(seconds=rng.uniform(0, 730 * 86400))
            status = rng.choices(["won", "lost", "approved", "submitted", "expired"], [35, 20, 25, 10, 10])[0]
            closed = created + timedelta(days=rng.uniform(5, 90)) if status in ("won", "lost") else None
            if closed is not None and closed > now:
                closed = now - timedelta(hours=1)
            writer.add({"id": deal_id, "tenant_id": program.tenant.pk, "partner_id": pick(), "status": status,
                        "customer_name": f"Customer {deal_id}", "value": Decimal(int(rng.lognormvariate(9.3, 1.0))),
                        "currency": "USD" if rng.random() < 0.95 else "EUR",
                        "expected_close_date": (created + timedelta(days=60)).date(), "created_at": created,
                        "updated_at": closed or created, "submitted_at": created, "closed_at": closed})
    writer.flush()
    reset_sequence(Deal)


def load_completions(args, rng, now, programs):
    """Partner people (accounts) and their completions: a tenth of the partners certify nobody."""
    from partners.training.models import Completion
    from prm.accounts.models import User

    users, completions = Writer(User), Writer(Completion)
    today = now.date()
    per_program = args.completions // len(programs)
    user_id = completion_id = 0
    for program in programs:
        pick = _zipf_picker(rng, program.partners)
        people: dict[int, list[int]] = {}
        seen = set()
        for _ in range(per_program):
            partner = pick()
            team = people.setdefault(partner, [])
            if not team or (len(team) < 8 and rng.random() < 0.4):
                user_id += 1
                users.add({"id": user_id, "email": f"person{user_id}@bench.example", "password": "!",
                           "full_name": f"Person {user_id}", "is_active": True, "date_joined": now})
                team.append(user_id)
            course, months = rng.choice(program.courses)
            completed = today - timedelta(days=rng.randrange(0, 3 * 365))
            person = rng.choice(team)
            if (course, person, completed) in seen:
                continue
            seen.add((course, person, completed))
            expires = None if months is None else completed + timedelta(days=months * 30)
            completion_id += 1
            completions.add({"id": completion_id, "tenant_id": program.tenant.pk, "course_id": course,
                             "user_id": person, "partner_id": partner, "completed_on": completed,
                             "expires_on": expires, "source": "import",
                             "status": "approved" if rng.random() < 0.95 else "pending", "recorded_at": now})
    users.flush()
    completions.flush()
    reset_sequence(User)
    reset_sequence(Completion)


def load_answers(args, programs, now):
    """bench/surveys.py's answers (its plan and COPY), for these programs' partners."""
    from django.db import connection

    tenants = [program.tenant for program in programs]
    plan = survey_bench.answer_plan(args, tenants, {p.tenant.pk: p.surveys for p in programs},
                       {p.tenant.pk: p.partners for p in programs}, now)
    with connection.cursor() as cursor:
        for table, columns, chunks in [
                ("surveys_surveyinvitation", survey_bench.INVITATION_COLUMNS, survey_bench.invitation_chunks),
                ("surveys_answer", survey_bench.ANSWER_COLUMNS, survey_bench.answer_chunks)]:
            survey_bench.copy_rows(cursor.cursor, table, columns, chunks(plan, 250_000))
        for table in ("surveys_surveyinvitation", "surveys_answer"):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), %s)", [args.answers])


def load(args, rng, now):
    from django.db import connection

    t0 = time.perf_counter()
    programs = load_programs(args)
    steps = [("partners", load_partners), ("deals", load_deals), ("completions", load_completions)]
    with connection.cursor() as cursor:
        dropped = [index for table in BIG_TABLES for index in survey_bench.secondary_indexes(cursor, table)]
        for name, _ddl in dropped:  # rebuilt once after the load: far faster than kept up row by row
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("SET session_replication_role = replica")  # rows made consistent: no per-row FK checks
    for label, step in steps:
        t = time.perf_counter()
        step(args, rng, now, programs)
        print(f"  {label} loaded in {time.perf_counter() - t:.1f}s", flush=True)
    t = time.perf_counter()
    load_answers(args, programs, now)
    print(f"  {args.answers:,} answers loaded in {time.perf_counter() - t:.1f}s", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = DEFAULT")
        cursor.execute("SET maintenance_work_mem = '1GB'")
        t = time.perf_counter()
        for _name, ddl in dropped:
            cursor.execute(ddl)
        print(f"  {len(dropped)} indexes rebuilt in {time.perf_counter() - t:.1f}s", flush=True)
        cursor.execute("VACUUM ANALYZE")
    print(f"  data loaded in {time.perf_counter() - t0:.1f}s", flush=True)
    return programs


def kept_programs():
    """The programs of a kept database, and the day after its last evaluation."""
    from partners.models import Partner
    from partners.tiers.models import TierEvaluationRun
    from prm.tenancy.models import Tenant

    programs = [SimpleNamespace(tenant=tenant, partners=list(Partner.unscoped.filter(tenant=tenant).values_list("pk", flat=True)))
                for tenant in Tenant.objects.filter(slug__startswith="benchtier").order_by("pk")]
    last = TierEvaluationRun.unscoped.order_by("-run_on").values_list("run_on", flat=True).first()
    return programs, (last or datetime.now(UTC).date()) + timedelta(days=1)


def rank(programs, day):
    from surveys import rankings

    t = time.perf_counter()
    rankings.rank_tenants([p.tenant for p in programs], run_date=day)
    print(f"  nightly NPS ranking in {time.perf_counter() - t:.1f}s", flush=True)


# --- measuring -------------------------------------------------------------------------------

BARE = [
    ("won deals", "SELECT partner_id, sum(value) FILTER (WHERE currency = %(currency)s), count(*) FROM dealreg_deal "
                  "WHERE tenant_id = %(tenant)s AND status = 'won' AND closed_at >= %(start)s AND closed_at < %(end)s "
                  "GROUP BY partner_id"),
    ("certifications", "SELECT partner_id, count(DISTINCT (user_id, course_id)) FROM training_completion "
                       "WHERE tenant_id = %(tenant)s AND status = 'approved' AND completed_on <= %(today)s "
                       "AND (expires_on IS NULL OR expires_on > %(today)s) GROUP BY partner_id"),
    ("courses held", "SELECT DISTINCT partner_id, course_id FROM training_completion "
                     "WHERE tenant_id = %(tenant)s AND status = 'approved' AND completed_on <= %(today)s "
                     "AND (expires_on IS NULL OR expires_on > %(today)s)"),
    ("scores", "SELECT partner_id, shrunk, n FROM surveys_partnerscore WHERE tenant_id = %(tenant)s "
               "AND period = 'window' AND run_id = (SELECT max(id) FROM surveys_rankingrun "
               "WHERE tenant_id = %(tenant)s)"),
    ("partners", "SELECT id, tier_id FROM partners_partner WHERE tenant_id = %(tenant)s AND status <> 'inactive'"),
]


def bare_night(programs, now):
    """The same inputs' plain SQL, program by program in its tenant context (the same RLS as the job)."""
    from django.db import connection

    from prm.tenancy.context import tenant_context

    today = now.date()
    end = datetime.combine(today + timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    rows = 0
    start = time.perf_counter()
    for program in programs:
        params = {"tenant": program.tenant.pk, "currency": program.tenant.currency, "today": today,
                  "start": end - timedelta(days=365), "end": end}
        with tenant_context(program.tenant), connection.cursor() as cursor:
            for _label, sql in BARE:
                cursor.execute(sql, params)
                rows += len(cursor.fetchall())
    return time.perf_counter() - start, rows


def job_night(now, profile=False):
    from django.utils import timezone

    from partners.tiers import tasks

    profiler = cProfile.Profile() if profile else None
    start = time.perf_counter()
    with timezone.override("UTC"):
        if profiler:
            profiler.enable()
        results = _at(now, tasks.evaluate_all)
        if profiler:
            profiler.disable()
    seconds = time.perf_counter() - start
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
    total = {key: sum(r[key] for r in results.values()) for key in ("partners", "stored", "changes", "warned")}
    return seconds, total


def _at(now, call):
    """Run `call` as if the clock said `now` (the nightly job asks timezone.now())."""
    from unittest import mock

    with mock.patch("django.utils.timezone.now", return_value=now):
        return call()


def measure(args, programs, start_day):
    nights = []
    for night in range(args.nights):
        now = datetime.combine(start_day + timedelta(days=night), datetime.min.time(), tzinfo=UTC) + timedelta(hours=2)
        bare_before, rows = bare_night(programs, now)
        job, figures = job_night(now, profile=args.profile and night == args.nights - 1)
        bare_after, _rows = bare_night(programs, now)
        bare = statistics.median([bare_before, bare_after])
        nights.append((now.date(), bare, job, figures, rows))
        print(f"  night {night + 1} ({now.date()}): bare SQL {bare:.2f}s ({bare_before:.2f}, {bare_after:.2f}; "
              f"{rows:,} rows), job {job:.2f}s, {figures}", flush=True)
    return nights


def report(args, nights):
    print(f"\n{'night':<12} {'bare SQL':>9} {'job':>9} {'ratio':>7}  partners  stored  changes  warned")
    for day, bare, job, figures, _rows in nights:
        ratio = job / bare if bare else float("inf")
        verdict = "PASS" if ratio <= GOAL else "MISS"
        print(f"{day!s:<12} {bare:>8.2f}s {job:>8.2f}s {ratio:>6.2f}× {verdict}  {figures['partners']:>8,}  "
              f"{figures['stored']:>6,}  {figures['changes']:>7,}  {figures['warned']:>6,}")
    later = nights[1:] or nights
    ratio = statistics.median([job / bare for _d, bare, job, _f, _r in later])
    print(f"\nnights after the first, median: {ratio:.2f}× the bare SQL (goal ≤ {GOAL}×) "
          f"{'PASS' if ratio <= GOAL else 'MISS'}")


def main(argv=None):
    args = parse_args(argv)
    db = BenchDatabase(SimpleNamespace(small=True, db_name=args.db_name, rls=args.rls))
    if db.vendor != "postgresql":
        sys.exit("bench/tiers.py measures PostgreSQL (COPY, real plans): set DATABASE_URL=postgres://…")
    if args.reuse and not db.exists():
        sys.exit(f"--reuse: there is no {db.label}; run once with --keep first")
    rng = random.Random(args.seed)
    now = datetime.now(UTC).replace(microsecond=0)
    print(f"bench/tiers.py: {args.tenants} programs × {args.partners:,} partners, {args.deals:,} deals, "
          f"{args.completions:,} completions, {args.answers:,} answers, {args.nights} nights; {db.label}")
    print_load("at start")
    if not args.reuse:
        db.create()
    setup_django(db)
    from django.core.management import call_command
    from django.db import connection

    try:
        if args.reuse:
            with rlsmode.bench_setup():
                programs, start = kept_programs()
        else:
            call_command("migrate", verbosity=0, interactive=False)
            with rlsmode.as_owner():
                programs = load(args, rng, now)
            rlsmode.grant_app_role()
            with rlsmode.bench_setup():
                rank(programs, now.date())
            start = now.date() + timedelta(days=1)
        print(f"row-level security: {args.rls} (measured as {connection.settings_dict['USER']})")
        nights = measure(args, programs, start)
        print_load("after measuring")
        report(args, nights)
    finally:
        if args.keep:
            print(f"\nkept {db.label}")
        else:
            connection.close()
            db.drop()
            print(f"\ndropped {db.label}")


if __name__ == "__main__":
    main(sys.argv[1:])
