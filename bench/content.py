#!/usr/bin/env python
"""The content library at scale: the portal's list (and the dashboard's) with 20,000 items.

    .venv/bin/python bench/content.py                                 # SQLite, a temporary file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/content.py [--rls on|off]              # PostgreSQL, its own database

One program with --items items (20,000) of mixed visibility: 50 % for all partners, 20 % for one or
two tiers, 15 % for business types, 15 % named for a few of --partners partners (300); a tenth
expired, a twentieth not published yet; file items with one to three versions, links without;
--downloads downloads (50,000) spread over the items. A Gold reseller's rep and a channel manager
are timed through django.test.Client and the whole middleware stack (DEBUG=False):

- `bench/ok/` (bench/bench_urls.py): the fixed cost of any request;
- the portal list: first page, a search, a category filter, "new since my last visit", page 40;
- an item's portal page; the dashboard list with usage figures and "what nobody opens";

then the SQL query count of the portal list in this program and in a program with 5 items (the
goal: equal). Goal: the portal list p95 < 150 ms. Figures are printed with PASS/MISS; nothing is
asserted.
"""

import argparse
import random
import sys
import time
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import rlsmode  # bench/, beside this script
from ladder import tier_ids  # bench/, beside this script
from pgserver import POSTGRES_SCHEMES  # noqa: F401 — bench/, beside this script (BenchDatabase uses it)

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from bench.dealreg import BenchDatabase, client_for, print_load, request, setup_django, time_page  # noqa: E402

PAGE_GOAL_MS = 150.0
CATEGORIES = ["sales", "price_lists", "training", "campaign_kits", "logos"]
LANGUAGES = ["", "", "en", "de", "fr"]
PRODUCT_LINES = ["Firewalls", "Switches", "Routers", "Wi-Fi", "Cloud", "Storage", "Security", "Services"]
TYPES = ["reseller", "integrator", "msp", "referral", "other"]
WORDS = ["price", "list", "deck", "campaign", "kit", "brochure", "datasheet", "webinar", "logo", "guide", "spring",
         "autumn", "partner", "training", "case", "study", "battlecard", "quote", "template", "overview"]


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    p.add_argument("--items", type=int, default=20_000, help="items in the program (default 20,000)")
    p.add_argument("--partners", type=int, default=300, help="partners in the program (default 300)")
    p.add_argument("--downloads", type=int, default=50_000, help="downloads recorded (default 50,000)")
    p.add_argument("--samples", type=int, default=200, help="timed requests per page (default 200)")
    p.add_argument("--db-name", default="prm_bench_content", help="PostgreSQL database made for the run")
    p.add_argument("--keep", action="store_true", help="do not drop the database at the end")
    p.add_argument("--seed", type=int, default=20261202)
    rlsmode.add_option(p)
    return p.parse_args(argv)


# --------------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------------

def _people(tenant, partner, email, role):
    from django.contrib.auth import get_user_model

    from prm.tenancy.models import Membership

    user = get_user_model().objects.create_user(email=email, full_name=email.split("@")[0])
    Membership.objects.create(tenant=tenant, user=user, partner=partner, role=role)
    return user


