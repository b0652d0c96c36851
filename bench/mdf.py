#!/usr/bin/env python
"""Market development funds at scale: the portal's funds page and the dashboard's utilisation page
beside a minimal view, and claim approvals under load with no overspend.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/mdf.py \\
        [--tenants 50] [--partners 5000] [--entries 1000000] [--samples 200] \\
        [--rate 200] [--seconds 15] [--workers 8] [--rls on|off] [--keep] [--reuse]
    DATABASE_URL=… .venv/bin/python bench/mdf.py --small     # 5 tenants, 50,000 entries: a smoke run

It creates its own database (prm_bench_mdf) on DATABASE_URL's server, migrates, and loads with COPY:
--tenants programs of --partners partners in all, each program with two fiscal years (the last and
this one) of budgets (a global budget split into three regions), an allocation per partner and year
(half of them topped up later), and fund requests in every state of their life: drafts, waiting,
rejected, cancelled (some after approval), approved and upcoming, ended with a claim waiting for a
decision, claims approved for the full amount or for less, paid in one or two payments, closed with
what was left released, last year's leftovers expired at its close. Requests per partner are
Zipf-like; the last program is light (a tenth of the others' volume), for query counts at two data
sizes. Every money move is a ledger entry under its operation, with the accounts' cached balances
computed from the plan as the services would keep them; the build ends with one SQL aggregate that
compares every cached balance with the sum of its entries.

Measured, as the app role under row-level security (--rls on, the default), through
django.test.Client and the whole middleware stack (DEBUG=False):
- `bench/ok/` (bench/bench_urls.py): the fixed cost of any request, the minimal view;
- the portal's funds page (mdf:portal) as a partner admin of the partner with the most entries;
- the dashboard's utilisation page (mdf:utilisation, ?by= each of mdf.utilisation.GROUPINGS: partner,
  activity, year; &year=this year) and, for information, the payments page (mdf:payments) as the
  program's channel manager;
- each page's SQL query count in the big program and in the light one (goal: the same);
- claim approvals through mdf.claims.claim_approve from --workers processes, one connection each:
  paced at --rate approvals a second for --seconds over distinct waiting claims of every program,
  then as fast as they go for --seconds; and contended: --contenders approvals at once against each
  of --contended requests whose room covers --room of them. Each process reads its own CPU time and
  its database backend's, so the report says what one approval costs. Afterwards: no account
  overspent, every cached balance the sum of its entries, no request's approved claims above its
  approval, the contended requests approved exactly to their ceiling.
Goals: pages p95 < 150 ms with a flat query count; 200 approvals a second sustained, 0 overspend.
Figures are printed with PASS/MISS; nothing is asserted.
"""

import argparse
import io
import math
import multiprocessing
import os
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import rlsmode  # bench/, beside this script
from ladder import tier_ids  # bench/, beside this script
from pgserver import POSTGRES_SCHEMES  # noqa: F401 — bench/, beside this script (BenchDatabase uses it)

ROOT = Path(__file__).resolve().parent.parent
# `python bench/mdf.py` puts bench/ first on sys.path, where this very file would shadow the `mdf`
# app: put the project root there instead.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from bench.dealreg import BenchDatabase, Stat, client_for, copy_text, print_load, setup_django  # noqa: E402

PAGE_GOAL_MS = 150.0
RATE_GOAL = 200
BUCKETS = ("funded", "allocated", "encumbered", "claimed", "paid", "expired")
F, AL, EN, CL, PA, EX = range(6)
ACTIVITY_TYPES = ("Event", "Webinar", "Digital campaign", "Print advertising")
REGIONS = ("EMEA", "Americas", "APAC")
CLAIM_DAYS = 45  # MdfSettings' default claim window
BIG_TABLES = ("mdf_ledgerentry", "mdf_operation", "mdf_account", "mdf_fundrequest", "mdf_claim", "mdf_payment")
TITLES = ("Security roadshow", "Cloud migration webinar series", "Trade fair booth", "Customer summit",
          "Lead generation campaign", "Print ads in the trade press", "Partner lunch and learn", "Hackathon")


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    p.add_argument("--tenants", type=int, default=None, help="programs (default 50; --small 5)")
    p.add_argument("--partners", type=int, default=None, help="partners in all (default 5,000; --small 500)")
    p.add_argument("--entries", type=int, default=None, help="ledger entries at least (default 1,000,000; --small 50,000)")
    p.add_argument("--samples", type=int, default=None, help="timed requests per page (default 200; --small 30)")
    p.add_argument("--rate", type=int, default=RATE_GOAL, help="claim approvals offered a second (default 200)")
    p.add_argument("--seconds", type=float, default=None, help="length of the paced approvals (default 15; --small 5)")
    p.add_argument("--workers", type=int, default=8, help="approving processes, one connection each (default 8)")
    p.add_argument("--contended", type=int, default=5, help="contended requests (default 5)")
    p.add_argument("--contenders", type=int, default=50, help="claims racing on each contended request (default 50)")
    p.add_argument("--room", type=int, default=10, help="how many of them each contended request covers (default 10)")
    p.add_argument("--small", action="store_true")
    p.add_argument("--no-pages", action="store_true", help="skip the pages")
    p.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE each page's two slowest statements")
    p.add_argument("--profile", metavar="URL_NAME[?QUERY]", help="also profile one page, e.g. mdf:portal or mdf:utilisation?by=partner")
    p.add_argument("--no-approvals", action="store_true", help="skip the claim approvals")
    p.add_argument("--db-name", default="prm_bench_mdf")
    p.add_argument("--keep", action="store_true", help="keep the database at the end")
    p.add_argument("--reuse", action="store_true", help="measure a database kept by --keep again, without loading")
    p.add_argument("--seed", type=int, default=20261202)
    rlsmode.add_option(p)
    args = p.parse_args(argv)
    small = {"tenants": 5, "partners": 500, "entries": 50_000, "samples": 30, "seconds": 5.0}
    full = {"tenants": 50, "partners": 5_000, "entries": 1_000_000, "samples": 200, "seconds": 15.0}
    for name, value in (small if args.small else full).items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    if args.tenants < 2 or args.partners < 3 * args.tenants:
        p.error("need two programs (one of them light) and at least three partners a program")
    return args


# --- COPY ------------------------------------------------------------------------------------

class Copier:
    """Rows (tuples in `columns` order) into a table with COPY, in chunks."""

    CHUNK = 50_000

    def __init__(self, cursor, table, columns):
        self.cursor, self.table, self.columns = cursor, table, columns
        self.rows, self.count = [], 0

    def add(self, row):
        self.rows.append(row)
        if len(self.rows) >= self.CHUNK:
            self.flush()

    def flush(self):
        if not self.rows:
            return
        val = copy_text
        buf = io.StringIO()
        buf.writelines("\t".join([val(v) for v in row]) + "\n" for row in self.rows)
        buf.seek(0)
        cols = ", ".join(f'"{c}"' for c in self.columns)
        self.cursor.copy_expert(f'COPY "{self.table}" ({cols}) FROM STDIN', buf, size=1 << 20)
        self.count += len(self.rows)
        self.rows = []


