"""Demo deals: every state of the lifecycle in both programs, made through the services so
timelines and emails are real.

Contoso holds an approved registration for Fabrikam, so a Northwind rep who registers Fabrikam
sees the "already registered" warning. The expired deals were approved long ago: their dates and
timelines are moved into the past before the protection sweep's service expires them. Globex runs
its program in German, so its people's notes are German too.
"""

import random
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from partners.models import Partner
from partners.tiers.models import Tier
from prm.audit.models import AuditEvent
from prm.tenancy.context import tenant_context
from prm.tenancy.models import Tenant

from . import services
from .models import Deal, ProductLine
from .rules import rules_for

PRODUCT_LINES = ["Switches", "Routers", "Firewalls", "Wi-Fi", "SD-WAN", "Support contracts"]
CUSTOMERS = [
    ("Fabrikam, Inc.", "fabrikam.example", "US"), ("Tailspin Toys", "tailspintoys.example", "US"),
    ("Wide World Importers", "wideworldimporters.example", "GB"), ("Adventure Works Cycles", "adventure-works.example", "DE"),
    ("Litware, Inc.", "litware.example", "US"), ("Proseware GmbH", "proseware.example", "DE"),
    ("Woodgrove Bank", "woodgrovebank.example", "GB"), ("Coho Winery", "cohowinery.example", "FR"),
    ("Lucerne Publishing", "lucernepublishing.example", "CH"), ("Margie's Travel", "margiestravel.example", "ES"),
    ("Trey Research", "treyresearch.example", "NL"), ("Alpine Ski House", "alpineskihouse.example", "AT"),
    ("Blue Yonder Airlines", "blueyonderairlines.example", "US"), ("City Power & Light", "cpandl.example", "US"),
    ("Graphic Design Institute", "graphicdesigninstitute.example", "CA"), ("Humongous Insurance", "humongousinsurance.example", "US"),
    ("Northwind Health", "northwindhealth.example", "US"), ("School of Fine Art", "fineartschool.example", "IT"),
]
# Per program: the channel manager who decides, the partner users who register, the words the
# manager writes, and the deals as (customer index, partner name, final state).
PROGRAMS = {
    "acme": {
        "manager": "manager@acme.example",
        "reps": {"Northwind Traders": "rep@northwind.example", "Contoso Integration": "rep@contoso.example"},
        "question": "Which sites are in scope, and who is the decision maker?",
        "reason": "Our direct team has been working this account since last year.",
        "plan": [
            (0, "Contoso Integration", "approved"), (1, "Northwind Traders", "approved"), (2, "Northwind Traders", "submitted"),
            (3, "Northwind Traders", "draft"), (4, "Northwind Traders", "more_info"), (5, "Northwind Traders", "won"),
            (6, "Northwind Traders", "rejected"), (7, "Contoso Integration", "submitted"), (8, "Contoso Integration", "lost"),
            (9, "Contoso Integration", "withdrawn"), (2, "Contoso Integration", "submitted"), (10, "Northwind Traders", "expired"),
        ],
    },
    "globex": {
        "manager": "manager@globex.example",
        "reps": {"Initech Solutions": "rep@initech.example"},
        "question": "Welche Standorte gehören zum Projekt, und wer entscheidet beim Kunden?",
        "reason": "Unser Direktvertrieb betreut diesen Kunden bereits seit dem letzten Jahr.",
        "plan": [
            (3, "Initech Solutions", "submitted"), (11, "Initech Solutions", "won"), (5, "Initech Solutions", "approved"),
            (8, "Initech Solutions", "more_info"), (16, "Initech Solutions", "draft"), (13, "Initech Solutions", "rejected"),
            (17, "Initech Solutions", "lost"), (12, "Initech Solutions", "withdrawn"), (15, "Initech Solutions", "expired"),
        ],
    },
}
EXPIRED_AGO = timedelta(days=10)  # an expired deal's protection ended this long before the demo was loaded


def _actor(email):
    return get_user_model().objects.get(email=email)


def _drive(deal, state, manager, rep, program):
    if state == "draft":
        return
    services.deal_submit(deal=deal, actor=rep)
    if state == "submitted":
        return
    if state == "more_info":
        services.deal_request_info(deal=deal, actor=manager, question=program["question"])
    elif state == "rejected":
        services.deal_reject(deal=deal, actor=manager, reason=program["reason"])
    elif state == "withdrawn":
        services.deal_withdraw(deal=deal, actor=rep)
    else:
        services.deal_approve(deal=deal, actor=manager)
        if state == "won":
            services.deal_mark_won(deal=deal, actor=rep)
        elif state == "lost":
            services.deal_mark_lost(deal=deal, actor=rep)
        elif state == "expired":
            _move_into_the_past(deal)
            services.deal_expire(deal=Deal.objects.get(pk=deal.pk))


def _move_into_the_past(deal):
    """Shift an approved deal's dates and timeline back so that its protection ended EXPIRED_AGO ago."""
    deal = Deal.objects.get(pk=deal.pk)
    shift = deal.protected_until - timezone.now() + EXPIRED_AGO
    moments = ("created_at", "submitted_at", "sla_due_at", "decided_at", "protected_until")
    Deal.objects.filter(pk=deal.pk).update(expected_close_date=deal.expected_close_date - shift,
                                           **{name: getattr(deal, name) - shift for name in moments if getattr(deal, name)})
    AuditEvent.objects.filter(target_type=Deal._meta.label_lower, target_id=str(deal.pk)).update(created_at=F("created_at") - shift)


def _deals(tenant, program):
    """Register and drive the plan's deals not there yet; returns the ids of the plan's won deals."""
    manager = _actor(program["manager"])
    reps = {name: _actor(email) for name, email in program["reps"].items()}
    products = list(ProductLine.objects.order_by("name"))
    rng = random.Random(f"{tenant.slug}-deals")
    won = []
    for index, partner_name, state in program["plan"]:
        name, domain, country = CUSTOMERS[index]
        # Drawn for every deal, so each deal keeps its values whichever deals already exist.
        chosen, value, days = rng.sample(products, 2), Decimal(rng.randrange(8, 250) * 1000), rng.randrange(20, 150)
        partner = Partner.objects.get(name=partner_name)
        existing = Deal.objects.filter(partner=partner, customer_name=name).first()
        if existing is not None:
            won += [existing.pk] if state == "won" else []
            continue
        deal = services.deal_create(
            partner=partner, actor=reps[partner_name], products=chosen,
            customer_name=name, customer_website=f"https://www.{domain}", customer_country=country,
            contact_name="Jordan Lee", contact_email=f"jordan.lee@{domain}",
            value=value, currency=tenant.currency, expected_close_date=date.today() + timedelta(days=days), notes="",
        )
        _drive(deal, state, manager, reps[partner_name], program)
        won += [deal.pk] if state == "won" else []
    return won


@transaction.atomic
def load_deal_demo() -> dict[str, list[int]]:
    """Idempotent. Returns each program's won demo deals' ids ({slug: [id, ...]}), for the survey demo."""
    won = {}
    for slug, program in PROGRAMS.items():
        tenant = Tenant.objects.get(slug=slug)
        with tenant_context(tenant):
            for name in PRODUCT_LINES:
                ProductLine.objects.get_or_create(name=name, defaults={"tenant": tenant})
            rules = rules_for(tenant)
            if slug == "acme" and not rules.auto_approve_tiers.exists():
                rules.minimum_value = Decimal("5000")
                rules.save()
                rules.auto_approve_tiers.set(Tier.objects.filter(name="Gold"))
            won[slug] = _deals(tenant, program)
    return won
