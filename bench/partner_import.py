#!/usr/bin/env python
"""Partner import at scale: an .xlsx of 50,000 partners with 100,000 users (a Salesforce Contact
export's columns, one row per user), previewed and imported, beside reading the same file with
openpyxl alone in the same run.

    .venv/bin/python bench/partner_import.py [--partners 50000] [--users 2] [--existing 0.1] [--no-invite]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/partner_import.py [--rls on|off]
    .venv/bin/python bench/partner_import.py --small     # 2,000 partners, a smoke run

Without a PostgreSQL DATABASE_URL it runs on a temporary SQLite file; with one it creates its own
database (--db-name, prm_bench_partner_import) on that server and drops it at the end unless --keep.
A tenth of the partners (--existing) are in the program before the import, half to be matched by
their website's domain, half by their name written another way ("Müller GmbH" for "Muller"): the
import updates them. Every partner has --users users; with invitations (the default) each gets one
through prm/invitations, its email rendered and stored in the outbox, to be sent after commit.

Measured, each in a fresh process so that its peak resident memory (ru_maxrss above the process's
size once Django is set up) is its own:
- baseline: openpyxl (read_only, values_only) iterating every row of the file;
- import: `import_upload` (read through prm.uploads, check, store the preview), `import_confirm`,
  then the task's body `import_run` (one transaction: partners, updates, invitations, audit rows).
  Celery publishes the outbox's send tasks to an in-memory broker, so SMTP is not timed here
  (bench/surveys.py sending measures the outbox).
Goal: import (preview + confirm) <= 3 x the baseline's time, and under 500 MB. Figures are printed
with PASS/MISS; nothing is asserted.
"""

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import rlsmode  # bench/, beside this script
from pgserver import POSTGRES_SCHEMES, PostgresServer  # bench/, beside this script

ROOT = Path(__file__).resolve().parent.parent
TIME_GOAL, MEMORY_GOAL_MB = 3.0, 500
HEADER = ["Account ID", "Account Name", "Website", "Billing Country", "First Name", "Last Name", "Email", "Title"]
COUNTRIES = ["Germany", "France", "United States", "Österreich", "NL", "ESP", "United Kingdom", "Schweiz", "IT", "Poland"]
WORDS = ["Nord", "Süd", "Alpen", "Rhein", "Blue", "Summit", "Cloud", "Data", "Net", "Müller", "Søren", "Café",
         "Vertex", "Orbit", "Pixel", "Quantum", "Harbor", "Linden", "Zenit", "Atlas"]
FORMS = ["GmbH", "AG", "Ltd", "Inc.", "SAS", "B.V.", "S.p.A.", "", "", ""]
FIRST = ["Anna", "Jörg", "Zoé", "Luis", "Mia", "Noah", "Élodie", "Sven", "Ayşe", "Tom"]
LAST = ["Müller", "Lefèvre", "García", "Smith", "Nowak", "Rossi", "Jansen", "Öztürk", "Brown", "Weiß"]


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    p.add_argument("--partners", type=int, default=None, help="partners in the file (default 50,000; --small 2,000)")
    p.add_argument("--users", type=int, default=2, help="users per partner (default 2)")
    p.add_argument("--existing", type=float, default=0.1, help="share of the partners already in the program")
    p.add_argument("--no-invite", action="store_true", help="import the partners without inviting the users")
    p.add_argument("--small", action="store_true")
    p.add_argument("--db-name", default="prm_bench_partner_import")
    p.add_argument("--keep", action="store_true", help="keep the PostgreSQL database at the end")
    p.add_argument("--seed", type=int, default=20261202)
    p.add_argument("--child", choices=["prepare", "openpyxl", "import"], help=argparse.SUPPRESS)
    p.add_argument("--file", help=argparse.SUPPRESS)
    rlsmode.add_option(p)
    args = p.parse_args(argv)
    if args.partners is None:
        args.partners = 2_000 if args.small else 50_000
    return args


# --------------------------------------------------------------------------------------------
# The file
# --------------------------------------------------------------------------------------------

def company(rng, n):
    return f"{rng.choice(WORDS)} {rng.choice(WORDS)} {n}"


def build_file(args, path):
    """The .xlsx, and the partners that exist before the import: (name, website) pairs."""
    from openpyxl import Workbook

    rng = random.Random(args.seed)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Contacts")
    sheet.append(HEADER)
    existing = []
    for n in range(args.partners):
        name, domain = company(rng, n), f"partner{n}.example"
        form = rng.choice(FORMS)
        website = rng.choice([f"https://www.{domain}", domain, f"http://{domain}/en/"])
        if rng.random() < args.existing:
            # In the program already: half known by the same domain under another name, half by the
            # same name written another way and no website on file.
            existing.append((f"{name} Holding", f"https://{domain}") if n % 2 else (name, ""))
        account = f"001{n:015d}"
        country = rng.choice(COUNTRIES)
        for u in range(args.users):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            sheet.append([account, f"{name} {form}".strip(), website if u == 0 else "", country, first, last,
                          f"user{u}.p{n}@{domain}", "Sales"])
    book.save(path)
    return existing


