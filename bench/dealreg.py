#!/usr/bin/env python
"""Deal registration at scale: conflict check and list pages against a million deals.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ .venv/bin/python bench/dealreg.py \
        [--deals 1000000] [--partners 5000] [--tenants 2] [--samples 200]
    .venv/bin/python bench/dealreg.py --small          # quick SQLite smoke run, 5,000 deals

It creates its own database (`prm_bench` on DATABASE_URL's server, made through the `postgres`
database), migrates it, loads the data with COPY, measures, prints a table with PASS/MISS
against the goals, and drops the database again (`--keep` keeps it for EXPLAIN sessions;
`--reuse` measures a kept database again without reloading). See bench/README.md.
"""

import argparse
import io
import math
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import rlsmode  # bench/, beside this script
from ladder import tier_ids  # bench/, beside this script
from pgserver import POSTGRES_SCHEMES, PostgresServer  # bench/, beside this script

ROOT = Path(__file__).resolve().parent.parent
# Running `python bench/dealreg.py` puts bench/ first on sys.path, where this very file would
# shadow the `dealreg` app: put the project root there instead.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

ACTIVE = ("submitted", "more_info", "approved")
CONFLICT_GOAL_MS = 50.0
PAGE_GOAL_MS = 150.0


# --------------------------------------------------------------------------------------------
# Command line and database
# --------------------------------------------------------------------------------------------

def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--deals", type=int, default=None, help="deals to load (default 1,000,000; 5,000 with --small)")
    p.add_argument("--partners", type=int, default=None, help="partners across all tenants (default 5,000; 50 with --small)")
    p.add_argument("--tenants", type=int, default=2, help="big tenants (default 2); a tiny extra tenant is always added")
    p.add_argument("--samples", type=int, default=None, help="timed runs of each measurement (default 200; 20 with --small)")
    p.add_argument("--page-samples", type=int, default=None, help="timed requests per page (default: --samples)")
    p.add_argument("--small", action="store_true", help="quick smoke run at 5,000 deals; allows SQLite")
    p.add_argument("--db-name", default="prm_bench", help="database created for the run (default prm_bench)")
    p.add_argument("--keep", action="store_true", help="do not drop the database at the end")
    p.add_argument("--reuse", action="store_true", help="measure an existing bench database (from --keep) without reloading")
    p.add_argument("--explain", action="store_true", help="also print EXPLAIN ANALYZE of the main queries (PostgreSQL)")
    p.add_argument("--seed", type=int, default=20261122)
    rlsmode.add_option(p)
    args = p.parse_args(argv)
    if args.deals is None:
        args.deals = 5_000 if args.small else 1_000_000
    if args.partners is None:
        args.partners = 50 if args.small else 5_000
    if args.samples is None:
        args.samples = 20 if args.small else 200
    if args.page_samples is None:
        args.page_samples = args.samples
    if args.tenants < 1 or args.partners < args.tenants or args.deals < 100:
        p.error("need at least one tenant, one partner per tenant and 100 deals")
    return args


class BenchDatabase:
    """The database the run owns: a fresh PostgreSQL database, or a temporary SQLite file."""

    def __init__(self, args):
        self.args = args
        url = os.environ.get("DATABASE_URL", "")
        scheme = urlsplit(url).scheme if url else ""
        self.vendor = "postgresql" if scheme in POSTGRES_SCHEMES else "sqlite"
        if self.vendor == "sqlite" and not args.small:
            sys.exit(
                "bench/dealreg.py measures PostgreSQL (pg_trgm index, COPY, real query plans); "
                f"DATABASE_URL is {'unset' if not url else repr(scheme + '://…')}, i.e. SQLite.\n"
                "Set DATABASE_URL=postgres://user@host:5432/ (any database on the server; the bench "
                "creates its own), or pass --small for a quick SQLite smoke run at 5,000 deals."
            )
        if self.vendor == "postgresql":
            self.server = PostgresServer(url)
            self.url = self.server.url_of(args.db_name)
            self.label = self.server.label_of(args.db_name)
        else:
            self.tmpdir = tempfile.mkdtemp(prefix="prm-bench-")
            self.path = Path(self.tmpdir) / "bench.sqlite3"
            self.url = f"sqlite:///{self.path}"
            self.label = f"SQLite file {self.path}"

    def exists(self):
        return self.vendor == "postgresql" and self.server.exists(self.args.db_name)

    def create(self):
        if self.vendor == "postgresql":
            self.server.create(self.args.db_name)

    def drop(self):
        if self.vendor != "postgresql":
            if self.path.exists():
                self.path.unlink()
            for suffix in ("-wal", "-shm"):
                Path(str(self.path) + suffix).unlink(missing_ok=True)
            os.rmdir(self.tmpdir)
            return
        self.server.drop(self.args.db_name)


def setup_django(db):
    import warnings

    warnings.filterwarnings("ignore", message="No directory at", module="whitenoise")
    warnings.filterwarnings("ignore", message="No directory at")
    rlsmode.environment(db.args.rls, db.url)
    os.environ["DEBUG"] = "False"
    os.environ["PRM_DOMAIN"] = "localhost"
    os.environ["ALLOWED_HOSTS"] = "localhost,.localhost"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["DJANGO_SETTINGS_MODULE"] = "prm.settings"
    import django
    from django.conf import settings

    django.setup()
    rlsmode.after_setup(db.args.rls)
    settings.DEBUG = False
    settings.PRM_DOMAIN = "localhost"
    if ".localhost" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost", ".localhost"]
    settings.ROOT_URLCONF = "bench.bench_urls"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


# --------------------------------------------------------------------------------------------
# Data: realistic company names, partners, deals
# --------------------------------------------------------------------------------------------

