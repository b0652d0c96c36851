from datetime import date

import pytest

from partners.training.models import Completion, CompletionStatus, Course, Source
from prm.tenancy.context import tenant_context

from ...factories import tier_named

TODAY = date(2026, 3, 31)


@pytest.fixture
def courses(world):
    """Acme's courses: Sales (12 months, Gold and Silver need it), Firewall (24 months, Silver needs it),
    Cloud (never expires), Retired (switched off, Silver needs it)."""
    acme = world.acme
    with tenant_context(acme):
        gold, silver = tier_named(acme, "Gold"), tier_named(acme, "Silver")
        sales = Course.objects.create(tenant=acme, name="Sales", validity_months=12)
        sales.required_for_tiers.set([gold, silver])
        firewall = Course.objects.create(tenant=acme, name="Firewall", validity_months=24)
        firewall.required_for_tiers.set([silver])
        cloud = Course.objects.create(tenant=acme, name="Cloud")
        retired = Course.objects.create(tenant=acme, name="Retired", is_active=False)
        retired.required_for_tiers.set([silver])
    return {"sales": sales, "firewall": firewall, "cloud": cloud, "retired": retired, "gold": gold, "silver": silver}


def completion(member, course, completed_on, expires_on=None, status=CompletionStatus.APPROVED, **extra):
    """A completion row made directly (the services are tested on their own)."""
    return Completion.unscoped.create(tenant=member.tenant, course=course, user=member.user, partner=member.partner,
                                      completed_on=completed_on, expires_on=expires_on, source=Source.MANAGER,
                                      status=status, **extra)