def _library(tenant, n, partners, tiers, rng, now, manager_user):
    """n items of mixed visibility, their versions, tiers and named partners, in bulk."""
    from partners.content.models import ContentItem, ContentPartner, ContentTier, ContentVersion

    items, plan = [], []
    for i in range(n):
        r = rng.random()
        visibility = "all" if r < 0.5 else "tiers" if r < 0.7 else "types" if r < 0.85 else "partners"
        published = now - timedelta(minutes=rng.randrange(60, 720 * 24 * 60))
        s = rng.random()
        if s < 0.05:
            published = now + timedelta(days=rng.randrange(1, 60))
        expires = published + timedelta(days=rng.randrange(1, 30)) if 0.05 <= s < 0.15 else None
        kind = "link" if rng.random() < 0.1 else "file"
        title = " ".join(rng.choice(WORDS) for _ in range(rng.randrange(2, 6))).capitalize() + f" {i}"
        items.append(ContentItem(
            tenant=tenant, title=title, description=f"About {title.lower()}, for partners selling it.",
            category=rng.choice(CATEGORIES), language=rng.choice(LANGUAGES),
            product_lines=", ".join(rng.sample(PRODUCT_LINES, rng.randrange(0, 3))), kind=kind,
            url="https://example.com/" if kind == "link" else "", visibility=visibility,
            business_types=rng.sample(TYPES, rng.randrange(1, 3)) if visibility == "types" else [],
            publish_at=published, expires_at=expires, news_at=published, created_by=manager_user))
        plan.append(visibility)
    ContentItem.objects.bulk_create(items, batch_size=2000)
    items = list(ContentItem.objects.order_by("pk"))
    tier_links, partner_links, versions = [], [], []
    tier_list = list(tiers.values())
    for item, visibility in zip(items, plan, strict=True):
        if visibility == "tiers":
            for tier_id in rng.sample(tier_list, rng.randrange(1, 3)):
                tier_links.append(ContentTier(tenant=tenant, item_id=item.pk, tier_id=tier_id))
        elif visibility == "partners":
            for partner in rng.sample(partners, rng.randrange(1, 4)):
                partner_links.append(ContentPartner(tenant=tenant, item_id=item.pk, partner_id=partner.pk))
        if item.kind == "file":
            for number in range(1, rng.choice((1, 1, 1, 2, 3)) + 1):
                versions.append(ContentVersion(
                    tenant=tenant, item=item, number=number, file=f"content/{tenant.pk}/{item.pk}/v{number}-bench",
                    filename=f"item-{item.pk}.pdf", size=rng.randrange(20_000, 5_000_000), content_type="application/pdf",
                    sha256="0" * 64, note="" if number == 1 else "Updated figures",
                    created_at=min(now, item.publish_at + timedelta(days=number - 1))))
    ContentTier.objects.bulk_create(tier_links, batch_size=5000)
    ContentPartner.objects.bulk_create(partner_links, batch_size=5000)
    ContentVersion.objects.bulk_create(versions, batch_size=5000)
    latest = {}
    for version in ContentVersion.objects.order_by("item_id", "number").values("pk", "item_id", "number", "created_at"):
        latest[version["item_id"]] = version
    for item in items:
        version = latest.get(item.pk)
        if version is not None:
            item.current_version_id = version["pk"]
            if version["number"] > 1:
                item.news_at = max(item.publish_at, version["created_at"])
    ContentItem.objects.bulk_update(items, ["current_version", "news_at"], batch_size=2000)
    return items, len(versions)