REAL_WORDS = """North South East West Blue Red Green Silver Golden Summit Apex Atlas Pioneer Granite River
Lake Harbor Pacific Atlantic Alpine Cedar Oak Maple Pine Eagle Falcon Hawk Lion Tiger Bear Wolf Fox Star Sun
Moon Sky Cloud Bright Clear Prime First United National Global Metro Urban Coastal Valley Ridge Peak Crown
Royal Liberty Union Heritage Legacy Frontier Horizon Vista Keystone Cornerstone Beacon Lighthouse Anchor
Compass Vector Quantum Fusion Nova Stellar Orbit Titan Vertex Zenith Meridian Sterling Sovereign Premier
Elite Vanguard Sentinel Guardian Patriot Evergreen Redwood Birch Willow Aspen Sierra Dakota Phoenix Orion
Polaris Iron Steel Copper Cobalt Crystal Diamond Emerald Sapphire Ruby Onyx Ivory Scarlet Azure Indigo Amber
Hudson Columbia Potomac Rhine Danube Thames Baltic Nordic Celtic Bavarian Saxon Alpen Midland Highland Bay
Gulf Cape Delta Canyon Mesa Prairie Meadow Brook Spring Harvest Orchard Stone Rock Bridge Gate Tower Castle
Pyramid Arrow Shield Oakridge Brightwater Clearwater Fairview Greenfield Springfield Westfield Northfield
Riverside Lakeside Hillside Seaside Parkside Central Continental Western Eastern Southern Northern""".split()

INDUSTRIES = """Solutions Systems Technologies Technology Logistics Foods Bank Insurance Health Healthcare Medical
Pharma Energy Power Utilities Motors Automotive Aerospace Airlines Shipping Freight Transport Construction
Builders Engineering Manufacturing Industries Industrial Chemicals Materials Metals Mining Oil Retail Stores
Markets Trading Imports Consulting Partners Associates Group Holdings Capital Investments Finance Financial
Securities Realty Properties Estates Hotels Resorts Hospitality Media Publishing Broadcasting Communications
Telecom Networks Software Data Analytics Cloud Digital Labs Research Biotech Sciences Education Academy
Hospital Clinic Dental Legal Accounting Services Supply Distribution Wholesale Packaging Printing Textiles
Apparel Fashion Furniture Electronics Devices Instruments Robotics Automation Security Defense Farms
Agriculture Brewing Beverages Dairy Bakery Restaurants Catering Travel Sports Fitness Games Entertainment
Studios Design Architecture Marketing Advertising Staffing Recruiting""".split()

SYLLABLES = """zen trix nov lux ver tek syn quo vi ra lo max dyn cor tal mar bel cas dor fen gal hel jor kal lin
mon nor pra quin ros sal tor ul vor wex xen yor zal ar el on is um ex ix ia eo ant ent ica ova ora ium bri
cla dra fle gro plo sca ste tre""".split()

SURNAMES = """Smith Johnson Müller Schmidt Schneider García Martínez Rossi Bianchi Dubois Lefèvre Nowak Kowalski
Jansen Andersson Nielsen Hansen Tanaka Suzuki Kim Lee Patel Singh O'Brien McDonald Murphy Walsh Baker Carter
Hughes Wright Clarke Fischer Weber Wagner Becker Hoffmann Schäfer Koch Richter Klein Schröder Neumann
Schwarz Zimmermann Braun Krüger Hartmann Lange Werner Krause Meier Lehmann König Walter Mayer Huber Kaiser
Fuchs Peters Lang Scholz Möller Jung Hahn Schubert Vogel Keller Frank Berger Roth Beck Lorenz Baumann
Albrecht Schuster Simon Ludwig Winter Martin Schumacher Vogt Stein Otto Sommer Brandt Haas Graf Engel Horn
Busch Arnold Wolff Pfeiffer Moreau Laurent Bernard Petit Durand Leroy Costa Ferreira Santos Silva Novak
Horvat Kovács Nagy Svensson Larsen Virtanen Korhonen""".split()

FIRST_NAMES = """Anna Ben Clara David Emma Felix Greta Hugo Ida Jonas Karin Lukas Maria Noah Olga Paul Quinn Rosa
Sam Tina Uwe Vera Will Xenia Yusuf Zoe James Mary Robert Linda Michael Sarah Thomas Laura Daniel Julia Marco
Sofia Luca Elena Pierre Camille Jan Eva Piotr Kasia Lars Ingrid Kenji Yuki Raj Priya""".split()

LEGAL_FORMS = ["Inc", "Inc.", "Incorporated", "LLC", "Ltd", "Ltd.", "Limited", "GmbH", "AG", "Corp",
               "Corporation", "Co.", "PLC", "S.A.", "SAS", "B.V.", "N.V.", "AB", "Oy", "Pty Ltd", "S.r.l.",
               "S.p.A.", "GmbH & Co. KG", "SE", "Sp. z o.o."]
TLDS = ["com"] * 8 + ["de", "co.uk", "fr", "nl", "io", "net", "eu", "it", "es", "se", "pl", "com.au", "ch", "at"]
FREE_MAIL = ["gmail.com", "outlook.com", "hotmail.com", "yahoo.com", "gmx.de", "web.de", "icloud.com", "aol.com"]
COUNTRIES = ["US"] * 6 + ["DE"] * 3 + ["GB"] * 3 + ["FR", "NL", "IT", "ES", "SE", "PL", "AU", "CH", "AT", "CA", "BR", "JP", "IN"]
PARTNER_SUFFIXES = ["IT", "Integration", "Networks", "Consulting", "Solutions", "Systems", "Technologies",
                    "Partners", "Group", "Services", "Digital", "Cloud", "Data"]
PRODUCT_LINES = ["Firewall", "SD-WAN", "Switching", "Wireless", "Endpoint Security", "SIEM", "Backup",
                 "Storage", "Compute", "Cloud Licences", "Support Plus", "Professional Services"]

# Status mix: (status, share, created this many days ago: (min, max)).
STATUS_MIX = [
    ("submitted", 0.15, (0, 30)),
    ("more_info", 0.05, (3, 60)),
    ("approved", 0.35, (10, 220)),
    ("won", 0.12, (120, 1000)),
    ("lost", 0.10, (120, 1000)),
    ("withdrawn", 0.04, (30, 1000)),
    ("rejected", 0.06, (20, 1000)),
    ("expired", 0.09, (200, 1000)),
    ("draft", 0.04, (0, 90)),
]


