"""Demo deals: every state of the lifecycle, made through the services so timelines are real.

Contoso holds an approved registration for Fabrikam, so a Northwind rep who registers Fabrikam
sees the "already registered" warning.
"""

import random
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from partners.models import Partner
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
# (customer index, partner name, final state)
PLAN = [
    (0, "Contoso Integration", "approved"), (1, "Northwind Traders", "approved"), (2, "Northwind Traders", "submitted"),
    (3, "Northwind Traders", "draft"), (4, "Northwind Traders", "more_info"), (5, "Northwind Traders", "won"),
    (6, "Northwind Traders", "rejected"), (7, "Contoso Integration", "submitted"), (8, "Contoso Integration", "lost"),
    (9, "Contoso Integration", "withdrawn"), (2, "Contoso Integration", "submitted"),
]


def _actor(email):
    return get_user_model().objects.get(email=email)


def _drive(deal, state, manager, rep):
    if state == "draft":
        return
    services.deal_submit(deal=deal, actor=rep)
    if state == "submitted":
        return
    if state == "more_info":
        services.deal_request_info(deal=deal, actor=manager, question="Which sites are in scope, and who is the decision maker?")
    elif state == "rejected":
        services.deal_reject(deal=deal, actor=manager, reason="Our direct team has been working this account since last year.")
    elif state == "withdrawn":
        services.deal_withdraw(deal=deal, actor=rep)
    else:
        services.deal_approve(deal=deal, actor=manager)
        if state == "won":
            services.deal_mark_won(deal=deal, actor=rep)
        elif state == "lost":
            services.deal_mark_lost(deal=deal, actor=rep)


def _acme_deals(tenant):
    manager = _actor("manager@acme.example")
    reps = {"Northwind Traders": _actor("rep@northwind.example"), "Contoso Integration": _actor("rep@contoso.example")}
    products = list(ProductLine.objects.all())
    rng = random.Random(7)
    for index, partner_name, state in PLAN:
        name, domain, country = CUSTOMERS[index]
        partner = Partner.objects.get(name=partner_name)
        deal = services.deal_create(
            partner=partner, actor=reps[partner_name], products=rng.sample(products, 2),
            customer_name=name, customer_website=f"https://www.{domain}", customer_country=country,
            contact_name="Jordan Lee", contact_email=f"jordan.lee@{domain}",
            value=Decimal(rng.randrange(8, 250) * 1000), currency=tenant.currency,
            expected_close_date=date.today() + timedelta(days=rng.randrange(20, 150)), notes="",
        )
        _drive(deal, state, manager, reps[partner_name])


@transaction.atomic
def load_deal_demo():
    for slug in ("acme", "globex"):
        tenant = Tenant.objects.get(slug=slug)
        with tenant_context(tenant):
            for name in PRODUCT_LINES:
                ProductLine.objects.get_or_create(name=name, defaults={"tenant": tenant})
            rules = rules_for(tenant)
            if slug == "acme" and not rules.auto_approve_tiers:
                rules.minimum_value, rules.auto_approve_tiers = Decimal("5000"), ["Gold"]
                rules.save()
            if slug == "acme" and not Deal.objects.exists():
                _acme_deals(tenant)
