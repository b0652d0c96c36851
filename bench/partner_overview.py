#!/usr/bin/env python
"""The dashboard's partner page (the partner's overview) for a partner holding many rows.

    .venv/bin/python bench/partner_overview.py                       # SQLite, a temporary file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/partner_overview.py [--rls on|off]     # PostgreSQL, its own database

One program: a big partner with --deals deals (30,000) and --answers answered surveys (5,000, a
quarter of them detractors with follow-up cases, open, overdue and closed), a team and a timeline,
beside --others partners with a few of each; the nightly ranking computed once. It times, through
django.test.Client and the whole middleware stack (DEBUG=False), in the same run:

- `bench/ok/` (bench/bench_urls.py): the fixed cost of any dashboard request;
- the big partner's page with no registered sections (profile, team and timeline only): the
  minimal view of the same partner;
- the big partner's full page (agreement, checklist, deals, NPS and follow-ups added);

then the SQL query count of the full page for the big partner and a small one (the goal: equal),
and what each registered section costs on its own (its provider, called directly). Goal: the
full page p95 < 150 ms. Figures are printed with PASS/MISS; nothing is asserted.
"""

import argparse
import random
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import rlsmode  # bench/, beside this script
from ladder import tier_ids  # bench/, beside this script
from pgserver import POSTGRES_SCHEMES  # noqa: F401 — bench/, beside this script (BenchDatabase uses it)

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from bench.dealreg import BenchDatabase, Stat, client_for, print_load, request, setup_django, time_page  # noqa: E402

PAGE_GOAL_MS = 150.0
STATUS_MIX = [("submitted", 0.12), ("more_info", 0.03), ("approved", 0.30), ("won", 0.25), ("lost", 0.15),
              ("withdrawn", 0.05), ("rejected", 0.05), ("expired", 0.03), ("draft", 0.02)]


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    p.add_argument("--deals", type=int, default=30_000, help="deals of the big partner (default 30,000)")
    p.add_argument("--answers", type=int, default=5_000, help="survey answers of the big partner (default 5,000)")
    p.add_argument("--others", type=int, default=40, help="other partners in the program (default 40)")
    p.add_argument("--samples", type=int, default=200, help="timed requests per page (default 200)")
    p.add_argument("--db-name", default="prm_bench_overview", help="PostgreSQL database made for the run")
    p.add_argument("--keep", action="store_true", help="do not drop the database at the end")
    p.add_argument("--seed", type=int, default=20261202)
    p.add_argument("--profile", action="store_true", help="also print where the full page spends its time (cProfile)")
    rlsmode.add_option(p)
    return p.parse_args(argv)


# --------------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------------

def _status(rng):
    r, total = rng.random(), 0.0
    for status, share in STATUS_MIX:
        total += share
        if r < total:
            return status
    return STATUS_MIX[-1][0]


def _deals(tenant, partner, n, rng, now):
    from dealreg.models import Deal

    currencies = [tenant.currency] * 19 + ["EUR" if tenant.currency != "EUR" else "USD"]  # 1 in 20 in another
    Deal.objects.bulk_create([
        Deal(tenant=tenant, partner=partner, status=_status(rng), customer_name=f"Customer {partner.pk}-{i}",
             customer_name_normalized=f"customer {partner.pk} {i}", customer_domain=f"c{partner.pk}-{i}.example",
             contact_name="Jane Buyer", contact_email=f"jane@c{partner.pk}-{i}.example",
             value=Decimal(rng.randrange(1_000, 250_000)), currency=rng.choice(currencies),
             expected_close_date=(now + timedelta(days=rng.randrange(-200, 200))).date(),
             protected_until=now + timedelta(days=rng.randrange(-30, 90)))
        for i in range(n)
    ], batch_size=2000)