def slug(text):
    return "".join(ch for ch in text.lower() if ch.isalnum())


class Companies:
    """End customers: names built from word lists, so words repeat across companies as in real life."""

    def __init__(self, rng, count):
        self.rng = rng
        self.names, self.legal, self.domains, self.countries = [], [], [], []
        seen_names, seen_domains = set(), set()
        while len(self.names) < count:
            name, domain_base = self._name()
            if name.lower() in seen_names:
                continue
            seen_names.add(name.lower())
            domain = f"{domain_base}.{rng.choice(TLDS)}"
            n = 2
            while domain in seen_domains:
                domain = f"{domain_base}{n}.{rng.choice(TLDS)}"
                n += 1
            seen_domains.add(domain)
            self.names.append(name)
            self.legal.append(rng.choice(LEGAL_FORMS))
            self.domains.append(domain)
            self.countries.append(rng.choice(COUNTRIES))

    def brand(self):
        rng = self.rng
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((2, 2, 3))))
        return word.capitalize()

    def _name(self):
        rng = self.rng
        r = rng.random()
        if r < 0.35:
            real, industry = rng.choice(REAL_WORDS), rng.choice(INDUSTRIES)
            name = f"{real} {industry}"
            base = slug(real) + ("-" if rng.random() < 0.3 else "") + slug(industry)
        elif r < 0.70:
            brand, industry = self.brand(), rng.choice(INDUSTRIES)
            name, base = f"{brand} {industry}", slug(brand)
        elif r < 0.80:
            real, brand = rng.choice(REAL_WORDS), self.brand()
            name, base = f"{real} {brand}", slug(real + brand)
        elif r < 0.90:
            brand = self.brand()
            name, base = brand, slug(brand)
        else:
            a, b = rng.choice(SURNAMES), rng.choice(SURNAMES)
            if rng.random() < 0.5:
                name, base = f"{a} & {b}", slug(a) + "-" + slug(b)
            else:
                industry = rng.choice(INDUSTRIES)
                name, base = f"{a} {industry}", slug(a + industry)
        if rng.random() < 0.08:
            region = rng.choice(["Europe", "America", "Nordic", "Asia Pacific", "International", "Deutschland", "UK"])
            name += f" {region}"
        return name, base

    def pick(self):
        """Big customers are registered far more often than small ones."""
        return int(len(self.names) * self.rng.random() ** 1.6)


def typo(rng, text):
    if len(text) < 4:
        return text + "x"
    i = rng.randrange(1, len(text) - 1)
    kind = rng.random()
    if kind < 0.35:
        return text[:i] + text[i + 1:]  # dropped letter
    if kind < 0.7:
        return text[:i] + text[i + 1] + text[i] + text[i + 2:]  # swapped letters
    return text[:i] + rng.choice("aeiourstnl") + text[i + 1:]  # wrong letter


def name_variant(rng, companies, c):
    """How a partner types customer c: with or without the legal form, 'The', case, typos."""
    name, legal = companies.names[c], companies.legal[c]
    r = rng.random()
    if r < 0.68:
        return f"{name} {legal}"
    if r < 0.83:
        return name
    if r < 0.88:
        return f"The {name}"
    if r < 0.93:
        return (name.upper() if rng.random() < 0.5 else name.lower()) + f" {legal}"
    if r < 0.96:
        return f"{name}, {rng.choice(LEGAL_FORMS)}"
    return typo(rng, name) + f" {legal}"


def website_variant(rng, domain):
    r = rng.random()
    if r < 0.35:
        return ""
    return rng.choice([f"https://www.{domain}", domain, f"www.{domain}", f"http://{domain}/",
                       f"https://{domain}/contact", f"https://www.{domain}/en/"])


def contact(rng, domain):
    first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
    local = f"{slug(first)}.{slug(last) or 'x'}"
    r = rng.random()
    if r < 0.68:
        email = f"{local}@{domain}"
    elif r < 0.93:
        email = f"{local}{rng.randrange(100)}@{rng.choice(FREE_MAIL)}"
    else:
        email = f"{local}@{rng.choice(['eu', 'us', 'mail', 'corp'])}.{domain}"
    return f"{first} {last}", email


COPY_ESCAPE = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_text(value) -> str:
    """One value as COPY's text format writes it (the benches that load by COPY share it)."""
    if value is None:
        return "\\N"
    if isinstance(value, str):
        return value.translate(COPY_ESCAPE)
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


class Writer:
    """Streams rows into a table: PostgreSQL COPY (text format) in chunks, or executemany on SQLite."""

    CHUNK = 50_000

    def __init__(self, model_or_table, columns=None):
        from django.db import connection

        self.connection = connection
        if isinstance(model_or_table, str):
            self.table, self.columns, self.defaults = model_or_table, list(columns), {}
        else:
            meta = model_or_table._meta
            self.table = meta.db_table
            self.columns = [f.column for f in meta.concrete_fields]
            # A column this bench does not know (added later) gets its field's default.
            self.defaults = {f.column: f.get_default() for f in meta.concrete_fields}
        self.rows = []
        self.count = 0

    def add(self, row):
        self.rows.append(row)
        if len(self.rows) >= self.CHUNK:
            self.flush()

    def flush(self):
        if not self.rows:
            return
        defaults, cols = self.defaults, self.columns
        if self.connection.vendor == "postgresql":
            buf = io.StringIO()
            val = copy_text
            for row in self.rows:
                buf.write("\t".join([val(row[c] if c in row else defaults.get(c)) for c in cols]))
                buf.write("\n")
            buf.seek(0)
            with self.connection.cursor() as cursor:
                cursor.cursor.copy_expert(
                    f'COPY "{self.table}" ({", ".join(chr(34) + c + chr(34) for c in cols)}) FROM STDIN', buf)
        else:
            def sqlite_value(v):
                if isinstance(v, (Decimal, date)) and not isinstance(v, datetime):
                    return str(v)
                if isinstance(v, datetime):
                    return v.isoformat(sep=" ")
                if isinstance(v, (list, dict)):
                    import json
                    return json.dumps(v)
                return v
            placeholders = ", ".join(["%s"] * len(cols))
            with self.connection.cursor() as cursor:
                cursor.executemany(
                    f'INSERT INTO "{self.table}" ({", ".join(chr(34) + c + chr(34) for c in cols)}) VALUES ({placeholders})',
                    [[sqlite_value(row[c] if c in row else defaults.get(c)) for c in cols] for row in self.rows])
        self.count += len(self.rows)
        self.rows = []