def check_columns(model, columns):
    """The COPY column lists must cover the model: a field added later fails loudly here."""
    have = {f.column for f in model._meta.concrete_fields}
    if set(columns) != have:
        sys.exit(f"bench/mdf.py: {model._meta.db_table} columns changed: missing {sorted(have - set(columns))}, "
                 f"unknown {sorted(set(columns) - have)}; update the loader")


def cents_text(cents):
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100}.{cents % 100:02d}"


# --- the plan --------------------------------------------------------------------------------

class Books:
    """Operations, accounts and entries as the services would write them; cached balances in cents."""

    def __init__(self, cursor, now):
        from mdf.models import Account, LedgerEntry, Operation

        self.now = now
        self.op_columns = ["id", "tenant_id", "key", "name", "subject", "result_type", "result_id", "response",
                           "created_by_id", "created_at"]
        self.entry_columns = ["id", "tenant_id", "operation_id", "account_id", "partner_id", "kind", "bucket", "amount",
                              "currency", "source", "memo", "created_by_id", "created_at"]
        self.account_columns = ["id", "tenant_id", "kind", "budget_id", "allocation_id", "fund_request_id", "partner_id",
                                "currency", *BUCKETS, "updated_at"]
        check_columns(Operation, self.op_columns)
        check_columns(LedgerEntry, self.entry_columns)
        check_columns(Account, self.account_columns)
        self.ops = Copier(cursor, "mdf_operation", self.op_columns)
        self.entries = Copier(cursor, "mdf_ledgerentry", self.entry_columns)
        self.accounts = {}  # id -> [tenant, kind, budget, allocation, request, partner, currency, balances, updated]
        self.op_id = self.entry_id = self.account_id = 0

    def account(self, tenant, kind, owner_id, partner_id, currency, when):
        self.account_id += 1
        owners = {"budget": (owner_id, None, None), "allocation": (None, owner_id, None), "request": (None, None, owner_id)}
        self.accounts[self.account_id] = [tenant, kind, *owners[kind], partner_id, currency, [0] * 6, when]
        return self.account_id

    def write(self, tenant, name, subject, when, moves, source="", memo="", actor=None):
        """One operation and its entries: moves are (account, entry kind, bucket index, cents)."""
        when = min(when, self.now)
        self.op_id += 1
        result_type, _, result_id = subject.partition(":")
        self.ops.add((self.op_id, tenant, f"bench:{self.op_id}", name, subject, result_type, int(result_id), None,
                      actor, when))
        for account, kind, bucket, cents in moves:
            row = self.accounts[account]
            row[7][bucket] += cents
            row[8] = max(row[8], when)
            self.entry_id += 1
            self.entries.add((self.entry_id, tenant, self.op_id, account, row[5], kind, BUCKETS[bucket], cents_text(cents),
                              row[6], source or subject, memo, actor, when))
        return self.op_id

    def flush(self, cursor):
        self.ops.flush()
        self.entries.flush()
        copier = Copier(cursor, "mdf_account", self.account_columns)
        for pk, (tenant, kind, budget, allocation, request, partner, currency, cents, when) in self.accounts.items():
            copier.add((pk, tenant, kind, budget, allocation, request, partner, currency,
                        *(cents_text(c) for c in cents), when))
        copier.flush()


def zipf_picker(rng, ids):
    order = ids[:]
    rng.shuffle(order)
    cum, acc = [], 0.0
    for rank in range(len(order)):
        acc += 1.0 / (rank + 3) ** 1.1
        cum.append(acc)
    return lambda: rng.choices(order, cum_weights=cum)[0]


def at(day, rng):
    """A moment during `day` (UTC working hours)."""
    return datetime(day.year, day.month, day.day, 8, tzinfo=UTC) + timedelta(seconds=rng.randrange(10 * 3600))


def between(rng, first, last):
    """A day in [first, last] (first when the range is empty)."""
    span = (last - first).days
    return first + timedelta(days=rng.randrange(span + 1)) if span > 0 else first