def _answers(tenant, survey, partner, n, rng, now):
    """n answered invitations over the last 11 months; a follow-up case for every detractor."""
    from surveys.models import Answer, FollowUpCase, FollowUpStatus, InvitationStatus, SurveyInvitation

    when = [now - timedelta(minutes=rng.randrange(60, 330 * 24 * 60)) for _ in range(n)]
    invitations = SurveyInvitation.objects.bulk_create([
        SurveyInvitation(tenant=tenant, survey=survey, partner=partner, email=f"customer{i}@p{partner.pk}.example",
                         name=f"Customer {i}", company=f"Company {i}", status=InvitationStatus.ANSWERED,
                         send_after=w, sent_at=w, answered_at=w)
        for i, w in enumerate(when)
    ], batch_size=2000)
    if any(i.pk is None for i in invitations):
        invitations = list(SurveyInvitation.objects.filter(partner=partner).order_by("pk"))
    scores = [rng.choice((0, 2, 4, 5, 6, 7, 8, 8, 9, 9, 10, 10, 10)) for _ in range(n)]
    answers = Answer.objects.bulk_create([
        Answer(tenant=tenant, invitation=inv, survey=survey, partner=partner, score=s, answered_at=w)
        for inv, s, w in zip(invitations, scores, when, strict=True)
    ], batch_size=2000)
    if any(a.pk is None for a in answers):
        answers = list(Answer.objects.filter(partner=partner).order_by("pk"))
    cases = []
    for answer, w in zip(answers, when, strict=True):
        if answer.score > 6:
            continue
        closed = rng.random() < 0.8
        cases.append(FollowUpCase(tenant=tenant, answer=answer, partner=partner, due_at=w + timedelta(days=3),
                                  status=FollowUpStatus.CLOSED if closed else FollowUpStatus.OPEN,
                                  closed_at=w + timedelta(days=rng.randrange(1, 6)) if closed else None))
    FollowUpCase.objects.bulk_create(cases, batch_size=2000)
    return len(cases)


def load(args, rng):
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from partners.models import Partner
    from prm.audit.models import AuditEvent
    from prm.tenancy.context import tenant_context
    from prm.tenancy.models import Membership, Role, Tenant
    from surveys.models import Survey, SurveySettings

    User = get_user_model()
    now = timezone.now()
    tenant = Tenant.objects.create(slug="benchoverview", name="Bench Vendor", currency="USD", time_zone="Europe/Berlin")
    with tenant_context(tenant):
        SurveySettings.objects.create(tenant=tenant, minimum_answers=30, ghost_answers=10)
        manager_user = User.objects.create_user(email="manager@benchoverview.example", full_name="Bench Manager")
        manager = Membership.objects.create(tenant=tenant, user=manager_user, role=Role.CHANNEL_MANAGER)
        big = Partner.objects.create(tenant=tenant, name="Big Partner", status="active", owner=manager,
                                     tier_id=tier_ids(tenant)["Gold"],
                                     website="https://big-partner.example", domain="big-partner.example",
                                     street="Hafenstraße 1", postcode="20457", city="Hamburg",
                                     description="The partner with the most rows.", specialisations="cloud, security",
                                     regions="Hamburg, Bremen")
        others = [Partner.objects.create(tenant=tenant, name=f"Other Partner {i + 1}", status="active")
                  for i in range(args.others)]
        survey = Survey.objects.create(tenant=tenant, name="After a won deal")
        start = time.perf_counter()
        _deals(tenant, big, args.deals, rng, now)
        cases = _answers(tenant, survey, big, args.answers, rng, now)
        for partner in others:
            _deals(tenant, partner, rng.randrange(5, 60), rng, now)
            _answers(tenant, survey, partner, rng.randrange(5, 120), rng, now)
        for partner, team in ((big, 25), *((p, 2) for p in others)):
            for i in range(team):
                user = User.objects.create_user(email=f"user{i}@p{partner.pk}.example", full_name=f"User {i}")
                Membership.objects.create(tenant=tenant, user=user, partner=partner,
                                          role=Role.PARTNER_ADMIN if i == 0 else Role.PARTNER_USER)
        AuditEvent.objects.bulk_create([
            AuditEvent(tenant=tenant, actor=manager_user, verb="partner.updated", target_type="partners.partner",
                       target_id=str(big.pk), data={"changed": {"notes": ["", f"note {i}"]}})
            for i in range(300)])
        print(f"loaded in {time.perf_counter() - start:.1f}s: big partner {args.deals:,} deals, {args.answers:,} answers "
              f"({cases:,} follow-up cases); {args.others} other partners")
    return tenant, big, others


def rank(tenant):
    from django.utils import timezone

    from prm.tenancy.context import tenant_context
    from surveys import rankings

    start = time.perf_counter()
    with tenant_context(tenant):
        run = rankings.run_rankings(tenant=tenant, run_date=timezone.localdate())
    print(f"ranking computed in {time.perf_counter() - start:.1f}s: {run.ranked_count} partners ranked")


# --------------------------------------------------------------------------------------------
# Measuring
# --------------------------------------------------------------------------------------------