# --------------------------------------------------------------------------------------------
# Children: each runs in its own process
# --------------------------------------------------------------------------------------------

def rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def setup_django(args):
    import warnings

    warnings.filterwarnings("ignore", message="No directory at")
    os.environ["DEBUG"] = "False"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["DJANGO_SETTINGS_MODULE"] = "prm.settings"
    rlsmode.environment(args.rls, os.environ["BENCH_DATABASE_URL"])
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    rlsmode.after_setup(args.rls)


def child_prepare(args):
    setup_django(args)
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    rlsmode.grant_app_role()
    from partners.models import Partner
    from prm.accounts.models import User
    from prm.tenancy.models import Membership, Role, Tenant

    existing = json.loads(Path(args.file + ".existing.json").read_text())
    with rlsmode.bench_setup():
        tenant = Tenant.objects.create(slug="benchimport", name="Bench Import")
        user = User.objects.create_user(email="manager@benchimport.example", password="x", full_name="Bench Manager")
        Membership.unscoped.create(tenant=tenant, user=user, role=Role.CHANNEL_MANAGER)
        from partners.domains import domain_from_website

        Partner.unscoped.bulk_create([Partner(tenant=tenant, name=name, website=website,
                                              domain=domain_from_website(website)) for name, website in existing],
                                     batch_size=2000)
    print(json.dumps({"existing": len(existing)}))


def child_openpyxl(args):
    from openpyxl import load_workbook

    base = rss_mb()
    start, cpu = time.perf_counter(), time.process_time()
    book = load_workbook(args.file, read_only=True, data_only=True)
    rows = sum(1 for _row in book.worksheets[0].iter_rows(values_only=True))
    book.close()
    print(json.dumps({"seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu, "rows": rows,
                      "peak_mb": rss_mb() - base}))


def child_import(args):
    setup_django(args)
    from celery import current_app
    from django.core.files.uploadedfile import SimpleUploadedFile

    current_app.conf.task_always_eager = False  # the outbox's send tasks are queued, not sent here
    current_app.conf.broker_url = "memory://"
    from partners.imports import services
    from partners.imports.models import PartnerImport
    from prm.tenancy.context import tenant_context
    from prm.tenancy.models import Membership, Tenant

    data = Path(args.file).read_bytes()
    tenant = Tenant.objects.get(slug="benchimport")
    with tenant_context(tenant):
        membership = Membership.objects.select_related("user").get()
    base = rss_mb()
    with tenant_context(tenant):
        start, cpu = time.perf_counter(), time.process_time()
        partner_import = services.import_upload(tenant=tenant, actor=membership.user,
                                                upload=SimpleUploadedFile("contacts.xlsx", data))
        preview, preview_cpu = time.perf_counter() - start, time.process_time() - cpu
        preview_peak = rss_mb() - base
        summary = partner_import.summary
        if partner_import.problems:
            print(json.dumps({"problems": partner_import.problems[:10], "summary": summary}))
            sys.exit(1)
        start, cpu = time.perf_counter(), time.process_time()
        services.import_confirm(partner_import=partner_import, actor_membership=membership,
                                invite_users=not args.no_invite)
        done = services.import_run(import_id=partner_import.pk)
        run, run_cpu = time.perf_counter() - start, time.process_time() - cpu
        status = (done or PartnerImport.objects.get(pk=partner_import.pk)).status
        counts = _counts(tenant)
    print(json.dumps({"preview": preview, "run": run, "preview_cpu": preview_cpu, "run_cpu": run_cpu,
                      "preview_peak_mb": preview_peak, "peak_mb": rss_mb() - base,
                      "summary": summary, "status": status, "counts": counts,
                      "problems": partner_import.problems[:5]}))


def _counts(tenant):
    from partners.models import Partner
    from prm.audit.models import AuditEvent
    from prm.invitations.models import Invitation
    from prm.outbox.models import OutboundEmail

    return {"partners": Partner.objects.count(), "invitations": Invitation.objects.count(),
            "audit": AuditEvent.objects.count(), "outbox": OutboundEmail.objects.filter(tenant=tenant).count()}


# --------------------------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------------------------