def load(args, rng):
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from partners.content.models import ContentDownload, ContentItem, ContentVisit
    from partners.models import Partner
    from prm.tenancy.context import tenant_context
    from prm.tenancy.models import Membership, Role, Tenant

    User = get_user_model()
    now = timezone.now()
    start = time.perf_counter()
    world = {}
    for slug, n_items, n_partners in (("benchcontent", args.items, args.partners), ("benchcontenttiny", 5, 3)):
        tenant = Tenant.objects.create(slug=slug, name=f"Bench {slug}", currency="USD", time_zone="Europe/Berlin")
        with tenant_context(tenant):
            tiers = tier_ids(tenant)
            manager_user = User.objects.create_user(email=f"manager@{slug}.example", full_name="Bench Manager")
            Membership.objects.create(tenant=tenant, user=manager_user, role=Role.CHANNEL_MANAGER)
            Partner.objects.bulk_create([
                Partner(tenant=tenant, name=f"Partner {i + 1}", status="active", tier_id=rng.choice(list(tiers.values())),
                        business_type=rng.choice(TYPES)) for i in range(n_partners)])
            partners = list(Partner.objects.order_by("pk"))
            ours = partners[0]
            Partner.objects.filter(pk=ours.pk).update(tier_id=tiers["Gold"], business_type="reseller")
            rep = _people(tenant, ours, f"rep@{slug}.example", Role.PARTNER_USER)
            items, n_versions = _library(tenant, n_items, partners, tiers, rng, now, manager_user)
            n_downloads = args.downloads if slug == "benchcontent" else 5
            users = [rep, *(_people(tenant, p, f"user@p{p.pk}.example", Role.PARTNER_USER) for p in partners[1:20])]
            live = list(ContentItem.objects.filter(publish_at__lte=now).values_list("pk", "current_version_id"))
            member_partner = {rep.pk: ours.pk}
            member_partner.update({u.pk: p.pk for u, p in zip(users[1:], partners[1:20], strict=True)})
            rows = []
            for _ in range(n_downloads):
                item_id, version_id = rng.choice(live[: max(1, len(live) * 2 // 3)])  # a third is never opened
                user = rng.choice(users)
                rows.append(ContentDownload(tenant=tenant, item_id=item_id, version_id=version_id, user=user,
                                            partner_id=member_partner[user.pk],
                                            at=now - timedelta(minutes=rng.randrange(1, 365 * 24 * 60))))
            ContentDownload.objects.bulk_create(rows, batch_size=5000)
            # The rep's last visit ended two weeks ago: "new since my last visit" has something to find.
            ContentVisit.objects.create(tenant=tenant, user=rep, seen_at=now - timedelta(days=14))
        world[slug] = SimpleNamespace(tenant=tenant, rep=rep, partner=ours, manager=manager_user, items=items)
        print(f"{slug}: {len(items):,} items, {n_versions:,} versions, {n_partners} partners, {n_downloads:,} downloads")
    print(f"loaded in {time.perf_counter() - start:.1f}s")
    return world


# --------------------------------------------------------------------------------------------
# Measuring
# --------------------------------------------------------------------------------------------

def measure(args, world):
    from partners.content.selectors import visible_items
    from partners.models import Partner
    from prm.tenancy.context import tenant_context

    big, tiny = world["benchcontent"], world["benchcontenttiny"]
    rep, manager = client_for(big.rep, big.tenant), client_for(big.manager, big.tenant)
    with tenant_context(big.tenant):
        partner = Partner.objects.get(pk=big.partner.pk)
        visible = visible_items(partner).count()
        some_item = visible_items(partner).order_by("-news_at").values_list("pk", flat=True)[10]
    pages = [
        ("baseline bench/ok (partner)", rep, "/bench/ok/"),
        ("portal list, first page", rep, "/portal/content/"),
        ("portal list, search \"price list\"", rep, "/portal/content/?q=price+list"),
        ("portal list, category price lists", rep, "/portal/content/?category=price_lists"),
        ("portal list, language de + product line", rep, "/portal/content/?language=de&product_line=Firewalls"),
        ("portal list, new since last visit", rep, "/portal/content/?new=on"),
        ("portal list, page 40 (the last of a capped count)", rep, "/portal/content/?page=40"),
        ("portal item page", rep, f"/portal/content/{some_item}/"),
        ("baseline bench/ok (manager)", manager, "/bench/ok/"),
        ("dashboard list with usage", manager, "/manage/content/"),
        ("dashboard: what nobody opens", manager, "/manage/content/unused/"),
    ]
    results = {"visible": visible, "pages": []}
    for label, client, url in pages:
        queries, _, size = request(client, url)
        results["pages"].append((label, time_page(client, url, args.samples, warmup=5), queries, size))
    _, captured, _ = request(rep, "/portal/content/")
    results["slowest"] = sorted(captured, key=lambda q: -float(q["time"]))[:5]
    results["big_queries"] = request(rep, "/portal/content/")[0]
    tiny_rep = client_for(tiny.rep, tiny.tenant)
    request(tiny_rep, "/portal/content/")  # its first visit writes the visit row; count a later one, like the big one's
    results["tiny_queries"] = request(tiny_rep, "/portal/content/")[0]
    return results


def report(args, results):
    print(f"\n== {args.items:,} items; the Gold reseller's rep sees {results['visible']:,} of them "
          f"(django.test.Client, DEBUG=False) ==")
    for label, stat, queries, size in results["pages"]:
        print(f"  {label:<44} {stat}  {queries:>3} queries  {size / 1024:6.1f} KiB")
    print("\n== The portal list's slowest statements (one request) ==")
    for q in results["slowest"]:
        print(f"  {float(q['time']) * 1000:7.1f} ms  {q['sql'][:150]}")
    print("\n== Goals ==")
    portal = [(label, stat) for label, stat, _, _ in results["pages"] if label.startswith("portal list")]
    first = portal[0][1]
    worst_label, worst = max(portal, key=lambda pair: pair[1].p95)
    print(f"{'PASS' if first.p95 < PAGE_GOAL_MS else 'MISS'}  portal content list p95 < {PAGE_GOAL_MS:.0f} ms: "
          f"{first.p95:.1f} ms (slowest variant: {worst_label}, p95 {worst.p95:.1f} ms)")
    flat = results["big_queries"] == results["tiny_queries"]
    print(f"{'PASS' if flat else 'MISS'}  query count independent of the library's size "
          f"({results['big_queries']} with {args.items:,} items vs {results['tiny_queries']} with 5)")


def main(argv=None):
    args = parse_args(argv)
    db = BenchDatabase(SimpleNamespace(small=True, db_name=args.db_name, rls=args.rls))
    rng = random.Random(args.seed)
    print(f"bench/content.py: {args.items:,} items, {args.partners} partners, {args.downloads:,} downloads, "
          f"{args.samples} samples; {db.label}")
    print_load("at start")
    db.create()
    setup_django(db)
    from django.core.management import call_command
    from django.db import connection

    try:
        call_command("migrate", verbosity=0, interactive=False)
        with rlsmode.as_owner():
            world = load(args, rng)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("VACUUM ANALYZE")
        rlsmode.grant_app_role()
        print(f"row-level security: {args.rls}" + (f" (measured as {connection.settings_dict['USER']})"
                                                   if connection.vendor == "postgresql" else " (SQLite)"))
        results = measure(args, world)
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