def measure(args, world):
    from partners import overview
    from prm.tenancy.context import tenant_context

    tenant, big, others, manager = world
    client = client_for(manager, tenant)
    page = f"/manage/partners/{big.pk}/"
    small = min(others, key=lambda p: p.pk)
    providers = list(overview._providers)

    results = {}
    results["baseline"] = time_page(client, "/bench/ok/", args.samples, warmup=5)
    overview._providers[:] = []
    try:
        results["minimal_queries"] = request(client, page)[0]
        results["minimal"] = time_page(client, page, args.samples, warmup=5)
    finally:
        overview._providers[:] = providers
    for _ in range(3):
        request(client, page)  # warm
    results["full_queries"], captured, size = request(client, page)
    results["slowest"] = sorted(captured, key=lambda q: -float(q["time"]))[:6]
    results["full"] = time_page(client, page, args.samples, warmup=5)
    results["size"] = size
    results["small_queries"] = request(client, f"/manage/partners/{small.pk}/")[0]

    # Each registered provider on its own (inside the tenant, as the page calls it).
    from django.db import connection
    from django.template.loader import render_to_string
    from django.test.utils import CaptureQueriesContext

    from partners.models import Partner

    per_section = []
    with tenant_context(tenant):
        partner = Partner.objects.select_related("tenant", "owner__user").get(pk=big.pk)
        for provider in providers:
            times, queries, key = [], 0, None
            for _ in range(max(20, args.samples // 4)):
                with CaptureQueriesContext(connection) as ctx:
                    start = time.perf_counter()
                    section = provider(partner)
                    if section is not None:
                        render_to_string(section.template, {"partner": partner, "section": section, **section.context})
                    times.append((time.perf_counter() - start) * 1000)
                queries = len(ctx.captured_queries)
                key = section.key if section is not None else f"{provider.__module__} (nothing to show)"
            per_section.append((key, Stat(key, times[5:]), queries))
    results["per_section"] = per_section
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(20):
            client.get(page)
        profiler.disable()
        print("\n== Where 20 requests of the full page spend their time (cProfile, cumulative) ==")
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)
    return results


def report(args, results):
    b, m, f = results["baseline"], results["minimal"], results["full"]
    print("\n== The big partner's page (django.test.Client, same middleware stack, DEBUG=False) ==")
    print(f"  {'baseline bench/ok':<44} {b}")
    print(f"  {'page without registered sections':<44} {m}  {results['minimal_queries']:>3} queries")
    print(f"  {'full overview page':<44} {f}  {results['full_queries']:>3} queries  {results['size'] / 1024:.1f} KiB")
    print("\n== Each registered section on its own (provider + its template) ==")
    for key, stat, queries in results["per_section"]:
        print(f"  {key:<44} {stat.short()}  {queries} queries")
    print("\n== The full page's slowest statements (one request) ==")
    for q in results["slowest"]:
        print(f"  {float(q['time']) * 1000:7.1f} ms  {q['sql'][:150]}")
    print("\n== SQL queries of the full page ==")
    print(f"  {results['full_queries']:>4}  big partner: {args.deals:,} deals, {args.answers:,} answers")
    print(f"  {results['small_queries']:>4}  a small partner of the same program")
    print("\n== Goals ==")
    ok = f.p95 < PAGE_GOAL_MS
    print(f"{'PASS' if ok else 'MISS'}  overview page p95 < {PAGE_GOAL_MS:.0f} ms: {f.p95:.1f} ms "
          f"(without sections {m.p95:.1f} ms, bench/ok {b.p95:.1f} ms)")
    flat = results["full_queries"] == results["small_queries"]
    print(f"{'PASS' if flat else 'MISS'}  query count independent of the partner's rows "
          f"({results['full_queries']} vs {results['small_queries']})")


def main(argv=None):
    args = parse_args(argv)
    db = BenchDatabase(SimpleNamespace(small=True, db_name=args.db_name, rls=args.rls))
    rng = random.Random(args.seed)
    print(f"bench/partner_overview.py: {args.deals:,} deals and {args.answers:,} answers for one partner, "
          f"{args.others} other partners, {args.samples} samples; {db.label}")
    print_load("at start")
    db.create()
    setup_django(db)
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    try:
        call_command("migrate", verbosity=0, interactive=False)
        with rlsmode.as_owner():
            tenant, big, others = load(args, rng)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("VACUUM ANALYZE")
        rlsmode.grant_app_role()
        print(f"row-level security: {args.rls}" + (f" (measured as {connection.settings_dict['USER']})"
                                                   if connection.vendor == "postgresql" else " (SQLite)"))
        with rlsmode.bench_setup():  # the nightly job's way across tenants
            rank(tenant)
            manager = get_user_model().objects.get(email="manager@benchoverview.example")
        results = measure(args, (tenant, big, others, manager))
        print_load("after measuring")
        report(args, results)
    finally:
        if args.keep:
            print(f"\nkept {db.label}")
        else:
            connection.close()
            db.drop()
            print(f"\ndropped {db.label}")


if __name__ == "__main__":
    main()