def run_child(args, kind, url):
    command = [sys.executable, str(Path(__file__).resolve()), "--child", kind, "--file", args.file, "--rls", args.rls]
    if kind == "import" and os.environ.get("BENCH_PROFILE"):
        command[1:1] = ["-m", "cProfile", "-o", os.environ["BENCH_PROFILE"]]
    if args.no_invite:
        command.append("--no-invite")
    env = {**os.environ, "BENCH_DATABASE_URL": url}
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode:
        sys.exit(f"{kind} failed:\n{result.stdout[-4000:]}{result.stderr[-4000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def verdict(ok):
    return "PASS" if ok else "MISS"


def main(argv=None):
    args = parse_args(argv)
    if args.child:
        return {"prepare": child_prepare, "openpyxl": child_openpyxl, "import": child_import}[args.child](args)
    url = os.environ.get("DATABASE_URL", "")
    postgres = bool(url) and urlsplit(url).scheme in POSTGRES_SCHEMES
    workdir = tempfile.mkdtemp(prefix="prm-bench-import-")
    args.file = str(Path(workdir) / "contacts.xlsx")
    if postgres:
        server = PostgresServer(url)
        bench_url, label = server.url_of(args.db_name), server.label_of(args.db_name)
        server.create(args.db_name)
    else:
        bench_url = f"sqlite:///{Path(workdir) / 'bench.sqlite3'}"
        label = "SQLite file (temporary)"
    rows = args.partners * max(args.users, 1)
    print(f"bench/partner_import.py: {args.partners:,} partners x {args.users} users = {rows:,} rows; "
          f"{'with' if not args.no_invite else 'without'} invitations; {label}"
          + (f"; {server.settings_summary()}; rls {args.rls}" if postgres else ""))
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    try:
        start = time.perf_counter()
        existing = build_file(args, args.file)
        Path(args.file + ".existing.json").write_text(json.dumps(existing))
        size = Path(args.file).stat().st_size
        print(f"file: {size / 1024 / 1024:.1f} MB .xlsx, built in {time.perf_counter() - start:.1f}s; "
              f"{len(existing):,} of its partners already in the program")
        run_child(args, "prepare", bench_url)
        baseline = run_child(args, "openpyxl", bench_url)
        result = run_child(args, "import", bench_url)
        report(args, baseline, result, len(existing))
    finally:
        for name in os.listdir(workdir):
            os.unlink(Path(workdir) / name)
        os.rmdir(workdir)
        if postgres and not args.keep:
            server.drop(args.db_name)
        elif postgres:
            print(f"kept {label}")


def report(args, baseline, result, existing):
    total = result["preview"] + result["run"]
    ratio = total / baseline["seconds"]
    summary, counts = result["summary"], result["counts"]
    print(f"\nstatus {result['status']}; preview: {summary['partners_new']:,} new, {summary['partners_updated']:,} "
          f"updated, {summary['partners_unchanged']:,} unchanged partners, {summary['users']:,} users, "
          f"{summary['bad_rows']:,} bad rows")
    if result["problems"]:
        print(f"  first problems: {result['problems']}")
    print(f"after: {counts['partners']:,} partners, {counts['invitations']:,} invitations, {counts['outbox']:,} "
          f"outbox emails, {counts['audit']:,} audit rows (expected {args.partners:,} partners, "
          f"{0 if args.no_invite else args.partners * args.users:,} invitations; {existing:,} existed)")
    cpu = result["preview_cpu"] + result["run_cpu"]
    print(f"\n{'':34}{'seconds':>9}{'CPU s':>8}{'peak MB':>10}")
    print(f"{'openpyxl alone (read_only)':34}{baseline['seconds']:9.1f}{baseline['cpu']:8.1f}{baseline['peak_mb']:10.0f}")
    print(f"{'import: preview (read, check)':34}{result['preview']:9.1f}{result['preview_cpu']:8.1f}"
          f"{result['preview_peak_mb']:10.0f}")
    print(f"{'import: confirm + task':34}{result['run']:9.1f}{result['run_cpu']:8.1f}{result['peak_mb']:10.0f}")
    print(f"{'import: total':34}{total:9.1f}{cpu:8.1f}{result['peak_mb']:10.0f}")
    print(f"\nCPU of this process (a busy machine stretches wall time, not CPU time; on PostgreSQL the "
          f"server's own CPU is not in it): import / openpyxl {cpu / baseline['cpu']:.2f}x")
    print(f"\nimport / openpyxl: {ratio:.2f}x (goal <= {TIME_GOAL:.0f}x) {verdict(ratio <= TIME_GOAL)}; "
          f"peak {result['peak_mb']:.0f} MB (goal < {MEMORY_GOAL_MB} MB) {verdict(result['peak_mb'] < MEMORY_GOAL_MB)}")
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
