"""Deals in any state, made through the services (so audit rows and keys are real).

Every helper needs the deal's tenant in force (`with in_tenant(tenant)` or the `acme` fixture).
"""

import itertools
import os
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from dealreg import services
from dealreg.models import Deal
from dealreg.rules import rules_for
from prm.audit.models import AuditEvent
from prm.outbox.models import OutboundEmail
from tests.factories import tier_named

# Distinct customers: no two share a domain or score >= 0.5 on name similarity, so helper deals never
# conflict with each other unless a test asks for it.
_CUSTOMERS = itertools.cycle([
    "Tailspin Toys", "Litware", "Woodgrove Bank", "Coho Winery", "Lucerne Publishing", "Trey Research",
    "Alpine Ski House", "Humongous Insurance", "Margie's Travel", "Graphic Design Institute",
    "Blue Yonder Airlines", "City Power & Light", "School of Fine Art", "Adatum", "Wingtip", "Relecloud",
    "Bellows College", "Munson's Pickles", "Southridge Video", "Consolidated Messenger", "VanArsdel",
])
_SERIAL = itertools.count(1)

postgres_only = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="needs PostgreSQL (DATABASE_URL)"
)


def deal_fields(**overrides):
    """Valid registration fields for a fresh customer; `overrides` win."""
    name = overrides.get("customer_name") or next(_CUSTOMERS)
    slug = "".join(c for c in name.lower() if c.isalnum())
    domain = f"{slug}{next(_SERIAL)}.example"
    fields = {
        "customer_name": name,
        "customer_website": f"https://www.{domain}/",
        "contact_name": "Jane Buyer",
        "contact_email": f"jane@{domain}",
        "value": Decimal("25000.00"),
        "expected_close_date": timezone.localdate() + timedelta(days=60),
    }
    fields.update(overrides)
    return fields


def make_deal(partner, *, by, status="draft", staff=None, products=(), **overrides):
    """A deal of `partner` registered by user `by`, moved to `status` (decisions by `staff`)."""
    deal = services.deal_create(partner=partner, actor=by, products=products, **deal_fields(**overrides))
    if status == "draft":
        return deal
    if status == "withdrawn":
        return services.deal_withdraw(deal=deal, actor=by)
    deal = services.deal_submit(deal=deal, actor=by)
    if status == "submitted" or deal.status == status:
        return deal
    if status == "more_info":
        return services.deal_request_info(deal=deal, actor=staff, question="Which products?")
    if status == "rejected":
        return services.deal_reject(deal=deal, actor=staff, reason="Not a new opportunity.")
    deal = services.deal_approve(deal=deal, actor=staff)
    if status == "approved":
        return deal
    if status == "won":
        return services.deal_mark_won(deal=deal, actor=by)
    if status == "lost":
        return services.deal_mark_lost(deal=deal, actor=by)
    if status == "expired":
        end_protection(deal)
        return services.deal_expire(deal=refresh(deal))
    raise ValueError(status)


def refresh(deal):
    return Deal.unscoped.select_related("partner", "tenant").get(pk=deal.pk)


def end_protection(deal, *, ago=timedelta(hours=1)):
    """Move the deal's protection end into the past, as if time had passed."""
    Deal.unscoped.filter(pk=deal.pk).update(protected_until=timezone.now() - ago)


def set_rules(tenant, *, auto_approve_tiers=None, **fields):
    """Save the tenant's rules with `fields`; auto_approve_tiers by name (tiers made if missing)."""
    rules = rules_for(tenant)
    for name, value in fields.items():
        setattr(rules, name, value)
    rules.save()
    if auto_approve_tiers is not None:
        rules.auto_approve_tiers.set([tier_named(tenant, name) for name in auto_approve_tiers])
    return rules


def events(deal, verb=None):
    """The deal's audit rows, oldest first."""
    rows = AuditEvent.unscoped.filter(target_type="dealreg.deal", target_id=str(deal.pk)).order_by("id")
    return list(rows.filter(verb=verb) if verb else rows)


def outbox(kind=None, deal=None):
    """(kind, recipients) of the queued emails, oldest first; kind without the "dealreg/email/" prefix.

    With `deal`, only the emails about that deal (every deal email names its reference in the subject).
    """
    rows = OutboundEmail.objects.order_by("id")
    if kind:
        rows = rows.filter(kind=f"dealreg/email/{kind}")
    if deal is not None:
        rows = rows.filter(subject__contains=deal.reference)
    return [(row.kind.removeprefix("dealreg/email/"), row.to) for row in rows]


def recipients(kind, deal=None):
    return sorted(address for _, to in outbox(kind, deal) for address in to)