def whole(rng, low, high, step=1):
    return rng.randrange(low // step, high // step + 1) * step


def plan_request(rng, fy, today, previous_fy):
    """One request's life: its row fields, claims (with payments) and the writes that move money.
    Writes are (day, operation name, subject kind, moves of ("pool"|"own", kind, bucket, cents)) where the
    subject kind is "request" or a claim's index."""
    if fy == previous_fy:
        starts = between(rng, date(fy, 1, 15), date(fy, 10, 31))
    elif rng.random() < 0.3:  # the year's last quarter is busy: many activities around today
        starts = between(rng, max(date(fy, 1, 10), today - timedelta(days=50)), min(date(fy, 12, 26), today + timedelta(days=20)))
    else:
        starts = between(rng, date(fy, 1, 10), date(fy, 12, 26))
    ends = starts + timedelta(days=rng.choice((0, 0, 1, 2, 4)))
    created = starts - timedelta(days=rng.randrange(20, 60))
    decided = min(created + timedelta(days=rng.randrange(1, 6)), today)
    total = whole(rng, 2_000, 60_000, 100) * 100  # cents
    requested = whole(rng, total * 3 // 10, total // 2, 1000)
    approved = requested if rng.random() < 0.85 else whole(rng, requested * 7 // 10, requested, 1000)
    due = ends + timedelta(days=CLAIM_DAYS)
    r = rng.random()
    if starts > today:  # upcoming
        status = ("draft" if r < 0.10 else "submitted" if r < 0.45 else "more_info" if r < 0.55
                  else "approved" if r < 0.95 else "rejected")
        life = "approved" if status == "approved" else "undecided"
    elif ends >= today:
        status, life = "approved", "approved"
    elif due >= today:  # the claim window is open
        life = ("approved" if r < 0.15 else "waiting" if r < 0.70 else "claim_approved" if r < 0.82
                else "paid_part" if r < 0.92 else "closed")
        status = "closed" if life == "closed" else "approved"
    else:
        life = ("rejected" if r < 0.07 else "cancelled" if r < 0.085 else "cancelled_approved" if r < 0.10
                else "unclaimed" if r < 0.17 else "closed")
        if fy != previous_fy and life == "closed" and rng.random() < 0.1:
            life = "closed_unpaid"
        status = {"rejected": "rejected", "cancelled": "cancelled", "cancelled_approved": "cancelled"}.get(life, "closed")
    req = SimpleNamespace(fy=fy, starts=starts, ends=ends, created=created, decided=decided, total=total,
                          requested=requested, approved=None, status=status, claims=[], writes=[], reason="")
    if life in ("undecided", "rejected", "cancelled"):
        if status == "rejected":
            req.reason = "Outside this year's priorities."
        return req
    req.approved = approved
    req.writes.append((decided, "fund_request.approve", "request",
                       [("pool", "encumbered", EN, approved), ("own", "encumbered", F, approved)]))
    if life == "approved":
        return req
    if life == "cancelled_approved":
        req.writes.append((between(rng, decided, starts), "fund_request.cancel", "request",
                           [("pool", "released", EN, -approved), ("own", "released", F, -approved)]))
        req.reason = "The venue cancelled."
        return req
    if life == "unclaimed":
        req.writes.append((due + timedelta(days=1), "fund_request.release", "request",
                           [("pool", "released", EN, -approved), ("own", "released", F, -approved)]))
        req.reason = "The claim deadline passed."
        return req
    window_end = min(due, today)

    def claim(amount, status, final, day):
        req.claims.append(SimpleNamespace(amount=amount, status=status, final=final, approved=None, paid=0,
                                          created=day, decided=None, payments=[], reason=""))
        return len(req.claims) - 1

    def approve(index, approved_cents, day):
        c = req.claims[index]
        c.approved, c.decided, c.status = approved_cents, day, "approved"
        if approved_cents < c.amount:
            c.reason = "Two invoices were for another activity."
        req.writes.append((day, "claim.approve", index, [("pool", "claim_approved", EN, -approved_cents),
                                                         ("pool", "claim_approved", CL, approved_cents),
                                                         ("own", "claim_approved", CL, approved_cents)]))

    def pay(index, cents, day):
        c = req.claims[index]
        c.paid += cents
        c.payments.append((cents, day))
        c.status = "paid" if c.paid == c.approved else "approved"
        req.writes.append((day, "claim.pay", index, [("pool", "paid", CL, -cents), ("pool", "paid", PA, cents),
                                                     ("own", "paid", CL, -cents), ("own", "paid", PA, cents)]))

    def timeline(n):
        """n ascending days from the activity's end to the end of the claim window (or today)."""
        return sorted(between(rng, ends + timedelta(days=1), window_end) for _ in range(n))

    if life == "waiting":
        amount = approved if rng.random() < 0.3 else whole(rng, approved // 2, approved, 100)
        claim(amount, "submitted", rng.random() < 0.4, timeline(1)[0])
        return req
    if life == "claim_approved":
        d1, d2 = timeline(2)
        index = claim(whole(rng, approved // 3, approved * 3 // 4, 100), "submitted", False, d1)
        approve(index, req.claims[index].amount, d2)
        return req
    if life == "paid_part":
        d1, d2, d3 = timeline(3)
        index = claim(whole(rng, approved // 3, approved * 2 // 3, 100), "submitted", False, d1)
        approve(index, req.claims[index].amount, d2)
        pay(index, req.claims[index].amount, d3)
        return req
    # closed (and closed_unpaid): one or two claims, perhaps a rejected one first, the last one final
    days = iter(timeline(10))
    if rng.random() < 0.08:
        index = claim(whole(rng, approved // 2, approved, 100), "rejected", False, next(days))
        req.claims[index].decided, req.claims[index].reason = next(days), "The invoice is missing."
    used = 0
    if rng.random() < 0.25:
        index = claim(whole(rng, approved * 3 // 10, approved // 2, 100), "submitted", False, next(days))
        approve(index, req.claims[index].amount, next(days))
        pay(index, req.claims[index].amount, next(days))
        used = req.claims[index].amount
    rest = approved - used
    index = claim(whole(rng, rest * 6 // 10, rest, 100), "submitted", True, next(days))
    amount = req.claims[index].amount
    ok = amount if rng.random() < 0.9 else whole(rng, amount * 8 // 10, amount, 100)
    approve(index, ok, next(days))
    close_day = req.writes[-1][0]
    if approved - used - ok > 0:
        req.writes.append((close_day, "fund_request.release", "request",
                           [("pool", "released", EN, -(approved - used - ok)), ("own", "released", F, -(approved - used - ok))]))
    if life == "closed":
        if rng.random() < 0.2:
            first = whole(rng, ok // 3, ok * 2 // 3, 100)
            pay(index, first, next(days))
            pay(index, ok - first, next(days))
        else:
            pay(index, ok, next(days))
    return req


def entries_of(req):
    return sum(len(moves) for _day, _name, _subject, moves in req.writes)


FIXED_PER_PARTNER = 2 * 2 + 1  # two years' allocations (2 entries each) and last year's expiry
FIXED_PER_TENANT = 2 * (1 + 2 * len(REGIONS))  # each year: the global budget funded, the regions funded from it


def quotas(args):
    """Entries per program: the light program (the last) has a tenth of the others' volume."""
    weights = [1.0] * (args.tenants - 1) + [0.1]
    return [math.ceil(args.entries * w / sum(weights)) for w in weights]


def load(args, rng, now):
    """Programs, partners, users, budgets, allocations, requests, claims, payments and the ledger, by COPY."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from bench.dealreg import Writer
    from mdf.models import ActivityType, Allocation, Budget, Claim, FundRequest, MdfSettings, Payment
    from partners.models import Partner
    from prm.tenancy.models import Membership, Role, Tenant

    User = get_user_model()
    today = now.date()
    current_fy, previous_fy = today.year, today.year - 1
    t0 = time.perf_counter()
    cursor = connection.cursor().cursor  # the driver's cursor, for copy_expert
    with connection.cursor() as c:
        dropped = [index for table in BIG_TABLES for index in secondary_indexes(c, table)]
        for name, _ddl in dropped:  # rebuilt once after the load: far faster than kept up row by row
            c.execute(f'DROP INDEX "{name}"')
        c.execute("SET session_replication_role = replica")  # rows made consistent: no per-row FK checks

    budget_cols = ["id", "tenant_id", "fiscal_year", "name", "parent_id", "created_at"]
    alloc_cols = ["id", "tenant_id", "budget_id", "partner_id", "created_at"]
    request_cols = ["id", "tenant_id", "partner_id", "activity_type_id", "title", "description", "starts_on", "ends_on",
                    "expected_leads", "expected_attendees", "total_cost", "requested_amount", "currency", "status",
                    "submitted_at", "approved_amount", "allocation_id", "decided_by_id", "decided_at", "reason",
                    "question", "answer", "created_by_id", "created_at", "updated_at"]
    claim_cols = ["id", "tenant_id", "fund_request_id", "partner_id", "amount", "currency", "leads", "attendees",
                  "results", "is_final", "status", "approved_amount", "paid_amount", "reason", "decided_by_id",
                  "decided_at", "created_by_id", "created_at", "updated_at"]
    payment_cols = ["id", "tenant_id", "claim_id", "partner_id", "amount", "currency", "paid_on", "method", "reference",
                    "recorded_by_id", "created_at"]
    for model, cols in ((Budget, budget_cols), (Allocation, alloc_cols), (FundRequest, request_cols),
                        (Claim, claim_cols), (Payment, payment_cols)):
        check_columns(model, cols)
    budgets, allocations = Copier(cursor, "mdf_budget", budget_cols), Copier(cursor, "mdf_allocation", alloc_cols)
    requests, claims = Copier(cursor, "mdf_fundrequest", request_cols), Copier(cursor, "mdf_claim", claim_cols)
    payments = Copier(cursor, "mdf_payment", payment_cols)
    books = Books(cursor, now)
    partner_rows = []
    ids = SimpleNamespace(partner=0, budget=0, allocation=0, request=0, claim=0, payment=0)
    per_tenant = args.partners // args.tenants
    world = []
    for t, quota in enumerate(quotas(args)):
        light = t == args.tenants - 1
        tenant = Tenant.objects.create(slug=f"benchmdf{t + 1:02d}", name=f"Bench Vendor {t + 1}" + (" (light)" if light else ""),
                                       currency="USD", time_zone="UTC")
        tiers = tier_ids(tenant)
        manager = User.objects.create_user(email=f"manager@{tenant.slug}.example", full_name="Bench Manager")
        Membership.unscoped.create(tenant=tenant, user=manager, role=Role.CHANNEL_MANAGER)
        MdfSettings.unscoped.create(tenant=tenant)
        activities = [ActivityType.unscoped.create(tenant=tenant, name=name).pk for name in ACTIVITY_TYPES]
        partners = []
        for k in range(per_tenant):
            ids.partner += 1
            partner_rows.append({"id": ids.partner, "tenant_id": tenant.pk, "name": f"Partner {k + 1:03d}",
                                 "status": "active", "tier_id": tiers[rng.choice(list(tiers))], "country": "US",
                                 "created_at": now - timedelta(days=900), "updated_at": now})
            partners.append(ids.partner)
        # Requests first: the allocations are sized by what their requests take.
        pick = zipf_picker(rng, partners)
        planned, budgeted = [], FIXED_PER_TENANT + FIXED_PER_PARTNER * per_tenant
        while budgeted < quota:
            req = plan_request(rng, rng.choice((previous_fy, current_fy)), today, previous_fy)
            req.partner = pick()
            planned.append(req)
            budgeted += entries_of(req)
        taken = {}
        for req in planned:
            if req.approved:
                taken[(req.partner, req.fy)] = taken.get((req.partner, req.fy), 0) + req.approved
        # Budgets and allocations: each year a global budget, three regions, one allocation per partner.
        alloc_of, region_total = {}, {}
        for fy in (previous_fy, current_fy):
            opened = datetime(fy - 1, 12, 1, 9, tzinfo=UTC)
            ids.budget += 1
            top = ids.budget
            budgets.add((top, tenant.pk, fy, f"Global MDF FY{fy}", None, opened))
            top_account = books.account(tenant.pk, "budget", top, None, "USD", opened)
            regions = []
            for name in REGIONS:
                ids.budget += 1
                budgets.add((ids.budget, tenant.pk, fy, name, top, opened))
                regions.append((ids.budget, books.account(tenant.pk, "budget", ids.budget, None, "USD", opened)))
            plans = []
            for k, partner in enumerate(partners):
                need = taken.get((partner, fy), 0)
                amount = (int(need * rng.uniform(1.15, 1.6)) // 100_000 + 1) * 100_000 + 500_000
                region = regions[k % len(REGIONS)]
                region_total[region] = region_total.get(region, 0) + amount
                plans.append((partner, region, amount))
            total = 0
            region_funds = {}
            for region in regions:
                region_funds[region] = (int(region_total[region] * rng.uniform(1.05, 1.2)) // 100_000 + 1) * 100_000
                total += region_funds[region]
            funded = (int(total * 1.1) // 100_000 + 1) * 100_000
            books.write(tenant.pk, "budget.create", f"mdf.budget:{top}", opened, [(top_account, "funded", F, funded)])
            for (region, account) in regions:
                books.write(tenant.pk, "budget.create", f"mdf.budget:{region}", opened,
                            [(top_account, "allocated", AL, region_funds[(region, account)]),
                             (account, "funded", F, region_funds[(region, account)])])
            for partner, (region, region_account), amount in plans:
                ids.allocation += 1
                allocations.add((ids.allocation, tenant.pk, region, partner, opened))
                account = books.account(tenant.pk, "allocation", ids.allocation, partner, "USD", opened)
                alloc_of[(partner, fy)] = (ids.allocation, account)
                first = amount if rng.random() < 0.5 else amount * 7 // 10 // 100 * 100
                books.write(tenant.pk, "allocation.create", f"mdf.allocation:{ids.allocation}", opened,
                            [(region_account, "allocated", AL, first), (account, "funded", F, first)])
                if first < amount:
                    books.write(tenant.pk, "allocation.allocate", f"mdf.allocation:{ids.allocation}",
                                datetime(fy, 6, 1, 9, tzinfo=UTC),
                                [(region_account, "allocated", AL, amount - first), (account, "funded", F, amount - first)])
        # The requests, their claims and payments, and the writes that move their money.
        for req in planned:
            ids.request += 1
            rid = ids.request
            allocation, pool = alloc_of[(req.partner, req.fy)]
            own = books.account(tenant.pk, "request", rid, req.partner, "USD", at(req.created, rng))
            created = at(req.created, rng)
            submitted = None if req.status == "draft" else created + timedelta(minutes=5)
            decided = at(req.decided, rng) if req.status not in ("draft", "submitted", "more_info") else None
            title = rng.choice(TITLES)
            requests.add((rid, tenant.pk, req.partner, rng.choice(activities), title, "Bench activity", req.starts,
                          req.ends, rng.randrange(0, 200), rng.randrange(0, 500), cents_text(req.total),
                          cents_text(req.requested), "USD", req.status, submitted,
                          cents_text(req.approved) if req.approved else None, allocation if req.approved else None,
                          manager.pk if decided else None, decided, req.reason,
                          "How many attendees do you expect?" if req.status == "more_info" else "", "", None, created,
                          max([created] + [at(w[0], rng) for w in req.writes[-1:]])))
            claim_ids = []
            for c in req.claims:
                ids.claim += 1
                claim_ids.append(ids.claim)
                c_created = at(c.created, rng)
                c_decided = at(c.decided, rng) if c.decided else None
                claims.add((ids.claim, tenant.pk, rid, req.partner, cents_text(c.amount), "USD", rng.randrange(0, 80),
                            rng.randrange(0, 300), "Leads and attendees as listed.", c.final, c.status,
                            cents_text(c.approved) if c.approved is not None else None, cents_text(c.paid), c.reason,
                            manager.pk if c_decided else None, c_decided, None, c_created,
                            max([c_created] + ([c_decided] if c_decided else []))))
                for cents, day in c.payments:
                    ids.payment += 1
                    payments.add((ids.payment, tenant.pk, ids.claim, req.partner, cents_text(cents), "USD", day,
                                  rng.choice(("transfer", "transfer", "credit")), f"PAY-{ids.payment:07d}", manager.pk,
                                  at(day, rng)))
            accounts = {"pool": pool, "own": own}
            for day, name, subject, moves in req.writes:
                label = f"mdf.fundrequest:{rid}" if subject == "request" else f"mdf.claim:{claim_ids[subject]}"
                books.write(tenant.pk, name, label, at(day, rng),
                            [(accounts[which], kind, bucket, cents) for which, kind, bucket, cents in moves],
                            source=label, actor=manager.pk)
        # Last year's close: what is left of each allocation expires.
        close = datetime(previous_fy + 1, 1, 1, 1, 30, tzinfo=UTC)
        for partner in partners:
            allocation, account = alloc_of[(partner, previous_fy)]
            left = books.accounts[account][7]
            available = left[F] - left[AL] - left[EN] - left[CL] - left[PA] - left[EX]
            books.write(tenant.pk, "allocation.expire", f"mdf.allocation:{allocation}", close,
                        [(account, "expired", EX, available)], memo=f"Unspent at the close of FY{previous_fy}")
        world.append(SimpleNamespace(tenant=tenant, manager=manager, partners=partners, light=light))
        if (t + 1) % 10 == 0 or light:
            print(f"  {t + 1} programs planned, {books.entry_id:,} entries so far", flush=True)
    writer = Writer(Partner)
    for row in partner_rows:
        writer.add(row)
    writer.flush()
    for copier in (budgets, allocations, requests, claims, payments):
        copier.flush()
    books.flush(cursor)
    t_copy = time.perf_counter()
    print(f"  generated and copied in {t_copy - t0:.1f}s: {len(partner_rows):,} partners, {ids.budget:,} budgets, "
          f"{ids.allocation:,} allocations, {ids.request:,} requests, {ids.claim:,} claims, {ids.payment:,} payments, "
          f"{books.op_id:,} operations, {books.entry_id:,} entries, {books.account_id:,} accounts", flush=True)
    with connection.cursor() as c:
        c.execute("SET session_replication_role = DEFAULT")
        for table in ("partners_partner", "mdf_budget", "mdf_allocation", "mdf_fundrequest", "mdf_claim", "mdf_payment",
                      "mdf_operation", "mdf_ledgerentry", "mdf_account"):
            c.execute(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), (SELECT max(id) FROM \"{table}\"))")
        c.execute("SET maintenance_work_mem = '256MB'")
        t = time.perf_counter()
        for _name, ddl in dropped:
            c.execute(ddl)
        print(f"  {len(dropped)} indexes rebuilt in {time.perf_counter() - t:.1f}s", flush=True)
        t = time.perf_counter()
        c.execute("VACUUM ANALYZE")
        print(f"  VACUUM ANALYZE in {time.perf_counter() - t:.1f}s", flush=True)
    print(f"  data loaded in {time.perf_counter() - t0:.1f}s", flush=True)
    return world


def secondary_indexes(cursor, table):
    """Indexes of `table` not backing a constraint: dropped for the load, rebuilt after."""
    cursor.execute("""
        SELECT i.relname, pg_get_indexdef(i.oid)
        FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
        WHERE t.relname = %s AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid)
    """, [table])
    return cursor.fetchall()


# --- checks ----------------------------------------------------------------------------------

BALANCE_CHECK = """
    WITH sums AS (
        SELECT account_id, count(*) AS n,
               coalesce(sum(amount) FILTER (WHERE bucket = 'funded'), 0) AS funded,
               coalesce(sum(amount) FILTER (WHERE bucket = 'allocated'), 0) AS allocated,
               coalesce(sum(amount) FILTER (WHERE bucket = 'encumbered'), 0) AS encumbered,
               coalesce(sum(amount) FILTER (WHERE bucket = 'claimed'), 0) AS claimed,
               coalesce(sum(amount) FILTER (WHERE bucket = 'paid'), 0) AS paid,
               coalesce(sum(amount) FILTER (WHERE bucket = 'expired'), 0) AS expired
        FROM mdf_ledgerentry GROUP BY account_id)
    SELECT count(*), coalesce(sum(s.n), 0),
           count(*) FILTER (WHERE (a.funded, a.allocated, a.encumbered, a.claimed, a.paid, a.expired)
                              IS DISTINCT FROM (coalesce(s.funded, 0), coalesce(s.allocated, 0), coalesce(s.encumbered, 0),
                                                coalesce(s.claimed, 0), coalesce(s.paid, 0), coalesce(s.expired, 0))),
           count(*) FILTER (WHERE a.funded - a.allocated - a.encumbered - a.claimed - a.paid - a.expired < 0)
    FROM mdf_account a LEFT JOIN sums s ON s.account_id = a.id
"""

CLAIMS_CHECK = """
    SELECT count(*) FROM (
        SELECT r.id FROM mdf_fundrequest r JOIN mdf_claim c ON c.fund_request_id = r.id
        WHERE c.status IN ('approved', 'paid')
        GROUP BY r.id, r.approved_amount HAVING sum(c.approved_amount) > coalesce(r.approved_amount, 0)) over
"""


def balance_check():
    """(accounts, entries, accounts whose cached balance is not the sum of its entries, accounts overspent)."""
    from django.db import connection

    with rlsmode.bench_setup(), connection.cursor() as cursor:
        cursor.execute(BALANCE_CHECK)
        accounts, entries, mismatched, overspent = cursor.fetchone()
        cursor.execute(CLAIMS_CHECK)
        over_claimed = cursor.fetchone()[0]
    return SimpleNamespace(accounts=accounts, entries=entries, mismatched=mismatched, overspent=overspent,
                           over_claimed=over_claimed)


def print_check(label, check):
    ok = check.mismatched == 0 and check.overspent == 0 and check.over_claimed == 0
    print(f"{'PASS' if ok else 'MISS'}  {label}: {check.entries:,} entries over {check.accounts:,} accounts; "
          f"cached balance ≠ sum of entries: {check.mismatched}; overspent accounts: {check.overspent}; "
          f"requests with approved claims above their approval: {check.over_claimed}", flush=True)
    return ok


# --- the world of a kept database ----------------------------------------------------------------

def kept_world():
    from django.contrib.auth import get_user_model

    from partners.models import Partner
    from prm.tenancy.models import Tenant

    User = get_user_model()
    world = []
    tenants = list(Tenant.objects.filter(slug__startswith="benchmdf").order_by("slug"))
    for i, tenant in enumerate(tenants):
        world.append(SimpleNamespace(
            tenant=tenant, manager=User.objects.get(email=f"manager@{tenant.slug}.example"),
            partners=list(Partner.unscoped.filter(tenant=tenant).order_by("pk").values_list("pk", flat=True)),
            light=i == len(tenants) - 1))
    return world


def partner_admin(program, partner_id, label):
    """A partner admin of `partner_id` (made on first use)."""
    from django.contrib.auth import get_user_model

    from prm.tenancy.models import Membership, Role

    User = get_user_model()
    email = f"admin-{label}-{partner_id}@{program.tenant.slug}.example"
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, full_name=f"Partner admin {label}")
        Membership.unscoped.create(tenant=program.tenant, user=user, role=Role.PARTNER_ADMIN, partner_id=partner_id)
    return user


def entries_by_partner(tenant):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT partner_id, count(*) FROM mdf_ledgerentry WHERE tenant_id = %s AND partner_id IS NOT NULL "
                       "GROUP BY partner_id ORDER BY count(*) DESC, partner_id", [tenant.pk])
        return cursor.fetchall()


def tenant_entries(tenant):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM mdf_ledgerentry WHERE tenant_id = %s", [tenant.pk])
        return cursor.fetchone()[0]


# --- pages -----------------------------------------------------------------------------------

def get(client, url):
    """One request: (status, queries, bytes)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    return response.status_code, len(ctx.captured_queries), len(response.content), ctx.captured_queries


def timed(client, url, samples, warmup=5):
    for _ in range(warmup):
        client.get(url)
    times = []
    for _ in range(samples):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"GET {url} answered {response.status_code}")
    return Stat(url, times)


def url_of(name, query=""):
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse(name) + query
    except NoReverseMatch:
        return None


def groupings():
    """The utilisation page's groupings (?by=…), as its module names them."""
    try:
        from mdf.utilisation import GROUPINGS
    except ImportError:
        return ("partner", "activity", "year")
    return tuple(GROUPINGS)


def profile_page(args, world):
    """Where one page's time goes (--profile URL_NAME): cProfile over 20 requests, the top 40 by cumulative time."""
    import cProfile
    import pstats

    big = world[0]
    with rlsmode.bench_setup():
        client = (client_for(partner_admin(big, entries_by_partner(big.tenant)[0][0], "largest"), big.tenant)
                  if args.profile.startswith("mdf:portal") else client_for(big.manager, big.tenant))
    url = url_of(args.profile.split("?")[0]) + ("?" + args.profile.split("?", 1)[1] if "?" in args.profile else "")
    for _ in range(3):
        client.get(url)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(20):
        client.get(url)
    profiler.disable()
    print(f"\n== cProfile of 20 requests of {url} ==")
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
    pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


def measure_pages(args, world):
    big, light = world[0], world[-1]
    with rlsmode.bench_setup():
        big_partners, light_partners = entries_by_partner(big.tenant), entries_by_partner(light.tenant)
        big_entries, light_entries = tenant_entries(big.tenant), tenant_entries(light.tenant)
        largest, light_largest = big_partners[0], light_partners[0]
        admin = partner_admin(big, largest[0], "largest")
        light_admin = partner_admin(light, light_largest[0], "largest")
    portal = client_for(admin, big.tenant)
    light_portal = client_for(light_admin, light.tenant)
    manager = client_for(big.manager, big.tenant)
    light_manager = client_for(light.manager, light.tenant)
    year = datetime.now(UTC).year
    print(f"  {big.tenant.slug}: {big_entries:,} entries; the partner with the most: {largest[1]:,}")
    print(f"  {light.tenant.slug} (light): {light_entries:,} entries; the partner with the most: {light_largest[1]:,}")
    pages = [("minimal view bench/ok/ (partner admin)", portal, light_portal, "/bench/ok/"),
             ("portal funds page", portal, light_portal, url_of("mdf:portal")),
             ("minimal view bench/ok/ (channel manager)", manager, light_manager, "/bench/ok/")]
    utilisation = url_of("mdf:utilisation")
    if utilisation is None:
        print("  (no mdf:utilisation page in this checkout: measured without it)")
    else:
        pages += [("utilisation page", manager, light_manager, utilisation)]
        pages += [(f"utilisation by {by}" + ("" if by == "year" else f", {year}"), manager, light_manager,
                   f"{utilisation}?by={by}" + ("" if by == "year" else f"&year={year}")) for by in groupings()]
    pages += [("payments page (info)", manager, light_manager, url_of("mdf:payments"))]
    rows = []
    for label, client, light_client, url in pages:
        # Counted on a second request of each: a first one may fill per-session or cached state.
        for c in (client, light_client):
            status = get(c, url)[0]
            if status != 200:
                raise SystemExit(f"GET {url} answered {status}, not 200: the bench set-up is wrong")
        # The fewer of two requests: a sweep that some request does now and then (the outbox's) is not the page's.
        _status, queries, size, captured = min(get(client, url), get(client, url), key=lambda r: r[1])
        _status, light_queries, _size, light_captured = min(get(light_client, url), get(light_client, url),
                                                            key=lambda r: r[1])
        # The payments page is the one the bench began with, not a goal of its own: fewer samples.
        stat = timed(client, url, min(args.samples, 50) if label.endswith("(info)") else args.samples)
        slowest = sorted(captured, key=lambda q: -float(q["time"]))[:3]
        rows.append(SimpleNamespace(label=label, url=url, stat=stat, queries=queries, light_queries=light_queries,
                                    size=size, slowest=slowest, captured=captured, light_captured=light_captured))
        if args.explain and url != "/bench/ok/":
            explain(big.tenant, slowest[:2])
        print(f"  {label:<42} {stat.short():<34} {queries:>3} queries (light program {light_queries})", flush=True)
    return SimpleNamespace(rows=rows, big_entries=big_entries, light_entries=light_entries, largest=largest[1],
                           light_largest=light_largest[1])


def statement(sql):
    """A captured statement without the row-level security wrapper's set_config prefix."""
    return sql.split("; ", 1)[1] if sql.startswith("SELECT set_config(") else sql


def explain(tenant, captured):
    """EXPLAIN ANALYZE of captured statements, in the tenant's context (the plans the app's statements get)."""
    from django.db import connection

    from prm.tenancy.context import tenant_context

    for q in captured:
        with tenant_context(tenant), connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement(q["sql"]))
            print(f"\n    -- {statement(q['sql'])[:300]}")
            for (line,) in cursor.fetchall():
                print("      " + line)


def differing(row):
    """The statements of the big program's request and the light one's that the other has not (by their shape)."""
    import re

    def shapes(captured):
        return [re.sub(r"\b\d+\b", "N", statement(q["sql"]))[:120] for q in captured]

    big, light = shapes(row.captured), shapes(row.light_captured)
    return [s for s in big if s not in light], [s for s in light if s not in big]


def report_pages(pages):
    print("\n== Pages (django.test.Client, whole middleware stack, DEBUG=False) ==")
    print(f"{'page':<42} {'p50':>8} {'p95':>8} {'queries':>8} {'light':>6} {'KiB':>6}")
    for row in pages.rows:
        print(f"{row.label:<42} {row.stat.p50:>6.1f}ms {row.stat.p95:>6.1f}ms {row.queries:>8} {row.light_queries:>6} "
              f"{row.size / 1024:>6.1f}")
    print("\n  slowest statements of one request:")
    for row in pages.rows:
        if row.url == "/bench/ok/":
            continue
        print(f"  {row.label}:")
        for q in row.slowest:
            print(f"    {float(q['time']) * 1000:7.1f} ms  {q['sql'][:140]}")
    print("\n== Goals: pages ==")
    for row in pages.rows:
        if row.url == "/bench/ok/":
            continue
        if row.label.endswith("(info)"):
            print(f"info  {row.label}: p95 {row.stat.p95:.1f} ms, {row.queries} queries "
                  f"({row.light_queries} in the light program)")
            continue
        ok = row.stat.p95 < PAGE_GOAL_MS
        print(f"{'PASS' if ok else 'MISS'}  {row.label} p95 < {PAGE_GOAL_MS:.0f} ms: {row.stat.p95:.1f} ms")
        flat = row.queries == row.light_queries
        print(f"{'PASS' if flat else 'MISS'}  {row.label}: query count flat ({row.queries} with {pages.big_entries:,} "
              f"entries in the program vs {row.light_queries} with {pages.light_entries:,})")
        if not flat:
            only_big, only_light = differing(row)
            for text in only_big:
                print(f"        only in the big program's: {text}")
            for text in only_light:
                print(f"        only in the light program's: {text}")


# --- claim approvals -------------------------------------------------------------------------

def waiting_claims(world, limit):
    """Distinct waiting claims of every program, in an order that mixes programs and partners."""
    from django.db import connection

    tenants = {p.tenant.pk: p for p in world}
    with rlsmode.bench_setup(), connection.cursor() as cursor:
        cursor.execute("SELECT c.id, c.tenant_id FROM mdf_claim c JOIN mdf_account a ON a.fund_request_id = c.fund_request_id "
                       "WHERE c.status = 'submitted' AND c.tenant_id = ANY(%s) "
                       "AND c.amount <= a.funded - a.allocated - a.encumbered - a.claimed - a.paid - a.expired "
                       "ORDER BY md5(c.id::text) LIMIT %s", [list(tenants), limit])
        return [(tenants[tenant_id].tenant, tenants[tenant_id].manager, claim_id) for claim_id, tenant_id in cursor.fetchall()]


def contended_claims(args, world, run):
    """Requests approved for `room` × 100.00 (through the services) with `contenders` waiting claims of 100.00
    each, made as rows as tests/mdf/test_concurrency.py does (claim_submit refuses claims beyond the room)."""
    from decimal import Decimal

    from django.db import connection

    from mdf import services
    from mdf.models import ActivityType, Allocation, Claim, FundRequest
    from partners.models import Partner
    from prm.tenancy.context import tenant_context

    jobs, made = [], []
    year = datetime.now(UTC).year
    for n in range(args.contended):
        program = world[n % (len(world) - 1)]  # not the light one
        with tenant_context(program.tenant):
            partner = Partner.objects.get(pk=program.partners[(7 * n + 3) % len(program.partners)])
            allocation = Allocation.objects.filter(partner=partner, budget__fiscal_year=year).first()
            services.allocate(allocation=allocation, actor=program.manager, key=f"bench-contended-{run}-{n}-topup",
                              amount=Decimal(100 * args.room))
            starts = services.earliest_start(program.tenant) + timedelta(days=1)
            request = services.fund_request_create(
                partner=partner, actor=program.manager, key=f"bench-contended-{run}-{n}",
                activity_type=ActivityType.objects.first(), title="Contended roadshow", description="Bench",
                starts_on=starts, ends_on=starts, total_cost=Decimal(200 * args.room),
                requested_amount=Decimal(100 * args.room))
            request = services.fund_request_approve(request=request, actor=program.manager,
                                                    key=f"bench-contended-{run}-{n}-ok", allocation=allocation)
            ended = datetime.now(UTC).date() - timedelta(days=1)
            FundRequest.objects.filter(pk=request.pk).update(starts_on=ended, ends_on=ended)
            claims = Claim.objects.bulk_create([
                Claim(tenant=program.tenant, fund_request=request, partner=partner, amount=Decimal("100.00"),
                      currency=request.currency) for _ in range(args.contenders)])
        made.append((program.tenant, request.pk))
        jobs += [(program.tenant, program.manager, c.pk) for c in claims]
    connection.close()
    return jobs, made


def _cpu_of(pid):
    """A process's CPU seconds so far (user + system), from /proc (None where there is none)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def _approve_worker(jobs, start_at, interval, deadline, out, tag):
    """A process of its own: approve its claims on schedule (start_at + i × interval) until `deadline`
    (None: all of them), over one connection; also the CPU it and its database backend spent."""
    from django.core.exceptions import ValidationError
    from django.db import connection

    from mdf import claims
    from mdf.models import Claim
    from prm.tenancy.context import tenant_context

    results = []
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    cpu, db_cpu = time.process_time(), _cpu_of(backend)
    for i, (tenant, manager, claim_id) in enumerate(jobs):
        due = start_at + i * interval
        if deadline is not None and max(due, time.time()) > deadline:
            break
        pause = due - time.time()
        if pause > 0:
            time.sleep(pause)
        began = time.time()
        try:
            with tenant_context(tenant):
                claims.claim_approve(claim=Claim.objects.get(pk=claim_id), actor=manager, key=f"bench-approve-{tag}-{claim_id}")
            outcome = "approved"
        except ValidationError:
            outcome = "refused"
        except Exception as exc:  # noqa: BLE001 — counted and shown, not raised
            outcome = f"error: {type(exc).__name__}: {str(exc)[:120]}"
        results.append((due, began, time.time(), outcome))
    db_used = _cpu_of(backend)
    connection.close()
    out.put((results, time.process_time() - cpu, (db_used - db_cpu) if db_used is not None and db_cpu is not None else 0.0))


def approve_all(jobs, workers, rate, tag, seconds=None):
    """Approve `jobs` from `workers` processes: paced at `rate` a second in all (None: as fast as they go),
    for at most `seconds` (None: every job)."""
    from django.db import connections

    connections.close_all()  # the children open their own
    ctx = multiprocessing.get_context("fork")
    out = ctx.Queue()
    start_at = time.time() + 2.0
    interval = workers / rate if rate else 0.0
    deadline = start_at + seconds if seconds else None
    procs = []
    for w in range(workers):
        share = jobs[w::workers]
        offset = (w / rate) if rate else 0.0
        procs.append(ctx.Process(target=_approve_worker, args=(share, start_at + offset, interval, deadline, out, tag)))
    for proc in procs:
        proc.start()
    results, app_cpu, db_cpu = [], 0.0, 0.0
    for _ in procs:
        done, app, db = out.get()
        results += done
        app_cpu += app
        db_cpu += db
    for proc in procs:
        proc.join()
    first = min(r[0] for r in results)
    last = max(r[2] for r in results)
    latencies = [(r[2] - r[1]) * 1000 for r in results]
    lateness = [max(0.0, r[1] - r[0]) * 1000 for r in results]
    outcomes = {}
    for r in results:
        outcomes[r[3]] = outcomes.get(r[3], 0) + 1
    n = len(results)
    return SimpleNamespace(n=n, planned=len(jobs), seconds=last - first, rate=n / (last - first),
                           latency=Stat("approval", latencies), lateness=Stat("lateness", lateness), outcomes=outcomes,
                           offered=rate, workers=workers, app_cpu_ms=app_cpu * 1000 / n, db_cpu_ms=db_cpu * 1000 / n)


def statements_of_one(job, tag):
    """The SQL statements one approval sends (a claim of the pool, approved in this process)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from mdf import claims
    from mdf.models import Claim
    from prm.tenancy.context import tenant_context

    tenant, manager, claim_id = job
    with CaptureQueriesContext(connection) as ctx, tenant_context(tenant):
        claims.claim_approve(claim=Claim.objects.get(pk=claim_id), actor=manager, key=f"bench-approve-{tag}-{claim_id}")
    return len(ctx.captured_queries)


def contended_result(made, room):
    from django.db import connection

    ids = [pk for _tenant, pk in made]
    with rlsmode.bench_setup(), connection.cursor() as cursor:
        cursor.execute("""
            SELECT r.id, r.approved_amount, count(c.id) FILTER (WHERE c.status IN ('approved', 'paid')),
                   coalesce(sum(c.approved_amount) FILTER (WHERE c.status IN ('approved', 'paid')), 0),
                   a.funded - a.allocated - a.encumbered - a.claimed - a.paid - a.expired, r.status
            FROM mdf_fundrequest r JOIN mdf_claim c ON c.fund_request_id = r.id JOIN mdf_account a ON a.fund_request_id = r.id
            WHERE r.id = ANY(%s) GROUP BY r.id, a.id ORDER BY r.id""", [ids])
        return cursor.fetchall()


def measure_approvals(args, world):
    results = {}
    paced_n = int(args.rate * args.seconds)
    pool = waiting_claims(world, paced_n * 2 + 1)
    tag = str(int(time.time()))
    results["statements"] = statements_of_one(pool[0], tag)
    pool = pool[1:]
    if len(pool) < 2 * paced_n:
        print(f"  only {len(pool):,} waiting claims for the paced and the free run: shared between them")
    paced, free = pool[:paced_n], pool[paced_n:]
    print(f"  paced: up to {len(paced):,} distinct waiting claims over {len(world)} programs at {args.rate}/s from "
          f"{args.workers} processes, for {args.seconds:g}s…", flush=True)
    results["paced"] = approve_all(paced, args.workers, args.rate, tag, seconds=args.seconds)
    if free:
        print(f"  as fast as they go: {args.workers} processes for {args.seconds:g}s…", flush=True)
        results["free"] = approve_all(free, args.workers, None, tag, seconds=args.seconds)
    jobs, made = contended_claims(args, world, tag)
    random.Random(args.seed).shuffle(jobs)
    print(f"  contended: {len(jobs):,} approvals against {len(made)} requests that cover {args.room} each, "
          f"offered at {args.rate}/s…", flush=True)
    results["contended"] = approve_all(jobs, args.workers, args.rate, tag)
    results["contended_rows"] = contended_result(made, args.room)
    results["check"] = balance_check()
    return results


def report_approvals(args, results):
    print("\n== Claim approvals (mdf.claims.claim_approve, one process and connection per worker) ==")
    print(f"{'run':<24} {'approvals':>9} {'offered/s':>9} {'achieved/s':>10} {'latency p50':>11} {'p95':>8} "
          f"{'late p95':>9} {'app CPU':>8} {'DB CPU':>7}  outcomes")
    for label, key in (("paced, distinct claims", "paced"), ("as fast as they go", "free"),
                       ("contended", "contended")):
        r = results.get(key)
        if r is None:
            continue
        offered = f"{r.offered}" if r.offered else "-"
        outcomes = ", ".join(f"{k} {v:,}" for k, v in sorted(r.outcomes.items()))
        print(f"{label:<24} {r.n:>9,} {offered:>9} {r.rate:>10.1f} {r.latency.p50:>9.1f}ms {r.latency.p95:>6.1f}ms "
              f"{r.lateness.p95:>7.0f}ms {r.app_cpu_ms:>6.1f}ms {r.db_cpu_ms:>5.1f}ms  {outcomes}")
    per = results["paced"].app_cpu_ms + results["paced"].db_cpu_ms
    print(f"\n  one approval: {results['statements']} SQL statements, {results['paced'].app_cpu_ms:.1f} ms CPU in the app "
          f"and {results['paced'].db_cpu_ms:.1f} ms in its database backend: {args.rate}/s needs about "
          f"{args.rate * per / 1000:.1f} cores ({os.cpu_count()} here, shared)")
    print("\n  contended requests (id, approved, claims approved, their sum, left, status):")
    exact = True
    for rid, approved, n, total, left, status in results["contended_rows"]:
        exact &= n == args.room and total == approved and left == 0
        print(f"    {rid}: approved {approved}, {n} claims approved for {total}, {left} left, {status}")
    print("\n== Goals: approvals ==")
    paced = results["paced"]
    errors = sum(v for k, v in paced.outcomes.items() if k != "approved")
    sustained = paced.rate >= 0.98 * args.rate and paced.lateness.p95 < 1000 and errors == 0
    sustained &= paced.n == paced.planned
    print(f"{'PASS' if sustained else 'MISS'}  {args.rate} approvals/s sustained over distinct claims for "
          f"{args.seconds:g}s: {paced.rate:.1f}/s achieved, {paced.outcomes.get('approved', 0):,} approved of "
          f"{paced.planned:,} offered, start late by p95 {paced.lateness.p95:.0f} ms")
    if results.get("free"):
        print(f"info  as fast as {args.workers} processes go: {results['free'].rate:.1f} approvals/s")
    c = results["contended"]
    ceiling = args.contended * args.room
    approved = c.outcomes.get("approved", 0)
    print(f"{'PASS' if approved == ceiling and exact else 'MISS'}  contended: {approved} approved of {c.n} "
          f"(the ceiling: {ceiling}), the rest refused ({c.outcomes.get('refused', 0)}), "
          f"errors {sum(v for k, v in c.outcomes.items() if k.startswith('error'))}")
    return print_check("0 overspend after the approvals", results["check"])


# --- main ------------------------------------------------------------------------------------

def main(argv=None):
    args = parse_args(argv)
    db = BenchDatabase(SimpleNamespace(small=True, db_name=args.db_name, rls=args.rls))
    if db.vendor != "postgresql":
        sys.exit("bench/mdf.py measures PostgreSQL (COPY, row-level security, real locks): set DATABASE_URL=postgres://…")
    if args.reuse and not db.exists():
        sys.exit(f"--reuse: there is no {db.label}; run once with --keep first")
    rng = random.Random(args.seed)
    now = datetime.now(UTC).replace(microsecond=0)
    print(f"bench/mdf.py: {args.tenants} programs, {args.partners:,} partners, ≥ {args.entries:,} ledger entries, "
          f"{args.samples} samples a page, {args.rate} approvals/s for {args.seconds:g}s from {args.workers} "
          f"processes; {db.label}")
    print_load("at start")
    if not args.reuse:
        db.create()
    setup_django(db)
    from django.core.management import call_command
    from django.db import connection

    try:
        if args.reuse:
            with rlsmode.bench_setup():
                world = kept_world()
        else:
            t = time.perf_counter()
            call_command("migrate", verbosity=0, interactive=False)
            print(f"migrated in {time.perf_counter() - t:.1f}s; loading…", flush=True)
            with rlsmode.as_owner():
                world = load(args, rng, now)
            rlsmode.grant_app_role()
        print(f"row-level security: {args.rls} (measured as {connection.settings_dict['USER']})")
        print_check("the build", balance_check())
        pages = approvals = None
        if not args.no_pages:
            print("\nmeasuring pages…", flush=True)
            pages = measure_pages(args, world)
        if args.profile:
            profile_page(args, world)
        if not args.no_approvals:
            print("\nmeasuring claim approvals…", flush=True)
            approvals = measure_approvals(args, world)
        print_load("after measuring")
        if pages:
            report_pages(pages)
        if approvals:
            report_approvals(args, approvals)
    finally:
        if args.keep:
            print(f"\nkept {db.label} (--reuse to measure it again)")
        else:
            connection.close()
            db.drop()
            print(f"\ndropped {db.label}")


if __name__ == "__main__":
    main(sys.argv[1:])