def reset_sequence(model):
    from django.core.management.color import no_style
    from django.db import connection

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [model]):
            cursor.execute(sql)


def deal_indexes():
    """Secondary indexes of the deal table not backing a constraint: dropped for the load, rebuilt after."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT i.relname, pg_get_indexdef(i.oid)
            FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
            WHERE t.relname = 'dealreg_deal' AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid)
        """)
        return cursor.fetchall()


def load(args, db, rng):
    """Tenants, rules, product lines, partners, users and deals. Returns a description of the world."""
    from django.db import connection

    from dealreg import matching
    from dealreg.models import Deal, ProductLine, RulesOfEngagement
    from partners.models import Partner
    from prm.tenancy.models import Tenant

    now = datetime.now(UTC).replace(microsecond=0)
    pg = connection.vendor == "postgresql"
    t0 = time.perf_counter()

    # Tenants: the big ones, plus a tiny one that shows query counts do not grow with the data.
    tenants = [Tenant.objects.create(slug=f"bench{i + 1}", name=f"Bench Vendor {i + 1}", currency="USD",
                                     time_zone="Europe/Berlin") for i in range(args.tenants)]
    tiny = Tenant.objects.create(slug="benchtiny", name="Tiny Vendor", currency="EUR", time_zone="UTC")
    all_tenants = tenants + [tiny]
    for tenant in all_tenants:
        RulesOfEngagement.unscoped.create(tenant=tenant)
    products = {t.pk: [ProductLine.unscoped.create(tenant=t, name=n).pk for n in PRODUCT_LINES] for t in all_tenants}
    tiers = {t.pk: tier_ids(t) for t in all_tenants}

    # Partners: names unique per tenant; deal volume per partner is skewed (a few distributors
    # register most deals), Zipf-like.
    partner_writer = Writer(Partner)
    companies_for_partners = Companies(rng, 1)  # only for its brand()
    partners_of = {t.pk: [] for t in all_tenants}
    pid = 0
    for tenant, n in [(t, args.partners // args.tenants + (1 if i < args.partners % args.tenants else 0))
                      for i, t in enumerate(tenants)] + [(tiny, 2)]:
        seen = set()
        while len(partners_of[tenant.pk]) < n:
            name = f"{rng.choice(REAL_WORDS)} {companies_for_partners.brand()} {rng.choice(PARTNER_SUFFIXES)}"
            if name.lower() in seen:
                continue
            seen.add(name.lower())
            pid += 1
            domain = slug(name) + ".example"
            partner_writer.add({
                "id": pid, "tenant_id": tenant.pk, "name": name, "status": "active" if rng.random() < 0.93 else "onboarding",
                "tier_id": tiers[tenant.pk][rng.choice(["Gold", "Silver", "Silver", "Bronze", "Registered"])],
                "country": rng.choice(COUNTRIES),
                "website": f"https://{domain}", "domain": domain, "primary_contact_name": "", "primary_contact_email": "",
                "notes": "", "created_by_id": None, "created_at": now - timedelta(days=rng.randrange(30, 2000)),
                "updated_at": now, "deactivated_at": None,
            })
            partners_of[tenant.pk].append(pid)
    partner_writer.flush()
    reset_sequence(Partner)

    # Deals: statuses first, each with a creation time; sorted by time so ids follow time.
    weights = [s[1] for s in STATUS_MIX]
    plan = []
    total = args.deals
    tiny_deals = 40
    per_tenant = [total // args.tenants + (1 if i < total % args.tenants else 0) for i in range(args.tenants)]
    for tenant, n in list(zip(tenants, per_tenant)) + [(tiny, tiny_deals)]:
        statuses = rng.choices(range(len(STATUS_MIX)), weights=weights, k=n) if tenant is not tiny else \
            [0] * 30 + [2] * 5 + [3] * 5
        for s in statuses:
            lo, hi = STATUS_MIX[s][2]
            plan.append((now - timedelta(seconds=rng.uniform(lo * 86400, hi * 86400 + 3600)), s, tenant.pk))
    plan.sort(key=lambda p: p[0])
    t_plan = time.perf_counter()

    companies = Companies(rng, max(200, int(total * 0.35)))
    t_companies = time.perf_counter()

    # Zipf-like partner choice per tenant.
    partner_cum = {}
    for tenant_pk, pids in partners_of.items():
        order = pids[:]
        rng.shuffle(order)
        cum, acc = [], 0.0
        for rank in range(len(order)):
            acc += 1.0 / (rank + 3) ** 1.1
            cum.append(acc)
        partner_cum[tenant_pk] = (order, cum)

    norm_cache, dom_cache = {}, {}

    def norm_name(text):
        v = norm_cache.get(text)
        if v is None:
            v = norm_cache[text] = matching.normalize_company_name(text)
        return v

    def norm_domain(text):
        v = dom_cache.get(text)
        if v is None:
            v = dom_cache[text] = matching.normalize_domain(text)
        return v

    dropped = []
    if pg:
        dropped = deal_indexes()
        with connection.cursor() as cursor:
            for name, _ in dropped:
                cursor.execute(f'DROP INDEX "{name}"')
            # The rows are generated consistent; skip per-row FK triggers during COPY (superuser only).
            try:
                cursor.execute("SET session_replication_role = replica")
            except Exception:  # noqa: BLE001 - not a superuser: keep the triggers, slower but fine
                pass
    deal_writer = Writer(Deal)
    link_writer = Writer(Deal.products.through._meta.db_table, ["id", "deal_id", "productline_id"])
    link_id = 0
    for deal_id, (created, s, tenant_pk) in enumerate(plan, start=1):
        status = STATUS_MIX[s][0]
        order, cum = partner_cum[tenant_pk]
        partner_id = rng.choices(order, cum_weights=cum)[0]
        c = companies.pick()
        customer_name = name_variant(rng, companies, c)
        website = website_variant(rng, companies.domains[c])
        contact_name, email = contact(rng, companies.domains[c])
        email_dom = email.rpartition("@")[2]
        row = {
            "id": deal_id, "tenant_id": tenant_pk, "partner_id": partner_id, "status": status,
            "customer_name": customer_name, "customer_website": website,
            "customer_country": companies.countries[c], "contact_name": contact_name, "contact_email": email,
            "value": Decimal(int(math.exp(rng.gauss(10.3, 1.2)))).quantize(Decimal("1.00")),
            "currency": "USD" if rng.random() < 0.85 else rng.choice(["EUR", "GBP"]),
            "expected_close_date": (created + timedelta(days=rng.randrange(30, 200))).date(),
            "notes": "" if rng.random() < 0.8 else "Budget approved; decision expected this quarter.",
            "customer_name_normalized": norm_name(customer_name),
            "customer_domain": norm_domain(website),
            "contact_email_domain": norm_domain(email_dom),  # = matching.email_domain(email)
            "registered_by_id": None, "submitted_at": None, "sla_due_at": None, "reminded_at": None,
            "escalated_at": None, "decided_at": None, "decided_by_id": None, "decided_by_rule": "",
            "decision_note": "", "protected_until": None, "extensions_used": 0, "expiry_warned_at": None,
            "closed_at": None, "created_at": created, "updated_at": created,
        }
        if status != "draft":
            submitted = created + timedelta(minutes=rng.randrange(1, 600))
            row["submitted_at"] = submitted
            row["sla_due_at"] = submitted + timedelta(hours=rng.randrange(48, 110))
            row["updated_at"] = submitted
        if status == "submitted":
            if row["sla_due_at"] < now:
                row["reminded_at"] = row["sla_due_at"] - timedelta(hours=8)
        elif status == "more_info":
            row["decided_at"] = row["submitted_at"] + timedelta(hours=rng.randrange(2, 48))
            row["decision_note"] = "Please add the customer's website and the products in scope."
            row["sla_due_at"] = None
        elif status in ("approved", "won", "lost", "rejected", "expired"):
            decided = row["submitted_at"] + timedelta(hours=rng.randrange(1, 72))
            row["decided_at"] = decided
            row["sla_due_at"] = None
            if status == "rejected":
                row["decision_note"] = "Customer already registered by another partner."
            else:
                ext = rng.choice((0, 0, 0, 1, 2))
                row["extensions_used"] = ext
                row["protected_until"] = decided + timedelta(days=90 + 30 * ext)
                if status in ("won", "lost"):
                    row["closed_at"] = decided + timedelta(days=rng.randrange(10, 90))
                elif status == "expired":
                    row["closed_at"] = row["protected_until"] + timedelta(hours=1)
        elif status == "withdrawn":
            row["closed_at"] = row["submitted_at"] + timedelta(days=rng.randrange(1, 30))
        deal_writer.add(row)
        if rng.random() < 0.4:
            for product_id in rng.sample(products[tenant_pk], rng.choice((1, 1, 2, 3))):
                link_id += 1
                link_writer.add({"id": link_id, "deal_id": deal_id, "productline_id": product_id})
    deal_writer.flush()
    link_writer.flush()
    t_copy = time.perf_counter()
    if pg:
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = DEFAULT")
            cursor.execute("SET maintenance_work_mem = '1GB'")
            for _, ddl in dropped:
                cursor.execute(ddl)
    t_index = time.perf_counter()
    reset_sequence(Deal)
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT setval(pg_get_serial_sequence(\'"{link_writer.table}"\', \'id\'), {max(link_id, 1)})'
                       if pg else "SELECT 1")
    if pg:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE) dealreg_deal")
            cursor.execute(f'VACUUM (ANALYZE) "{link_writer.table}"')
            cursor.execute("VACUUM (ANALYZE) partners_partner")
            cursor.execute("ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    t_end = time.perf_counter()
    print(f"  generated {len(plan):,} deals ({deal_writer.count:,} rows, {link_writer.count:,} product links, "
          f"{partner_writer.count:,} partners, {len(companies.names):,} distinct customers)")
    print(f"  time: plan {t_plan - t0:.1f}s, customers {t_companies - t_plan:.1f}s, "
          f"generate+{'COPY' if pg else 'INSERT'} {t_copy - t_companies:.1f}s, "
          f"indexes {t_index - t_copy:.1f}s ({len(dropped)} rebuilt), VACUUM ANALYZE {t_end - t_index:.1f}s")
    return t_end - t0


def make_users(rng):
    """Per tenant: a channel manager; per big tenant: a user of the largest and of a small partner."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from prm.tenancy.models import Membership, Role, Tenant

    User = get_user_model()
    world = []
    for tenant in Tenant.objects.filter(slug__startswith="bench").order_by("pk"):
        manager = User.objects.filter(email=f"manager@{tenant.slug}.example").first()
        if manager is None:
            manager = User.objects.create_user(email=f"manager@{tenant.slug}.example", full_name="Bench Manager")
            Membership.unscoped.create(tenant=tenant, user=manager, role=Role.CHANNEL_MANAGER)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT partner_id, count(*) FROM dealreg_deal WHERE tenant_id = %s GROUP BY partner_id "
                "ORDER BY count(*) DESC, partner_id", [tenant.pk])
            counts = cursor.fetchall()
        largest = counts[0]
        # "Small": the partner nearest to 30 deals (a page and a bit), or the smallest.
        small = min(counts[1:] or counts, key=lambda pc: (abs(pc[1] - 30), pc[0]))
        reps = {}
        for label, (partner_id, n) in (("largest", largest), ("small", small)):
            email = f"rep-{label}@{tenant.slug}.example"
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(email=email, full_name=f"Rep {label}")
                Membership.unscoped.create(tenant=tenant, user=user, role=Role.PARTNER_USER, partner_id=partner_id)
            reps[label] = (user, partner_id, n)
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*), count(*) FILTER (WHERE status = 'submitted') FROM dealreg_deal "
                           "WHERE tenant_id = %s", [tenant.pk])
            n_deals, n_submitted = cursor.fetchone()
        world.append({"tenant": tenant, "manager": manager, "reps": reps, "deals": n_deals, "submitted": n_submitted})
    return world


# --------------------------------------------------------------------------------------------
# Measuring
# --------------------------------------------------------------------------------------------

def pct(values, q):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = max(0, min(len(ordered) - 1, math.ceil(q / 100 * len(ordered)) - 1))
    return ordered[k]


class Stat:
    def __init__(self, label, times_ms):
        self.label, self.times = label, times_ms
        self.p50, self.p95 = pct(times_ms, 50), pct(times_ms, 95)
        self.mean = statistics.fmean(times_ms) if times_ms else float("nan")

    @staticmethod
    def ms(value, width=0):
        text = f"{value:.2f}" if value < 10 else f"{value:.1f}"
        return text.rjust(width)

    def __str__(self):
        return f"p50 {self.ms(self.p50, 7)} ms  p95 {self.ms(self.p95, 7)} ms  mean {self.ms(self.mean, 7)} ms"

    def short(self):
        return f"p50 {self.ms(self.p50)} ms  p95 {self.ms(self.p95)} ms"


def conflict_queries(world, rng, n):
    """A mix of what partners type: typo'd existing names, new names, known domains, free-mail contacts."""
    from django.db import connection

    from dealreg.conflicts import key_for

    per_tenant = {}
    for w in world:
        tenant = w["tenant"]
        if tenant.slug == "benchtiny":
            continue
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id FROM dealreg_deal WHERE tenant_id = %s AND status IN ('submitted', 'more_info', 'approved')",
                [tenant.pk])
            ids = [r[0] for r in cursor.fetchall()]
        picked = rng.sample(ids, min(len(ids), n))
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT customer_name, customer_website, contact_email, customer_domain, contact_email_domain "
                f"FROM dealreg_deal WHERE id IN ({', '.join(['%s'] * len(picked))})", picked)
            rows = cursor.fetchall()
        rng.shuffle(rows)
        per_tenant[tenant.pk] = (tenant, rows)
    gen = Companies(rng, 1)
    queries = []
    tenants = list(per_tenant.values())
    for i in range(n):
        tenant, rows = tenants[i % len(tenants)]
        name, website, email, domain, email_dom = rows[i % len(rows)]
        kind = ("typo", "new", "domain", "freemail")[i % 4]
        if kind == "typo":  # an existing customer, mistyped, no website, a free-mail contact
            q = dict(customer_name=typo(rng, name), customer_website="",
                     contact_email=f"someone{i}@{rng.choice(FREE_MAIL)}")
        elif kind == "new":  # a customer nobody registered, with its own (new) domain
            brand = "Qy" + gen.brand().lower() + gen.brand().lower()
            q = dict(customer_name=f"{brand} {rng.choice(INDUSTRIES)} {rng.choice(LEGAL_FORMS)}",
                     customer_website=f"https://www.{slug(brand)}.com", contact_email=f"jo@{slug(brand)}.com")
        elif kind == "domain":  # an existing customer with its website and a corporate email
            d = domain or email_dom or "example.com"
            q = dict(customer_name=name, customer_website=f"https://www.{d}/", contact_email=f"buyer@{d}")
        else:  # generic words, gmail contact, no website: name search only
            q = dict(customer_name=f"{rng.choice(REAL_WORDS)} {rng.choice(INDUSTRIES)} {rng.choice(LEGAL_FORMS)}",
                     customer_website="", contact_email=f"owner{i}@gmail.com")
        queries.append((kind, tenant, key_for(**q), domain or email_dom))
    return queries


def measure_conflicts(world, rng, samples):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dealreg.conflicts import _candidate_filter, active_registrations, find_conflicts
    from prm.tenancy.context import tenant_context

    with rlsmode.bench_setup():
        queries = conflict_queries(world, rng, samples)
    # Warm-up (plans, caches), not timed.
    for _kind, tenant, key, _ in queries[: min(20, len(queries))]:
        with tenant_context(tenant):
            find_conflicts(key)
    times, by_kind, candidates, matches, n_queries = [], {}, [], [], []
    for kind, tenant, key, _ in queries:
        with tenant_context(tenant):
            start = time.perf_counter()
            conflicts = find_conflicts(key)
            elapsed = (time.perf_counter() - start) * 1000
        times.append(elapsed)
        by_kind.setdefault(kind, []).append(elapsed)
        matches.append(len(conflicts))
    # Untimed: how many candidates the database handed over, and how many queries one check makes.
    for _kind, tenant, key, _ in queries:
        with tenant_context(tenant):
            candidates.append(active_registrations().filter(_candidate_filter(key)).count())
            with CaptureQueriesContext(connection) as ctx:
                find_conflicts(key)
            n_queries.append(len(ctx.captured_queries))

    # Baseline: a bare indexed lookup by domain, same tenants, raw cursor.
    base = []
    sql = ("SELECT id FROM dealreg_deal WHERE tenant_id = %s AND customer_domain = %s "
           "AND status IN ('submitted', 'more_info', 'approved') LIMIT 50")
    with connection.cursor() as cursor:
        for _, tenant, _, domain in queries[:10]:
            with tenant_context(tenant):  # as the app's statements run (with --rls on, under the policy)
                cursor.execute(sql, [tenant.pk, domain])
                cursor.fetchall()
        for _, tenant, _, domain in queries:
            with tenant_context(tenant):
                start = time.perf_counter()
                cursor.execute(sql, [tenant.pk, domain])
                cursor.fetchall()
                base.append((time.perf_counter() - start) * 1000)
    return {
        "stat": Stat("conflict check", times), "baseline": Stat("indexed lookup", base),
        "by_kind": {k: Stat(k, v) for k, v in by_kind.items()},
        "candidates": statistics.fmean(candidates), "candidates_max": max(candidates),
        "matches": statistics.fmean(matches), "matches_max": max(matches),
        "queries": (min(n_queries), max(n_queries)), "queries_list": queries,
    }


def client_for(user, tenant):
    from django.test import Client

    client = Client(HTTP_HOST=f"{tenant.slug}.localhost")
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def request(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"GET {url} answered {response.status_code}, not 200: the bench setup is wrong")
    return len(ctx.captured_queries), ctx.captured_queries, len(response.content)


def time_page(client, url, samples, warmup=3):
    for _ in range(warmup):
        client.get(url)
    times = []
    for _ in range(samples):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return Stat(url, times)


def measure_pages(world, samples):
    w = world[0]
    tenant = w["tenant"]
    tiny = next(x for x in world if x["tenant"].slug == "benchtiny")
    rep_user, rep_partner, rep_deals = w["reps"]["largest"]
    small_user, small_partner, small_deals = w["reps"]["small"]
    rep = client_for(rep_user, tenant)
    manager = client_for(w["manager"], tenant)
    last_page = max(1, math.ceil(rep_deals / 25))

    results = {"pages": [], "counts": []}
    pages = [
        ("baseline bench/ok (partner)", rep, "/bench/ok/"),
        ("baseline bench/ok (manager)", manager, "/bench/ok/"),
        ("portal deal list", rep, "/portal/deals/"),
        ("dashboard review queue", manager, "/manage/deals/queue/"),
        ("dashboard deal list", manager, "/manage/deals/"),
    ]
    for label, client, url in pages:
        n, _, size = request(client, url)
        stat = time_page(client, url, samples)
        results["pages"].append((label, url, stat, n, size))

    # Query counts at two data sizes.
    small = client_for(small_user, tenant)
    tiny_manager = client_for(tiny["manager"], tiny["tenant"])
    tiny_user, tiny_partner, tiny_deals = tiny["reps"]["largest"]
    tiny_rep = client_for(tiny_user, tiny["tenant"])
    comparisons = [
        ("portal deal list", [
            (f"largest partner, {rep_deals:,} deals, page 1", rep, "/portal/deals/"),
            (f"largest partner, page {last_page}", rep, f"/portal/deals/?page={last_page}"),
            (f"small partner, {small_deals:,} deals", small, "/portal/deals/"),
            (f"tiny tenant's partner, {tiny_deals:,} deals", tiny_rep, "/portal/deals/"),
        ]),
        ("dashboard review queue", [
            (f"{tenant.slug}: {w['submitted']:,} submitted", manager, "/manage/deals/queue/"),
            (f"benchtiny: {tiny['submitted']:,} submitted", tiny_manager, "/manage/deals/queue/"),
        ]),
        ("dashboard deal list", [
            (f"{tenant.slug}: {w['deals']:,} deals", manager, "/manage/deals/"),
            (f"{tenant.slug}: filtered to the small partner (another request: info only)", manager,
             f"/manage/deals/?partner={small_partner}"),
            (f"benchtiny: {tiny['deals']:,} deals", tiny_manager, "/manage/deals/"),
        ]),
    ]
    for label, variants in comparisons:
        rows = []
        for desc, client, url in variants:
            n, captured, _ = request(client, url)
            rows.append((desc, url, n, captured))
        results["counts"].append((label, rows))
    return results


def explain(world):
    """EXPLAIN ANALYZE of the queries behind the numbers (PostgreSQL, --explain)."""
    from django.db import connection

    from dealreg import matching

    tenant = world[0]["tenant"]
    rep_partner = world[0]["reps"]["largest"][1]
    with connection.cursor() as cursor:
        cursor.execute("SELECT customer_name_normalized, customer_domain FROM dealreg_deal WHERE tenant_id = %s "
                       "AND status = 'submitted' ORDER BY sla_due_at, id LIMIT 1", [tenant.pk])
        name, domain = cursor.fetchone()
        cursor.execute("SELECT set_limit(%s)", [matching.NAME_SIMILARITY_THRESHOLD - 1e-4])
        statements = [
            ("conflict candidates (name %% + domains)",
             "SELECT id, customer_name_normalized, customer_domain, contact_email_domain FROM dealreg_deal "
             "WHERE tenant_id = %s AND status IN ('submitted', 'more_info', 'approved') "
             "AND NOT (status = 'approved' AND protected_until <= now() AND protected_until IS NOT NULL) "
             "AND (customer_domain = %s OR contact_email_domain = %s OR customer_name_normalized %% %s)",
             [tenant.pk, domain or "-", domain or "-", name]),
            ("dashboard list: count", "SELECT count(*) FROM dealreg_deal WHERE tenant_id = %s", [tenant.pk]),
            ("dashboard list: page 1",
             "SELECT id FROM dealreg_deal WHERE tenant_id = %s ORDER BY created_at DESC LIMIT 25", [tenant.pk]),
            ("portal list: count", "SELECT count(*) FROM dealreg_deal WHERE tenant_id = %s AND partner_id = %s",
             [tenant.pk, rep_partner]),
            ("portal list: page 1", "SELECT id FROM dealreg_deal WHERE tenant_id = %s AND partner_id = %s "
             "ORDER BY created_at DESC LIMIT 25", [tenant.pk, rep_partner]),
            ("queue: page", "SELECT id FROM dealreg_deal WHERE tenant_id = %s AND status = 'submitted' "
             "ORDER BY sla_due_at, id LIMIT 25", [tenant.pk]),
        ]
        for label, sql, params in statements:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            print(f"\n  -- {label}")
            for (line,) in cursor.fetchall():
                print("    " + line)


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------

def report(conf, pages, load_seconds):
    print("\n== Conflict check (find_conflicts inside tenant_context) ==")
    print(f"  all {len(conf['stat'].times)} checks   {conf['stat']}")
    for kind, stat in conf["by_kind"].items():
        print(f"    {kind:<9} ({len(stat.times):>3})  {stat}")
    print(f"  baseline indexed lookup {conf['baseline']}")
    lo, hi = conf["queries"]
    print(f"  candidates from the database: mean {conf['candidates']:.1f}, max {conf['candidates_max']}; "
          f"matches: mean {conf['matches']:.1f}, max {conf['matches_max']}; SQL queries per check: {lo}–{hi}")

    print("\n== Pages (django.test.Client, same middleware stack, DEBUG=False) ==")
    for label, url, stat, n, size in pages["pages"]:
        print(f"  {label:<28} {url:<22} {stat}  {n:>3} queries  {size / 1024:6.1f} KiB")

    print("\n== SQL queries per page at two data sizes ==")
    for label, rows in pages["counts"]:
        print(f"  {label}")
        for desc, url, n, _ in rows:
            print(f"    {n:>4} queries  {desc}  ({url})")

    # Compact table and goals.
    base = {label: stat for label, _, stat, _, _ in pages["pages"] if label.startswith("baseline")}
    b_partner, b_manager = base["baseline bench/ok (partner)"], base["baseline bench/ok (manager)"]
    print("\n== Summary ==")
    if load_seconds is not None:
        print(f"{'data load':<24} {load_seconds:8.1f} s")
    print(f"{'conflict check':<24} {conf['stat'].short():<34} | baseline indexed lookup {conf['baseline'].short()}")
    for label, url, stat, n, _ in pages["pages"]:
        if label.startswith("baseline"):
            continue
        b = b_partner if url.startswith("/portal") else b_manager
        print(f"{label:<24} {stat.short():<34} | baseline bench/ok {b.short()}   ({n} queries)")

    print("\n== Goals ==")
    ok = conf["stat"].p95 < CONFLICT_GOAL_MS
    print(f"{'PASS' if ok else 'MISS'}  conflict check p95 < {CONFLICT_GOAL_MS:.0f} ms: {conf['stat'].p95:.1f} ms")
    for label, _url, stat, _n, _ in pages["pages"]:
        if label.startswith("baseline"):
            continue
        ok = stat.p95 < PAGE_GOAL_MS
        print(f"{'PASS' if ok else 'MISS'}  {label} p95 < {PAGE_GOAL_MS:.0f} ms: {stat.p95:.1f} ms")
    for label, rows in pages["counts"]:
        counts = [n for desc, _, n, _ in rows if "info only" not in desc]
        ok = len(set(counts)) == 1
        detail = " vs ".join(str(n) for n in counts)
        print(f"{'PASS' if ok else 'MISS'}  {label}: query count independent of the number of deals ({detail})")


def queue_breakdown(pages):
    """Which statements the review queue repeats per row (shown when its counts differ)."""
    for label, rows in pages["counts"]:
        if label != "dashboard review queue":
            continue
        _, _, n, captured = rows[0]
        kinds = {}
        for q in captured:
            sql = q["sql"]
            key = ("set_limit" if "set_limit" in sql else
                   "conflict candidates" if 'SELECT "dealreg_deal"."id" AS "pk"' in sql else
                   "conflicting deals + partner" if 'INNER JOIN "partners_partner"' in sql and '"dealreg_deal"."id" IN' in sql else
                   "products of deals" if "dealreg_deal_products" in sql else "other")
            kinds[key] = kinds.get(key, 0) + 1
        print(f"\n  review queue, {n} queries: " + ", ".join(f"{k} ×{v}" for k, v in sorted(kinds.items(), key=lambda kv: -kv[1])))


def print_load(when):
    """Timings are only comparable on a quiet machine: say how busy it was."""
    load1, load5, _ = os.getloadavg()
    cores = os.cpu_count() or 1
    note = "" if load1 <= cores * 0.75 else f"  (busy: above {cores} cores' worth; latencies are inflated, compare with the baselines)"
    print(f"load average {when}: {load1:.1f} (1 min), {load5:.1f} (5 min) on {cores} cores{note}")


def main(argv=None):
    args = parse_args(argv)
    db = BenchDatabase(args)
    rng = random.Random(args.seed)
    print(f"bench/dealreg.py: {args.deals:,} deals, {args.partners:,} partners, {args.tenants} tenants, "
          f"{args.samples} samples; {db.label}")
    print_load("at start")
    if args.reuse and not db.exists():
        sys.exit(f"--reuse: database {args.db_name} does not exist (run once with --keep)")
    if not args.reuse:
        db.create()
    setup_django(db)
    from django.core.management import call_command
    from django.db import connection

    load_seconds = None
    try:
        if not args.reuse:
            start = time.perf_counter()
            call_command("migrate", verbosity=0, interactive=False)
            print(f"migrated in {time.perf_counter() - start:.1f}s; loading…")
            with rlsmode.as_owner():
                load_seconds = load(args, db, rng)
            print(f"data loaded in {load_seconds:.1f}s")
        rlsmode.grant_app_role()
        print(f"row-level security: {args.rls}" + (f" (measured as {connection.settings_dict['USER']})"
                                                   if connection.vendor == "postgresql" else " (SQLite)"))
        with rlsmode.bench_setup():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('dealreg_deal')), "
                                   "(SELECT count(*) FROM dealreg_deal)")
                    size, n = cursor.fetchone()
                print(f"dealreg_deal: {n:,} rows, {size} with indexes")
            world = make_users(rng)
        for w in world:
            print(f"  tenant {w['tenant'].slug}: {w['deals']:,} deals, {w['submitted']:,} submitted; "
                  f"largest partner {w['reps']['largest'][2]:,} deals, small partner {w['reps']['small'][2]:,}")

        print("\nmeasuring the conflict check…", flush=True)
        conf = measure_conflicts(world, rng, args.samples)
        print("measuring pages…", flush=True)
        pages = measure_pages(world, args.page_samples)
        print_load("after measuring")
        report(conf, pages, load_seconds)
        queue_breakdown(pages)
        if args.explain and connection.vendor == "postgresql":
            from prm.tenancy.context import tenant_context

            with tenant_context(world[0]["tenant"]):  # the plans as the app's statements get them
                explain(world)
    finally:
        if args.keep:
            print(f"\nkept {db.label} (--reuse to measure it again; DROP DATABASE {args.db_name} when done)")
        else:
            connection.close()
            db.drop()
            print(f"\ndropped {db.label}")


if __name__ == "__main__":
    main()
