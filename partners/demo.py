"""Demo data: two tenants, their staff, dozens of partners, and the partner users of the README
(Acme: Northwind Traders and Contoso Integration; Globex: Initech Solutions)."""

import random
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import transaction

from prm.tenancy.context import tenant_context
from prm.tenancy.models import Membership, Role, Tenant

from .domains import domain_from_website
from .models import Partner, PartnerStatus
from .tiers.models import Tier

DEMO_PASSWORD = "prm-demo-2026"

# Globex runs its program in German: its people see German unless they choose otherwise.
TENANTS = [
    ("acme", "Acme Networks", "USD", "America/New_York", ""),
    ("globex", "Globex Systems", "EUR", "Europe/Berlin", "de"),
]

NAMED_PARTNERS = {
    "acme": [
        ("Northwind Traders", "Gold", "US", "https://www.northwind.example", "Nancy Davolio", "admin@northwind.example"),
        ("Contoso Integration", "Silver", "GB", "https://contoso.example", "Rita Rep", "rep@contoso.example"),
    ],
    "globex": [("Initech Solutions", "Gold", "DE", "https://initech.example", "Peter Gibbons", "admin@initech.example")],
}

PREFIXES = ["Blue", "North", "Summit", "Harbor", "Pioneer", "Granite", "Silverline", "Redwood", "Atlas", "Beacon",
            "Cedar", "Delta", "Evergreen", "Falcon", "Horizon", "Ironbridge", "Juniper", "Keystone", "Lighthouse", "Meridian"]
SUFFIXES = ["Networks", "IT Services", "Integration", "Consulting", "Systems", "Solutions", "Data", "Cloud"]
TIERS = ["Gold", "Silver", "Silver", "Registered", "Registered", "Registered"]
# name, rank, colour, discount %, protection days (None: the rules' default), MDF accrual %, points multiplier
TIER_LADDER = [
    ("Registered", 1, "#6b7280", "0", None, "0", "1"),
    ("Silver", 2, "#8a8f98", "10", None, "1", "1.25"),
    ("Gold", 3, "#b8860b", "20", 120, "2", "1.5"),
]
COUNTRIES = ["US", "CA", "GB", "DE", "FR", "NL", "ES", "IT", "SE", "AU", "JP", "BR", "IN", "MX", "PL"]

USERS = [
    ("admin@acme.example", "Ada Admin", "acme", Role.TENANT_ADMIN, None),
    ("manager@acme.example", "Max Manager", "acme", Role.CHANNEL_MANAGER, None),
    ("manager@globex.example", "Greta Manager", "globex", Role.CHANNEL_MANAGER, None),
    ("admin@globex.example", "Gus Admin", "globex", Role.TENANT_ADMIN, None),
    ("admin@northwind.example", "Nancy Davolio", "acme", Role.PARTNER_ADMIN, "Northwind Traders"),
    ("rep@northwind.example", "Robert King", "acme", Role.PARTNER_USER, "Northwind Traders"),
    ("rep@contoso.example", "Rita Rep", "acme", Role.PARTNER_USER, "Contoso Integration"),
    ("admin@initech.example", "Peter Gibbons", "globex", Role.PARTNER_ADMIN, "Initech Solutions"),
    ("rep@initech.example", "Samira Nagel", "globex", Role.PARTNER_USER, "Initech Solutions"),
]


def _user(email, full_name, superuser=False):
    User = get_user_model()
    user, created = User.objects.get_or_create(
        email=email, defaults={"full_name": full_name, "is_superuser": superuser, "is_staff": superuser}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


def _partners(tenant, count, seed):
    rng = random.Random(seed)
    for name, tier, country, website, contact, email in NAMED_PARTNERS[tenant.slug]:
        yield name, tier, country, website, contact, email, PartnerStatus.ACTIVE
    names = [f"{p} {s}" for p in PREFIXES for s in SUFFIXES]
    rng.shuffle(names)
    for name in names[:count]:
        slug = name.lower().replace(" ", "")
        status = rng.choices([PartnerStatus.ACTIVE, PartnerStatus.ONBOARDING, PartnerStatus.INACTIVE], [80, 15, 5])[0]
        yield (name, rng.choice(TIERS), rng.choice(COUNTRIES), f"https://www.{slug}.example",
               f"Contact at {name}", f"partners@{slug}.example", status)


def _tiers(tenant) -> dict[str, Tier]:
    tiers = {}
    for name, rank, colour, discount, protection, accrual, multiplier in TIER_LADDER:
        tiers[name], _ = Tier.objects.get_or_create(name=name, defaults=dict(
            tenant=tenant, rank=rank, colour=colour, discount_percent=Decimal(discount), protection_days=protection,
            mdf_accrual_percent=Decimal(accrual), points_multiplier=Decimal(multiplier)))
    return tiers


@transaction.atomic
def load_demo(stdout=None):
    """Idempotent: running it again changes nothing that is already there."""
    _user("operator@prm.example", "Platform Operator", superuser=True)
    for (slug, name, currency, tz, language), count, seed in zip(TENANTS, (46, 24), (1, 2)):
        tenant, _ = Tenant.objects.get_or_create(
            slug=slug, defaults={"name": name, "currency": currency, "time_zone": tz, "default_language": language})
        with tenant_context(tenant):
            tiers = _tiers(tenant)
            for pname, tier, country, website, contact, email, status in _partners(tenant, count, seed):
                Partner.objects.get_or_create(
                    name=pname,
                    defaults=dict(tenant=tenant, tier=tiers[tier], country=country, website=website, domain=domain_from_website(website),
                                  primary_contact_name=contact, primary_contact_email=email, status=status),
                )
    for email, full_name, slug, role, partner_name in USERS:
        tenant = Tenant.objects.get(slug=slug)
        with tenant_context(tenant):
            partner = Partner.objects.get(name=partner_name) if partner_name else None
            Membership.objects.get_or_create(tenant=tenant, user=_user(email, full_name), defaults={"role": role, "partner": partner})
